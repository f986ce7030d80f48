"""The analyses `zhongcao run`, `zhongcao analyze NAME` and `zhongcao check` know about, declared once.

One :class:`Entry` per analysis: its name, class, description, report section, the data it
needs to run at all (``requires``) and the extra data each of its cards needs (``cards``,
finding id → requirements; see ``prerequisites.py``). The findings layer keys its builders by
the same name (``findings/builders.py``; a test checks both lists match), so adding an analysis
is one entry here and one findings module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.analyses.audience import LostLeadAnalysis, SegmentAnalysis
from zhongcao.analyses.base import Analysis
from zhongcao.analyses.benchmarks import BenchmarkAnalysis
from zhongcao.analyses.budget import BudgetAnalysis
from zhongcao.analyses.creators import CreatorAnalysis
from zhongcao.analyses.kpi import KpiAnalysis
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.analyses.prerequisites import (
    AnyOf,
    AtLeast,
    Capability,
    Facts,
    HasTable,
    Requirement,
    Setting,
    assess_one,
)
from zhongcao.analyses.repurchase import RepurchaseAnalysis
from zhongcao.analyses.safety import SafetyAnalysis
from zhongcao.analyses.scenes import LiftAnalysis, RegionAnalysis, SceneAnalysis
from zhongcao.analyses.trends import TrendAnalysis
from zhongcao.errors import AnalysisError

SECTIONS: tuple[str, ...] = (
    "overview", "funnel", "lost", "segments", "scenes", "creators", "roi", "budget", "safety", "trends", "other",
)
"""The report's sections, in order (the methods section closes every report)."""


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[[], Analysis]
    description: str
    section: str
    requires: tuple[Requirement, ...] = ()
    cards: Mapping[str, tuple[Requirement, ...]] = field(default_factory=dict)
    uses: Mapping[str, str] = field(default_factory=dict)  # parameter -> the registered analysis it composes

    def __post_init__(self) -> None:
        if self.section not in SECTIONS:
            raise ValueError(f"{self.name}: unknown report section {self.section!r}; sections are {SECTIONS}")

    @property
    def marts(self) -> tuple[str, ...]:
        return tuple(self.factory.marts)  # type: ignore[attr-defined]

    @property
    def user_tables(self) -> tuple[str, ...]:
        return tuple(self.factory.user_tables)  # type: ignore[attr-defined]

    def assess(self, facts: Facts) -> Capability:
        return assess_one(self.name, self.requires, self.cards, facts)


_ORDERS = HasTable("orders")
_SPEND = HasTable("spend")
_NOTES = HasTable("notes")
_TOUCHES = HasTable("exposures")
_TEXT_NOTES = AtLeast("notes_with_text", 24)  # the scene model's floor: max(20, 3 × 8 scenes)
_MMM = (_SPEND, _ORDERS, AtLeast("spend_weeks", 26), AtLeast("order_weeks", 26))  # diagnostics.min_periods

REGISTRY: dict[str, Entry] = {
    e.name: e
    for e in (
        Entry("kpi", KpiAnalysis, "Spend, reach, engagement, leads, orders, GMV, ROI, repurchase, NPS, AIPS funnel.",
              "overview",
              requires=(AnyOf.of(_SPEND, _ORDERS, HasTable("leads"), _TOUCHES),),
              cards={"kpi.regions": (_ORDERS, AtLeast("region_orders", 100)),
                     "kpi.platform_split": (_ORDERS, AtLeast("order_platforms", 2)),
                     "kpi.channel_efficiency": (_SPEND, AtLeast("spend_channels", 2), _TOUCHES),
                     "kpi.repurchase": (_ORDERS, AtLeast("repeat_buyers", 1)),
                     "kpi.nps": (HasTable("surveys"),),
                     "kpi.funnel": (_TOUCHES,),
                     "kpi.trend": (_ORDERS, AtLeast("activity_days", 56))}),
        Entry("lost", LostLeadAnalysis, "Lost leads: profile, post-lead engagement, real competitors ranked by TGI.",
              "lost",
              requires=(HasTable("leads"), AtLeast("lost_leads", 1),
                        AnyOf.of(AtLeast("won_leads", 1), AtLeast("lead_buyers", 1)), _TOUCHES)),
        Entry("attribution", AttributionAnalysis,
              "Cross-platform attribution (7 models), ROI, mid-funnel, lift study.", "roi",
              requires=(AnyOf.of(_ORDERS, AtLeast("won_leads", 1)), _TOUCHES, AtLeast("touched_conversions", 1)),
              cards={"attribution.lift": (AtLeast("holdout_users", 1),)}),
        Entry("creators", CreatorAnalysis, "Creators: profile, genuine use, soft ads, fake engagement, shortlist.",
              "creators",
              requires=(_NOTES,),
              cards={"creators.incremental": (HasTable("users"), _TOUCHES, _ORDERS),
                     "creators.genuine": (Setting("name"),),
                     "creators.fake_engagement": (HasTable("comments"),),
                     "creators.shortlist": (AtLeast("creators_quoted", 1),)}),
        Entry("benchmarks", BenchmarkAnalysis,
              "Creator list: price benchmarks per tier and category, CPE/CPM and engagement against peers, "
              "suspicious accounts, shortlist under budget.", "creators",
              requires=(HasTable("creators"), AtLeast("creators_listed", 30)),
              cards={"benchmarks.prices": (AtLeast("creators_quoted", 30),),
                     "benchmarks.shortlist": (AtLeast("creators_quoted", 1),)}),
        Entry("trends", TrendAnalysis, "Trends: rising terms, scenes and queries week over week (weekly digest).",
              "trends", requires=(_NOTES, AtLeast("note_weeks", 9))),
        Entry("safety", SafetyAnalysis, "Brand safety: negative mentions by day, coordinated attacks.", "safety",
              requires=(_NOTES, Setting("name"), AtLeast("brand_mentions", 1))),
        Entry("segments", SegmentAnalysis, "Segment pain points: distinguishing terms and themes per segment.",
              "segments",
              requires=(HasTable("users"), AtLeast("panel_users", 100),
                        AnyOf.of(HasTable("comments"), AtLeast("searches", 1)))),
        Entry("mmm", MmmAnalysis, "Marketing-mix model: ROI, carry-over and long-term omni-channel ROI per channel.",
              "roi", requires=_MMM, uses={"repurchase": "repurchase"}),
        Entry("budget", BudgetAnalysis, "Budget plan: response curves, marginal ROI, optimal split, scenarios.",
              "budget", requires=_MMM, uses={"mmm": "mmm"}),
        Entry("repurchase", RepurchaseAnalysis, "Repurchase by cohort and platform; BG/NBD + Gamma-Gamma value.",
              "roi", requires=(_ORDERS, AtLeast("buyers", 10), AtLeast("repeat_buyers", 1))),
        Entry("scenes", SceneAnalysis, "Life scenes mined from notes: persona × scene TGI, unplanned uses.",
              "scenes", requires=(_NOTES, _TEXT_NOTES),
              # "unplanned" means far from the story the brand tells: without one, every scene is far.
              cards={"scenes.unplanned": (AnyOf.of(Setting("selling_points"), Setting("scenes")),)}),
        Entry("regions", RegionAnalysis, "Regional category matrix: province/region × scene TGI, content per region.",
              "scenes", uses={"scenes": "scenes"},
              requires=(_NOTES, _TEXT_NOTES,
                        AnyOf.of((HasTable("users", columns=("region",)), _TOUCHES),
                                 AtLeast("notes_with_region", 20)))),
        Entry("lift", LiftAnalysis, "Strategy lift: DiD + synthetic control by region, ITS on cost per lead.",
              "scenes",
              requires=(AnyOf.of((HasTable("orders", columns=("region",)), AtLeast("order_weeks", 16)),
                                 (_SPEND, HasTable("leads"), Setting("changes"))),)),
    )
}


def create(name: str) -> Analysis:
    if name not in REGISTRY:
        raise AnalysisError(f"unknown analysis {name!r}; available: {', '.join(REGISTRY)}")
    return REGISTRY[name].factory()


def fit_order(names: list[str]) -> list[str]:
    """``names`` with each analysis after those it composes (``uses``) that are among them, so a
    run fits each once and hands the fitted one over; otherwise in the order given."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in path:
            raise AnalysisError(f"analyses compose each other in a cycle: {' -> '.join((*path, name))}")
        for dep in REGISTRY[name].uses.values():
            if dep in names:
                visit(dep, (*path, name))
        order.append(name)

    for name in names:
        visit(name, ())
    return order


def assess(facts: Facts, names: list[str] | None = None) -> dict[str, Capability]:
    """For each analysis (all by default): can it run on these facts, and what would unlock it."""
    return {n: REGISTRY[n].assess(facts) for n in (names or list(REGISTRY))}
