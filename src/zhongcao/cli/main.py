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
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from zhongcao import pipeline
from zhongcao.analyses import REGISTRY
from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE
from zhongcao.contract import TABLES
from zhongcao.engine import PEOPLE_SKETCH_SIZE, Workspace, describe_marts
from zhongcao.engine.keys import KEY_ENV, keep_key, read_key_file, workspace_key, write_key_file
from zhongcao.engine.mart_folder import MartFolder
from zhongcao.errors import Problem, ValidationError, WorkspaceError, ZhongcaoError
from zhongcao.ingest.phone import scrub
from zhongcao.simulate import WORLDS
from zhongcao.simulate import simulate as simulate_world

# Tracebacks of a bug never print local variables: they hold rows of the brand's data.
app = typer.Typer(help="种草决策大脑 · an offline decision brain for content-seeding marketing.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False)
console = Console()
err = Console(stderr=True)


HASH_KEY_HELP = ("Key file both sides of a join hash phones with (zhongcao keygen writes one); a new workspace "
                 "adopts it. Default: the workspace's own random key.")


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
            err.print(f"  [{'red' if p.severity == 'error' else 'yellow'}]{p.severity}[/] {scrub(str(p))}")
        if len(exc.problems) > 50:
            err.print(f"  … and {len(exc.problems) - 50} more")
        raise typer.Exit(2) from exc
    except ZhongcaoError as exc:
        err.print(f"[bold red]Error[/]: {scrub(str(exc))}")
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
    hash_key_file: Annotated[Path | None, typer.Option(envvar=KEY_ENV, help=HASH_KEY_HELP)] = None,
) -> None:
    """Validate a folder and load it into a workspace; on any error nothing changes.

    Example: zhongcao ingest demo/hiking-shoes/input --workspace ws
    """
    with user_errors():
        summary = pipeline.ingest(input_dir, workspace, quarantine=quarantine, hash_key_file=hash_key_file)
    table = Table("table", "rows loaded", title=f"workspace {workspace}")
    for name, rows in summary.loaded.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    if summary.skipped_files:
        console.print(f"already ingested, skipped: {', '.join(summary.skipped_files)}")
    if summary.rejected:
        console.print(f"[yellow]{summary.rejected} row(s) quarantined in rejected_rows[/]")
    if summary.brand_changed:
        console.print("brand.toml changed: the workspace now holds the new settings")
    for item in summary.recovered:
        console.print(f"removed first, left by an interrupted load: {item}")
    print_warnings(summary.warnings)
    print_capabilities(pipeline.capabilities(Workspace(workspace)))


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="An input folder (validated, nothing written) or a workspace.")],
    lang: Annotated[Lang, typer.Option(help="Language of the table.")] = Lang.zh,
) -> None:
    """Say what the data can answer: which analyses run, which cannot, and what would unlock each.

    Example: zhongcao check my_exports/
    """
    with user_errors():
        if not path.exists():
            raise typer.BadParameter(f"{path} does not exist")
        assessed = pipeline.check(path)
    print_capabilities(assessed, lang)


def print_capabilities(assessed: dict[str, Any], lang: str = "zh") -> None:
    """The "what your data can answer" table (the same content as the report's panel)."""
    from zhongcao.findings import capabilities

    caps = capabilities(assessed)
    colour = {"runs": "green", "partial": "yellow", "insufficient": "yellow", "missing": "red"}
    title = "你的数据能回答什么" if lang == "zh" else "What your data can answer"
    t = Table(title=title, show_lines=True, expand=True)
    t.add_column("analysis", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("answers", ratio=2, overflow="fold")
    t.add_column("what would unlock more", ratio=3, overflow="fold")
    for name, cap in sorted(caps.items(), key=lambda kv: ("runs", "partial", "insufficient", "missing")
                            .index(kv[1]["status"])):
        notes = [u[lang] for u in cap["unlock"]]
        notes += [f"{card}: " + "; ".join(n[lang] for n in needs) for card, needs in cap["cards"].items()]
        t.add_row(name, f"[{colour[cap['status']]}]{escape(cap['label'][lang])}[/]", escape(cap["title"][lang]),
                  escape("\n".join(notes)))
    console.print(t)


def print_warnings(warnings: list[Problem], limit: int = 20) -> None:
    """Warnings the input was loaded despite, grouped: one line per file, column and kind, with the
    count and one example (a load with warnings still succeeds)."""
    for (file, column, expected), group in list(group_problems(warnings).items())[:limit]:
        first = group[0]
        where = scrub(file + (f", column {column!r}" if column else ""))
        example = f" (e.g. {scrub(str(first.value))!r}" + (f", row {first.row}" if first.row else "") + ")" if first.value else ""
        if first.value is None:  # a file-level note: it says everything itself
            console.print(f"  [yellow]warning[/] {escape(where)}: expected {escape(scrub(expected))}")
            continue
        console.print(f"  [yellow]warning[/] {escape(where)}: {len(group):,} value(s){escape(example)}; "
                      f"expected {escape(scrub(expected))}")
    groups = len(group_problems(warnings))
    if groups > limit:
        console.print(f"  … and {groups - limit} more kinds of warning")


def group_problems(problems: list[Problem]) -> dict[tuple[str, str | None, str], list[Problem]]:
    out: dict[tuple[str, str | None, str], list[Problem]] = {}
    for p in problems:
        out.setdefault((p.file, p.column, p.expected), []).append(p)
    return out


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="SOURCE_KIND (or `auto`) followed by export files.")],
    into: Annotated[Path, typer.Option(help="Input folder to write contract tables (UTF-8 CSV) into.")],
    merge: Annotated[bool, typer.Option(help="Merge with tables already in the folder, by key.")] = False,
    year: Annotated[int | None, typer.Option(help="Year of dates shown without one (04-07).")] = None,
    workspace: Annotated[Path | None, typer.Option(help="Workspace you will ingest into: phones and buyer "
                                                        "names are hashed with its key.")] = None,
    hash_key_file: Annotated[Path | None, typer.Option(envvar=KEY_ENV, help=HASH_KEY_HELP)] = None,
) -> None:
    """Turn platform, creator, crawler and order exports into contract tables; report every row.

    Example: zhongcao import tmall-orders tmall_order_report.csv --into my_input
    """
    from zhongcao.ingest.importers import KINDS, import_files
    from zhongcao.ingest.phone import keyed

    kind, *paths = [str(f) for f in files]
    with user_errors():
        if kind not in (*KINDS, "auto"):
            raise typer.BadParameter(f"unknown source kind {kind!r}; choose auto or one of {', '.join(KINDS)}")
        key, new = (workspace_key(workspace, hash_key_file) if workspace
                    else (read_key_file(hash_key_file) if hash_key_file else None, False))
        with keyed(key):
            report = import_files([Path(p) for p in paths], into, kind=None if kind == "auto" else kind,
                                  merge=merge, year=year)
        if new and workspace is not None and key is not None:
            keep_key(workspace, key)  # the workspace's ingest must hash with the key these ids used
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


Params = Annotated[list[str] | None, typer.Option(
    "--param", help="A run setting NAME=VALUE, repeatable: min_group_size=60, attribution.lookback_days=15 "
                    "(zhongcao settings lists them; brand.toml's [settings]/[analyses.<name>] set the same).")]


def run_params(items: list[str] | None) -> dict[str, Any]:
    from zhongcao.analyses.settings import parse_params

    return parse_params(items or [])


@app.command()
def run(
    input_dir: Annotated[Path | None, typer.Argument(help="Input folder (or --marts DIR).")] = None,
    out: Annotated[Path, typer.Option(help="Where findings.json, report.html and the workspace go.")] = ...,  # type: ignore[assignment]
    lang: Annotated[Lang, typer.Option(help="Report language.")] = Lang.zh,
    quarantine: Annotated[bool, typer.Option(help="Load valid rows, quarantine the rest.")] = False,
    param: Params = None,
    marts: Annotated[Path | None, typer.Option(help="Analyse a folder of marts (`zhongcao marts` output) "
                                                    "instead of an input folder.")] = None,
    hash_key_file: Annotated[Path | None, typer.Option(envvar=KEY_ENV, help=HASH_KEY_HELP)] = None,
) -> None:
    """Ingest + every analysis + findings.json + report.html (or every analysis over a mart folder).

    Example: zhongcao run demo/hiking-shoes/input --out out/hiking --lang en --param attribution.lookback_days=15
             zhongcao run --marts marts/hiking --out out/hiking-marts
    """
    with user_errors(), progress_bar("run") as update:
        if (input_dir is None) == (marts is None):
            raise typer.BadParameter("give an input folder or --marts DIR (one of them)")
        if marts is not None:
            result = pipeline.run_marts(marts, out, lang=lang, progress=lambda step: update(step, 0.5),
                                        params=run_params(param))
        else:
            assert input_dir is not None
            result = pipeline.run(input_dir, out, lang=lang, quarantine=quarantine, hash_key_file=hash_key_file,
                                  progress=lambda step: update(step, 0.5), params=run_params(param))
    print_warnings(result.load.warnings)
    print_capped(result.document)
    print_findings(result.document, lang, top=5)
    console.print(f"findings: {result.findings_path}\nreport:   {result.report_path}")


@app.command("marts")
def marts_command(
    source: Annotated[str, typer.Argument(help="Input location: a local folder (duckdb), or any path Spark reads "
                                               "(folder, hdfs://, s3a://, oss://) with one table per file or folder.")],
    out: Annotated[Path, typer.Option(help="Folder to write marts/<name>/*.parquet and manifest.json into.")],
    engine: Annotated[str, typer.Option(help="duckdb (this machine) or spark.")] = "duckdb",
    master: Annotated[str | None, typer.Option(help="Spark master: local[*], spark://host:7077, yarn, k8s://…")]
    = None,
    conf: Annotated[list[str] | None, typer.Option(help="Spark setting k=v (repeatable), as spark-submit --conf.")]
    = None,
    export: Annotated[bool, typer.Option(help="Apply the clean-room export policy (minimum group, no user ids, "
                                              "no raw text) and check it before anything is written out.")] = False,
    min_group_size: Annotated[int | None, typer.Option(
        min=2, help="Export: rows of fewer distinct people are merged or suppressed (default: brand.toml's "
                    f"[settings] min_group_size, else {DEFAULT_MIN_GROUP_SIZE}).")] = None,
    quarantine: Annotated[bool, typer.Option(help="Keep valid rows; report and drop the rest.")] = False,
    workspace: Annotated[Path | None, typer.Option(help="duckdb: keep the workspace (and its people salt) here.")]
    = None,
    hash_key_file: Annotated[Path | None, typer.Option(envvar=KEY_ENV, help=HASH_KEY_HELP)] = None,
) -> None:
    """Build staging and every mart on an engine and write them as Parquet plus a manifest.

    Example: zhongcao marts demo/hiking-shoes/input --out marts/hiking
             zhongcao marts s3a://lake/brand/ --out marts/brand --engine spark --master yarn
    """
    with user_errors():
        settings = {}
        for item in conf or []:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise typer.BadParameter(f"--conf takes k=v, got {item!r}")
            settings[key.strip()] = value.strip()
        folder = pipeline.build_marts(source, out, engine=engine, master=master, conf=settings,
                                      quarantine=quarantine, workspace=workspace, export=export,
                                      min_group_size=min_group_size, hash_key_file=hash_key_file)
    manifest = folder.manifest
    t = Table("mart", "rows", "grain", title=f"{len(manifest['marts'])} marts in {out} ({manifest['engine']})")
    for name, entry in manifest["marts"].items():
        t.add_row(name, f"{entry['rows']:,}", entry["grain"][:80])
    console.print(t)
    if manifest.get("exported"):
        console.print(f"exported under the clean-room policy: minimum group {manifest['min_group_size']}")


@app.command()
def analyze(
    name: Annotated[str, typer.Argument(help=f"One of {', '.join(REGISTRY)}.")],
    workspace: Annotated[Path, typer.Option(help="Workspace folder.")],
    lang: Annotated[Lang, typer.Option(help="Language of the printed findings.")] = Lang.zh,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings document as JSON.")] = False,
    param: Params = None,
) -> None:
    """Run one analysis on a workspace and print its findings.

    Example: zhongcao analyze attribution --workspace ws --lang en --param attribution.lookback_days=15
    """
    with user_errors():
        if name not in REGISTRY:
            raise typer.BadParameter(f"unknown analysis {name!r}; choose one of {', '.join(REGISTRY)}")
        doc = pipeline.findings(Workspace(workspace), [name], params=run_params(param))
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return
    error = doc["analyses"][name]["error"]
    cap = doc.get("capabilities", {}).get(name) or {"status": "missing", "unlock": [], "cards": {}}
    if error or not any(f["analysis"] == name for f in doc["findings"]):
        # Nothing to show is never silent: say why, and what would unlock it.
        why = [u[lang] for u in cap["unlock"]] or ([error] if error else [])
        why += [f"{card}: " + "; ".join(n[lang] for n in needs) for card, needs in cap["cards"].items()]
        head = "could not run" if error else "ran, with no card to show"
        err.print(f"[bold red]{name} {head}[/]" + (": " + escape("; ".join(why)) if why else ""))
        raise typer.Exit(2)
    print_findings(doc, lang, top=None)


@app.command("design-test")
def design_test(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")],
    channel: Annotated[str | None, typer.Option(help="Design for this channel (default: the most valuable).")] = None,
    start: Annotated[str | None, typer.Option(help="First day of the test, YYYY-MM-DD (default: after the data).")]
    = None,
    lang: Annotated[Lang, typer.Option(help="Language of the printed design.")] = Lang.zh,
    as_json: Annotated[bool, typer.Option("--json", help="Print the design as JSON.")] = False,
    param: Params = None,
) -> None:
    """Propose the next experiment: channels ranked by the value of a lift study, and a geo holdout.

    Example: zhongcao design-test ws --lang en
    """
    with user_errors():
        doc = pipeline.design_test(Workspace(workspace), channel, start, params=run_params(param))
    plan = doc["analyses"]["mmm"]["results"]["next_experiment"]
    if as_json:
        sys.stdout.write(json.dumps(plan, ensure_ascii=False, indent=1) + "\n")
        return
    print_findings(doc, lang, top=None)
    ranking = Table("channel", "value of a study", "budget it may move", "ROI sd now → after", "days", "power",
                    title="value of information")
    for r in plan["ranking"]:
        ranking.add_row(escape(r["channel"]), f"{r['value_of_information']:,.0f}", f"{r['budget_moved']:,.0f}",
                        f"{r['roi_sd']:.2f} → {r['roi_sd_after']:.2f}", str(r["days"]), f"{r['power']:.0%}")
    console.print(ranking)
    d = plan["design"]
    console.print(f"control: {escape(', '.join(d['control']))}\ntreatment: {escape(', '.join(d['treatment']))}\n"
                  f"window: {d['start']} to {d['end']} (+{d['cooldown_days']} days to measure the carry-over)")


@app.command()
def evidence(
    name: Annotated[str, typer.Argument(help=f"One of {', '.join(pipeline.EVIDENCE)}.")],
    workspace: Annotated[Path, typer.Option(help="Workspace folder.")],
    out: Annotated[Path, typer.Option(help="File to write (.csv or .xlsx).")],
    param: Params = None,
) -> None:
    """Export evidence that findings and the report leave out (attack accounts, as masked handles).

    Example: zhongcao evidence safety.attack --workspace ws --out attack_accounts.csv
    """
    with user_errors():
        rows = pipeline.evidence(Workspace(workspace), name, out, params=run_params(param))
    console.print(f"wrote {out} ({rows} rows)")


@app.command()
def keygen(
    out: Annotated[Path, typer.Option(help="Key file to write (hex, readable by you only).")],
) -> None:
    """Write a new random hash key to share with a partner, so both sides' hashed phones join.

    Hand the file over out of band; both then ingest with --hash-key-file FILE (or
    ZHONGCAO_HASH_KEY_FILE=FILE). The key is never printed.

    Example: zhongcao keygen --out partner.key
    """
    with user_errors():
        if out.exists():
            raise typer.BadParameter(f"{out} exists; a key file is never overwritten")
        write_key_file(out)
    console.print(f"wrote {out}")


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
    workspace: Annotated[Path | None, typer.Argument(help="Workspace folder (from `zhongcao ingest` or `run`).")]
    = None,
    host: Annotated[str, typer.Option(help="Address to bind; anything but 127.0.0.1/localhost needs --token.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8765,
    token: Annotated[str | None, typer.Option(envvar="ZHONGCAO_TOKEN", help="Bearer token required by every request.")]
    = None,
    min_group_size: Annotated[int | None, typer.Option(
        min=1, max=PEOPLE_SKETCH_SIZE,
        help="Groups of fewer distinct people are blanked, on every card and in the live view (the same as "
             f"--param min_group_size=N; default: brand.toml's, else {DEFAULT_MIN_GROUP_SIZE}).")] = None,
    param: Params = None,
    findings: Annotated[Path | None, typer.Option(help="findings.json written by `zhongcao run` for this workspace "
                                                       "(default: next to it); reused when its generation matches.")]
    = None,
    marts: Annotated[Path | None, typer.Option(help="Serve a folder of marts (`zhongcao marts`) instead.")] = None,
) -> None:
    """Start the local dashboard: the report's cards plus filters, drill-down and CSV/Excel export.

    Example: zhongcao serve demo/hiking-shoes/workspace   (then open http://127.0.0.1:8765)
    """
    from zhongcao.web import serve as serve_dashboard

    steps = ["ingest", *[f"analysis:{a}" for a in REGISTRY], "report"]
    with user_errors(), progress_bar("findings") as update:
        if (workspace is None) == (marts is None):
            raise typer.BadParameter("give a workspace folder or --marts DIR (one of them)")
        source = MartFolder(marts) if marts is not None else Workspace(workspace)

        def announce(url: str) -> None:
            update("ready", 1.0)
            console.print(f"dashboard: {url}  (Ctrl+C stops it)")

        def step(name: str) -> None:
            # "reuse": the findings.json of `run` matches the workspace; nothing to compute.
            update(name, steps.index(name) / len(steps) if name in steps else 1.0)

        serve_dashboard(source, host=host, port=port, token=token, min_group_size=min_group_size,
                        params=run_params(param), announce=announce, findings_json=findings, progress=step)


@app.command("settings")
def settings_(
    workspace: Annotated[Path | None, typer.Option(help="Also show the values this workspace's brand.toml sets.")]
    = None,
    param: Params = None,
) -> None:
    """List every run setting (brand-wide, and each analysis's parameters): type, default, range.

    Example: zhongcao settings --workspace ws --param attribution.lookback_days=15
    """
    from zhongcao.analyses.settings import settings_table

    with user_errors():
        chosen = pipeline.settings(Workspace(workspace), run_params(param)).to_dict() \
            if workspace else {"analyses": {}, "sources": {}}
    t = Table("setting", "type", "default", "range", "set to", title="run settings (docs/settings.md)")
    for s in settings_table():
        name, _, p = s.name.partition(".")
        value = chosen.get(name) if not p and s.name in chosen.get("sources", {}) else \
            chosen["analyses"].get(name, {}).get(p, "") if p else ""
        t.add_row(s.name, escape(s.type), escape(repr(s.default)), escape(s.range) + ("" if s.settable else " (fixed)"),
                  escape(f"{value!r} ({chosen['sources'][s.name]})") if s.name in chosen.get("sources", {}) else "")
    console.print(t)


def print_capped(doc: dict[str, Any]) -> None:
    """A setting a consumer could not apply in full is said, never silent."""
    for c in (doc.get("settings") or {}).get("capped", []):
        console.print(f"[yellow]note[/] {c['setting']} {c['value']} is applied as {c['applied']} in "
                      f"{', '.join(c['where'])}: people sketches count at most {c['applied']} distinct people exactly")


@app.command()
def doctor(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder.")],
) -> None:
    """Check a workspace and remove what an interrupted load left behind (when no load is running).

    Exits 2 when a problem remains that it could not repair (a listed segment missing, a database
    that does not open). Example: zhongcao doctor demo/hiking-shoes/workspace
    """
    with user_errors():
        if not Workspace(workspace).exists() and not (workspace / "segments").is_dir():
            raise WorkspaceError(f"no workspace at {workspace}")
        report = Workspace(workspace).recover(check=True)
    table = Table("found", "path", "size", "action", title=f"doctor {workspace}")
    for item in report.items:
        colour = "green" if item.repaired else "red"
        size = f"{item.size / 2**20:,.1f} MB" if item.size else ""
        table.add_row(item.kind, item.path, size, f"[{colour}]{item.action}[/]")
    console.print(table)
    if not report.ok:
        err.print("[bold red]problems remain[/] that doctor could not repair (see above)")
        raise typer.Exit(2)
    console.print("workspace is healthy" if all(not i.problem for i in report.items) else "repaired")


def print_top_per_analysis(doc: dict[str, Any], lang: str) -> None:
    """One section per analysis, with its finding that has the most money at stake."""
    seen: set[str] = set()
    for f in doc["findings"]:  # already ordered by money at stake
        if f["analysis"] in seen:
            continue
        seen.add(f["analysis"])
        console.print(f"[bold cyan]{f['analysis']}[/] [bold]{escape(f['title'][lang])}[/]")
        console.print(f"   {escape(f['summary'][lang])}")
        console.print(f"   [green]→ {escape(f['action'][lang])}[/]")
    for name, entry in doc["analyses"].items():
        if entry.get("error"):
            console.print(f"[yellow]{name} did not run[/]: {escape(entry['error'])}")


def print_findings(doc: dict[str, Any], lang: str, top: int | None) -> None:
    shown = doc["findings"][:top] if top else doc["findings"]
    for i, f in enumerate(shown, 1):
        console.print(f"[bold red]{i}.[/] [bold]{escape(f['title'][lang])}[/]")
        console.print(f"   {escape(f['summary'][lang])}")
        console.print(f"   [green]→ {escape(f['action'][lang])}[/]")
    errors = {k: v["error"] for k, v in doc["analyses"].items() if v.get("error")}
    for name, message in errors.items():
        console.print(f"[yellow]{name} did not run[/]: {escape(message)}")


if __name__ == "__main__":  # pragma: no cover
    app()
