"""The calibrated thresholds: BH q-values, the fake-engagement null, the soft-ad empirical null.

Each is checked for what calibration promises: under the null the flags stay rare (false-discovery
control over many simulated draws), and clear outliers are flagged whatever the scale of the bulk.
"""

from __future__ import annotations

import numpy as np

from zhongcao.analyses.creators.content import calibrate_soft_ads
from zhongcao.analyses.creators.fake import MIN_SCORE, calibrate
from zhongcao.analyses.stats import bh_qvalues


def test_bh_qvalues_match_the_step_up_rule() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, np.nan, 0.5])
    q = bh_qvalues(p)
    # Sorted p: .005 .01 .03 .04 .5 (m = 5): raw p·m/rank = .025 .025 .05 .05 .5, then the running minimum from the top.
    assert np.allclose(q[[3, 0, 2, 1, 5]], [0.025, 0.025, 0.05, 0.05, 0.5])
    assert np.isnan(q[4])


def test_fake_null_flags_outliers_at_any_scale_and_rarely_flags_a_clean_world() -> None:
    rng = np.random.default_rng(0)
    any_flag = 0
    for seed in range(200):
        r = np.random.default_rng(seed)
        bulk = np.clip(np.exp(r.normal(np.log(0.3), 0.8, 300)) - 0.25, 0, None)  # a pile of silent creators at 0
        q = calibrate(bulk)[2]
        any_flag += bool(((q <= 0.05) & (bulk >= MIN_SCORE)).any())
    # BH at 5% with every hypothesis null controls the chance of any flag near 5% (robust estimates add a little).
    assert any_flag / 200 <= 0.12, any_flag
    for scale in (0.7, 1.0, 3.0):  # a hotter or cooler world moves the null with it
        bulk = scale * np.exp(rng.normal(np.log(0.3), 0.7, 300))
        scores = np.r_[bulk, scale * np.array([6.0, 7.0, 8.0, 9.0, 5.0, 6.5])]
        flagged = (calibrate(scores)[2] <= 0.05) & (scores >= MIN_SCORE)
        assert flagged[-6:].all() and flagged[:-6].sum() <= 2, (scale, flagged[:-6].sum())


def test_soft_ad_null_is_the_notes_not_about_the_brand() -> None:
    rng = np.random.default_rng(1)
    null = rng.choice([0.0, 0.0, 0.0, 1.0, 2.0], size=800)
    brand = rng.choice([0.0, 0.0, 1.0, 2.0], size=600)
    ads = rng.uniform(4.0, 6.0, size=30)
    score = np.r_[null, brand, ads]
    about = np.r_[np.zeros(800, bool), np.ones(630, bool)]
    flags, _, method = calibrate_soft_ads(score, about, fdr=0.05, fallback=3.0)
    assert method == "fdr" and flags[-30:].all() and not flags[:1400].any()
    flags, _, method = calibrate_soft_ads(score[700:], about[700:], fdr=0.05, fallback=3.0)  # 100 null notes left
    assert method == "fdr"
    flags, _, method = calibrate_soft_ads(score[750:], about[750:], fdr=0.05, fallback=3.0)  # too few: fixed cut
    assert method == "threshold" and flags[-30:].all()
