"""The library's front door: ingest a folder, run analyses, write findings.json and report.html.

The CLI and the web app are thin shells over these functions (each CLI command is a few lines).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhongcao.analyses import REGISTRY, Analysis
from zhongcao.analyses.prerequisites import Capability, facts_of
from zhongcao.analyses.registry import assess, fit_order
from zhongcao.analyses.settings import RunSettings, resolve
from zhongcao.engine import LoadSummary, Workspace
from zhongcao.errors import AnalysisError
from zhongcao.findings import build_document, need_text
from zhongcao.ingest import read_input
from zhongcao.ingest.staging import load_brand
from zhongcao.report import messages, write_report

Progress = Callable[[str], None]


@dataclass
class RunResult:
    workspace: Path
    findings_path: Path
    report_path: Path
    document: dict[str, Any]
    load: LoadSummary = field(default_factory=LoadSummary)


def ingest(
    input_dir: Path, workspace: Path, *, quarantine: bool = False, marts: Sequence[str] | None = None
) -> LoadSummary:
    """Validate an input folder and load it into the workspace (all-or-nothing).

    Every mart is precomputed unless ``marts`` names a subset; the rest are built on first use.
    """
    staged = read_input(Path(input_dir), quarantine=quarantine)
    return Workspace(workspace).load(staged, quarantine=quarantine, marts_to_build=marts)


def capabilities(workspace: Workspace, names: Sequence[str] | None = None) -> dict[str, Capability]:
    """Which analyses can run on the workspace, and exactly what would unlock the others (cheap queries)."""
    return assess(facts_of(workspace), list(names) if names else None)


def check(path: Path) -> dict[str, Capability]:
    """What a workspace, or an input folder not yet ingested, can answer (a folder is validated
    and staged into a temporary workspace with no marts built, then removed)."""
    path = Path(path)
    ws = Workspace(path)
    if ws.exists():
        return capabilities(ws)
    with tempfile.TemporaryDirectory(prefix="zhongcao-check-") as tmp:
        ingest(path, Path(tmp) / "workspace", marts=())
        return capabilities(Workspace(Path(tmp) / "workspace"))


def settings(workspace: Workspace, params: Mapping[str, Any] | None = None) -> RunSettings:
    """The run settings of a workspace: its brand.toml's ``[settings]`` and ``[analyses.*]``, then
    ``params`` (``--param``), checked once (``analyses/settings.py``)."""
    return resolve(workspace.brand, params)


def analyze(
    workspace: Workspace, names: Sequence[str] | None = None, progress: Progress | None = None,
    assessed: dict[str, Capability] | None = None, run_settings: RunSettings | None = None,
) -> tuple[dict[str, Analysis], dict[str, str]]:
    """Fit the named analyses (all by default). An analysis that cannot run is reported, not fatal.

    With ``assessed`` (the prerequisites tested on the workspace) an analysis whose prerequisites
    are not met is not fitted at all: its error says what is missing. ``run_settings`` (default:
    the workspace's brand.toml) configures each analysis.
    """
    run_settings = run_settings or settings(workspace)
    wanted = list(names or REGISTRY)
    done: dict[str, Analysis] = {}
    errors: dict[str, str] = {}
    # Each analysis is fitted once, after those it composes, which are handed over fitted (a budget
    # plan gets the run's MMM, the regional matrix its scenes); results keep the order asked for.
    for name in fit_order(wanted):
        if progress:
            progress(f"analysis:{name}")
        cap = (assessed or {}).get(name)
        if cap is not None and not cap.runs:
            errors[name] = "; ".join(need_text(n).en for n in cap.missing)
            continue
        analysis = run_settings.create(name)
        analysis.set_params(**{param: done[dep] for param, dep in REGISTRY[name].uses.items() if dep in done})
        try:
            done[name] = analysis.fit(workspace)
        except AnalysisError as exc:
            errors[name] = str(exc)
    return {n: done[n] for n in wanted if n in done}, {n: errors[n] for n in wanted if n in errors}


def findings(workspace: Workspace, names: Sequence[str] | None = None, progress: Progress | None = None,
             params: Mapping[str, Any] | None = None, run_settings: RunSettings | None = None) -> dict[str, Any]:
    """The findings document of a workspace, with the settings of brand.toml and ``params`` (or
    ``run_settings`` already resolved) recorded in it."""
    run_settings = run_settings or settings(workspace, params)
    assessed = capabilities(workspace, names)
    fitted, errors = analyze(workspace, names, progress, assessed, run_settings)
    return build_document(workspace.brand, fitted, errors, workspace.row_counts(), assessed,
                          settings=run_settings.to_dict())


def run(
    input_dir: Path,
    out_dir: Path,
    *,
    workspace: Path | None = None,
    lang: str = "zh",
    quarantine: bool = False,
    progress: Progress | None = None,
    params: Mapping[str, Any] | None = None,
) -> RunResult:
    """Ingest, run every analysis, write ``findings.json`` and ``report.html`` into ``out_dir``.

    The settings are the input folder's brand.toml (``[settings]``, ``[analyses.*]``) and ``params``,
    checked before any work; they are read from the folder itself, so an edited brand.toml applies
    whatever the workspace stored from an earlier load.
    """
    messages(lang)  # an unknown language fails here, before any work, not after the analyses
    run_settings = resolve(load_brand(Path(input_dir)), params)  # a bad setting fails here too
    out_dir = Path(out_dir)
    ws_path = Path(workspace) if workspace else out_dir / "workspace"
    if progress:
        progress("ingest")
    load = ingest(Path(input_dir), ws_path, quarantine=quarantine)
    doc = findings(Workspace(ws_path), progress=progress, run_settings=run_settings)
    if progress:
        progress("report")
    out_dir.mkdir(parents=True, exist_ok=True)
    findings_path = out_dir / "findings.json"
    findings_path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    report_path = write_report(doc, out_dir / "report.html", lang)
    return RunResult(ws_path, findings_path, report_path, doc, load)
