"""The findings document (`findings.json`): every finding plus each analysis's result tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import pandas as pd

from zhongcao.analyses import Analysis
from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.analyses.audience import LostLeadAnalysis, SegmentAnalysis
from zhongcao.analyses.budget import BudgetAnalysis
from zhongcao.analyses.creators import CreatorAnalysis
from zhongcao.analyses.kpi import KpiAnalysis
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.analyses.repurchase import RepurchaseAnalysis
from zhongcao.analyses.safety import SafetyAnalysis
from zhongcao.analyses.scenes import LiftAnalysis, RegionAnalysis, SceneAnalysis
from zhongcao.analyses.trends import TrendAnalysis
from zhongcao.contract import BrandConfig
from zhongcao.findings.attribution import attribution_findings
from zhongcao.findings.audience import lost_findings, segment_findings
from zhongcao.findings.creators import creator_findings, safety_findings, trend_findings
from zhongcao.findings.kpi import kpi_findings
from zhongcao.findings.mmm import budget_findings, mmm_findings, repurchase_findings
from zhongcao.findings.model import Finding, _clean
from zhongcao.findings.scenes import lift_findings, region_findings, scene_findings

SCHEMA_VERSION = "1.0.0"

# Which findings builder turns which fitted analysis into findings. Declared once.
BUILDERS: dict[type[Analysis], Callable[[Any], list[Finding]]] = {
    KpiAnalysis: kpi_findings, LostLeadAnalysis: lost_findings, SegmentAnalysis: segment_findings,
    AttributionAnalysis: attribution_findings,
    MmmAnalysis: mmm_findings, BudgetAnalysis: budget_findings, RepurchaseAnalysis: repurchase_findings,
    SceneAnalysis: scene_findings, RegionAnalysis: region_findings, LiftAnalysis: lift_findings,
    CreatorAnalysis: creator_findings, SafetyAnalysis: safety_findings, TrendAnalysis: trend_findings}


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("zhongcao.findings").joinpath("schema.json").read_text(encoding="utf-8"))


def findings_for(analysis: Analysis) -> list[Finding]:
    for kind, build in BUILDERS.items():
        if isinstance(analysis, kind):
            return build(analysis)
    return []


def results_of(analysis: Analysis) -> dict[str, Any]:
    """The fitted ``trailing_underscore_`` attributes, as JSON-ready records."""
    out: dict[str, Any] = {}
    for key, value in vars(analysis).items():
        if not key.endswith("_") or key.startswith("_"):
            continue
        if isinstance(value, pd.DataFrame):
            frame = value.copy()
            for col in frame.columns:
                if pd.api.types.is_datetime64_any_dtype(frame[col]):
                    frame[col] = frame[col].dt.strftime("%Y-%m-%d")
            out[key.rstrip("_")] = frame.to_dict(orient="records")
        else:
            out[key.rstrip("_")] = value
    return _clean(out)


def build_document(
    brand: BrandConfig,
    analyses: Mapping[str, Analysis],
    errors: Mapping[str, str] | None = None,
    workspace: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    findings: list[Finding] = []
    for analysis in analyses.values():
        findings += findings_for(analysis)
    findings.sort(key=lambda f: f.money_at_stake, reverse=True)
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "brand": {"name": brand.name, "category": brand.category},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workspace": dict(workspace or {}),
        "findings": [f.to_dict() for f in findings],
        "analyses": {
            name: {"params": _clean(a.get_params()), "results": results_of(a), "error": None}
            for name, a in analyses.items()
        },
    }
    for name, message in (errors or {}).items():
        doc["analyses"][name] = {"params": {}, "results": {}, "error": message}
    validate_document(doc)
    return doc


def validate_document(doc: Mapping[str, Any]) -> None:
    jsonschema.validate(doc, schema())
