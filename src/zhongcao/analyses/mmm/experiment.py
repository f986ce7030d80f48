"""The next experiment: which channel a lift study should measure, and a geo holdout that can measure it.

Value of information (Raiffa & Schlaifer's preposterior analysis, on posterior draws): a study of
channel c that would measure its ROI with standard error se is worth the expected gain of the
budget decision taken after it over the decision taken now. The decision is c's spend multiplier
m in 0.7–1.3× (the budget plan's bounds); its value per draw is c's incremental KPI at m× its
spend pattern minus the return the same money earns elsewhere (the spend-weighted mean marginal
ROI of all channels). A simulated result r ~ N(ROI_i, se²) reweights the draws by N(r | ROI_i, se²).

The design is a geo holdout: the channel is switched off in a group of control provinces for a
window; the treatment provinces, matched on pre-period sales, predict what the control group
would have sold (a ratio estimator: control = w · treatment, w from the pre-period). The
standard error comes from the brand's own series: the same estimator on windows of its history
when nothing was switched off (placebo windows, as GeoLift's power analysis does), in the test's
season when the history allows; its root mean square, bias included, is the standard error. Power
is simulated from posterior ROI draws plus resampled placebo errors. docs/mmm.md "The next experiment".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from zhongcao.analyses.base import MartSource
from zhongcao.analyses.mmm.model import BayesianMMM
from zhongcao.contract.geo import PROVINCES, normalise_province
from zhongcao.errors import InsufficientDataError

Z90 = 1.6448536269514722  # two-sided 90% interval; a one-sided 5% test


@dataclass(frozen=True)
class ExperimentConfig:
    durations_days: tuple[int, ...] = (14, 28, 42, 56, 84)
    cooldown_days: int = 14  # the carry-over of the last days still lands after the window
    control_share: tuple[float, float] = (0.15, 0.35)  # share of the KPI in the control provinces
    candidates: int = 300  # random control groups scored
    pre_days: int = 56  # pre-period the ratio is fitted on
    season_days: int = 45  # placebo windows starting within this many days of the test's day of year …
    season_windows: int = 20  # … when the history holds at least this many (else every window)
    target_power: float = 0.8
    multipliers: tuple[float, ...] = tuple(np.round(np.linspace(0.7, 1.3, 13), 3))
    draws: int = 200
    seed: int = 0


@dataclass(frozen=True)
class GeoTest:
    channel: str
    control: tuple[str, ...]  # provinces where the channel is switched off
    treatment: tuple[str, ...]
    control_share: float  # of the KPI in the pre-period
    start: str  # ISO date: the day after the data (a proposal), or where a test was run
    days: int
    cooldown_days: int
    spend_withheld: float  # budget at stake: the spend not made in the control provinces
    expected_lift: float  # KPI the control group is expected to lose (posterior mean ROI × spend withheld)
    se_roi: float  # the study's expected standard error on ROI
    roi_low: float  # the 90% interval the study is expected to reach around today's estimate
    roi_high: float
    power: float  # probability the study finds the effect (one-sided 5%), simulated

    @property
    def end(self) -> str:
        return str((pd.Timestamp(self.start) + pd.Timedelta(days=self.days - 1)).date())

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "end": self.end}


def changed_provinces(source: MartSource) -> set[str]:
    """Provinces under a regional change declared in brand.toml: a known shock, kept out of both groups.

    A control province whose sales step up for another reason (a regional content strategy) moves
    the control/treatment ratio the estimator relies on: every placebo window across the step errs
    by the step, and a test across it would read the step as the channel's effect.
    """
    names = {p.name: p.group for p in PROVINCES}
    out: set[str] = set()
    for change in source.brand.changes:
        for region in change.get("regions") or []:
            region = str(region)
            province = normalise_province(region)
            out |= {province} if province else {p for p, g in names.items() if g == region}
    return out


def province_series(source: MartSource, kpi: str, first: str, last: str,
                    exclude: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """KPI per day (rows) and province (columns) over [first, last]; 'unknown' and ``exclude`` left out."""
    rd = source.mart("region_daily").to_pandas()
    col = {"gmv": "gmv", "orders": "orders", "leads": "leads"}[kpi]
    rd["day"] = pd.to_datetime(rd["day"])
    rd = rd[(rd["region"] != "unknown") & ~rd["region"].isin(exclude) & (rd["day"] >= first) & (rd["day"] <= last)]
    wide = rd.pivot_table(index="day", columns="region", values=col, aggfunc="sum").fillna(0.0)
    days = pd.date_range(first, last, freq="D")
    wide = wide.reindex(days, fill_value=0.0)
    return wide.loc[:, wide.sum() > 0]


def ratio_effect(ctrl: np.ndarray, treat: np.ndarray, start: int, length: int, pre: int) -> np.ndarray:
    """Σ over [start, start+length) of control − w·treatment, w = Σ pre-period control ÷ Σ treatment.

    ``ctrl`` and ``treat`` are (..., T) series; ``start`` may be an array of window starts.
    """
    start = np.atleast_1d(start)
    c, t = np.cumsum(ctrl, -1), np.cumsum(treat, -1)
    pad = lambda x: np.concatenate([np.zeros((*x.shape[:-1], 1)), x], -1)  # noqa: E731
    c, t = pad(c), pad(t)
    w = (c[..., start] - c[..., start - pre]) / np.maximum(t[..., start] - t[..., start - pre], 1e-12)
    return (c[..., start + length] - c[..., start]) - w * (t[..., start + length] - t[..., start])


def placebo_errors(ctrl: np.ndarray, treat: np.ndarray, length: int, pre: int) -> np.ndarray:
    """The estimator on every window of the history (no intervention): its errors, (..., windows)."""
    n = ctrl.shape[-1]
    starts = np.arange(pre, n - length + 1)
    if len(starts) < 8:
        raise InsufficientDataError(f"a {length}-day geo test needs {pre + length + 8} days of regional history; "
                                    f"got {n}")
    return ratio_effect(ctrl, treat, starts, length, pre)


def seasonal_placebo(ctrl: np.ndarray, treat: np.ndarray, index: pd.DatetimeIndex, length: int,
                     start: pd.Timestamp, cfg: ExperimentConfig) -> np.ndarray:
    """Placebo errors of the windows that start in the test's season in earlier years (±``season_days``).

    Sales around 双11 or 春节 move differently between provinces; a test over 双11 errs more than an
    average window, so its error is read off the same season of the history when it holds enough windows.
    """
    err = placebo_errors(ctrl, treat, length, cfg.pre_days)
    near = in_season(index, length, start, cfg)
    return err[near] if near.sum() >= cfg.season_windows else err


def in_season(index: pd.DatetimeIndex, length: int, start: pd.Timestamp, cfg: ExperimentConfig) -> np.ndarray:
    """Which placebo windows of ``length`` days (by start, as ``placebo_errors`` orders them) are in the test's season."""
    starts = index[cfg.pre_days: len(index) - length + 1]
    gap = np.abs(starts.dayofyear.to_numpy() - start.dayofyear)
    return np.minimum(gap, 365 - gap) <= cfg.season_days


def choose_control(series: pd.DataFrame, cfg: ExperimentConfig, length: int,
                   held: tuple[int, int] | None = None) -> tuple[list[str], float]:
    """The control group (within the share bounds) whose placebo errors per unit of its share are smallest.

    Spend withheld grows with the control's share and the noise with its sales, so the score is
    the placebo RMS error ÷ share: the group that measures a channel most precisely for the money
    held back. The best of many groups looks better on the windows it was chosen on than it is (the
    winner's curse), so ``held`` (first day, last day + 1, as row positions) is the span whose
    windows will give the test's error: groups are scored on windows outside it (all windows when
    fewer than ``season_windows`` remain).
    """
    rng = np.random.default_rng(cfg.seed)
    x = series.to_numpy(float).T  # (provinces, T)
    share = x.sum(1) / x.sum()
    lo, hi = cfg.control_share
    groups: list[np.ndarray] = []
    for _ in range(cfg.candidates):
        order = rng.permutation(len(share))
        cum = np.cumsum(share[order])
        k = int(np.searchsorted(cum, lo)) + 1
        if k <= len(order) and lo <= cum[k - 1] <= hi:
            groups.append(np.sort(order[:k]))
    if not groups:
        raise InsufficientDataError(f"no group of provinces holds {lo:.0%}-{hi:.0%} of sales: a geo test needs "
                                    "several provinces with sales")
    member = np.zeros((len(groups), len(share)), bool)
    for i, g in enumerate(groups):
        member[i, g] = True
    ctrl = member.astype(float) @ x
    treat = x.sum(0)[None] - ctrl
    err = placebo_errors(ctrl, treat, length, cfg.pre_days)
    if held is not None:
        starts = np.arange(cfg.pre_days, cfg.pre_days + err.shape[1])
        apart = (starts + length <= held[0]) | (starts - cfg.pre_days >= held[1])
        if apart.sum() >= cfg.season_windows:
            err = err[:, apart]
    score = np.sqrt(np.mean(err**2, 1)) / (member.astype(float) @ share)
    best = int(np.argmin(score))
    names = list(series.columns)
    return [names[i] for i in np.flatnonzero(member[best])], float(member[best] @ share)


def design_geo_test(series: pd.DataFrame, model: BayesianMMM, channel: str, cfg: ExperimentConfig,
                    control: list[str] | None = None, start: pd.Timestamp | None = None) -> GeoTest:
    """Duration, budget at stake, expected interval and power of a geo holdout of ``channel``.

    ``series``: the history before the test (province sales per day); ``start``: its first day
    (default: the day after the history).
    """
    rng = np.random.default_rng(cfg.seed)
    start = start if start is not None else series.index[-1] + pd.Timedelta(days=1)
    if control is None:
        control, share = choose_control(series, cfg, 28)
    else:
        share = float(series[control].to_numpy().sum() / series.to_numpy().sum())
    treatment = [p for p in series.columns if p not in control]
    ctrl, treat = series[control].to_numpy(float).sum(1), series[treatment].to_numpy(float).sum(1)
    k = model.channels_.index(channel)
    roi = model.roi_draws().reshape(-1, len(model.channels_))[:, k]
    spend = model.spend_.sum(0)[: int(np.searchsorted(model.dates_, start)), k]
    per_day = 7 if model.period_ == "week" else 1
    daily = float(spend[-max(56 // per_day, 1):].sum() / 56.0)  # spend per day over the 8 weeks before the test
    best: GeoTest | None = None
    for days in cfg.durations_days:
        err = seasonal_placebo(ctrl, treat, series.index, days + cfg.cooldown_days, start, cfg)
        withheld = daily * share * days
        rms = float(np.sqrt(np.mean(err**2)))  # the error, bias included: a season can shift the ratio one way
        se = rms / max(withheld, 1e-12)
        sim = rng.choice(roi, 4000) * withheld + rng.choice(err, 4000)  # lost KPI measured, per simulated test
        power = float(np.mean(sim / max(rms, 1e-12) > Z90))
        mean = float(roi.mean())
        best = GeoTest(channel, tuple(control), tuple(treatment), share, str(start.date()), days, cfg.cooldown_days,
                       withheld,
                       mean * withheld, se, mean - Z90 * se, mean + Z90 * se, power)
        if power >= cfg.target_power:
            break
    assert best is not None
    return best


def value_of_information(model: BayesianMMM, se: dict[str, float], cfg: ExperimentConfig) -> pd.DataFrame:
    """Per channel: expected value of a study with standard error se[c] (KPI units), budget it moves, sd after."""
    rng = np.random.default_rng(cfg.seed)
    theta, beta = model._flat()
    pick = rng.choice(len(theta), size=min(cfg.draws, len(theta)), replace=False)
    theta, beta = theta[pick], beta[pick]
    spend = model.spend_.sum((0, 1))
    mroi = model.mroi_draws().reshape(-1, len(model.channels_)).mean(0)
    opportunity = float(np.sum(mroi * spend) / spend.sum())  # what a yuan earns elsewhere, at the margin
    roi = model.roi_draws().reshape(-1, len(model.channels_))[pick]
    mult = np.asarray(cfg.multipliers)
    rows = []
    for k, ch in enumerate(model.channels_):
        pattern = model.spend_[..., k]
        value = np.stack([model.channel_response(k, pattern * m, theta, beta).sum((1, 2)) - opportunity * m * spend[k]
                          for m in mult], 1)  # (draws, multipliers)
        now = int(np.argmax(value.mean(0)))
        s = se.get(ch, np.inf)
        if np.isfinite(s):
            result = roi[:, k] + rng.normal(0, s, len(roi))  # one simulated study per draw
            w = np.exp(-0.5 * ((result[:, None] - roi[None, :, k]) / s) ** 2)  # (results, draws)
            w /= w.sum(1, keepdims=True)
            after = w @ value  # expected value of each multiplier given each result
            chosen = np.argmax(after, 1)
            evsi = float(after[np.arange(len(chosen)), chosen].mean() - value.mean(0)[now])
            moved = float(np.mean(np.abs(mult[chosen] - mult[now])) * spend[k])
            mean_after = w @ roi[:, k]
            sd_after = float(np.sqrt(np.mean(w @ roi[:, k] ** 2 - mean_after**2)))
        else:
            evsi, moved, sd_after = 0.0, 0.0, float(roi[:, k].std())
        rows.append({"channel": ch, "spend": float(spend[k]), "roi": float(roi[:, k].mean()),
                     "roi_sd": float(roi[:, k].std()), "roi_sd_after": sd_after, "study_se": float(s),
                     "value_of_information": max(evsi, 0.0), "budget_moved": moved,
                     "multiplier_now": float(mult[now]), "opportunity_roi": opportunity})
    return pd.DataFrame(rows).sort_values("value_of_information", ascending=False).reset_index(drop=True)


def next_experiment(source: MartSource, model: BayesianMMM, kpi: str = "gmv", channel: str | None = None,
                    config: ExperimentConfig | None = None, start: str | None = None) -> dict[str, Any]:
    """Channels ranked by the value of a lift study, and a geo holdout for the first (or ``channel``).

    ``start``: the test's first day (default: the day after the data); the design reads only the
    history before it.
    """
    cfg = config or ExperimentConfig()
    excluded = changed_provinces(source)
    last = model.dates_.max() + pd.Timedelta(days=6 if model.period_ == "week" else 0)
    first_day = pd.Timestamp(start) if start is not None else last + pd.Timedelta(days=1)
    if first_day <= model.dates_.min() + pd.Timedelta(days=cfg.pre_days):
        raise InsufficientDataError(f"a geo test starting {first_day.date()} leaves no history to design it on")
    series = province_series(source, kpi, str(model.dates_.min().date()),
                             str((min(first_day - pd.Timedelta(days=1), last)).date()), excluded)
    spans = []  # rows the test's error windows read, for every duration
    for days in cfg.durations_days:
        length = days + cfg.cooldown_days
        near = np.flatnonzero(in_season(series.index, length, first_day, cfg))
        if len(near) >= cfg.season_windows:
            spans.append((int(near.min()), int(near.max() + cfg.pre_days + length)))
    held = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None
    control, _ = choose_control(series, cfg, 28, held)
    designs = {ch: design_geo_test(series, model, ch, cfg, control, first_day) for ch in model.channels_}
    ranking = value_of_information(model, {ch: d.se_roi for ch, d in designs.items()}, cfg)
    ranking["days"] = ranking["channel"].map(lambda c: designs[c].days)
    ranking["power"] = ranking["channel"].map(lambda c: designs[c].power)
    ranking["spend_withheld"] = ranking["channel"].map(lambda c: designs[c].spend_withheld)
    chosen = channel or str(ranking.iloc[0]["channel"])
    if chosen not in designs:
        raise InsufficientDataError(f"no channel {chosen!r} with spend; channels: {', '.join(designs)}")
    return {"design": designs[chosen].to_dict(), "ranking": ranking.to_dict("records"), "config": asdict(cfg),
            "excluded": sorted(excluded)}


@dataclass(frozen=True)
class GeoResult:
    channel: str
    lift: float  # KPI the control group lost (positive when the channel works)
    roi: float
    se: float
    roi_low: float
    roi_high: float

    def lift_study(self, description: str = "geo holdout") -> dict[str, object]:
        """The ``[[lift_studies]]`` entry for brand.toml, which calibrates the next model fit."""
        return {"channel": self.channel, "roi": round(self.roi, 4), "se": round(self.se, 4), "description": description}


def measure_geo_test(source: MartSource, test: GeoTest | dict[str, Any], spend_withheld: float, kpi: str = "gmv",
                     config: ExperimentConfig | None = None) -> GeoResult:
    """Read a geo holdout that was run: the control provinces' lost KPI and the ROI it implies, with its se
    (placebo windows of the history before the test, in its season as the design read them)."""
    cfg = config or ExperimentConfig()
    t = test if isinstance(test, GeoTest) else GeoTest(**{k: v for k, v in test.items() if k != "end"})
    start = pd.Timestamp(t.start)
    last = start + pd.Timedelta(days=t.days + t.cooldown_days - 1)
    rd = source.mart("region_daily").to_pandas()
    first = str(pd.to_datetime(rd["day"]).min().date())
    series = province_series(source, kpi, first, str(last.date()))
    ctrl = series.reindex(columns=list(t.control), fill_value=0.0).to_numpy(float).sum(1)
    treat = series.reindex(columns=list(t.treatment), fill_value=0.0).to_numpy(float).sum(1)
    s0 = int((start - pd.Timestamp(first)).days)
    length = t.days + t.cooldown_days
    lift = -float(ratio_effect(ctrl, treat, s0, length, cfg.pre_days)[0])
    err = seasonal_placebo(ctrl[:s0], treat[:s0], series.index[:s0], length, start, cfg)  # history before the test
    roi, se = lift / spend_withheld, float(np.sqrt(np.mean(err**2))) / spend_withheld
    return GeoResult(t.channel, lift, roi, se, roi - Z90 * se, roi + Z90 * se)
