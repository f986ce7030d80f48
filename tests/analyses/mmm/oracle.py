"""An oracle for the demo worlds: least squares on every channel's true response shape.

The marketing-mix model has to learn each channel's lag and saturation from the data. The oracle
is told them: the planted half-saturation, lag and kol reach carry-over from truth.json, and the
simulator's promotion discount. It then fits daily GMV by ordinary least squares on the model's
own baseline (trend, seasonality, weekday, events, declared changes) and those exact response
curves. No model of real data knows these shapes, so the oracle's errors show how much of the
planted ROIs one simulated world's data can tell at all (docs/mmm.md "Demo worlds").

The simulator's drive for a channel is its spend, except kol, whose drive is the reach of
sponsored notes: spend carried over at ``reach_adstock_decay`` a day. The drive saturates as
d / (1 + d / K) and reaches orders through a geometric lag (``adstock_decay``); an order is worth
less on promotion days by the mean discount.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import signal, stats

from zhongcao.analyses.mmm.analysis import change_steps, weekly_inputs
from zhongcao.analyses.mmm.design import baseline_columns
from zhongcao.engine import Workspace
from zhongcao.simulate import calendar as cal
from zhongcao.simulate.media import mean_discount


def _geometric(x: np.ndarray, decay: float) -> np.ndarray:
    """y_t = decay · y_(t-1) + (1 − decay) · x_t: a geometric lag whose weights sum to one."""
    return signal.lfilter([1.0 - decay], [1.0, -decay], x)


HAC_LAGS = 28  # residuals of daily sales stay correlated for weeks (lags the model does not capture)


def _newey_west(x: np.ndarray, resid: np.ndarray, lags: int) -> np.ndarray:
    """Coefficient covariance robust to autocorrelated residuals (Newey–West, Bartlett weights).

    Plain OLS standard errors assume independent days; with correlated residuals they are too
    narrow and the oracle's intervals would miss the truth far more than one time in ten.
    """
    bread = np.linalg.inv(x.T @ x)
    score = x * resid[:, None]
    meat = score.T @ score
    for lag in range(1, lags + 1):
        gamma = score[lag:].T @ score[:-lag]
        meat += (1.0 - lag / (lags + 1.0)) * (gamma + gamma.T)
    return bread @ meat @ bread


def oracle_rois(ws: Workspace, truth: dict[str, dict], level: float = 0.9) -> pd.DataFrame:
    """Per channel: the oracle's ROI with its OLS ``level`` interval (columns roi, roi_low, roi_high).

    ``truth`` is truth.json's ``channels``; ROI is GMV per CNY over the whole period, like the model's.
    """
    spend, kpi = weekly_inputs(ws, "gmv", "all", "day")
    days = len(kpi)
    value = mean_discount(cal.event_boost()[:days])
    curves = {}
    for ch in spend.columns:
        t = truth[ch]
        drive = spend[ch].to_numpy(float)
        if "reach_adstock_decay" in t:
            drive = _geometric(drive, t["reach_adstock_decay"])
        response = drive / (1.0 + drive / t["half_saturation_daily_spend"])
        curves[ch] = _geometric(response, t["adstock_decay"]) * value
    steps, _ = change_steps(ws, spend.index, 1)
    base = [np.ones(days), baseline_columns(spend.index, "day").to_numpy(float)]
    design = np.column_stack(base + ([steps] if steps is not None else []) + list(curves.values()))
    y = kpi.to_numpy(float)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    cov = _newey_west(design, resid, lags=HAC_LAGS)
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    n = len(curves)
    for k, (ch, curve) in enumerate(curves.items()):
        j = design.shape[1] - n + k
        per_beta = curve.sum() / spend[ch].sum()  # ROI is linear in the channel's coefficient
        roi, half = coef[j] * per_beta, z * np.sqrt(cov[j, j]) * per_beta
        rows.append({"channel": ch, "roi": roi, "roi_low": roi - half, "roi_high": roi + half})
    return pd.DataFrame(rows).set_index("channel")
