"""PyMC-Marketing's MMM on mmm_example.csv, timed; run by bench/mmm.py in PyMC-Marketing's own venv.

pymc-marketing 0.19.2 needs pandas 3 and numpy 2.4, which clash with zhongcao's pins, so it lives
in a separate virtual environment (ZHONGCAO_PYMC_PYTHON) and prints one JSON line.
Usage: python bench/mmm_pymc.py CSV [chains] [draws]
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd


def main() -> None:
    from pymc_marketing.mmm import MMM, GeometricAdstock, LogisticSaturation

    csv = sys.argv[1]
    chains = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    draws = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    df = pd.read_csv(csv, parse_dates=["date_week"])
    x = df[["date_week", "x1", "x2", "event_1", "event_2", "t"]]
    model = MMM(adstock=GeometricAdstock(l_max=8), saturation=LogisticSaturation(), date_column="date_week",
                channel_columns=["x1", "x2"], control_columns=["event_1", "event_2", "t"], yearly_seasonality=2)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, df["y"], chains=chains, draws=draws, tune=1000, random_seed=42, progressbar=False)
    seconds = time.perf_counter() - start
    post = model.idata.posterior
    out: dict[str, object] = {"seconds": seconds, "chains": chains, "draws": draws,
                              "warnings": sorted({str(w.message)[:160] for w in caught})}
    for name in ("adstock_alpha", "saturation_lam"):
        v = post[name].values.reshape(-1, 2)
        out[name] = {"mean": v.mean(0).tolist(), "low": np.quantile(v, 0.05, 0).tolist(),
                     "high": np.quantile(v, 0.95, 0).tolist()}
    try:
        import arviz as az

        summ = az.summary(model.idata, var_names=["adstock_alpha", "saturation_lam", "saturation_beta"])
        out["max_rhat"] = float(summ["r_hat"].max())
        out["min_ess_bulk"] = float(summ["ess_bulk"].min())
    except Exception as exc:  # diagnostics are a bonus; the timing is the point
        out["diagnostics_error"] = str(exc)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
