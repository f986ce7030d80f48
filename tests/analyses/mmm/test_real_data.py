"""Recovery on published data: PyMC-Marketing's simulated example and Google Meridian's demo data."""

from __future__ import annotations

import functools
import json
import re

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_data
from zhongcao.analyses.mmm.model import BayesianMMM
from zhongcao.analyses.mmm.transforms import convolve, default_chain, geometric_weights


def _truth() -> dict[str, float]:
    ref = json.loads(shared_data("pymc-marketing", "reference_results.json").read_text())
    text = ref["mmm_example.csv"]["generator_source"] + " " + ref["mmm_example.csv"]["true_generating_process"]
    found = {k: float(v) for k, v in re.findall(r"\b(alpha\d|lam\d|beta_\d|alpha_x\d|lam_x\d)=([0-9.]+)", text)}
    scale = 1000.0  # "the x1000 scale of the published CSV"
    return {"alpha_x1": found["alpha1"], "alpha_x2": found["alpha2"], "lam_x1": found["lam1"],
            "lam_x2": found["lam2"], "beta_x1": found["beta_1"] * scale, "beta_x2": found["beta_2"] * scale}


@pytest.fixture(scope="module")
def pymc_fit() -> tuple[BayesianMMM, pd.DataFrame]:
    df = pd.read_csv(shared_data("pymc-marketing", "mmm_example.csv"))
    model = BayesianMMM(default_chain("geometric", "logistic", 8), trend_degree=2, yearly_order=2, events=False)
    model.fit(df["y"].to_numpy(), df[["x1", "x2"]].to_numpy(), df["date_week"], ["x1", "x2"],
              controls=df[["event_1", "event_2"]].to_numpy(), control_names=["event_1", "event_2"])
    return model, df


def test_pymc_example_true_adstock_saturation_and_contributions_in_90pct_interval(pymc_fit) -> None:
    model, df = pymc_fit
    truth = _truth()
    s = model.summary().set_index("channel")
    for k, ch in enumerate(["x1", "x2"]):
        alpha, lam = truth[f"alpha_{ch}"], truth[f"lam_{ch}"]
        assert s.loc[ch, "adstock.alpha_low"] <= alpha <= s.loc[ch, "adstock.alpha_high"], (ch, alpha, s.loc[ch])
        # The model's λ acts on spend ÷ its maximum; the generator's on raw spend.
        lam_scaled = lam * model.spend_scale_[k]
        assert s.loc[ch, "saturation.lam_low"] <= lam_scaled <= s.loc[ch, "saturation.lam_high"], (ch, lam_scaled, s.loc[ch])
        x = df[ch].to_numpy()
        true_contribution = truth[f"beta_{ch}"] * np.tanh(lam * convolve(x, geometric_weights(np.array([alpha]), 8))[0]
                                                          / 2).sum()
        assert s.loc[ch, "contribution_low"] <= true_contribution <= s.loc[ch, "contribution_high"]
    assert model.convergence_.max_rhat < 1.1
    assert model.convergence_.min_ess > 100


# The strengthened Meridian check (issue #22): Google's prior mean alone (1.83) lies inside four of its five
# 90% intervals, so "inside the interval" cannot tell a fit from the prior. Each channel's point estimate
# must also be closer to Google's than the prior mean is. Channels that miss it are strict xfails with the
# measured numbers (docs/mmm.md "Validation"); the priors are not tuned to pass.
CHANNELS = [f"Channel{i}" for i in range(5)]
NATIONAL_BEHIND_PRIOR = {
    "Channel0": "measured: ours 1.36 vs Google 1.61 (off by 0.25), the prior mean 1.83 off by 0.22",
    "Channel4": "measured: ours 1.35 vs Google 1.65 (off by 0.30), the prior mean 1.83 off by 0.18",
}
GEO_BEHIND_PRIOR = {
    "Channel4": "measured: ours 2.12 vs Google 1.65 (off by 0.48), the prior mean 1.83 off by 0.18",
}


def _google() -> pd.DataFrame:
    return pd.read_csv(shared_data("meridian", "reference_results", "roi_by_channel_ci90.csv")).set_index("channel")


@functools.cache
def _national_fit() -> BayesianMMM:
    df = pd.read_csv(shared_data("meridian", "national_all_channels.csv"))
    model = BayesianMMM(default_chain("geometric", "hill", 8), roi_prior=(1.83, 1.5), events=False,
                        spend_scale="mean")
    return model.fit((df["conversions"] * df["revenue_per_conversion"]).to_numpy(),
                     df[[f"{c}_spend" for c in CHANNELS]].to_numpy(), df["time"], CHANNELS,
                     controls=df[["competitor_sales_control", "sentiment_score_control", "Promo",
                                  "Organic_channel0_impression"]].to_numpy())


def _check(model: BayesianMMM, channel: str) -> None:
    google = _google().loc[channel]
    ours = float(model.summary().set_index("channel").loc[channel, "roi"])
    prior_mean = model.roi_prior_[0]
    print(channel, "ours", round(ours, 2), "Google", round(google["roi"], 2), (round(google["ci_lo"], 2),
          round(google["ci_hi"], 2)), "prior mean", round(prior_mean, 2))
    assert google["ci_lo"] <= ours <= google["ci_hi"]
    assert abs(ours - google["roi"]) < abs(prior_mean - google["roi"])  # the data, not the prior, put it there


@pytest.mark.slow
@pytest.mark.parametrize("channel", CHANNELS)
def test_meridian_national_roi_inside_googles_interval_and_nearer_google_than_the_prior(
        channel: str, request: pytest.FixtureRequest) -> None:
    if channel in NATIONAL_BEHIND_PRIOR:
        request.applymarker(pytest.mark.xfail(strict=True, reason=NATIONAL_BEHIND_PRIOR[channel]))
    _check(_national_fit(), channel)


@pytest.mark.slow
@pytest.mark.parametrize("channel", CHANNELS)
def test_meridian_geo_fit_with_meridians_specification_inside_googles_interval_and_nearer_google_than_the_prior(
        channel: str, request: pytest.FixtureRequest) -> None:
    from tests.analyses.mmm.meridian import meridian_geo_fit

    if channel in GEO_BEHIND_PRIOR:
        request.applymarker(pytest.mark.xfail(strict=True, reason=GEO_BEHIND_PRIOR[channel]))
    model = meridian_geo_fit()
    assert model.convergence_.max_rhat < 1.1 and model.convergence_.min_ess > 100
    _check(model, channel)
