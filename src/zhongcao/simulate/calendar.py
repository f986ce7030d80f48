"""The simulated period as day indices, with demand seasonality and retail events.

Times are int64 seconds since 1970-01-01 of *naive* Asia/Shanghai wall-clock time; the
writer turns them into naive ``timestamp[us]``.
"""

from __future__ import annotations

import numpy as np

from zhongcao.simulate.spec import PERIOD_END, PERIOD_START

DAY = 86_400
START = int(np.datetime64(PERIOD_START, "s").astype(np.int64))
END_EXCL = int((np.datetime64(PERIOD_END, "s") + np.timedelta64(1, "D")).astype(np.int64))
N_DAYS = (END_EXCL - START) // DAY
DATES = np.datetime64(PERIOD_START, "D") + np.arange(N_DAYS)

# Evening-heavy activity curve (share of touches per hour of the day).
HOURS = np.array([1.0, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.2, 2.4, 2.5, 2.8,
                  3.4, 3.0, 2.6, 2.6, 2.8, 3.0, 3.4, 4.2, 5.0, 5.6, 5.0, 2.6])
HOUR_CDF = np.cumsum(HOURS) / HOURS.sum()

SPRING_FESTIVAL = ("2024-02-10", "2025-01-29")


def day_of(date: str) -> int:
    return int((np.datetime64(date, "D") - np.datetime64(PERIOD_START, "D")).astype(int))


def events() -> dict[str, list[str]]:
    """Retail events planted in demand, as named in truth.json."""
    return {
        "618": ["2024-06-18", "2025-06-18"],
        "双11": ["2024-11-11", "2025-11-11"],
        "双12": ["2024-12-12", "2025-12-12"],
        "春节": list(SPRING_FESTIVAL),
    }


def event_boost() -> np.ndarray:
    """Multiplier per day for 618, 双11, 双12 (pre-sales ramping linearly to the day) and the 春节 dip.

    Pre-sale windows (14, 20 and 3 days) and the 春节 fortnight (7 days either side) are those
    the marketing-mix baseline describes (analyses/mmm/design.py).
    """
    boost = np.ones(N_DAYS)
    for year in (2024, 2025):
        for peak, ramp, height in ((f"{year}-06-18", 14, 1.6), (f"{year}-11-11", 20, 2.6),
                                   (f"{year}-12-12", 3, 0.8)):
            d = day_of(peak)
            for k in range(ramp + 1):
                if 0 <= d - k < N_DAYS:
                    boost[d - k] += height * (1 - k / (ramp + 1))
    for date in SPRING_FESTIVAL:
        d = day_of(date)
        boost[max(d - 7, 0): d + 8] *= 0.55
    return boost


def demand_profile(monthly: tuple[float, ...], trend: float = 0.35) -> np.ndarray:
    """Baseline demand per day (mean 1): linear trend + smooth yearly season + weekday + events.

    The parts add up rather than multiply, so a retail event lifts demand by the same amount
    in both years; what a marketing-mix baseline (trend, yearly harmonics, event windows)
    cannot describe is then noise and the channels, not a misfit of the demand curve.
    """
    t = np.arange(N_DAYS) / (N_DAYS - 1)
    weekday = (DATES.astype("datetime64[D]").view("int64") + 3) % 7  # 0 = Monday
    week = np.where(weekday >= 5, 0.15, -0.05)
    p = 1 + trend * t + (smooth_season(monthly) - 1) + week + (event_boost() - 1)
    return p / p.mean()


def smooth_season(monthly: tuple[float, ...], order: int = 2) -> np.ndarray:
    """Yearly seasonality per day: the 12 monthly multipliers' first ``order`` harmonics (smooth, periodic)."""
    def basis(phase: np.ndarray) -> np.ndarray:
        cols = [np.ones_like(phase)]
        for k in range(1, order + 1):
            cols += [np.sin(2 * np.pi * k * phase), np.cos(2 * np.pi * k * phase)]
        return np.stack(cols, axis=1)

    coef = np.linalg.lstsq(basis((np.arange(12) + 0.5) / 12), np.asarray(monthly, float), rcond=None)[0]
    doy = (DATES - DATES.astype("datetime64[Y]")).astype(int)
    return basis(doy / 365.25) @ coef


def cdf(weights: np.ndarray) -> np.ndarray:
    c = np.cumsum(weights, dtype=np.float64)
    return c / c[-1]


def draw_days(rng: np.random.Generator, profile_cdf: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(profile_cdf, rng.random(n), side="right").clip(0, len(profile_cdf) - 1)


def draw_seconds(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Absolute seconds for day indices, with an evening-heavy time of day."""
    hours = np.searchsorted(HOUR_CDF, rng.random(len(days)), side="right").clip(0, 23)
    return START + days.astype(np.int64) * DAY + hours * 3600 + rng.integers(0, 3600, len(days))


def day_index(seconds: np.ndarray) -> np.ndarray:
    return ((seconds - START) // DAY).astype(np.int64)


N_MONTHS = 24  # topic and multiplier tables hold one row per 30.5-day "month" of the period


def month_index(seconds: np.ndarray) -> np.ndarray:
    """The 30.5-day month a moment falls in (0 … 23), as the per-month tables index it."""
    return ((seconds - START) // (DAY * 30.5)).astype(np.int64).clip(0, N_MONTHS - 1)
