"""`zhongcao` on the command line. Each command is a few lines over `zhongcao.pipeline`.

Only this layer (and the web layer) turns errors into exit codes: 2 for anything the user
can fix (bad input, unknown analysis), 1 for bugs.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from zhongcao import pipeline
from zhongcao.analyses import REGISTRY
from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE
from zhongcao.contract import TABLES
from zhongcao.engine import PEOPLE_SKETCH_SIZE, Workspace, describe_marts
from zhongcao.errors import Problem, ValidationError, ZhongcaoError
from zhongcao.simulate import WORLDS
from zhongcao.simulate import simulate as simulate_world

app = typer.Typer(help="种草决策大脑 · an offline decision brain for content-seeding marketing.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)


class Lang(StrEnum):
    """The languages findings and reports are written in (the catalogues' two)."""

    zh = "zh"
    en = "en"


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except ValidationError as exc:
        err.print(f"[bold red]Input rejected[/]: {len(exc.problems)} problem(s); the workspace is unchanged.")
        for p in exc.problems[:50]:
            err.print(f"  [{'red' if p.severity == 'error' else 'yellow'}]{p.severity}[/] {p}")
        if len(exc.problems) > 50:
            err.print(f"  … and {len(exc.problems) - 50} more")
        raise typer.Exit(2) from exc
    except ZhongcaoError as exc:
        err.print(f"[bold red]Error[/]: {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[str, float], None]]:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        task = bar.add_task(label, total=1.0)

        def update(step: str, fraction: float) -> None:
            bar.update(task, description=f"{label}: {step}", completed=fraction)

        yield update
        bar.update(task, completed=1.0)


@app.command()
def simulate(
    world: Annotated[str, typer.Argument(help=f"One of {', '.join(WORLDS)}.")],
    out: Annotated[Path, typer.Option(help="Folder to write the input tables into.")],
    users: Annotated[int, typer.Option(min=1000, help="Platform users to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Write a demo world (contract tables, brand.toml, truth.json).

    Example: zhongcao simulate hiking-shoes --users 20000 --out demo/hiking-shoes/input
    """
    with user_errors(), progress_bar(world) as update:
        if world not in WORLDS:
            raise typer.BadParameter(f"unknown world {world!r}; choose one of {', '.join(WORLDS)}")
        simulate_world(world, out, users=users, seed=seed, progress=update)
    console.print(f"wrote {out}")


@app.command()
def ingest(
    input_dir: Annotated[Path, typer.Argument(help="Folder with one file per table and an optional brand.toml.")],
    workspace: Annotated[Path, typer.Option(help="Workspace folder (created if missing).")],
    quarantine: Annotated[bool, typer.Option(help="Load valid rows; keep rejected ones in rejected_rows.")] = False,
) -> None:
    """Validate a folder and load it into a workspace; on any error nothing changes.

    Example: zhongcao ingest demo/hiking-shoes/input --workspace ws
    """
    with user_errors():
        summary = pipeline.ingest(input_dir, workspace, quarantine=quarantine)
    table = Table("table", "rows loaded", title=f"workspace {workspace}")
    for name, rows in summary.loaded.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    if summary.skipped_files:
        console.print(f"already ingested, skipped: {', '.join(summary.skipped_files)}")
    if summary.rejected:
        console.print(f"[yellow]{summary.rejected} row(s) quarantined in rejected_rows[/]")
    print_warnings(summary.warnings)


def print_warnings(warnings: list[Problem], limit: int = 20) -> None:
    """Warnings the input was loaded despite; a load with warnings still succeeds."""
    for p in warnings[:limit]:
        console.print(f"  [yellow]warning[/] {p}")
    if len(warnings) > limit:
        console.print(f"  … and {len(warnings) - limit} more warnings")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="SOURCE_KIND (or `auto`) followed by export files.")],
    into: Annotated[Path, typer.Option(help="Input folder to write contract tables (UTF-8 CSV) into.")],
    merge: Annotated[bool, typer.Option(help="Merge with tables already in the folder, by key.")] = False,
    year: Annotated[int | None, typer.Option(help="Year of dates shown without one (04-07).")] = None,
) -> None:
    """Turn platform, creator, crawler and order exports into contract tables; report every row.

    Example: zhongcao import tmall-orders tmall_order_report.csv --into my_input
    """
    from zhongcao.ingest.importers import KINDS, import_files

    kind, *paths = [str(f) for f in files]
    with user_errors():
        if kind not in (*KINDS, "auto"):
            raise typer.BadParameter(f"unknown source kind {kind!r}; choose auto or one of {', '.join(KINDS)}")
        report = import_files([Path(p) for p in paths], into, kind=None if kind == "auto" else kind,
                              merge=merge, year=year)
    t = Table("file", "kind", "read", "imported", "combined", "dropped (why)", title=f"import into {into}")
    for f in report.files:
        t.add_row(f.source, f.kind + (" (detected)" if f.detected else ""), f"{f.rows_read:,}", f"{f.imported:,}",
                  f"{f.combined:,}", "\n".join(f"{n:,} {why}" for why, n in f.dropped.items()) or "0")
    console.print(t)
    for f in report.files:
        console.print(f"[bold]{f.source}[/] mapped: " + ", ".join(f"{s} → {d}" for s, d in f.mapped))
        for target, rule in f.derived:
            console.print(f"  derived {target}: {rule}")
        for header, why in f.ignored:
            console.print(f"  [yellow]not imported[/] {header}: {why}")
        for note in f.notes:
            console.print(f"  [yellow]note[/] {note}")
    for w in report.tables.values():
        console.print(f"wrote {w.path} ({w.rows_written:,} rows; {w.rows_before:,} were there before)")
    for message in report.skipped:
        console.print(f"[yellow]skipped[/] {message}")


@app.command()
def run(
    input_dir: Annotated[Path, typer.Argument(help="Input folder.")],
    out: Annotated[Path, typer.Option(help="Where findings.json, report.html and the workspace go.")],
    lang: Annotated[Lang, typer.Option(help="Report language.")] = Lang.zh,
    quarantine: Annotated[bool, typer.Option(help="Load valid rows, quarantine the rest.")] = False,
) -> None:
    """Ingest + every analysis + findings.json + report.html.

    Example: zhongcao run demo/hiking-shoes/input --out out/hiking --lang en
    """
    with user_errors(), progress_bar("run") as update:
        result = pipeline.run(input_dir, out, lang=lang, quarantine=quarantine,
                              progress=lambda step: update(step, 0.5))
    print_warnings(result.load.warnings)
    print_findings(result.document, lang, top=5)
    console.print(f"findings: {result.findings_path}\nreport:   {result.report_path}")


@app.command()
def analyze(
    name: Annotated[str, typer.Argument(help=f"One of {', '.join(REGISTRY)}.")],
    workspace: Annotated[Path, typer.Option(help="Workspace folder.")],
    lang: Annotated[Lang, typer.Option(help="Language of the printed findings.")] = Lang.zh,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings document as JSON.")] = False,
) -> None:
    """Run one analysis on a workspace and print its findings.

    Example: zhongcao analyze kpi --workspace ws --lang en
    """
    with user_errors():
        if name not in REGISTRY:
            raise typer.BadParameter(f"unknown analysis {name!r}; choose one of {', '.join(REGISTRY)}")
        doc = pipeline.findings(Workspace(workspace), [name])
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return
    error = doc["analyses"][name]["error"]
    if error:
        err.print(f"[bold red]{name} could not run[/]: {error}")
        raise typer.Exit(2)
    print_findings(doc, lang, top=None)


@app.command()
def words(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")],
    top: Annotated[int, typer.Option(help="How many words to show (0: all).")] = 100,
) -> None:
    """Show the words learned from the workspace's own notes, comments and searches.

    They teach the tokenizer the brand's vocabulary; ban a wrong one with `ban_words` in brand.toml
    and add a missing one with `lexicon`. Example: zhongcao words ws
    """
    with user_errors():
        frame = pipeline.words(Workspace(workspace))
    t = Table("word", "uses", "creators/texts", "cohesion", "entropy", "banned",
              title=f"{len(frame)} words learned from {workspace}")
    for row in (frame if top <= 0 else frame.head(top)).itertuples():
        t.add_row(str(row.word), str(row.count), str(row.docs), f"{row.cohesion:.1f}",
                  f"{min(row.left_entropy, row.right_entropy):.2f}", "yes" if row.banned else "")
    console.print(t)


@app.command()
def tables() -> None:
    """List the input tables of the data contract and the marts built from them.

    Example: zhongcao tables
    """
    t = Table("table", "grain", "required columns", title="input tables")
    for spec in TABLES.values():
        t.add_row(spec.name, spec.grain, ", ".join(spec.required_columns))
    console.print(t)
    m = Table("mart", "grain", title="marts")
    for mart in describe_marts():
        m.add_row(mart["name"], mart["grain"])
    console.print(m)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo worlds.")] = Path("demo"),
    users: Annotated[int, typer.Option(min=1000, help="Users per world.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    world: Annotated[list[str] | None, typer.Option(help="Only these worlds (repeatable).")] = None,
) -> None:
    """Simulate the demo worlds, run the whole brain on each, print the top findings.

    Example: zhongcao demo --users 20000 --out demo
    """
    steps = ["ingest", *[f"analysis:{a}" for a in REGISTRY], "report"]
    with user_errors():
        for name in world or list(WORLDS):
            folder = out / name
            # A demo starts from scratch: last run's workspace would reject this run's keys.
            shutil.rmtree(folder / "workspace", ignore_errors=True)
            with progress_bar(f"{name} simulate") as update:
                simulate_world(name, folder / "input", users=users, seed=seed, progress=update)
            with progress_bar(f"{name} brain") as update:
                result = pipeline.run(folder / "input", folder, workspace=folder / "workspace",
                                      progress=lambda s, u=update: u(s, steps.index(s) / len(steps)))
            console.rule(f"[bold]{name}[/] · {result.document['brand']['name']}")
            print_top_per_analysis(result.document, "zh")
            console.print(f"report: {result.report_path}  findings: {result.findings_path}\n")


@app.command()
def serve(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder (from `zhongcao ingest` or `run`).")],
    host: Annotated[str, typer.Option(help="Address to bind; anything but 127.0.0.1/localhost needs --token.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8765,
    token: Annotated[str | None, typer.Option(envvar="ZHONGCAO_TOKEN", help="Bearer token required by every request.")]
    = None,
    min_group_size: Annotated[int, typer.Option(min=1, max=PEOPLE_SKETCH_SIZE,
                                                help="Slices of fewer distinct people are blanked.")]
    = DEFAULT_MIN_GROUP_SIZE,
) -> None:
    """Start the local dashboard: the report's cards plus filters, drill-down and CSV/Excel export.

    Example: zhongcao serve demo/hiking-shoes/workspace   (then open http://127.0.0.1:8765)
    """
    from zhongcao.web import serve as serve_dashboard

    with user_errors():
        console.print(f"dashboard: http://{host}:{port}/  (Ctrl+C stops it)")
        serve_dashboard(workspace, host=host, port=port, token=token, min_group_size=min_group_size)


def print_top_per_analysis(doc: dict[str, Any], lang: str) -> None:
    """One section per analysis, with its finding that has the most money at stake."""
    seen: set[str] = set()
    for f in doc["findings"]:  # already ordered by money at stake
        if f["analysis"] in seen:
            continue
        seen.add(f["analysis"])
        console.print(f"[bold cyan]{f['analysis']}[/] [bold]{f['title'][lang]}[/]")
        console.print(f"   {f['summary'][lang]}")
        console.print(f"   [green]→ {f['action'][lang]}[/]")
    for name, entry in doc["analyses"].items():
        if entry.get("error"):
            console.print(f"[yellow]{name} did not run[/]: {entry['error']}")


def print_findings(doc: dict[str, Any], lang: str, top: int | None) -> None:
    shown = doc["findings"][:top] if top else doc["findings"]
    for i, f in enumerate(shown, 1):
        console.print(f"[bold red]{i}.[/] [bold]{f['title'][lang]}[/]")
        console.print(f"   {f['summary'][lang]}")
        console.print(f"   [green]→ {f['action'][lang]}[/]")
    errors = {k: v["error"] for k, v in doc["analyses"].items() if v.get("error")}
    for name, message in errors.items():
        console.print(f"[yellow]{name} did not run[/]: {message}")


if __name__ == "__main__":  # pragma: no cover
    app()
