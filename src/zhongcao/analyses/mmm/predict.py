"""Posterior predictive draws of a fitted BayesianMMM, in and beyond its window, and refits on part of it.

The model review (``review.py``) needs three things the model does not expose: the predictive
distribution of the KPI per period (the fitted mean plus the noise), the same for periods after the
fitted window given their spend (an out-of-sample forecast), and a refit on the first part of the
data with the model's own settings. They read the model's fitted attributes; nothing here changes it.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd

from zhongcao.analyses.mmm.design import baseline_columns
from zhongcao.analyses.mmm.model import BayesianMMM


def predictive_draws(model: BayesianMMM, rng: np.random.Generator, draws: int = 400) -> np.ndarray:
    """KPI per draw and period over the fitted window, summed over geos, noise included: (draws, T)."""
    theta, beta = model._flat()
    pick = rng.choice(len(theta), size=min(draws, len(theta)), replace=False)
    mean = _mean(model, theta[pick], beta[pick], model.spend_, model.dates_, model.inputs_["controls"], len(model.dates_))
    return mean + _noise(model, theta[pick], mean.shape, rng)


def forecast_draws(model: BayesianMMM, spend: np.ndarray, dates: pd.DatetimeIndex, controls: np.ndarray | None,
                   rng: np.random.Generator, draws: int = 400) -> np.ndarray:
    """KPI per draw for periods after the window: ``spend`` (G, T_all, C) and ``controls`` (G, T_all, K) span
    the fitted window and the new periods (adstock carries spend over into them); returns (draws, T_new)."""
    if model.time_effects:
        raise ValueError("a model with one effect per period cannot forecast periods it has not seen")
    theta, beta = model._flat()
    pick = rng.choice(len(theta), size=min(draws, len(theta)), replace=False)
    t_fit = len(model.dates_)
    mean = _mean(model, theta[pick], beta[pick], spend, dates, controls, t_fit)[:, t_fit:]
    return mean + _noise(model, theta[pick], mean.shape, rng)


def refit(model: BayesianMMM, periods: int, steps: int | None = None) -> BayesianMMM:
    """The same model (settings, priors, lift studies) fitted to the first ``periods`` periods only."""
    params = {name: getattr(model, name) for name in inspect.signature(BayesianMMM.__init__).parameters
              if name != "self"}
    if steps is not None:
        params.update(steps=steps, burn=steps // 2)
    inputs: dict[str, Any] = dict(model.inputs_)
    controls = inputs.pop("controls")
    part = BayesianMMM(**params)
    return part.fit(model.y_[:, :periods], model.spend_[:, :periods], model.dates_[:periods], model.channels_,
                    controls=None if controls is None else controls[:, :periods], **inputs)


def _noise(model: BayesianMMM, theta: np.ndarray, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Observation noise of the national total: σ is per head in units of mean KPI; geos add up independently."""
    sigma = theta[:, -1] * model.y_scale_ * np.sqrt(np.sum(model.population_**2))
    return rng.standard_normal(shape) * sigma[:, None]


def _mean(model: BayesianMMM, theta: np.ndarray, beta: np.ndarray, spend: np.ndarray, dates: pd.DatetimeIndex,
          controls: np.ndarray | None, t_fit: int) -> np.ndarray:
    """Expected KPI per draw and period of ``dates`` (which start with the fitted window), summed over geos."""
    media = np.zeros((len(theta), len(dates)))
    for k in range(len(model.channels_)):
        media += model.channel_response(k, spend[..., k], theta, beta).sum(1)
    z = _design(model, pd.DatetimeIndex(dates), controls, t_fit)  # (G, T_all, p0)
    base = np.einsum("gtp,bp->bgt", z, beta[:, : z.shape[-1]]) * model.y_scale_ * model.population_[None, :, None]
    return base.sum(1) + media


def _design(model: BayesianMMM, dates: pd.DatetimeIndex, controls: np.ndarray | None, t_fit: int) -> np.ndarray:
    """The baseline columns of the fit (geo intercepts, trend, seasons, events, controls) over ``dates``.

    The trend runs on the fitted window's scale (0 at its first period, 1 at its last) and continues
    beyond it; an event column the fitted window did not have stays out (the model knows no effect for it).
    """
    g = len(model.geos_)
    cols = baseline_columns(dates, model.period_, model.trend_degree, model.yearly_order, model.events)
    t = np.arange(len(dates)) / max(t_fit - 1, 1)
    for k in range(1, model.trend_degree + 1):
        cols[f"trend{k}"] = t**k
    names = model.base_names_
    shared = np.stack([cols[n].to_numpy(float) if n in cols else np.zeros(len(dates))
                       for n in names[g:] if not n.startswith("control[")], axis=1) if len(names) > g else \
        np.zeros((len(dates), 0))
    out = [np.broadcast_to(np.eye(g)[:, None, :], (g, len(dates), g)),
           np.broadcast_to(shared[None], (g, *shared.shape))]
    n_controls = sum(n.startswith("control[") for n in names)
    if n_controls:
        if controls is None:
            raise ValueError("the model has controls: give their values for every period")
        mean, sd = model.control_scale_
        out.append((np.asarray(controls, float).reshape(g, len(dates), -1) - mean) / sd)
    return np.concatenate(out, axis=2)
