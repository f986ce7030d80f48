"""Log-odds with an informative Dirichlet prior and TGI intervals, against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zhongcao.analyses.audience import informative_prior, log_odds_dirichlet, tgi


def test_log_odds_matches_hand_computed_example() -> None:
    # a = [10, 0], b = [5, 5], α = [1, 1] → α0 = 2, n_a = n_b = 10.
    # word 0: δ = log(11 / 1) − log(6 / 6) = log 11; σ² = 1/11 + 1/6.
    # word 1: δ = log(1 / 11) − log(6 / 6) = −log 11; σ² = 1/1 + 1/6.
    delta, var, z = log_odds_dirichlet(np.array([10, 0]), np.array([5, 5]), np.array([1.0, 1.0]))
    assert delta == pytest.approx([math.log(11), -math.log(11)])
    assert var == pytest.approx([1 / 11 + 1 / 6, 1 + 1 / 6])
    assert z == pytest.approx([math.log(11) / math.sqrt(1 / 11 + 1 / 6), -math.log(11) / math.sqrt(7 / 6)])
    assert z[0] == pytest.approx(4.7247, abs=1e-3)


def test_log_odds_rejects_bad_shapes_and_zero_prior() -> None:
    with pytest.raises(ValueError):
        log_odds_dirichlet(np.array([1, 2]), np.array([1]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError):
        log_odds_dirichlet(np.array([1, 2]), np.array([1, 2]), np.array([1.0, 0.0]))


def test_prior_shrinks_rare_words() -> None:
    # Same ratio, ten times the evidence: the frequent word must score higher.
    a, b = np.array([2, 20, 1000]), np.array([1, 10, 1000])
    _, _, z = log_odds_dirichlet(a, b, informative_prior(a + b, 100.0))
    assert z[1] > z[0] > 0


def test_tgi_interval() -> None:
    point, lo, hi = tgi(0.3, 500, 0.1, 400)
    assert point == pytest.approx(300)
    assert lo < 300 < hi
    assert lo > 200  # 150 vs 40 units: clearly over-indexed
    p2, lo2, hi2 = tgi(0.1, 500, 0.1, 400)
    assert p2 == pytest.approx(100) and lo2 < 100 < hi2
    inf_point, lo3, _ = tgi(0.05, 100, 0.0, 100)
    assert math.isinf(inf_point) and math.isfinite(lo3)
    assert all(math.isnan(x) for x in tgi(0.1, 0, 0.1, 10))


def test_themes_keep_terms_that_behave_differently_apart() -> None:
    from zhongcao.analyses.audience.terms import themes

    # 网课 and 线下书法班 are named in the same comparison notes, but lost leads use one far more.
    texts = [["网课", "线下书法班"]] * 5 + [["网课"]] * 2
    weights = [1.0] * len(texts)
    assert themes(["网课", "线下书法班"], texts, weights) == [["网课", "线下书法班"]]
    apart = themes(["网课", "线下书法班"], texts, weights, scores=[0.0, 1.6], max_score_gap=0.7)
    assert apart == [["网课"], ["线下书法班"]]
