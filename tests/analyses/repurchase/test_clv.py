"""BG/NBD and Gamma-Gamma against the published CDNOW fits (lifetimes' tests, Fader/Hardie notes)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_data
from zhongcao.analyses.repurchase.clv import BetaGeoParams, fit_bgnbd, fit_gamma_gamma, repeat_gmv_draws


def _ref() -> dict:
    return json.loads(shared_data("cdnow", "reference_results.json").read_text())


def _section(ref: dict, prefix: str) -> dict:
    return next(v for k, v in ref.items() if k.startswith(prefix))


def test_bgnbd_matches_published_cdnow_parameters_to_two_decimals() -> None:
    ref = _section(_ref(), "cdnow_customers_summary.csv")
    df = pd.read_csv(shared_data("cdnow", "cdnow_customers_summary.csv"))
    fit = fit_bgnbd(df["frequency"], df["recency"], df["T"])
    np.testing.assert_almost_equal([fit.r, fit.alpha, fit.a, fit.b], ref["BG/NBD params (r, alpha, a, b)"], decimal=2)


def test_bgnbd_aggregated_histories_fit_the_same() -> None:
    df = pd.read_csv(shared_data("cdnow", "cdnow_customers_summary.csv"))
    g = df.groupby(["frequency", "recency", "T"], as_index=False).size()
    fit = fit_bgnbd(g["frequency"], g["recency"], g["T"], weights=g["size"])
    direct = fit_bgnbd(df["frequency"], df["recency"], df["T"])
    np.testing.assert_allclose([fit.r, fit.alpha, fit.a, fit.b], [direct.r, direct.alpha, direct.a, direct.b], rtol=1e-4)


def test_bgnbd_expectations_match_published_values() -> None:
    ref = _section(_ref(), "cdnow_customers_summary.csv")
    df = pd.read_csv(shared_data("cdnow", "cdnow_customers_summary.csv"))
    p = fit_bgnbd(df["frequency"], df["recency"], df["T"])  # the published values use the full-precision fit
    assert isinstance(p, BetaGeoParams)
    t = [0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00]
    np.testing.assert_allclose(p.expected_purchases(np.array(t)),
                               ref["BG/NBD unconditional E[X(t)] at t=[0.1429,1.0,3.00,31.8571,32.00,78.00]"],
                               atol=1e-3)
    got = p.conditional_expected_purchases(39, 2, 30.43, 38.86)
    assert float(got) == pytest.approx(ref["BG/NBD conditional E[purchases] for t=39, x=2, t_x=30.43, T=38.86"],
                                       abs=0.001)


def test_gamma_gamma_matches_published_cdnow_parameters() -> None:
    ref = _section(_ref(), "cdnow_customers_summary_with_transactions.csv")
    df = pd.read_csv(shared_data("pymc-marketing", "clv_quickstart.csv"))
    fit = fit_gamma_gamma(df["frequency"], df["monetary_value"])
    # "Two decimals" as the source tests: numpy's assert_almost_equal(decimal=2), |diff| < 1.5e-2.
    np.testing.assert_almost_equal([fit.p, fit.q, fit.v], ref["Gamma-Gamma params (p, q, v) fitted on customers "
                                                               "with frequency>0 (946)"], decimal=2)
    first = df.head(10)
    expected = fit.conditional_expected_value(first["frequency"], first["monetary_value"])
    published = ref["Gamma-Gamma conditional expected avg profit for first 10 customers (Hardie note 025)"]
    values = np.where(first["frequency"] > 0, expected, fit.mean_spend)
    np.testing.assert_allclose(values, published, atol=0.02)


def test_new_customer_value_interval_from_the_observed_information() -> None:
    """The 90% interval of a new customer's repeat GMV (parameter draws from the observed information)
    on the CDNOW customers: it brackets the point estimate, and grouping identical histories (as the
    customer_history mart does) gives the same interval as the customer list."""
    df = pd.read_csv(shared_data("pymc-marketing", "clv_quickstart.csv"))
    bg = fit_bgnbd(df["frequency"], df["recency"], df["T"])
    rep = df[df["frequency"] > 0]
    gg = fit_gamma_gamma(rep["frequency"], rep["monetary_value"])
    point = float(bg.expected_purchases(52)) * gg.mean_spend
    ones = np.ones(len(df))
    draws = repeat_gmv_draws(bg, gg, 52, df["frequency"], df["recency"], df["T"], ones, df["monetary_value"])
    assert len(draws) >= 3900  # of 4000: only draws with q <= 1 (no finite mean spend) are dropped
    lo, hi = np.quantile(draws, [0.05, 0.95])
    assert lo < point < hi and hi - lo < point
    g = df.groupby(["frequency", "recency", "T", "monetary_value"], as_index=False).size()
    grouped = repeat_gmv_draws(bg, gg, 52, g["frequency"], g["recency"], g["T"], g["size"], g["monetary_value"])
    np.testing.assert_allclose(np.quantile(grouped, [0.05, 0.95]), [lo, hi], rtol=1e-6)
