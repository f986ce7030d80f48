"""Which findings builder turns which fitted analysis into findings, keyed by the analysis's registered name.

The analyses layer cannot import findings (layers run one way), so the registration of an
analysis (``analyses/registry.py``) and its builder meet here, by name; ``tests/findings``
checks that every registered analysis has exactly one builder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zhongcao.analyses import Analysis
from zhongcao.findings.attribution import attribution_findings
from zhongcao.findings.audience import lost_findings, segment_findings
from zhongcao.findings.benchmarks import benchmark_findings
from zhongcao.findings.creators import creator_findings, safety_findings, trend_findings
from zhongcao.findings.kpi import kpi_findings
from zhongcao.findings.mmm import budget_findings, mmm_findings, repurchase_findings
from zhongcao.findings.model import Finding
from zhongcao.findings.scenes import lift_findings, region_findings, scene_findings

BUILDERS: dict[str, Callable[[Any], list[Finding]]] = {
    "kpi": kpi_findings, "lost": lost_findings, "segments": segment_findings, "attribution": attribution_findings,
    "mmm": mmm_findings, "budget": budget_findings, "repurchase": repurchase_findings, "scenes": scene_findings,
    "regions": region_findings, "lift": lift_findings, "creators": creator_findings, "benchmarks": benchmark_findings,
    "safety": safety_findings, "trends": trend_findings,
}


def findings_for(analysis: Analysis) -> list[Finding]:
    """The findings of one fitted analysis (by its registered name)."""
    build = BUILDERS.get(type(analysis).name)
    return build(analysis) if build is not None else []
