"""The analyses `zhongcao run` and `zhongcao analyze NAME` know about, declared once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.analyses.audience import LostLeadAnalysis, SegmentAnalysis
from zhongcao.analyses.base import Analysis
from zhongcao.analyses.creators import CreatorAnalysis
from zhongcao.analyses.kpi import KpiAnalysis
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
        Entry("segments", SegmentAnalysis, "Segment pain points: distinguishing terms and themes per segment."),
    )
}


def create(name: str) -> Analysis:
    if name not in REGISTRY:
        raise AnalysisError(f"unknown analysis {name!r}; available: {', '.join(REGISTRY)}")
    return REGISTRY[name].factory()
