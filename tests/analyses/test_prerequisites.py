"""Declared prerequisites: the registry, the unlock messages and the findings builders agree."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from zhongcao.analyses.prerequisites import AnyOf, AtLeast, Facts, HasTable, Setting
from zhongcao.analyses.registry import REGISTRY, SECTIONS, assess
from zhongcao.engine.facts import MEASURES
from zhongcao.findings import BUILDERS, need_text
from zhongcao.findings.capabilities import analysis_title
from zhongcao.findings.text import catalogue


def test_every_registered_analysis_has_one_findings_builder() -> None:
    assert set(BUILDERS) == set(REGISTRY)
    for name, entry in REGISTRY.items():
        assert entry.factory.name == name  # type: ignore[attr-defined]
        assert entry.section in SECTIONS
        for card in entry.cards:
            assert card.startswith(f"{name}."), card
        assert analysis_title(name).zh != name, f"{name} has no zh/en title in the prerequisites catalogue"


def _leaves(reqs: tuple) -> list:
    out = []
    for r in reqs:
        out += [x for g in r.options for x in _leaves(g)] if isinstance(r, AnyOf) else [r]
    return out


def test_every_requirement_has_an_unlock_message() -> None:
    cat = catalogue("prerequisites")
    for name, entry in REGISTRY.items():
        for r in _leaves(entry.requires) + [x for reqs in entry.cards.values() for x in _leaves(reqs)]:
            if isinstance(r, AtLeast):
                assert r.measure in MEASURES, (name, r)
                assert r.measure in cat["measure"], f"{name}: no message for measure {r.measure}"
            elif isinstance(r, Setting):
                assert r.name in cat["setting"], f"{name}: no message for setting {r.name}"
            else:
                assert isinstance(r, HasTable)


def test_nothing_runs_on_nothing_and_each_says_what_unlocks_it() -> None:
    caps = assess(Facts())
    for name, cap in caps.items():
        assert not cap.runs, name
        for need in cap.missing:
            text = need_text(need)
            assert text.zh and text.en and "{" not in text.zh + text.en, (name, need)


def test_a_tmall_order_report_alone() -> None:
    """One platform, anonymous buyers, 27 days: a GMV overview and no repurchase, split or trend card."""
    facts = Facts(rows={"orders": 18955}, columns={"orders": frozenset({"order_id", "user_id", "amount", "region"})},
                  measures={"order_platforms": 1, "buyers": 18955, "repeat_buyers": 0, "activity_days": 27,
                            "order_weeks": 5, "region_orders": 18955})
    caps = assess(facts)
    assert caps["kpi"].runs and caps["kpi"].partial
    assert {"kpi.platform_split", "kpi.repurchase", "kpi.trend"} <= set(caps["kpi"].cards)
    assert "kpi.regions" not in caps["kpi"].cards
    assert not caps["repurchase"].runs
    assert "repeat across orders" in need_text(caps["repurchase"].missing[0]).en
    # The missing table is the instruction; its own measures are not repeated after it.
    assert [n.key for n in caps["mmm"].missing] == ["table", "measure.order_weeks"]


@pytest.mark.parametrize("name", ["prerequisites", "kpi", "audience", "creators", "benchmarks", "scenes",
                                  "repurchase", "mmm", "budget", "attribution", "safety", "trends"])
def test_catalogue_prose_is_category_neutral(name: str) -> None:
    """Templates are shared by every brand: no advice that only fits one world (体验课 on earbuds)."""
    text = resources.files("zhongcao.findings").joinpath("catalogue", f"{name}.toml").read_text(encoding="utf-8")
    tomllib.loads(text)
    for word in ("体验课", "试听", "你的课", "字帖", "耳机", "徒步", "登山"):
        assert not re.search(word, text), f"{name}.toml speaks of {word}"
