"""Google Meridian's demo geo data fitted with Meridian's specification, once per test session.

Shared by the ROI check (tests/analyses/mmm) and the optimiser check (tests/analyses/budget).
Google's reference (shared/data/meridian/reference_results/README.md) is a geo model on
geo_all_channels.csv: KPI and media per head, media Channel0-4 through geometric adstock and Hill
(Meridian's priors, ``meridian_chain``), controls, Promo as a non-media treatment, the organic
channel, and ROI ~ LogNormal(0.2, 0.9). Here: the same data and media specification, one
baseline effect per week shared by the geos (Meridian's default without automatic knot
selection; Google's run selected knots automatically), Promo and the organic impressions per head
as linear controls, and a Gaussian ROI prior with the lognormal's mean and sd (1.83, 2.05): our
closed-form inference needs a Gaussian prior on β.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from tests.conftest import shared_data
from zhongcao.analyses.mmm.model import BayesianMMM
from zhongcao.analyses.mmm.transforms import meridian_chain

CHANNELS = [f"Channel{i}" for i in range(5)]
# LogNormal(0.2, 0.9): mean e^(0.2 + 0.9²/2), sd mean·√(e^(0.9²) − 1).
ROI_PRIOR = (float(np.exp(0.2 + 0.405)), float(np.exp(0.2 + 0.405) * np.sqrt(np.expm1(0.81))))


@functools.cache
def meridian_geo_fit() -> BayesianMMM:
    df = pd.read_csv(shared_data("meridian", "geo_all_channels.csv"), index_col=0)
    geos = list(dict.fromkeys(df["geo"]))
    dates = sorted(df["time"].unique())
    df = df.set_index(["geo", "time"]).loc[pd.MultiIndex.from_product([geos, dates])]

    def panel(cols: list[str]) -> np.ndarray:
        return df[cols].to_numpy(float).reshape(len(geos), len(dates), len(cols))

    population = df.groupby(level=0, sort=False)["population"].first().loc[geos].to_numpy(float)
    controls = panel(["competitor_sales_control", "sentiment_score_control", "Promo", "Organic_channel0_impression"])
    controls[..., 3] /= population[:, None]  # organic impressions per head, as Meridian scales organic media
    model = BayesianMMM(meridian_chain(8), roi_prior=ROI_PRIOR, spend_scale="median", time_effects=True,
                        events=False, restarts=0, steps=2000, burn=1000)
    return model.fit(panel(["conversions"])[..., 0] * panel(["revenue_per_conversion"])[..., 0],
                     panel([f"{c}_spend" for c in CHANNELS]), dates, CHANNELS, controls=controls,
                     control_names=["competitor_sales", "sentiment", "promo", "organic_channel0"], geos=geos,
                     population=population)
