from __future__ import annotations

import numpy as np
import pytest

from zhongcao.analyses.mmm.transforms import (
    Chain,
    GeometricAdstock,
    HillSaturation,
    LogisticSaturation,
    WeibullAdstock,
    convolve,
    default_chain,
    geometric_weights,
    hill_saturation,
    logistic_saturation,
    weibull_weights,
)


def test_geometric_adstock_carries_a_pulse_forward() -> None:
    x = np.zeros(10)
    x[0] = 1.0
    raw = convolve(x, geometric_weights(np.array([0.5]), 4, normalize=False))[0]
    assert raw[:5].tolist() == [1.0, 0.5, 0.25, 0.125, 0.0]
    norm = convolve(x, geometric_weights(np.array([0.5]), 4))[0]
    assert norm.sum() == pytest.approx(1.0)  # normalised weights keep total spend


def test_weibull_pdf_adstock_peaks_after_the_spend() -> None:
    w = weibull_weights(np.array([3.0]), np.array([4.0]), 12, "pdf")[0]
    assert w.sum() == pytest.approx(1.0)
    assert 2 <= int(np.argmax(w)) <= 4
    cdf = weibull_weights(np.array([1.0]), np.array([2.0]), 12, "cdf")[0]
    assert np.all(np.diff(cdf) <= 0)


def test_saturations_match_their_formulas() -> None:
    x = np.array([0.0, 0.5, 1.0, 3.0])
    lam = 2.0
    expected = (1 - np.exp(-lam * x)) / (1 + np.exp(-lam * x))
    np.testing.assert_allclose(logistic_saturation(x, np.array([lam]))[0], expected)
    np.testing.assert_allclose(hill_saturation(x, np.array([1.0]), np.array([1.0]))[0], x / (1 + x))
    assert hill_saturation(np.array([2.0]), np.array([2.0]), np.array([3.0]))[0, 0] == pytest.approx(0.5)


def test_components_compose_in_either_order_and_batch() -> None:
    x = np.random.default_rng(0).gamma(2, 1, 50)
    ad, sat = GeometricAdstock(6), LogisticSaturation()
    values = np.array([[0.3, 1.5], [0.6, 0.5]])
    first = Chain((ad, sat)).apply(x, values)
    assert first.shape == (2, 50)
    np.testing.assert_allclose(first[1], logistic_saturation(convolve(x, geometric_weights(np.array([0.6]), 6))[0],
                                                             np.array([0.5]))[0])
    second = Chain((sat, ad)).apply(x, values[:, ::-1])
    assert not np.allclose(first, second)
    geo = Chain((WeibullAdstock(5), HillSaturation())).apply(np.ones((3, 20)), np.array([[2.0, 2.0, 1.0, 1.0]]))
    assert geo.shape == (1, 3, 20)
    assert default_chain().names == ("adstock.alpha", "saturation.lam")


def test_carry_share_is_one_minus_the_same_period_weight() -> None:
    chain = default_chain("geometric", "hill", 8)
    share = chain.carry_share(np.array([[0.5, 1.0, 1.0]]))
    w = geometric_weights(np.array([0.5]), 8)[0]
    assert share[0] == pytest.approx(1 - w[0])


def test_fast_prior_densities_match_scipy() -> None:
    from scipy import stats

    from zhongcao.analyses.mmm.transforms import _logpdf

    v = np.array([0.05, 0.3, 0.9])
    for dist in (stats.beta(1, 3), stats.beta(2.5, 1.5), stats.gamma(3, scale=1.0), stats.gamma(2, scale=1.5),
                 stats.lognorm(1.0, scale=1.5), stats.lognorm(0.4, scale=1.0), stats.norm(0, 1),
                 stats.uniform(0, 1), stats.uniform(0.2, 0.5),
                 stats.truncnorm((0.1 - 0.8) / 0.8, (10 - 0.8) / 0.8, loc=0.8, scale=0.8),
                 stats.truncnorm((0.1 - 0.8) / 0.8, (10 - 0.8) / 0.8, 0.8, 0.8)):  # loc, scale by position
        np.testing.assert_allclose(_logpdf(dist, v), dist.logpdf(v), rtol=1e-10)


def test_hill_with_a_fixed_slope_samples_only_the_half_point() -> None:
    from zhongcao.analyses.mmm.transforms import meridian_chain

    x = np.array([0.0, 0.5, 1.0, 3.0])
    fixed = HillSaturation(fixed_shape=1.0)
    assert [p.name for p in fixed.params] == ["half"]
    np.testing.assert_allclose(fixed.apply(x, np.array([[1.5]]), False)[0], x / (x + 1.5))
    np.testing.assert_allclose(HillSaturation(fixed_shape=2.0).apply(x, np.array([[1.5]]), False)[0],
                               x**2 / (x**2 + 1.5**2))
    assert meridian_chain().names == ("adstock.alpha", "saturation.half")
