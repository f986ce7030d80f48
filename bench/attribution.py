"""Attribution from raw exposures to every model: ours (SQL journeys + exact models) against the
baseline a user would write (pandas journey building + the ChannelAttribution package), and
against the practical floor (one DuckDB scan-aggregate of the exposures file).

Two figures for ours, both from the same raw folder as the baseline (``WHAT`` states each side):
like-for-like (the baseline's models, conversion and lookback, no intervals) and the full product
run. ``--scale`` (the 10M-user run) skips pandas, which would not fit in memory there.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.harness import as_dict, measure
from zhongcao import pipeline
from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.analyses.attribution.models import PathModels, path_table
from zhongcao.engine import Workspace
from zhongcao.engine.workspace import memory_limit


def pandas_journeys(folder: Path, lookback_days: int = 30, max_len: int = 20) -> pd.DataFrame:
    """What a user would write: merge orders with exposures, filter the window, join paths per order,
    add non-converting users' paths. Returns a ChannelAttribution-style path table."""
    ex = pd.read_parquet(folder / "exposures.parquet", columns=["user_id", "ts", "channel"])
    orders = pd.read_parquet(folder / "orders.parquet", columns=["order_id", "user_id", "ordered_at", "amount"])
    m = orders.merge(ex, on="user_id")
    m = m[(m["ts"] <= m["ordered_at"]) & (m["ts"] >= m["ordered_at"] - pd.Timedelta(days=lookback_days))]
    m = m.sort_values(["order_id", "ts", "channel"])
    m = m.groupby("order_id").tail(max_len)
    conv = m.groupby("order_id").agg(path=("channel", " > ".join), amount=("amount", "first"))
    conv = conv.groupby("path", as_index=False).agg(total_conversions=("amount", "size"),
                                                    total_conversion_value=("amount", "sum"))
    quiet = ex[~ex["user_id"].isin(orders["user_id"])].sort_values(["user_id", "ts", "channel"])
    last = quiet.groupby("user_id")["ts"].transform("max")
    quiet = quiet[quiet["ts"] >= last - pd.Timedelta(days=lookback_days)].groupby("user_id").tail(max_len)
    null = quiet.groupby("user_id")["channel"].agg(" > ".join).value_counts().rename("total_null")
    out = conv.set_index("path").join(null, how="outer").fillna(0).reset_index()
    return out.rename(columns={"index": "path"})


def baseline(folder: Path) -> dict[str, Any]:
    import ChannelAttribution as ca

    paths = pandas_journeys(folder)
    heur = ca.heuristic_models(paths, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)
    mk = ca.markov_model(paths, "path", "total_conversions", var_value="total_conversion_value",
                         var_null="total_null", order=1, verbose=0, flg_pro=False)
    return {"paths": len(paths), "heuristic": heur, "markov": mk}


def scan_floor(folder: Path) -> int:
    import duckdb  # the floor is one engine scan, measured directly

    con = duckdb.connect()
    try:
        sql = "SELECT channel, action, COUNT(*) FROM read_parquet(?) GROUP BY channel, action"
        return len(con.execute(sql, [str(folder / "exposures.parquet")]).fetchall())
    finally:
        con.close()


def ours_like_for_like(folder: Path, ws_dir: Path) -> dict[str, Any]:
    """The baseline's work done our way: ingest the folder (every table validated and stored), build the
    journeys mart, then heuristics + order-1 Markov for all orders pooled, 30-day lookback, no intervals."""
    start = time.perf_counter()
    pipeline.ingest(folder, ws_dir, marts=("attribution_journeys",))
    ingested = time.perf_counter()
    j = Workspace(ws_dir).mart("attribution_journeys").to_pandas()
    j = j[j["lookback_days"] == 30]
    conv = j[j["conversion_type"].str.startswith("order_")].assign(nulls=0)
    null = j[j["conversion_type"] == "none"].assign(nulls=lambda f: f["journeys"], conversions=0, revenue=0.0)
    paths = path_table(pd.concat([conv, null], ignore_index=True)[["path", "conversions", "nulls", "revenue"]])
    pm = PathModels(paths, order=1)
    c, n, r = (paths[k].to_numpy(float) for k in ("conversions", "nulls", "revenue"))
    out = {"paths": len(paths), "heuristic": pm.heuristics(c, r), "markov": pm.markov(c, n, r)}
    return {**out, "ingest_and_journeys_s": ingested - start, "models_s": time.perf_counter() - ingested}


def ours_full(folder: Path, ws_dir: Path) -> dict[str, Any]:
    """The product run: ingest, every attribution mart, AttributionAnalysis with its defaults."""
    start = time.perf_counter()
    pipeline.ingest(folder, ws_dir, marts=AttributionAnalysis.marts)
    ingested = time.perf_counter()
    fitted = AttributionAnalysis().fit(Workspace(ws_dir))
    return {"analysis": fitted, "ingest_and_marts_s": ingested - start, "fit_s": time.perf_counter() - ingested}


WHAT = {
    "baseline": "pandas reads exposures + orders Parquet, merges, keeps touches within 30 days before each order, "
                "last 20 per order, joins paths; non-buyers' last-20 paths within 30 days of their last touch; "
                "ChannelAttribution heuristic_models + markov_model(order=1, default conv_par) on all orders pooled; "
                "no validation, nothing stored, no intervals",
    "like_for_like": "pipeline.ingest of the same folder (all 9 tables read and validated, stored in the workspace "
                     "as Parquet segments), the attribution_journeys mart (all conversion types x 4 "
                     "lookbacks), then PathModels heuristics (first/last/linear/position) + exact order-1 Markov "
                     "on all orders pooled at 30 days, no intervals",
    "full": "pipeline.ingest of the same folder with every attribution mart (journeys, touch credit, cost, "
            "mid-funnel, campaign, holdout) and AttributionAnalysis() defaults: every conversion type modelled "
            "separately, first/last/linear/position/time-decay/Markov/Shapley, 200 Poisson-bootstrap draws, "
            "creators and notes, ROI, mid-funnel, lift study",
    "scan_floor": "one DuckDB scan-aggregate of exposures.parquet (channel x action counts)",
}


def warm(folder: Path) -> None:
    """Read every input file once, so no side pays for a cold page cache (the first measured did)."""
    for path in folder.iterdir():
        if path.is_file():
            with path.open("rb") as handle:
                while handle.read(1 << 24):
                    pass


def bench_attribution(folder: Path, users: int, with_baseline: bool = True) -> dict[str, Any]:
    import pyarrow.parquet as pq

    touches = pq.ParquetFile(folder / "exposures.parquet").metadata.num_rows
    warm(folder)
    entry: dict[str, Any] = {"name": "attribution", "what": WHAT, "users": users, "input_rows": touches}
    floor = measure(lambda: scan_floor(folder))
    entry["scan_floor"] = as_dict(floor)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        lfl = measure(lambda: ours_like_for_like(folder, Path(tmp) / "lfl"))
        full = measure(lambda: ours_full(folder, Path(tmp) / "full"))
    entry["zhongcao_like_for_like"] = {**as_dict(lfl), "paths": lfl.result["paths"],
                                       "ingest_and_journeys_s": lfl.result["ingest_and_journeys_s"],
                                       "models_s": lfl.result["models_s"]}
    entry["zhongcao_full"] = {**as_dict(full), "ingest_and_marts_s": full.result["ingest_and_marts_s"],
                              "fit_s": full.result["fit_s"]}
    entry["ratio_full_over_scan_floor"] = full.seconds / max(floor.seconds, 1e-9)
    entry["ratio_like_for_like_over_scan_floor"] = lfl.seconds / max(floor.seconds, 1e-9)
    if with_baseline:
        base = measure(lambda: baseline(folder))
        entry["baseline_pandas"] = {**as_dict(base), "paths": base.result["paths"]}
        entry["time_ratio_baseline_over_ours_like_for_like"] = base.seconds / lfl.seconds
        entry["time_ratio_baseline_over_ours_full"] = base.seconds / full.seconds
        entry["memory_ratio_ours_like_for_like_over_baseline"] = lfl.peak_rss_mb / max(base.peak_rss_mb, 1.0)
        entry["memory_ratio_ours_full_over_baseline"] = full.peak_rss_mb / max(base.peak_rss_mb, 1.0)
        h = base.result["heuristic"].set_index("channel_name")
        mine = lfl.result["heuristic"]["last_touch"].set_index("channel")
        common = sorted(set(h.index) & set(mine.index))
        entry["last_touch_max_abs_diff"] = float(np.max(np.abs(
            mine.loc[common, "conversions"].to_numpy() - h.loc[common, "last_touch_conversions"].to_numpy())))
        m = base.result["markov"].set_index("channel_name")["total_conversions"]
        ours_m = lfl.result["markov"].set_index("channel")["conversions"]
        entry["markov_max_rel_diff"] = float(np.max(np.abs(ours_m.loc[common].to_numpy() / m.loc[common].to_numpy() - 1)))
    return entry


def bench_attribution_scale(folder: Path, users: int) -> dict[str, Any]:
    """The full product run on a world too large for the pandas baseline: time, peak memory, and the
    ratio to one scan-aggregate of the exposures file."""
    import pyarrow.parquet as pq

    touches = pq.ParquetFile(folder / "exposures.parquet").metadata.num_rows
    warm(folder)  # 2.3 GB at 10M users: it may not all stay cached, hence the floor again at the end
    floor = measure(lambda: scan_floor(folder))
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        ws_dir = Path(tmp) / "ws"
        ingest = measure(lambda: pipeline.ingest(folder, ws_dir, marts=AttributionAnalysis.marts))
        fit = measure(lambda: AttributionAnalysis().fit(Workspace(ws_dir)))
    after = measure(lambda: scan_floor(folder))  # again: a shared machine's load drifts over a long run
    total = ingest.seconds + fit.seconds
    return {
        "name": "attribution_scale",
        "what": {"full": WHAT["full"], "scan_floor": WHAT["scan_floor"]},
        "users": users,
        "input_rows": touches,
        "memory_limit": memory_limit(),
        "scan_floor": as_dict(floor),
        "scan_floor_after": as_dict(after),
        "zhongcao_ingest_and_marts": as_dict(ingest),
        "zhongcao_fit": as_dict(fit),
        "zhongcao_full_seconds": total,
        "zhongcao_full_peak_rss_mb": max(ingest.peak_rss_mb, fit.peak_rss_mb),
        "ratio_full_over_scan_floor": total / max(floor.seconds, 1e-9),
        "ratio_full_over_scan_floor_after": total / max(after.seconds, 1e-9),
    }


def record(entry: dict[str, Any], path: Path = Path(__file__).parent / "results.json") -> None:
    """Put one entry into bench/results.json, replacing an entry of the same name and size."""
    import json

    from bench.harness import write_results

    entries = json.loads(path.read_text(encoding="utf-8"))["benchmarks"] if path.exists() else []
    entries = [e for e in entries if (e.get("name"), e.get("users")) != (entry["name"], entry["users"])]
    write_results(path, [*entries, entry])


if __name__ == "__main__":
    import argparse
    import json

    from bench.run import world

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--scale", action="store_true",
                        help="only the full product run and the scan floor (the 10M-user run; no pandas baseline)")
    parser.add_argument("--record", action="store_true", help="put the entry into bench/results.json")
    args = parser.parse_args()
    folder = world("clip-earbuds", args.users)
    result = bench_attribution_scale(folder, args.users) if args.scale else bench_attribution(folder, args.users)
    print(json.dumps(result, indent=2, default=str))
    if args.record:
        record(result)
