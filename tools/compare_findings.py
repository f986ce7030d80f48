"""Behaviour identity: findings.json of the three demo worlds, before and after a refactor.

A refactor that claims "no behaviour change" runs this twice: once on the commit before
(``record``) and once after (``compare``). Each demo world is simulated at a small fixed size and
seed, run through the whole brain (``pipeline.run``), and its findings.json compared with the
recorded one, ignoring only what legitimately differs between two runs of the same code
(``generated_at``), the recorded settings block (``settings``, added by issue #24) and the
schema ``version`` that block bumped.

    PYTHONPATH=src python tools/compare_findings.py record /tmp/identity-base
    PYTHONPATH=src python tools/compare_findings.py compare /tmp/identity-base
    python tools/compare_findings.py diff /tmp/identity-base /tmp/identity-other   # two recorded folders

Exit 0 when identical, 1 otherwise, printing every differing path with both values and a
unified diff. DuckDB runs on one thread here: its parallel sums add floats in varying order,
so two runs of the same code differ in the last bits (measured: thousands of values at ~1e-16
relative). Numbers are also compared at ``--rtol`` (default 1e-9): a refactor may reorder a
sum; anything larger, and any change to a string or a key, is a difference. Keep the baseline
outside the repository: it is a few MB and belongs to one commit. ``compare`` keeps the new
documents in ``BASELINE-after/`` to inspect.
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

IGNORED = ("generated_at", "settings", "version")
"""Top-level keys two runs of the same behaviour may differ in (``version`` moves with the schema,
which gained ``settings``)."""


def one_thread_duckdb() -> None:
    """Every DuckDB connection on one thread, so float sums add in one order (see the module doc)."""
    import duckdb

    connect = duckdb.connect

    def connect_one_thread(*args: Any, **kwargs: Any) -> Any:
        kwargs["config"] = {**(kwargs.get("config") or {}), "threads": 1}
        return connect(*args, **kwargs)

    duckdb.connect = connect_one_thread


def run_worlds(out: Path, users: int, seed: int, worlds: list[str]) -> dict[str, Path]:
    one_thread_duckdb()
    from zhongcao import pipeline
    from zhongcao.simulate import simulate

    paths: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="zhongcao-identity-") as tmp:
        for world in worlds:
            t0 = time.perf_counter()
            inp = simulate(world, Path(tmp) / world / "input", users=users, seed=seed)
            result = pipeline.run(inp, Path(tmp) / world / "out")
            out.mkdir(parents=True, exist_ok=True)
            paths[world] = out / f"{world}.json"
            shutil.copyfile(result.findings_path, paths[world])
            print(f"{world}: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return paths


def load(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document without the ignored keys, and each analysis's recorded parameters apart: they are
    run settings too (a refactor may rename or compose them), so they are listed, not failed on."""
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key in IGNORED:
        doc.pop(key, None)
    params = {name: entry.pop("params", None) for name, entry in doc.get("analyses", {}).items()}
    return doc, params


def differences(a: Any, b: Any, rtol: float, path: str = "") -> tuple[list[str], float]:
    """Paths where ``a`` and ``b`` differ (numbers beyond ``rtol``), and the largest relative
    difference among numbers within it."""
    if isinstance(a, bool) or isinstance(b, bool) or not (isinstance(a, int | float) and isinstance(b, int | float)):
        if type(a) is not type(b):
            return [f"{path}: {a!r} -> {b!r}"], 0.0
    if isinstance(a, dict):
        out, worst = [], 0.0
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: {'added' if k not in a else 'removed'}")
                continue
            d, w = differences(a[k], b[k], rtol, f"{path}.{k}")
            out += d
            worst = max(worst, w)
        return out, worst
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items -> {len(b)}"], 0.0
        out, worst = [], 0.0
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d, w = differences(x, y, rtol, f"{path}[{i}]")
            out += d
            worst = max(worst, w)
        return out, worst
    if isinstance(a, int | float) and not isinstance(a, bool):
        if a == b:
            return [], 0.0
        rel = abs(a - b) / max(abs(a), abs(b))
        return ([f"{path}: {a!r} -> {b!r} (relative {rel:.1e})"], rel) if rel > rtol else ([], rel)
    return ([] if a == b else [f"{path}: {a!r} -> {b!r}"]), 0.0


def main(argv: list[str] | None = None) -> int:
    from zhongcao.simulate import WORLDS

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("mode", choices=("record", "compare", "diff"))
    p.add_argument("baseline", type=Path, help="folder holding <world>.json (written by record)")
    p.add_argument("other", type=Path, nargs="?", help="diff: a second recorded folder")
    p.add_argument("--users", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--world", action="append", choices=WORLDS, help="only these worlds (repeatable)")
    p.add_argument("--max-lines", type=int, default=200, help="diff lines printed per world")
    p.add_argument("--rtol", type=float, default=1e-9, help="relative tolerance for numbers")
    args = p.parse_args(argv)
    worlds = args.world or list(WORLDS)
    if args.mode == "record":
        run_worlds(args.baseline, args.users, args.seed, worlds)
        print(f"recorded {', '.join(worlds)} in {args.baseline}")
        return 0
    if args.mode == "diff":
        now = {w: args.other / f"{w}.json" for w in worlds}
    else:
        now = run_worlds(args.baseline.with_name(args.baseline.name + "-after"), args.users, args.seed, worlds)
    failed = []
    for world, path in now.items():
        (before, params_before), (after, params_after) = load(args.baseline / f"{world}.json"), load(path)
        for line in differences(params_before, params_after, 0.0)[0]:
            print(f"{world}: recorded parameter {line}")
        diffs, worst = differences(before, after, args.rtol)
        if not diffs:
            print(f"{world}: identical ({len(after['findings'])} findings; largest relative difference "
                  f"of a number {worst:.1e}, tolerance {args.rtol:.0e})")
            continue
        failed.append(world)
        print(f"{world}: DIFFERS at {len(diffs)} path(s)")
        print("\n".join(diffs[: args.max_lines]))
        lines = [json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True).splitlines() for d in (before, after)]
        diff = list(difflib.unified_diff(*lines, f"before/{world}", f"after/{world}", lineterm="", n=2))
        print("\n".join(diff[: args.max_lines]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
