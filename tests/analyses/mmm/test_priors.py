"""The default ROI prior is on the data's own scale: units of spend and KPI do not move the ROIs."""

from __future__ import annotations

import numpy as np
import pytest

from zhongcao.analyses.mmm.model import BayesianMMM
from zhongcao.analyses.mmm.priors import data_scale_roi_prior
from zhongcao.analyses.mmm.transforms import default_chain

from .synthetic import CHANNELS, world


def _fit(y: np.ndarray, spend: np.ndarray, dates, roi_prior) -> BayesianMMM:
    model = BayesianMMM(default_chain("geometric", "hill", 8), roi_prior=roi_prior, events=False, yearly_order=1,
                        spend_scale="mean", steps=600, burn=300, restarts=0, seed=3)
    return model.fit(y, spend, dates, CHANNELS)


def test_the_prior_is_meridians_media_share_prior_in_the_datas_units() -> None:
    mean, sd = data_scale_roi_prior(1000.0, np.array([100.0, 100.0]))
    assert mean == pytest.approx(0.4 * 1000 / 200)  # every channel at the mean: media add 40% of the KPI
    assert sd * np.sqrt(2 * 100.0**2) / 1000 == pytest.approx(0.2)  # the media share's sd is 20%
    with pytest.raises(ValueError, match="positive"):
        data_scale_roi_prior(0.0, np.array([1.0]))


def test_rescaling_spend_by_10000_rescales_the_rois_and_nothing_else() -> None:
    w = world(seed=1)
    a, b = _fit(w.y, w.spend, w.dates, "data"), _fit(w.y, w.spend * 10_000, w.dates, "data")
    # The posterior over the media parameters is the same function: equal log densities at any point.
    u = np.random.default_rng(0).normal(0, 0.5, (8, len(a.theta_names_)))
    np.testing.assert_allclose(b._log_post(u), a._log_post(u), rtol=1e-9)
    # The sampled ROIs agree in the rescaled units within Monte Carlo error (the chains' paths differ
    # by rounding, so the draws are not identical).
    plain, rescaled = a.summary().set_index("channel"), b.summary().set_index("channel")
    roi_a, roi_b = a.roi_draws().reshape(-1, 2), b.roi_draws().reshape(-1, 2) * 10_000
    for k, ch in enumerate(CHANNELS):
        se = np.hypot(roi_a[:, k].std() / np.sqrt(a.convergence_.ess[f"{ch}.roi"]),
                      roi_b[:, k].std() / np.sqrt(b.convergence_.ess[f"{ch}.roi"]))
        assert abs(rescaled.loc[ch, "roi"] * 10_000 - plain.loc[ch, "roi"]) < 4 * se, (ch, se)
        assert rescaled.loc[ch, "roi_high"] * 10_000 == pytest.approx(plain.loc[ch, "roi_high"], rel=0.1)


def test_a_fixed_prior_pins_rois_on_another_scale_where_the_data_scale_prior_does_not() -> None:
    """ROAS near 100 (KPI and spend in unrelated units): N(2, 2²) holds the ROIs near 2; the data's scale does not."""
    w = world(seed=2, kpi_unit=40.0)  # the same sales in units 40 times smaller: ROIs near 100
    truth = np.array([w.roi[ch] for ch in CHANNELS])
    fixed = _fit(w.y, w.spend, w.dates, (2.0, 2.0)).summary().set_index("channel").loc[CHANNELS]
    scaled = _fit(w.y, w.spend, w.dates, "data").summary().set_index("channel").loc[CHANNELS]
    print("truth", truth.round(1), "fixed prior", fixed["roi"].round(1).tolist(), "data scale", scaled["roi"].round(1).tolist())
    assert np.all(fixed["roi"].to_numpy() < 0.5 * truth)  # the prior, not the data
    assert np.all(np.abs(scaled["roi"].to_numpy() / truth - 1) < 0.25)
    assert np.all((scaled["roi_low"].to_numpy() <= truth) & (truth <= scaled["roi_high"].to_numpy()))
