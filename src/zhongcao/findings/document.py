"""The findings document (`findings.json`): every finding plus each analysis's result tables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import pandas as pd

from zhongcao.analyses import Analysis
from zhongcao.analyses.prerequisites import Capability
from zhongcao.contract import BrandConfig
from zhongcao.findings.builders import findings_for
from zhongcao.findings.capabilities import capabilities, gate
from zhongcao.findings.model import Finding, _clean
from zhongcao.findings.priority import priority

SCHEMA_VERSION = "1.2.0"  # 1.2.0: the run settings used (``settings``)


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("zhongcao.findings").joinpath("schema.json").read_text(encoding="utf-8"))


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


def params_of(analysis: Analysis) -> dict[str, Any]:
    """The constructor parameters; a composed analysis as ``{"analysis": name, "params": ...}``."""
    return {k: {"analysis": v.name, "params": params_of(v)} if isinstance(v, Analysis) else v
            for k, v in analysis.get_params(deep=False).items()}


def build_document(
    brand: BrandConfig,
    analyses: Mapping[str, Analysis],
    errors: Mapping[str, str] | None = None,
    workspace: Mapping[str, int] | None = None,
    assessed: Mapping[str, Capability] | None = None,
    settings: Mapping[str, Any] | None = None,
    generation: str | None = None,
) -> dict[str, Any]:
    """findings.json: the findings of the fitted analyses, their results, and (given ``assessed``,
    the prerequisites tested on the workspace) what the data can answer and what would unlock the rest;
    ``settings`` (``RunSettings.to_dict()``) records the run settings used."""
    findings: list[Finding] = []
    for analysis in analyses.values():
        findings += findings_for(analysis)
    if assessed is not None:
        findings = gate(findings, assessed)
    findings.sort(key=lambda f: priority(f.to_dict()).key)  # what to act on first (findings/priority.py)
    doc: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "brand": {"name": brand.name, "category": brand.category},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workspace": dict(workspace or {}),
        **({"settings": dict(settings)} if settings is not None else {}),
        "generation": generation,
        "findings": [f.to_dict() for f in findings],
        "analyses": {
            name: {"params": _clean(params_of(a)), "results": results_of(a), "error": None}
            for name, a in analyses.items()
        },
    }
    for name, message in (errors or {}).items():
        doc["analyses"][name] = {"params": {}, "results": {}, "error": message}
    if assessed is not None:
        shown: dict[str, set[str]] = {}
        for f in findings:
            shown.setdefault(f.analysis, set()).add(f.id)
        ran_and_failed = {n: m for n, m in (errors or {}).items() if n in assessed and assessed[n].runs}
        doc["capabilities"] = capabilities(assessed, ran_and_failed, shown)
    validate_document(doc)
    return doc


def validate_document(doc: Mapping[str, Any]) -> None:
    jsonschema.validate(doc, schema())
