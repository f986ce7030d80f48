"""The default ROI prior on the data's own scale.

A fixed prior such as N(2, 2²) on ROI means something only in one pair of units: with spend in
万元 and GMV in 元, or KPI and spend on unrelated scales (PyMC-Marketing's ``mmm_roas`` example has
ROAS near 100), it pins the ROIs to 2 whatever the data say. The default here is Meridian's "total
paid media contribution prior" (developers.google.com/meridian/docs/advanced-modeling/
unknown-revenue-kpi-default) read as independent Gaussian ROI priors: every channel gets the same
N(m, s²) such that the share of the KPI that paid media adds has prior mean 40% and standard
deviation 20%:

    m = 0.4 · total KPI ÷ total spend,   s = 0.2 · total KPI ÷ √(Σ_c spend_c²)

(the media share is Σ_c ROI_c · spend_c ÷ KPI, whose variance under independent priors is
s² Σ_c spend_c² ÷ KPI²). Both scale with KPI ÷ spend, so rescaling spend by any factor rescales the
ROIs by its inverse and changes nothing else. Channel β are non-negative, so the prior is this
Gaussian truncated at zero.
"""

from __future__ import annotations

import numpy as np

MEDIA_SHARE = (0.4, 0.2)  # prior mean and sd of the share of the KPI that paid media add (Meridian's default)


def data_scale_roi_prior(kpi_total: float, spend_by_channel: np.ndarray,
                         share: tuple[float, float] = MEDIA_SHARE) -> tuple[float, float]:
    """(mean, sd) of each channel's ROI prior, in KPI units per spend unit."""
    spend = np.asarray(spend_by_channel, float).reshape(-1)
    total = float(spend.sum())
    if not total > 0 or not kpi_total > 0:
        raise ValueError("a data-scale ROI prior needs positive total KPI and spend")
    return share[0] * kpi_total / total, share[1] * kpi_total / float(np.sqrt(np.sum(spend**2)))
