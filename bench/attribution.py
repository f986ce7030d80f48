"""Attribution from raw exposures to every model: ours (SQL journeys + exact models) against the
baseline a user would write (pandas journey building + the ChannelAttribution package), and
against the practical floor (one DuckDB scan-aggregate of the exposures file)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.harness import as_dict, measure
from zhongcao import pipeline
from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.engine import Workspace


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


def bench_attribution(folder: Path, users: int, with_baseline: bool = True) -> dict[str, Any]:
    import pyarrow.parquet as pq

    touches = pq.ParquetFile(folder / "exposures.parquet").metadata.num_rows
    with tempfile.TemporaryDirectory() as tmp:
        ws_dir = Path(tmp) / "ws"

        def ours() -> AttributionAnalysis:
            pipeline.ingest(folder, ws_dir, marts=AttributionAnalysis.marts)
            return AttributionAnalysis(bootstrap_draws=100).fit(Workspace(ws_dir))

        mine = measure(ours)
    floor = measure(lambda: scan_floor(folder))
    entry: dict[str, Any] = {
        "name": "attribution",
        "what": "raw input folder → journeys (all conversion types, 4 lookbacks) → first/last/linear/position/"
                "time-decay/Markov/Shapley with 100 bootstrap draws, ROI, mid-funnel, lift study; baseline: pandas "
                "journeys (orders, one 30-day lookback) + ChannelAttribution heuristic_models and markov_model "
                "(default conv_par), no intervals",
        "users": users,
        "input_rows": touches,
        "zhongcao": as_dict(mine),
        "scan_floor": as_dict(floor),
        "ratio_ours_over_scan_floor": mine.seconds / max(floor.seconds, 1e-9),
    }
    if with_baseline:
        base = measure(lambda: baseline(folder))
        entry["baseline_pandas"] = {**as_dict(base), "paths": base.result["paths"]}
        entry["time_ratio_baseline_over_ours"] = base.seconds / mine.seconds
        entry["memory_ratio_ours_over_baseline"] = mine.peak_rss_mb / max(base.peak_rss_mb, 1.0)
        ch = mine.result.channels_
        ours_last = ch[(ch["conversion"] == "orders") & (ch["model"] == "last_touch")].set_index("channel")
        h = base.result["heuristic"].set_index("channel_name")["last_touch_conversions"]
        common = sorted(set(h.index) & set(ours_last.index))
        entry["last_touch_max_abs_diff"] = float(np.max(np.abs(ours_last.loc[common, "conversions"].to_numpy()
                                                               - h.loc[common].to_numpy()))) if common else None
    return entry


if __name__ == "__main__":
    import argparse
    import json

    from bench.run import world

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline (the 10M run)")
    args = parser.parse_args()
    result = bench_attribution(world("clip-earbuds", args.users), args.users, not args.no_baseline)
    print(json.dumps(result, indent=2, default=str))
