"""The collapsed likelihood and the per-head (population) geo model of BayesianMMM, without sampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zhongcao.analyses.mmm.model import BayesianMMM, LiftStudy
from zhongcao.analyses.mmm.transforms import default_chain
from zhongcao.errors import AnalysisError


def _panel(g: int = 3, t: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DatetimeIndex]:
    rng = np.random.default_rng(seed)
    pop = np.array([1.0, 4.0, 9.0])[:g] * 1e4
    spend = rng.gamma(2.0, 1.0, (g, t, 2)) * pop[:, None, None] / 1e3
    y = pop[:, None] * (5 + 0.3 * np.tanh(spend[..., 0] / pop[:, None] * 1e3) + rng.normal(0, 0.1, (g, t)))
    return y, spend, pop, pd.date_range("2024-01-01", periods=t, freq="W-MON")


def _unfitted(**kw) -> BayesianMMM:
    model = BayesianMMM(default_chain("geometric", "hill", 4), events=False, yearly_order=1, **kw)
    model._sample = lambda: None  # type: ignore[method-assign]  # only the likelihood is under test
    return model


@pytest.mark.parametrize("time_effects", [False, True])
def test_collapsed_likelihood_equals_the_dense_gaussian_marginal(time_effects: bool) -> None:
    y, spend, pop, dates = _panel()
    model = _unfitted(roi_prior=(1.5, 1.0), time_effects=time_effects)
    model.fit(y, spend, dates, ["a", "b"], geos=["g0", "g1", "g2"], population=pop,
              lift_studies=[LiftStudy("b", 0.8, 0.3)])
    u = np.random.default_rng(1).normal(0, 0.4, (5, len(model.theta_names_)))
    fast = model._log_post(u)
    for row, value in zip(u, fast, strict=True):
        v = model._natural(row[None])
        f = model._features(v)[0].T  # (n, C)
        x = np.hstack([model._z, f])
        p0 = model._z.shape[1]
        factor = model._roi_factor(f.T[None])[0]
        prec = np.concatenate([model._prec_base, (factor / 1.0) ** 2])
        mean = np.concatenate([np.zeros(p0), 1.5 / factor])
        # y ~ N(X m0, σ²I + X Σ0 Xᵀ), times the lift study's N(0.8 | ROI, 0.3²) folded in as an observation.
        k = 1  # channel "b"
        row_lift = np.zeros(x.shape[1])
        row_lift[p0 + k] = factor[k]
        xa = np.vstack([x, row_lift])
        ya = np.concatenate([model._ys, [0.8]])
        noise = np.concatenate([np.full(len(model._ys), v[0, -1] ** 2), [0.3**2]])
        cov = np.diag(noise) + (xa / prec) @ xa.T
        resid = ya - xa @ mean
        _, logdet = np.linalg.slogdet(cov)
        dense = -0.5 * (len(ya) * np.log(2 * np.pi) + logdet + resid @ np.linalg.solve(cov, resid))
        assert value == pytest.approx(dense + model._log_prior(row[None])[0], abs=1e-6)


def test_population_puts_response_per_head_and_totals_back() -> None:
    y, spend, pop, dates = _panel()
    model = _unfitted(roi_prior=(1.5, 1.0), spend_scale="median")
    model.fit(y, spend, dates, ["a", "b"], geos=["g0", "g1", "g2"], population=pop)
    theta = np.array([[0.3, 1.0, 1.0, 0.3, 1.0, 1.0, 0.1]])
    beta = np.zeros((1, model._z.shape[1] + 2))
    beta[0, -2] = 1.0
    # The same per-head spend in every geo gives the same per-head response, so totals follow population.
    same = pop[:, None] * np.ones((3, len(dates)))
    out = model.channel_response(0, same, theta, beta)[0]
    np.testing.assert_allclose(out / pop[:, None], np.broadcast_to(out[:1] / pop[0], out.shape))
    with pytest.raises(AnalysisError, match="population"):
        _unfitted().fit(y, spend, dates, ["a", "b"], population=[1.0, 2.0])
    with pytest.raises(AnalysisError, match="time_effects needs geos"):
        _unfitted(time_effects=True).fit(y[0], spend[0], dates, ["a", "b"])


def test_a_lift_study_the_model_cannot_use_is_an_error() -> None:
    y, spend, pop, dates = _panel()
    with pytest.raises(AnalysisError, match="needs a channel of this model"):
        _unfitted().fit(y, spend, dates, ["a", "b"], geos=["g0", "g1", "g2"], population=pop,
                        lift_studies=[LiftStudy("c", 0.8, 0.3)])
    with pytest.raises(ValueError, match="`se` must be above 0"):  # checked once, when the study is made
        LiftStudy("b", 0.8, 0.0)
