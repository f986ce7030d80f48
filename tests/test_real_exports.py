"""Real partial exports (../shared/data): import + run, and the output must be sound.

A brand rarely has every table. These runs use files nobody here wrote: a Tmall order report,
a 500-note crawler export with comments, a 新红 creator list (4,997 creators) and note summaries
without dates. They skip with a reason where ../shared is absent (a user's clone).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import shared_data
from zhongcao import pipeline
from zhongcao.analyses.registry import REGISTRY
from zhongcao.contract import PLATFORMS
from zhongcao.engine import Workspace
from zhongcao.ingest.importers import import_files

# Words that must never appear in a finding's prose: a number that is not one, or an unbounded ratio.
BAD_WORDS = re.compile(r"\b(nan|NaN|None|null|inf|Infinity)\b|∞")
# A zero stated as news ("0 条线索…", "0 个…分组未公布", "共比较 0 个"); money (¥0.00) is not a count.
ZERO_NEWS = re.compile(r"(?<![\d.,¥%])0 ?(条|个|位|篇|家)|(?<![\d.,¥$])\b0 (leads?|groups?|group\(s\)|compared|"
                       r"creators?|accounts?|province\(s\)|competitors?)\b")


def finding_texts(doc: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for f in doc["findings"]:
        for part in ("title", "summary", "action"):
            for lang in ("zh", "en"):
                out.append((f"{f['id']}.{part}.{lang}", f[part][lang]))
        for lang in ("zh", "en"):
            out.append((f"{f['id']}.confidence.{lang}", f["confidence"]["statement"][lang]))
    return out


def assert_sound(doc: dict[str, Any]) -> None:
    """No NaN/∞/None in any finding, no zero stated as news, every card's prerequisites met."""
    for where, text in finding_texts(doc):
        assert not BAD_WORDS.search(text), f"{where}: {text}"
        assert not ZERO_NEWS.search(text), f"zero stated as news in {where}: {text}"
    caps = doc["capabilities"]
    for f in doc["findings"]:
        cap = caps[f["analysis"]]
        assert cap["status"] in ("runs", "partial"), f"{f['id']} from an analysis that could not run"
        assert f["id"] not in cap["cards"], f"{f['id']} shown although its prerequisites are unmet"
        if cap["status"] == "partial":
            assert f["confidence"]["level"] != "high", f"{f['id']}: 'high' over partial data"
    for name, cap in caps.items():
        if cap["status"] == "missing":
            assert cap["unlock"], f"{name} cannot run but says nothing about what would unlock it"
            assert doc["analyses"][name]["error"], name


@pytest.fixture(scope="module")
def issue_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Any]:
    """The issue's command: import auto the three files with --year 2024, then run."""
    files = [shared_data("tmall", "tmall_order_report.csv"), shared_data("xhs", "matching_records_filtered_500.csv"),
             shared_data("xhs", "xinhong_kol_stats_redacted.csv")]
    root = tmp_path_factory.mktemp("issue")
    report = import_files(files, root / "in", year=2024)
    result = pipeline.run(root / "in", root / "out")
    return result.document, root, report


def test_issue_run_is_sound(issue_run: tuple[dict[str, Any], Path, Any]) -> None:
    doc, _, _ = issue_run
    assert_sound(doc)
    ids = [f["id"] for f in doc["findings"]]
    # Ordered by what to act on (findings/priority.py: estimates before descriptive counts such as this
    # spend-less overview); nothing from a missing prerequisite is ranked.
    from zhongcao.findings.priority import priority

    keys = [priority(f).key for f in doc["findings"]]
    assert keys == sorted(keys)
    assert "kpi.overview" in ids
    assert "kpi.platform_split" not in ids and "kpi.repurchase" not in ids
    assert {"benchmarks.prices", "benchmarks.shortlist", "scenes.overview", "kpi.regions"} <= set(ids)
    overview = next(f for f in doc["findings"] if f["id"] == "kpi.overview")
    assert "ROI" not in overview["title"]["en"] and "no spend loaded" in overview["summary"]["en"]
    assert overview["confidence"]["level"] == "descriptive"
    assert doc["capabilities"]["repurchase"]["status"] == "missing"
    assert any("repeat across orders" in u["en"] for u in doc["capabilities"]["repurchase"]["unlock"])
    assert doc["capabilities"]["mmm"]["status"] == "missing"
    html = (issue_run[1] / "out" / "report.html").read_text(encoding="utf-8")
    assert "你的数据能回答什么" in html and "What your data can answer" in html


def test_totals_match_the_source_files(issue_run: tuple[dict[str, Any], Path, Any]) -> None:
    doc, _, _ = issue_run
    raw = pd.read_csv(shared_data("tmall", "tmall_order_report.csv")).rename(columns=str.strip)
    paid = raw[raw["订单付款时间"].notna() & (raw["买家实际支付金额"] > 0)]
    totals = doc["analyses"]["kpi"]["results"]["totals"]
    assert totals["orders"] == len(paid)
    assert totals["gmv"] == pytest.approx(float(paid["买家实际支付金额"].sum()), rel=1e-9)
    creators = pd.read_csv(shared_data("xhs", "xinhong_kol_stats_redacted.csv"))
    assert doc["analyses"]["benchmarks"]["results"]["coverage"]["creators"] == creators["poster_id"].nunique()
    prices = next(f for f in doc["findings"] if f["id"] == "benchmarks.prices")
    quoted = pd.to_numeric(creators["图文报价"], errors="coerce")
    assert prices["evidence"]["numbers"]["quoted"] == int((quoted > 0).sum())


def test_platforms_are_canonical_codes(issue_run: tuple[dict[str, Any], Path, Any]) -> None:
    _, root, _ = issue_run
    platforms = set(Workspace(root / "out" / "workspace").staged("orders", ("platform",)).to_pandas()["platform"])
    assert platforms <= set(PLATFORMS)


def test_creator_list_alone_gives_creator_findings(tmp_path: Path) -> None:
    import_files([shared_data("xhs", "xinhong_kol_stats_redacted.csv")], tmp_path / "in")
    doc = pipeline.run(tmp_path / "in", tmp_path / "out").document
    assert_sound(doc)
    ids = {f["id"] for f in doc["findings"]}
    assert {"benchmarks.prices", "benchmarks.outliers", "benchmarks.suspicious", "benchmarks.viral",
            "benchmarks.followers", "benchmarks.shortlist"} <= ids
    suspicious = next(f for f in doc["findings"] if f["id"] == "benchmarks.suspicious")
    for row in suspicious["evidence"]["rows"]:  # each flag carries its evidence: value, norm, z
        assert row["signals"]
        z = row["engagement_per_follower_z"] if "low_engagement" in row["signals"] else row["likes_per_collect_z"]
        assert abs(z) >= 3.5
    # 新红 writes 0 for "no CPE": read as missing, not as a free creator.
    staged = Workspace(tmp_path / "out" / "workspace").staged("creators").to_pandas()
    assert (pd.to_numeric(staged["image_cpe"], errors="coerce") == 0).sum() == 0
    assert staged["image_cpe"].isna().mean() > 0.7
    assert {"viral_notes", "commercial_notes", "follower_interests"} <= set(staged.columns)


def test_crawler_export_keeps_comments_and_dates_from_its_own_ids(tmp_path: Path) -> None:
    path = shared_data("xhs", "matching_records_filtered_500.csv")
    report = import_files([path], tmp_path / "in")
    raw = pd.read_csv(path, dtype=str)
    comments = pd.read_csv(tmp_path / "in" / "comments.csv", dtype=str)
    counts = raw["post_comment_content"].fillna("").map(lambda s: len([p for p in re.split("#{2,}", s) if p.strip()]))
    # A note crawled twice has the same comments (ids <note>#<n>): one set per note.
    assert len(comments) == int(counts.groupby(raw["post_id"]).max().sum())
    assert comments["comment_id"].is_unique and comments["note_id"].isin(raw["post_id"]).all()
    notes = pd.read_csv(tmp_path / "in" / "notes.csv", dtype=str)
    published = pd.to_datetime(notes["published_at"])
    # No row is dated after the crawl (June 2024, in the notes' ids), whatever today's date is.
    assert published.max() <= pd.Timestamp("2024-06-30")
    note = next(n for n in report.files[0].notes if n.startswith("post_date"))
    assert "note id" in note and "written out" not in note


def test_summaries_without_a_date_are_kept(tmp_path: Path) -> None:
    path = shared_data("xhs", "clustered_summaries_post_text.csv")
    import_files([path], tmp_path / "in")
    notes = pd.read_csv(tmp_path / "in" / "notes.csv", dtype=str)
    assert len(notes) == pd.read_csv(path, dtype=str)["post_id"].nunique()


def test_ingest_groups_repeated_warnings(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from zhongcao.cli.main import app

    import_files([shared_data("xhs", "xinhong_kol_stats_redacted.csv")], tmp_path / "in")
    out = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--workspace", str(tmp_path / "ws")])
    assert out.exit_code == 0, out.output
    region = [line for line in out.output.splitlines() if "column 'region'" in line and "value(s)" in line]
    assert len(region) == 1, out.output  # one grouped line, with a count and an example
    assert "What your data can answer" in out.output or "你的数据能回答什么" in out.output


def test_findings_json_of_the_issue_run_is_valid_json(issue_run: tuple[dict[str, Any], Path, Any]) -> None:
    _, root, _ = issue_run
    text = (root / "out" / "findings.json").read_text(encoding="utf-8")
    json.loads(text)
    assert set(json.loads(text)["capabilities"]) == set(REGISTRY)
