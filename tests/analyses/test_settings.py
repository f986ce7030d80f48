"""Run settings, declared once (issue #24): brand.toml and --param, checked once, recorded, flowing everywhere."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from zhongcao import pipeline
from zhongcao.analyses import REGISTRY
from zhongcao.analyses.scenes import SceneAnalysis
from zhongcao.analyses.settings import (
    analysis_params,
    parse_params,
    resolve,
    settings_markdown,
    settings_table,
)
from zhongcao.contract import BrandConfig
from zhongcao.engine import PEOPLE_SKETCH_SIZE, Workspace
from zhongcao.errors import AnalysisError, SettingsError


def test_every_parameter_of_every_analysis_is_in_the_table_with_its_default_and_range() -> None:
    rows = {s.name: s for s in settings_table()}
    for name, entry in REGISTRY.items():
        sig = inspect.signature(entry.factory.__init__).parameters
        for p in sig.values():
            if p.name == "self" or p.name in entry.uses:  # a composed analysis is set by its own name
                continue
            row = rows[f"{name}.{p.name}"]
            assert row.default == p.default
            assert row.doc, f"{name}.{p.name} has no line in its class docstring"
            if p.name in entry.factory._parameter_constraints:
                assert row.range != "any"
    assert rows["min_group_size"].default == 50 and rows["min_group_size"].settable


def test_later_sources_win_and_each_is_recorded() -> None:
    brand = BrandConfig.from_mapping({"settings": {"min_group_size": 60},
                                      "analyses": {"attribution": {"lookback_days": 15, "bootstrap_draws": 50}}})
    s = resolve(brand, parse_params(["attribution.lookback_days=7"]))
    a = s.create("attribution")
    assert (a.lookback_days, a.bootstrap_draws, a.min_group_size) == (7, 50, 60)
    assert s.sources == {"min_group_size": "brand.toml [settings]",
                         "attribution.lookback_days": "command line",
                         "attribution.bootstrap_draws": "brand.toml [analyses.attribution]"}
    # min_group_size reaches every analysis that takes one
    takes = [n for n, e in REGISTRY.items() if "min_group_size" in inspect.signature(e.factory.__init__).parameters]
    assert len(takes) >= 8
    assert all(s.create(n).min_group_size == 60 for n in takes)
    assert s.to_dict()["analyses"] == {"attribution": {"lookback_days": 7, "bootstrap_draws": 50}}


@pytest.mark.parametrize("params, message", [
    (["attribution.lookback_days=14"], "lookback_days=14 must be one of 7, 15, 30, 60"),
    (["attribution.lookbak_days=15"], "has no parameter 'lookbak_days'; its parameters are"),
    (["atribution.lookback_days=15"], "unknown analysis 'atribution'"),
    (["min_group_size=0"], "at least 1"),
    (["min_grup_size=3"], "unknown setting 'min_grup_size'"),
    (["lookback_days=15"], "unknown setting"),  # a stated constant, not settable
    (["kpi=3"], "names an analysis"),
    (["noequals"], "expected NAME=VALUE"),
    (["mmm.period=fortnight"], "command line: MmmAnalysis: parameter period='fortnight'"),
])
def test_a_bad_setting_is_refused_before_any_work_naming_where_it_came_from(params: list[str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        resolve(BrandConfig(), parse_params(params))


def test_a_bad_brand_toml_setting_names_its_table() -> None:
    brand = BrandConfig.from_mapping({"analyses": {"scenes": {"n_scenes": 1}}})
    with pytest.raises(SettingsError, match=r"brand.toml \[analyses.scenes\]: SceneAnalysis: parameter n_scenes=1"):
        resolve(brand)
    with pytest.raises(ValueError, match="must be a table of tables"):
        BrandConfig.from_mapping({"analyses": {"scenes": 3}})


def test_the_mmm_period_in_brand_toml_is_a_run_setting() -> None:
    """``[analyses.mmm] period`` (a stopgap table of its own before the settings table took it over)
    is the mmm analysis's ``period`` parameter; the budget plan composes that same configured model."""
    brand = BrandConfig.from_mapping({"analyses": {"mmm": {"period": "week"}}})
    s = resolve(brand)
    assert s.create("mmm").period == "week" and s.create("budget").mmm.period == "week"
    assert s.sources == {"mmm.period": "brand.toml [analyses.mmm]"}
    assert resolve(brand, {"mmm.period": "day"}).create("mmm").period == "day"  # the command line wins
    for bad, message in ((("period", "month"), "period='month' must be"), (("perod", "week"), "no parameter 'perod'")):
        with pytest.raises(SettingsError, match=message):
            resolve(BrandConfig.from_mapping({"analyses": {"mmm": dict([bad])}}))


def test_values_read_as_toml_and_arrays_become_tuples_where_a_tuple_is_wanted() -> None:
    assert parse_params(["a.b=15", "a.c=0.5", "a.d=week", "a.e=\"x y\"", "a.f=[1, 2]", "a.g=true"]) == {
        "a.b": 15, "a.c": 0.5, "a.d": "week", "a.e": "x y", "a.f": [1, 2], "a.g": True}
    s = resolve(BrandConfig(), parse_params(["mmm.roi_prior=[1.5, 1.0]", "lift.treated=[\"华南\"]"]))
    assert s.create("mmm").roi_prior == (1.5, 1.0)  # MmmAnalysis takes a tuple only
    assert s.create("lift").treated == ["华南"]  # LiftAnalysis takes a list or a tuple: kept as given


def test_a_minimum_group_above_the_sketch_size_is_capped_where_sketches_count_and_said() -> None:
    s = resolve(BrandConfig(), {"min_group_size": 100})
    assert s.create("kpi").min_group_size == 100  # counts of rows: a larger group is applied as given
    assert s.create("scenes").min_group_size == PEOPLE_SKETCH_SIZE
    assert s.create("regions").min_group_size == PEOPLE_SKETCH_SIZE
    assert s.dashboard_min_group_size == PEOPLE_SKETCH_SIZE
    assert s.to_dict()["capped"] == [{"setting": "min_group_size", "value": 100, "applied": PEOPLE_SKETCH_SIZE,
                                      "where": ["dashboard", "scenes", "regions"], "reason": "people_sketch_size"}]
    assert resolve(BrandConfig(), {"min_group_size": 40}).to_dict()["capped"] == []


def test_scenes_refuse_a_minimum_group_their_sketches_cannot_test() -> None:
    """Before: SceneAnalysis(min_group_size=100) ran and suppressed every cell without saying why."""
    with pytest.raises(AnalysisError, match="min_group_size=100"):
        SceneAnalysis(min_group_size=100)._validate_params()


def test_the_journeys_card_publishes_rates_by_the_analysis_minimum_group() -> None:
    """Before: the card hard-coded 50 journeys whatever the analysis's min_group_size."""
    from zhongcao.findings.attribution import _journeys

    flows = pd.DataFrame({"source": ["kol", "kol", "feeds", "feeds"],
                          "target": ["converted", "not converted", "converted", "not converted"],
                          "journeys": [10.0, 20.0, 5.0, 5.0]})
    strict = SimpleNamespace(flows_=flows, min_group_size=50)
    loose = SimpleNamespace(flows_=flows, min_group_size=10)
    assert _journeys(strict) is None  # 30 and 10 journeys: under 50, no rate published
    card = _journeys(loose)
    assert card is not None and card.evidence.numbers["best_end_rate"] == pytest.approx(0.5)


def test_findings_record_the_settings_and_the_report_states_the_minimum_group(tiny_ws: Path, tmp_path: Path) -> None:
    from zhongcao.report import write_report

    doc = pipeline.findings(Workspace(tiny_ws), ["kpi"], params={"min_group_size": 70})
    assert doc["settings"]["min_group_size"] == 70 and doc["settings"]["sources"] == {"min_group_size": "command line"}
    assert doc["analyses"]["kpi"]["params"]["min_group_size"] == 70
    html = write_report(doc, tmp_path / "r.html", "en").read_text(encoding="utf-8")
    assert "groups of fewer than 70 people" in html
    assert "applied as 64" in html  # the cap is said in the methods section
    default = pipeline.findings(Workspace(tiny_ws), ["kpi"])
    assert "groups of fewer than 50 people" in write_report(default, tmp_path / "d.html", "en").read_text("utf-8")


def test_rerun_with_an_edited_brand_toml_applies_its_settings(tiny_dir: Path, tmp_path: Path) -> None:
    """Before: re-ingesting the same folder with only brand.toml edited kept the settings of the first load
    (the workspace stored brand.toml only when rows changed). Settings now come from the folder's brand.toml."""
    out = tmp_path / "out"
    first = json.loads(pipeline.run(tiny_dir, out).findings_path.read_text(encoding="utf-8"))
    assert first["settings"]["min_group_size"] == 50
    brand = tiny_dir / "brand.toml"
    brand.write_text(brand.read_text(encoding="utf-8") + "\n[settings]\nmin_group_size = 60\n\n"
                     "[analyses.kpi]\nrecent_days = 14\n", encoding="utf-8")
    second = json.loads(pipeline.run(tiny_dir, out).findings_path.read_text(encoding="utf-8"))
    assert second["settings"]["min_group_size"] == 60
    assert second["analyses"]["kpi"]["params"] == {"min_group_size": 60, "recent_days": 14, "bootstrap_draws": 2000}
    assert second["settings"]["sources"]["kpi.recent_days"] == "brand.toml [analyses.kpi]"


def test_a_composed_analysis_parameter_is_not_a_setting() -> None:
    for name in REGISTRY:
        for row in analysis_params(name):
            assert "Analysis" not in row.type, row  # set through the composed analysis's own name


def test_docs_settings_table_is_generated_from_the_code() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
    assert doc.read_text(encoding="utf-8") == settings_markdown(), (
        "docs/settings.md is stale: regenerate it with "
        "python -c 'from zhongcao.analyses.settings import settings_markdown as m; print(m(), end=\"\")' > docs/settings.md")
