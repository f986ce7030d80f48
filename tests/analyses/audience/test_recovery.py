"""Recovery on the writing-course world: competitors and pain points read from truth.json."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongcao import pipeline
from zhongcao.analyses.audience import LostLeadAnalysis, SegmentAnalysis
from zhongcao.engine import Workspace
from zhongcao.errors import AnalysisError, InsufficientDataError
from zhongcao.findings.audience import lost_findings, segment_findings
from zhongcao.findings.document import build_document

pytestmark = pytest.mark.slow


def _offer_of(row_terms: list[str], words: dict[str, list[str]]) -> str | None:
    for name, ws in words.items():
        if any(w in t or t in w for w in ws for t in row_terms[:3]):
            return name
    return None


def _check_competitors(ws, truth) -> None:  # type: ignore[no-untyped-def]
    planted = truth["lost_leads"]
    lost = LostLeadAnalysis().fit(ws)
    comp = lost.competitors_
    print(comp[["offer", "terms", "known", "tgi", "tgi_low", "tgi_high", "lost_touches"]].to_string())
    top_two = {_offer_of(list(t), planted["words"]) for t in comp["terms"].head(2)}
    assert top_two == set(planted["competitors_over_indexed"])
    assert all(comp.head(2)["over_indexed"]) and all(~comp.head(2)["known"])
    for name in planted["competitors_not_over_indexed"]:
        rows = comp[[_offer_of(list(t), {name: planted["words"][name]}) == name for t in comp["terms"]]]
        assert not rows["over_indexed"].any(), rows
    assert lost.counts_["lost"] > 0 and lost.counts_["leads_not_in_panel"] == 0


def test_top_two_competitors_are_the_planted_substitutes(writing_world) -> None:  # type: ignore[no-untyped-def]
    _, ws, truth = writing_world
    _check_competitors(ws, truth)


@pytest.mark.sweep  # 100k users: minutes; make test-slow (and CI) run it
def test_competitors_hold_on_a_larger_world_with_another_seed(tmp_path: Path) -> None:
    """100k users, seed 1: comparison notes name 网课 and 线下书法班 together, which once glued
    the two offers into one group; they must stay apart (their TGIs differ)."""
    import json

    from zhongcao.simulate import simulate

    simulate("writing-course", tmp_path / "in", users=100_000, seed=1)
    pipeline.ingest(tmp_path / "in", tmp_path / "ws", marts=LostLeadAnalysis.marts)
    truth = json.loads((tmp_path / "in" / "truth.json").read_text(encoding="utf-8"))
    _check_competitors(Workspace(tmp_path / "ws"), truth)


def test_grade_pain_points_recover_planted_themes(writing_world) -> None:  # type: ignore[no-untyped-def]
    _, ws, truth = writing_world
    planted: dict[str, list[str]] = truth["pain_points"]
    groups = {}
    for label in [*planted, "3"]:
        lo, _, hi = label.partition("-")
        for g in range(int(lo), int(hi or lo) + 1):
            groups[str(g)] = label
    seg = SegmentAnalysis(attribute="child_grade", value_groups=groups).fit(ws)
    for label, words in planted.items():
        top = seg.terms_[seg.terms_["segment"] == label]["term"].head(10).tolist()
        themes = seg.themes_[seg.themes_["segment"] == label]["theme"].head(5).tolist()
        print(label, "terms:", top, "themes:", themes)
        assert len(set(words) & set(top)) >= 2
        assert set(words) & set(themes)
        others = {w for k, v in planted.items() if k != label for w in v}
        assert not others & set(top)


def test_findings_validate_and_speak_both_languages(writing_world) -> None:  # type: ignore[no-untyped-def]
    _, ws, _ = writing_world
    lost, seg = LostLeadAnalysis().fit(ws), SegmentAnalysis().fit(ws)
    found = lost_findings(lost) + segment_findings(seg)
    assert {f.id for f in found} >= {"lost.overview", "lost.competitors"}
    assert any(f.id.startswith("segments.pain_points.") for f in found)
    assert all(f.title.zh and f.title.en for f in found)
    build_document(ws.brand, {"lost": lost, "segments": seg})  # validates against the schema


def test_window_definition_and_bad_parameters(writing_world) -> None:  # type: ignore[no-untyped-def]
    _, ws, _ = writing_world
    lost = LostLeadAnalysis(definition="window", window_days=14).fit(ws)
    assert lost.counts_["lost"] + lost.counts_["converted"] == lost.counts_["leads"]
    with pytest.raises(AnalysisError):
        LostLeadAnalysis(definition="maybe").fit(ws)
    with pytest.raises(AnalysisError):
        SegmentAnalysis(attribute="shoe_size").fit(ws)


def test_unmatched_leads_and_tiny_segments(writing_world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src, _, _ = writing_world
    folder = tmp_path / "input"
    shutil.copytree(src, folder)
    leads = pq.read_table(folder / "leads.parquet")
    ids = leads.column("user_id").to_pylist()
    for i in range(60):
        ids[i] = f"nobody{i}"  # leads whose user is not in the platform panel
    pq.write_table(leads.set_column(leads.schema.get_field_index("user_id"), "user_id", pa.array(ids)),
                   folder / "leads.parquet")
    users = pq.read_table(folder / "users.parquet")
    club = np.where(np.arange(users.num_rows) < 3, "rare", np.where(np.arange(users.num_rows) % 2, "a", "b"))
    pq.write_table(users.append_column("club", pa.array(club)), folder / "users.parquet")
    pipeline.ingest(folder, tmp_path / "ws")
    ws = Workspace(tmp_path / "ws")
    lost = LostLeadAnalysis().fit(ws)
    assert lost.counts_["leads_not_in_panel"] == 60
    seg = SegmentAnalysis(attribute="club").fit(ws)
    assert seg.suppressed_ == ["rare"]
    assert ("rare" not in set(seg.terms_["segment"]) and "rare" not in seg.sizes_) or seg.sizes_["rare"] == 3
    found = segment_findings(seg)
    note = [f for f in found if f.id == "segments.suppressed"]
    assert note and "rare" in note[0].summary.en and "50" in note[0].title.en
    with pytest.raises(InsufficientDataError):
        SegmentAnalysis(attribute="club", value_groups={"rare": "rare", "a": "a"}).fit(ws)
