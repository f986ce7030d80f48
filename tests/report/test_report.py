"""The report is one self-contained file: no network needed, zh by default, en one click away.

These tests read the HTML as text; tests/web/test_browser.py opens it in Chromium.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from zhongcao import pipeline
from zhongcao.report import ECHARTS_VERSION, render_report
from zhongcao.report.sections import SECTIONS

ISSUE_SECTIONS = ("overview", "funnel", "lost", "segments", "scenes", "creators", "roi", "budget", "safety",
                  "trends", "methods")


@pytest.fixture(scope="module")
def tiny_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path_factory.mktemp("report")
    shutil.copytree(FIXTURES / "tiny", root / "tiny")
    return pipeline.run(root / "tiny", root / "out").document


def test_report_is_self_contained_and_small(tiny_dir: Path, tmp_path: Path) -> None:
    result = pipeline.run(tiny_dir, tmp_path / "out")
    html = result.report_path.read_text(encoding="utf-8")
    # Nothing fetched at open time: no external scripts, styles, fonts or images.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""url\(\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "<link" not in html
    assert "<script src" not in html
    assert "echarts" in html and ECHARTS_VERSION in html
    assert result.report_path.stat().st_size < 5 * 2**20
    assert 'lang="zh-CN"' in html and 'data-lang="zh"' in html


def test_both_languages_are_embedded_and_zh_comes_first(tiny_doc: dict[str, Any]) -> None:
    html = render_report(tiny_doc)
    for f in tiny_doc["findings"]:
        for lang in ("zh", "en"):
            assert str(escape(f["title"][lang])) in html, f["id"]
            assert str(escape(f["action"][lang])) in html, f["id"]
    english = render_report(tiny_doc, "en")
    assert 'data-lang="en"' in english and 'id="lang-toggle"' in english


def test_every_section_of_the_issue_is_there(tiny_doc: dict[str, Any]) -> None:
    html = render_report(tiny_doc)
    for key in ISSUE_SECTIONS:
        assert key in SECTIONS
        assert f'id="section-{key}"' in html, key
    assert "not-run" in html  # sections whose analyses have not landed say so


def _cards(html: str) -> list[tuple[str, float]]:
    return [(m[0], float(m[1])) for m in re.findall(r'<article class="card" id="([^"]+)"[^>]*data-money="([^"]+)"', html)]


def test_cards_are_ordered_by_what_to_act_on_within_each_section(tiny_doc: dict[str, Any]) -> None:
    """Alerts, measured effects, estimates by money × confidence weight, descriptive counts last
    (findings/priority.py), in every section; each card's order label says why on hover."""
    from zhongcao.findings.priority import priority

    html = render_report(tiny_doc)
    assert {c for c, _ in _cards(html)} == {f["id"] for f in tiny_doc["findings"]}
    keys = {f["id"]: priority(f).key for f in tiny_doc["findings"]}
    for section in re.split(r'<section class="section"', html)[1:]:
        order = [keys[c] for c, _ in _cards(section)]
        assert order == sorted(order)
    assert html.count('class="tier tier-') >= len(tiny_doc["findings"])
    assert "money at stake × a confidence weight" in html


def test_every_chart_has_its_table_as_text_alternative(tiny_doc: dict[str, Any]) -> None:
    html = render_report(tiny_doc)
    charts = re.findall(r'<div class="chart" data-chart="([^"]+)" role="img" aria-label="[^"]+"[^>]*'
                        r'aria-describedby="([^"]+)"', html)
    assert charts
    for _, table_id in charts:
        assert f'<table id="{table_id}">' in html
    assert len(charts) == html.count('class="chart"')


def _synthetic(doc: dict[str, Any]) -> dict[str, Any]:
    """A finding from an analysis that has not landed yet, with chart kinds beyond the KPI ones."""
    doc = copy.deepcopy(doc)
    base = doc["findings"][0]
    rows = [{"scene": s, "region": r, "users": i * 10 + j, "share": 0.1 * j}
            for i, s in enumerate(["通勤", "运动"]) for j, r in enumerate(["广东", "北京", "上海"])]
    for kind, fid, analysis in (("heatmap", "scenes.heat", "scenes"), ("sankey", "lost.flow", "lost"),
                                ("scatter", "creators.value", "creators"), ("bar", "future.thing", "future")):
        f = copy.deepcopy(base)
        f.update(id=fid, analysis=analysis, money_at_stake=1.0,
                 evidence={"numbers": {}, "rows": rows, "columns": list(rows[0])},
                 chart={"kind": kind, "x": "scene" if kind != "scatter" else "users",
                        "y": ["region", "users"] if kind in ("heatmap", "sankey") else ["share"],
                        "title": {"zh": f"图 {kind}", "en": f"Chart {kind}"}})
        doc["findings"].append(f)
    return doc


def test_findings_of_any_analysis_render_generically(tiny_doc: dict[str, Any]) -> None:
    html = render_report(_synthetic(tiny_doc))
    data = json.loads(re.search(r'<script type="application/json" id="zc-data">(.*?)</script>', html, re.S)[1])
    for fid, kind in (("scenes.heat", "heatmap"), ("lost.flow", "sankey"), ("creators.value", "scatter")):
        assert data["charts"][fid]["kind"] == kind
    sections = dict(re.findall(r'id="section-(\w+)"(.*?)(?=<section class="section"|</main>)', html, re.S))
    assert 'id="scenes.heat"' in sections["scenes"]
    assert 'id="lost.flow"' in sections["lost"]
    assert 'id="creators.value"' in sections["creators"]
    assert 'id="future.thing"' in sections["other"]


def test_no_ui_text_inline_in_the_template() -> None:
    """Every visible string comes from messages.toml: strip tags and Jinja, nothing wordy remains."""
    template = resources.files("zhongcao.report").joinpath("templates", "report.html.j2").read_text(encoding="utf-8")
    body = template.split("<body>", 1)[1]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]+>", " ", body, flags=re.S)
    assert not re.findall(r"[A-Za-z\u4e00-\u9fff]{2,}", text)


def test_message_catalogue_has_every_key_in_both_languages() -> None:
    cat = tomllib.loads(resources.files("zhongcao.report").joinpath("messages.toml").read_text(encoding="utf-8"))
    assert set(cat) == {"zh", "en"}
    assert set(cat["zh"]) == set(cat["en"])
    for key in SECTIONS:
        assert f"section_{key}" in cat["zh"]


def test_vendored_echarts_is_pinned_and_licensed() -> None:
    vendor = resources.files("zhongcao.report").joinpath("vendor")
    assert "Apache License" in vendor.joinpath("ECHARTS-LICENSE.txt").read_text(encoding="utf-8")
    assert f'version="{ECHARTS_VERSION}"' in vendor.joinpath("echarts.min.js").read_text(encoding="utf-8")


def test_methods_section_shows_each_text_analysis_term_quality(tiny_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(tiny_doc)
    doc["analyses"]["scenes"] = {"params": {}, "error": None, "results": {"term_quality": {
        "terms": 40, "bad": 2, "share_bad": 0.05, "reasons": {"fragment": 1, "generic": 1, "template": 0},
        "examples": {"fragment": ["盒大"], "generic": ["一天"]}}}}
    html = render_report(doc)
    methods = html.split('id="section-methods"')[1]
    assert "词语质量" in methods and "Term quality" in methods
    # Per analysis, in both languages, with the reasons from the catalogue (a zero count is not listed).
    assert "场景：报告 40 个词，其中 2 个有问题（5%）：词的碎片 1、泛用词 1" in methods
    assert "Scenes: 40 terms reported, 2 bad (5%): fragment 1, generic word 1" in methods
    assert "单人模板" not in methods
