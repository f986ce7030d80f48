"""Coverage and cost of the repurchase model's interval: observed information vs the old bootstrap.

Worlds are drawn from the published CDNOW fits (BG/NBD r, alpha, a, b and Gamma-Gamma p, q, v in
``/work/shared/data/cdnow/reference_results.json``) with CDNOW's own customer ages T (2,357
customers), so the truth (a new customer's expected repeat GMV over 52 weeks) is known. Each world
is fitted once; the interval is computed both ways and checked against the truth.

    python -m bench.repurchase_interval --worlds 200
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zhongcao.analyses.repurchase.clv import (
    BetaGeoParams,
    GammaGammaParams,
    fit_bgnbd,
    fit_gamma_gamma,
    repeat_gmv_draws,
    simulate_customers,
)
from zhongcao.errors import InsufficientDataError

WEEKS = 52


def cdnow(shared: Path) -> tuple[BetaGeoParams, GammaGammaParams, np.ndarray]:
    ref = json.loads((shared / "cdnow" / "reference_results.json").read_text())
    bg = next(v for k, v in ref.items() if k.startswith("cdnow_customers_summary.csv"))["BG/NBD params (r, alpha, a, b)"]
    gg = next(v for k, v in ref.items() if k.startswith("cdnow_customers_summary_with_transactions.csv"))[
        "Gamma-Gamma params (p, q, v) fitted on customers with frequency>0 (946)"]
    ages = pd.read_csv(shared / "cdnow" / "cdnow_customers_summary.csv")["T"].to_numpy(float)
    return BetaGeoParams(*bg), GammaGammaParams(*gg), ages


def bootstrap(bg: BetaGeoParams, gg: GammaGammaParams, h: pd.DataFrame, refits: int = 20) -> np.ndarray:
    """The interval before: warm-started refits on multinomially resampled customers."""
    rng = np.random.default_rng(0)
    counts = h["w"].to_numpy(float)
    draws = []
    for _ in range(refits):
        w = rng.multinomial(int(counts.sum()), counts / counts.sum()).astype(float)
        keep = w > 0
        sub = h[keep]
        try:
            b2 = fit_bgnbd(sub["frequency"], sub["recency"], sub["T"], weights=w[keep], start=bg)
            rep = (sub["frequency"] > 0).to_numpy()
            g2 = fit_gamma_gamma(sub["frequency"][rep], sub["m"][rep], weights=w[keep][rep], start=gg)
        except InsufficientDataError:
            continue
        if math.isfinite(g2.mean_spend):
            draws.append(float(b2.expected_purchases(WEEKS)) * g2.mean_spend)
    return np.asarray(draws)


def bench_repurchase_interval(shared: Path, worlds: int = 100, seed: int = 7) -> dict[str, Any]:
    bg0, gg0, ages = cdnow(shared)
    truth = float(bg0.expected_purchases(WEEKS)) * gg0.mean_spend
    rng = np.random.default_rng(seed)
    tallies: dict[str, dict[str, list[float]]] = {k: {"hit": [], "s": [], "width": []} for k in ("information", "bootstrap")}
    for _ in range(worlds):
        h = pd.DataFrame(simulate_customers(bg0, gg0, ages, rng))
        bg = fit_bgnbd(h["frequency"], h["recency"], h["T"])
        rep = h[h["frequency"] > 0]
        gg = fit_gamma_gamma(rep["frequency"], rep["m"])
        for name in ("information", "bootstrap"):
            start = time.perf_counter()
            draws = (repeat_gmv_draws(bg, gg, WEEKS, h["frequency"], h["recency"], h["T"], h["w"], h["m"])
                     if name == "information" else bootstrap(bg, gg, h))
            tallies[name]["s"].append(time.perf_counter() - start)
            if len(draws) < 10:
                tallies[name]["hit"].append(math.nan)
                continue
            lo, hi = np.quantile(draws, [0.05, 0.95])
            tallies[name]["hit"].append(float(lo <= truth <= hi))
            tallies[name]["width"].append(float(hi - lo))
    out: dict[str, Any] = {"name": "repurchase_interval", "worlds": worlds, "customers": len(ages),
                           "truth_repeat_gmv_52w": truth, "nominal": 0.9}
    for name, t in tallies.items():
        hits = np.asarray(t["hit"])
        out[name] = {"coverage": float(np.nanmean(hits)), "no_interval": int(np.isnan(hits).sum()),
                     "median_width": float(np.median(t["width"])),
                     "seconds_min_median_max": [float(np.min(t["s"])), float(np.median(t["s"])), float(np.max(t["s"]))]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", type=int, default=100)
    parser.add_argument("--shared", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()
    print(json.dumps(bench_repurchase_interval(args.shared, args.worlds), indent=1))


if __name__ == "__main__":
    main()
