"""The analyses `zhongcao run` and `zhongcao analyze NAME` know about, declared once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.analyses.audience import LostLeadAnalysis, SegmentAnalysis
from zhongcao.analyses.base import Analysis
from zhongcao.analyses.budget import BudgetAnalysis
from zhongcao.analyses.creators import CreatorAnalysis
from zhongcao.analyses.kpi import KpiAnalysis
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.analyses.repurchase import RepurchaseAnalysis
from zhongcao.analyses.safety import SafetyAnalysis
from zhongcao.analyses.scenes import LiftAnalysis, RegionAnalysis, SceneAnalysis
from zhongcao.analyses.trends import TrendAnalysis
from zhongcao.errors import AnalysisError


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[[], Analysis]
    description: str


REGISTRY: dict[str, Entry] = {
    e.name: e
    for e in (
        Entry("kpi", KpiAnalysis, "Spend, reach, engagement, leads, orders, GMV, ROI, repurchase, NPS, AIPS funnel."),
        Entry("lost", LostLeadAnalysis, "Lost leads: profile, post-lead engagement, real competitors ranked by TGI."),
        Entry("attribution", AttributionAnalysis, "Cross-platform attribution (7 models), ROI, mid-funnel, lift study."),
        Entry("creators", CreatorAnalysis, "Creators: profile, genuine use, soft ads, fake engagement, shortlist."),
        Entry("trends", TrendAnalysis, "Trends: rising terms, scenes and queries week over week (weekly digest)."),
        Entry("safety", SafetyAnalysis, "Brand safety: negative mentions by day, coordinated attacks."),
        Entry("segments", SegmentAnalysis, "Segment pain points: distinguishing terms and themes per segment."),
        Entry("mmm", MmmAnalysis, "Marketing-mix model: ROI, carry-over and long-term omni-channel ROI per channel."),
        Entry("budget", BudgetAnalysis, "Budget plan: response curves, marginal ROI, optimal split, scenarios."),
        Entry("repurchase", RepurchaseAnalysis, "Repurchase by cohort and platform; BG/NBD + Gamma-Gamma value."),
        Entry("scenes", SceneAnalysis, "Life scenes mined from notes: persona × scene TGI, unplanned uses."),
        Entry("regions", RegionAnalysis, "Regional category matrix: province/region × scene TGI, content per region."),
        Entry("lift", LiftAnalysis, "Strategy lift: DiD + synthetic control by region, ITS on cost per lead."),
    )
}


def create(name: str) -> Analysis:
    if name not in REGISTRY:
        raise AnalysisError(f"unknown analysis {name!r}; available: {', '.join(REGISTRY)}")
    return REGISTRY[name].factory()
