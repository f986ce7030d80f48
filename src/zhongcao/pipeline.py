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

import pandas as pd

from zhongcao.analyses import REGISTRY, Analysis
from zhongcao.analyses.prerequisites import Capability, facts_of
from zhongcao.analyses.registry import assess, fit_order
from zhongcao.analyses.settings import RunSettings, resolve
from zhongcao.engine import LoadSummary, Workspace, keep_key, workspace_key
from zhongcao.engine.mart_folder import MartFolder
from zhongcao.engine.marts_build import build_marts
from zhongcao.errors import AnalysisError
from zhongcao.findings import build_document, need_text
from zhongcao.ingest import read_input
from zhongcao.ingest.staging import load_brand
from zhongcao.report import messages, table_bytes, write_report

Progress = Callable[[str], None]


@dataclass
class RunResult:
    workspace: Path
    findings_path: Path
    report_path: Path
    document: dict[str, Any]
    load: LoadSummary = field(default_factory=LoadSummary)


def ingest(
    input_dir: Path, workspace: Path, *, quarantine: bool = False, marts: Sequence[str] | None = None,
    hash_key_file: Path | None = None,
) -> LoadSummary:
    """Validate an input folder and load it into the workspace (all-or-nothing).

    Every mart is precomputed unless ``marts`` names a subset; the rest are built on first use.
    Phone numbers are hashed with the workspace's key (``engine.keys``): a new workspace draws one,
    or adopts ``hash_key_file`` (a key shared with a partner, so both sides' hashes join).
    """
    key, new = workspace_key(workspace, hash_key_file)
    staged = read_input(Path(input_dir), quarantine=quarantine, hash_key=key)
    summary = Workspace(workspace).load(staged, quarantine=quarantine, marts_to_build=marts)
    if new:
        keep_key(workspace, key)
    return summary


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


def analyze(
    workspace: Workspace | MartFolder, names: Sequence[str] | None = None, progress: Progress | None = None,
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


def settings(workspace: Workspace | MartFolder, params: Mapping[str, Any] | None = None) -> RunSettings:
    """The run settings of a workspace: its brand.toml's ``[settings]`` and ``[analyses.*]``, then
    ``params`` (``--param``), checked once (``analyses/settings.py``)."""
    return resolve(workspace.brand, params)


def words(workspace: Workspace) -> pd.DataFrame:
    """The words learned from the workspace's notes, comments and searches (learned and stored on first use),
    each marked ``banned`` when brand.toml's ``ban_words`` lists it."""
    from zhongcao.analyses.vocabulary import learned_table

    frame = learned_table(workspace)
    banned = {w.lower() for w in workspace.brand.ban_words}
    return frame.assign(banned=frame["word"].astype(str).isin(banned))


def findings(workspace: Workspace | MartFolder, names: Sequence[str] | None = None, progress: Progress | None = None,
             params: Mapping[str, Any] | None = None, run_settings: RunSettings | None = None) -> dict[str, Any]:
    """The findings document of a workspace, with the settings of brand.toml and ``params`` (or
    ``run_settings`` already resolved) recorded in it."""
    run_settings = run_settings or settings(workspace, params)
    # One snapshot for the whole document: a load finishing meanwhile must not mix generations.
    with workspace.held():
        assessed = capabilities(workspace, names)
        fitted, errors = analyze(workspace, names, progress, assessed, run_settings)
        return build_document(workspace.brand, fitted, errors, workspace.row_counts(), assessed,
                              settings=run_settings.to_dict(), generation=workspace.generation)


EVIDENCE: dict[str, tuple[str, str]] = {
    # evidence name → (analysis, its method returning the rows); kept out of findings and the report
    "safety.attack": ("safety", "attack_accounts"),
}


def evidence(workspace: Workspace, name: str, out: Path, params: Mapping[str, Any] | None = None) -> int:
    """Write evidence that is not published (the accounts of a coordinated attack, as masked handles)
    to ``out`` (.csv or .xlsx), on explicit request only; returns the rows written."""
    if name not in EVIDENCE:
        raise AnalysisError(f"unknown evidence {name!r}; choose one of {', '.join(EVIDENCE)}")
    analysis, method = EVIDENCE[name]
    rows = getattr(settings(workspace, params).create(analysis).fit(workspace), method)()
    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise AnalysisError(f"evidence is written as .csv or .xlsx, not {Path(out).name}")
    columns = list(rows[0]) if rows else ["attack", "start", "end", "kind", "account"]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_bytes(table_bytes(rows, columns, fmt, name.replace(".", "_")))
    return len(rows)


def run(
    input_dir: Path,
    out_dir: Path,
    *,
    workspace: Path | None = None,
    lang: str = "zh",
    quarantine: bool = False,
    progress: Progress | None = None,
    hash_key_file: Path | None = None,
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
    load = ingest(Path(input_dir), ws_path, quarantine=quarantine, hash_key_file=hash_key_file)
    doc = findings(Workspace(ws_path), progress=progress, run_settings=run_settings)
    return _write(doc, out_dir, ws_path, lang, load, progress)


def run_marts(marts_dir: Path, out_dir: Path, *, lang: str = "zh", progress: Progress | None = None,
              params: Mapping[str, Any] | None = None) -> RunResult:
    """Every analysis over a folder of marts (``zhongcao marts`` output, or a clean room's export).

    Analyses that need user rows do not run; the document says why for each (its ``error``).
    """
    messages(lang)
    source = MartFolder(marts_dir)
    source.manifest  # noqa: B018 - a missing or foreign folder fails here, before any analysis
    doc = findings(source, progress=progress, params=params)
    return _write(doc, Path(out_dir), Path(marts_dir), lang, LoadSummary(), progress)


def _write(doc: dict[str, Any], out_dir: Path, source: Path, lang: str, load: LoadSummary,
           progress: Progress | None) -> RunResult:
    if progress:
        progress("report")
    out_dir.mkdir(parents=True, exist_ok=True)
    findings_path = out_dir / "findings.json"
    findings_path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    report_path = write_report(doc, out_dir / "report.html", lang)
    return RunResult(source, findings_path, report_path, doc, load)


def design_test(workspace: Workspace, channel: str | None = None, start: str | None = None,
                params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The next experiment on a workspace (``zhongcao design-test``): the mmm fit's channels ranked by the
    value of a lift study and a geo holdout for the first, or for ``channel``, starting the day after the
    data or on ``start`` (designed on the history before it); a findings document."""
    from zhongcao.analyses.mmm.experiment import next_experiment

    run_settings = settings(workspace, params)
    mmm = run_settings.create("mmm").fit(workspace)
    if channel is not None or start is not None:
        mmm.next_experiment_ = next_experiment(workspace, mmm.fitted_model(), mmm.kpi, channel, start=start)
    elif "error" in mmm.next_experiment_:
        raise AnalysisError(f"no geo test can be designed: {mmm.next_experiment_['error']}")
    doc = build_document(workspace.brand, {"mmm": mmm}, {}, workspace.row_counts(),
                         settings=run_settings.to_dict())
    doc["findings"] = [f for f in doc["findings"] if f["id"] == "mmm.next_experiment"]
    return doc


__all__ = ["RunResult", "analyze", "build_marts", "findings", "ingest", "run", "run_marts"]
