"""Behaviour identity: findings.json of the three demo worlds, before and after a refactor.

A refactor that claims "no behaviour change" runs this twice: once on the commit before
(``record``) and once after (``compare``). Each demo world is simulated at a small fixed size and
seed, run through the whole brain (``pipeline.run``), and its findings.json compared with the
recorded one, ignoring only what legitimately differs between two runs of the same code
(``generated_at``) and the recorded settings block (``settings``, added by issue #24).

    PYTHONPATH=src python tools/compare_findings.py record /tmp/identity-base
    PYTHONPATH=src python tools/compare_findings.py compare /tmp/identity-base

Exit 0 when identical, 1 with a unified diff per world otherwise. Keep the baseline outside
the repository: it is a few MB and belongs to one commit.
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

IGNORED = ("generated_at", "settings")
"""Top-level keys two runs of the same behaviour may differ in."""


def run_worlds(out: Path, users: int, seed: int, worlds: list[str]) -> dict[str, Path]:
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


def normalised(path: Path) -> list[str]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key in IGNORED:
        doc.pop(key, None)
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).splitlines()


def main(argv: list[str] | None = None) -> int:
    from zhongcao.simulate import WORLDS

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("mode", choices=("record", "compare"))
    p.add_argument("baseline", type=Path, help="folder holding <world>.json (written by record)")
    p.add_argument("--users", type=int, default=3000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--world", action="append", choices=WORLDS, help="only these worlds (repeatable)")
    p.add_argument("--max-lines", type=int, default=200, help="diff lines printed per world")
    args = p.parse_args(argv)
    worlds = args.world or list(WORLDS)
    if args.mode == "record":
        run_worlds(args.baseline, args.users, args.seed, worlds)
        print(f"recorded {', '.join(worlds)} in {args.baseline}")
        return 0
    with tempfile.TemporaryDirectory(prefix="zhongcao-identity-now-") as tmp:
        now = run_worlds(Path(tmp), args.users, args.seed, worlds)
        failed = []
        for world, path in now.items():
            before = normalised(args.baseline / f"{world}.json")
            after = normalised(path)
            if before == after:
                print(f"{world}: identical ({len(after):,} lines)")
                continue
            failed.append(world)
            diff = list(difflib.unified_diff(before, after, f"before/{world}", f"after/{world}", lineterm="", n=2))
            print(f"{world}: DIFFERS ({sum(1 for d in diff if d[:1] in '+-')} changed lines)")
            print("\n".join(diff[: args.max_lines]))
            if len(diff) > args.max_lines:
                print(f"... {len(diff) - args.max_lines} more diff lines")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
