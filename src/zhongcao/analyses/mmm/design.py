"""The baseline's columns: trend, yearly seasonality, weekday and Chinese retail events.

Event features are built per day and averaged into the model's period, so the same definition
serves daily and weekly data (a week holding three days of the 双11 pre-sale gets 3/7 of it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# 春节 (Lunar New Year's day), from the Chinese calendar; extend when the data outgrows it.
SPRING_FESTIVAL = (
    "2015-02-19", "2016-02-08", "2017-01-28", "2018-02-16", "2019-02-05", "2020-01-25", "2021-02-12",
    "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26",
    "2029-02-13", "2030-02-03",
)
# Retail events: (name, month, day, days of pre-sale before the day). Platforms open pre-sales weeks ahead.
RETAIL_EVENTS = (("618", 6, 18, 14), ("双11", 11, 11, 20), ("双12", 12, 12, 3))


def infer_period(dates: pd.DatetimeIndex) -> str:
    """'day' or 'week' from the median gap between dates."""
    if len(dates) < 2:
        return "day"
    gap = float(np.median(np.diff(dates.values).astype("timedelta64[D]").astype(float)))
    return "week" if gap >= 6 else "day"


def event_days(days: pd.DatetimeIndex) -> pd.DataFrame:
    """Per retail event: its pre-sale window (flat and a ramp toward the day) and the day itself; the 春节 fortnight."""
    out = {}
    years = range(days.min().year, days.max().year + 1)
    for name, month, day, pre in RETAIL_EVENTS:
        peak = pd.DatetimeIndex([pd.Timestamp(y, month, day) for y in years])
        delta = np.subtract.outer(days.values, peak.values).astype("timedelta64[D]").astype(int)
        out[f"{name}_presale"] = ((delta >= -pre) & (delta < 0)).any(1).astype(float)
        # Demand builds toward the day: 1 on the eve, falling linearly to 0 before the pre-sale opens.
        out[f"{name}_ramp"] = np.where((delta >= -pre) & (delta < 0), 1 + (delta + 1) / (pre + 1), 0.0).max(1)
        out[f"{name}_day"] = (np.abs(delta) == 0).any(1).astype(float)
    sf = pd.DatetimeIndex(pd.to_datetime(list(SPRING_FESTIVAL)))
    delta = np.subtract.outer(days.values, sf.values).astype("timedelta64[D]").astype(int)
    out["春节"] = ((delta >= -7) & (delta <= 7)).any(1).astype(float)
    return pd.DataFrame(out, index=days)


def baseline_columns(dates: pd.DatetimeIndex, period: str, trend_degree: int = 1, yearly_order: int = 2,
                     events: bool = True) -> pd.DataFrame:
    """Columns shared by every geo: polynomial trend, yearly Fourier terms, weekday (daily data), events."""
    dates = pd.DatetimeIndex(dates)
    t = np.linspace(0.0, 1.0, len(dates))
    cols: dict[str, np.ndarray] = {f"trend{k}": t**k for k in range(1, trend_degree + 1)}
    doy = dates.dayofyear.to_numpy(float) / 365.25
    for k in range(1, yearly_order + 1):
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * doy)
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * doy)
    if period == "day":
        for d in range(1, 7):
            cols[f"weekday{d}"] = (dates.dayofweek == d).astype(float)
    if events:
        step = 7 if period == "week" else 1
        days = pd.date_range(dates.min(), dates.max() + pd.Timedelta(days=step - 1), freq="D")
        ev = event_days(days)
        key = np.searchsorted(dates.values, days.values, side="right") - 1
        ev = ev.groupby(key).mean()
        ev = ev.reindex(range(len(dates))).fillna(0.0)
        for c in ev.columns:
            if ev[c].any():  # an event outside the data has no column
                cols[c] = ev[c].to_numpy(float)
    return pd.DataFrame(cols, index=dates)
