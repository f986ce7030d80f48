"""The report is one self-contained file: no network needed, zh by default, en on request."""

from __future__ import annotations

import re
from pathlib import Path

from zhongcao import pipeline
from zhongcao.report import render_report


def test_report_is_self_contained_and_bilingual(tiny_dir: Path, tmp_path: Path) -> None:
    result = pipeline.run(tiny_dir, tmp_path / "out")
    html = result.report_path.read_text(encoding="utf-8")
    # Nothing fetched at open time: no external scripts, styles, fonts or images.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html
    assert 'lang="zh-CN"' in html
    for f in result.document["findings"]:
        assert f["title"]["zh"].replace("&", "&amp;") in html
    english = render_report(result.document, "en")
    assert 'lang="en"' in english
    assert result.document["findings"][0]["title"]["en"] in english
    assert "<svg" in html  # charts are inline
    assert result.findings_path.exists()
