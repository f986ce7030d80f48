"""MMM benchmarks: fit time against PyMC-Marketing at equal recovery, and a large geo daily fit.

PyMC-Marketing 0.19.2 needs pandas 3 / numpy 2.4, which clash with zhongcao's pins, so it runs
in its own virtual environment (``ZHONGCAO_PYMC_PYTHON=/path/to/venv/bin/python``), timed inside
that process by bench/mmm_pymc.py on the same CSV with the same components (geometric adstock
l_max 8, logistic saturation, yearly seasonality 2, 2 chains × 1,000 draws, its defaults).
Without it the reference time from the issue (≈ 49 s on this data) is reported instead.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.harness import as_dict, measure
from zhongcao.analyses.mmm import BayesianMMM, default_chain

SHARED = Path(os.environ.get("ZHONGCAO_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
REFERENCE_PYMC_SECONDS = 49.0  # the figure: 156 weeks × 3 channels, 2 chains × 1,000 draws


def _truth() -> dict[str, list[float]]:
    ref = json.loads((SHARED / "pymc-marketing" / "reference_results.json").read_text())
    text = ref["mmm_example.csv"]["generator_source"]
    found = {k: float(v) for k, v in re.findall(r"\b(alpha\d|lam\d)=([0-9.]+)", text)}
    return {"alpha": [found["alpha1"], found["alpha2"]], "lam": [found["lam1"], found["lam2"]]}


def _covered(truth: dict[str, list[float]], est: dict[str, dict[str, list[float]]]) -> int:
    return sum(lo <= t <= hi for name in ("alpha", "lam")
               for t, lo, hi in zip(truth[name], est[name]["low"], est[name]["high"], strict=True))


def bench_mmm_vs_pymc() -> dict[str, Any]:
    csv = SHARED / "pymc-marketing" / "mmm_example.csv"
    df = pd.read_csv(csv)
    truth = _truth()

    def ours() -> BayesianMMM:
        model = BayesianMMM(default_chain("geometric", "logistic", 8), trend_degree=2, yearly_order=2, events=False)
        return model.fit(df["y"].to_numpy(), df[["x1", "x2"]].to_numpy(), df["date_week"], ["x1", "x2"],
                         controls=df[["event_1", "event_2"]].to_numpy())

    mine = measure(ours)
    s = mine.result.summary()
    scale = mine.result.spend_scale_
    est = {"alpha": {"low": s["adstock.alpha_low"].tolist(), "high": s["adstock.alpha_high"].tolist()},
           # our λ acts on spend ÷ max; back to raw spend units as the truth and PyMC-Marketing
           "lam": {"low": (s["saturation.lam_low"] / scale).tolist(), "high": (s["saturation.lam_high"] / scale).tolist()}}
    entry: dict[str, Any] = {
        "name": "mmm-vs-pymc-marketing",
        "what": "Bayesian MMM on PyMC-Marketing's mmm_example.csv (179 weeks, 2 channels), same components",
        "zhongcao": {**as_dict(mine), "true_params_in_90pct": _covered(truth, est), "of": 4,
                     "max_rhat": mine.result.convergence_.max_rhat, "min_ess": mine.result.convergence_.min_ess},
    }
    python = os.environ.get("ZHONGCAO_PYMC_PYTHON")
    if python:
        run = subprocess.run([python, str(Path(__file__).with_name("mmm_pymc.py")), str(csv)], capture_output=True,
                             text=True, check=False)
        line = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "{}"
        pm = json.loads(line) if line.startswith("{") else {"error": run.stderr[-2000:]}
        if "seconds" in pm:
            pm["true_params_in_90pct"] = _covered(truth, {"alpha": pm["adstock_alpha"], "lam": pm["saturation_lam"]})
            entry["baseline_pymc_marketing"] = pm
            entry["time_ratio_baseline_over_ours"] = pm["seconds"] / mine.seconds
        else:
            entry["baseline_pymc_marketing"] = pm
    if "time_ratio_baseline_over_ours" not in entry:
        entry["baseline_pymc_marketing"] = {**entry.get("baseline_pymc_marketing", {}),
                                            "seconds": REFERENCE_PYMC_SECONDS, "source": "reference time from issue 6"}
        entry["time_ratio_baseline_over_ours"] = REFERENCE_PYMC_SECONDS / mine.seconds
    return entry


def synthetic_geo_daily(geos: int = 31, days: int = 1095, channels: int = 8, seed: int = 0) -> dict[str, Any]:
    """A 3-year daily panel with known geometric adstock and Hill saturation per channel."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2022-01-01", periods=days, freq="D")
    size = rng.lognormal(0, 0.6, geos)
    spend = rng.gamma(2.0, 1.0, (geos, days, channels)) * size[:, None, None] * rng.uniform(0.5, 2, channels)
    spend *= (rng.random((1, days, channels)) < 0.8)  # flighting: some days off
    alpha = rng.uniform(0.1, 0.7, channels)
    half = spend.mean((0, 1)) * rng.uniform(0.5, 2.0, channels)
    beta = rng.uniform(0.05, 0.3, channels)
    y = 10 * size[:, None] * (1 + 0.2 * np.sin(2 * np.pi * np.arange(days) / 365.25))[None, :]
    for c in range(channels):
        x = spend[..., c]
        ad = np.zeros_like(x)
        for t in range(days):
            ad[:, t] = x[:, t] + (alpha[c] * ad[:, t - 1] if t else 0.0)
        ad *= 1 - alpha[c]
        y = y + beta[c] * 10 * size[:, None] * ad / (ad + half[c])
    y = y + rng.normal(0, 0.5, y.shape) * size[:, None]
    return {"y": y, "spend": spend, "dates": dates, "channels": [f"ch{c}" for c in range(channels)],
            "geos": [f"p{g}" for g in range(geos)]}


def bench_mmm_geo_daily(steps: int = 300) -> dict[str, Any]:
    data = synthetic_geo_daily()

    def fit() -> BayesianMMM:
        model = BayesianMMM(default_chain("geometric", "hill", 14), spend_scale="mean", steps=steps, burn=steps // 2,
                            draws=200, restarts=0)
        model.fit(data["y"], data["spend"], data["dates"], data["channels"], geos=data["geos"])
        model.summary()
        return model

    m = measure(fit)
    return {"name": "mmm-geo-daily", "what": "3 years daily × 8 channels × 31 provinces (33,945 rows), "
            f"{steps} ensemble steps", "zhongcao": {**as_dict(m), "max_rhat": m.result.convergence_.max_rhat,
                                                   "min_ess": m.result.convergence_.min_ess}}


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "pymc"
    result = bench_mmm_vs_pymc() if which == "pymc" else bench_mmm_geo_daily()
    print(json.dumps({k: v for k, v in result.items()}, default=str, indent=1))
