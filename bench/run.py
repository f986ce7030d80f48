"""`make bench`: speed and memory as ratios against the libraries a user would otherwise pick.

Writes bench/results.json. Data is simulated once per size and cached under bench/_data/.

    python -m bench.run                 # default sizes
    python -m bench.run --users 100000  # smaller, for a quick look
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.attribution import bench_attribution
from bench.audience import bench_audience
from bench.creators import bench_creators
from bench.dashboard import bench_dashboard
from bench.harness import as_dict, measure, write_results
from bench.kpi_baseline import pandas_kpis
from bench.mmm import bench_mmm_geo_daily, bench_mmm_vs_pymc
from bench.negativity_speed import bench_negativity_speed
from bench.scenes import bench_scenes
from bench.text_speed import bench_text_speed
from zhongcao import pipeline
from zhongcao.analyses.kpi import KpiAnalysis
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate

HERE = Path(__file__).parent
DATA = HERE / "_data"


def world(name: str, users: int, seed: int = 1) -> Path:
    folder = DATA / f"{name}-{users}"
    if not (folder / "truth.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"simulating {name} with {users:,} users …", flush=True)
        simulate(name, folder, users=users, seed=seed)
    return folder


def input_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet"))


def bench_ingest_kpi(users: int) -> dict[str, Any]:
    folder = world("hiking-shoes", users)
    rows = input_rows(folder)
    with tempfile.TemporaryDirectory() as tmp:

        def ours() -> dict[str, float]:
            pipeline.ingest(folder, Path(tmp) / "ws", marts=KpiAnalysis.marts)
            kpi = KpiAnalysis().fit(Workspace(Path(tmp) / "ws"))
            f = dict(zip(kpi.funnel_["stage"], kpi.funnel_["users"], strict=True))
            return {**kpi.totals_, **f}

        mine = measure(ours)
    base = measure(lambda: pandas_kpis(folder))
    mismatches = {
        k: (mine.result.get(k), v)
        for k, v in base.result.items()
        if k in mine.result and not math.isclose(mine.result[k], v, rel_tol=1e-6, abs_tol=1e-6)
    }
    return {
        "name": "ingest+kpi",
        "what": "ingest the hiking-shoes world (validation, workspace, marts) and compute the KPIs, "
                "against plain pandas computing the same KPIs from the same Parquet files",
        "users": users,
        "input_rows": rows,
        "zhongcao": {**as_dict(mine), "rows_per_s": rows / mine.seconds},
        "baseline_pandas": {**as_dict(base), "rows_per_s": rows / base.seconds},
        "time_ratio_baseline_over_ours": base.seconds / mine.seconds,
        "memory_ratio_ours_over_baseline": mine.peak_rss_mb / max(base.peak_rss_mb, 1.0),
        "same_numbers": not mismatches,
        "mismatches": mismatches,
    }


# Every benchmark, by name: each takes the --users size (some have their own fixed sizes).
BENCHES: dict[str, Callable[[int], list[dict[str, Any]]]] = {
    "ingest_kpi": lambda users: [bench_ingest_kpi(users)],
    "text_speed": lambda users: [bench_text_speed()],
    "negativity_speed": lambda users: [bench_negativity_speed()],
    "audience": lambda users: [bench_audience(world("writing-course", users), users)],
    "dashboard": lambda users: [bench_dashboard(world("hiking-shoes", users), users)],
    "attribution": lambda users: [bench_attribution(world("clip-earbuds", users), users)],
    "scenes": lambda users: [bench_scenes(users)],  # as many notes as users, five comments each
    "creators": lambda users: bench_creators(),  # 5M comments, 50k creators
    "mmm": lambda users: [bench_mmm_vs_pymc(), bench_mmm_geo_daily()],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHES)}")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(BENCHES)
    unknown = sorted(set(names) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHES)}")
    entries: list[dict[str, Any]] = []
    for name in names:
        print(f"== {name}", flush=True)
        for entry in BENCHES[name](args.users):
            entries.append(entry)
            print({k: v for k, v in entry.items() if k not in ("what", "mismatches")}, flush=True)
        write_results(args.out, entries)  # after each, so a long run keeps what it measured
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
