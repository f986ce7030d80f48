"""The marketing-mix analysis on a workspace, and long-term omni-channel ROI (全域长效ROI).

Reads marts only: ``channel_daily`` (spend per day and channel) and ``platform_daily`` (orders and
GMV per day and platform), aggregated here to weeks (or kept daily). Long-term ROI adds the repeat
purchases of the customers a channel brings, from the repurchase model (``customer_history``).
docs/mmm.md and docs/metrics.md define every number.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import Analysis, Interval, MartSource, Options, clone, fitted
from zhongcao.analyses.mmm.diagnostics import require_periods
from zhongcao.analyses.mmm.experiment import next_experiment
from zhongcao.analyses.mmm.model import BayesianMMM, LiftStudy
from zhongcao.analyses.mmm.review import review_model
from zhongcao.analyses.mmm.transforms import default_chain
from zhongcao.analyses.repurchase import RepurchaseAnalysis
from zhongcao.errors import AnalysisError, InsufficientDataError, WorkspaceError, ZhongcaoError

LEVEL = 0.9


class MmmAnalysis(Analysis):
    """Marketing-mix model over all platforms' sales, with short-term, carry-over and repeat ROI.

    Parameters
    ----------
    kpi:
        "gmv" (ROI in CNY per CNY), "orders" or "leads" (incremental units per CNY).
    platform:
        "all" sums every platform (red, tmall, jd, offline …); or one platform's sales.
    period:
        "day" (a channel acting within days has its lag seen, not guessed; docs/mmm.md "Demo
        worlds") or "week" (faster; for data kept by week; brand.toml sets it as ``[analyses.mmm]
        period``). None (default): "week" when the data are kept by week (spend and sales each on one
        weekday), else "day".
    adstock, saturation, order:
        Response components: geometric | weibull, hill | logistic, adstock_first | saturation_first.
    roi_prior:
        "data" (default): a Gaussian prior on every channel's ROI on the data's own scale, paid media
        adding 40 ± 20% of the KPI (``priors.py``; docs/mmm.md "Priors"); or (mean, sd) in gmv units
        per spend unit; None: a prior on the coefficient instead. gmv KPI only.
    lift_studies:
        Measured incremental ROI per channel, ``{channel: (roi, standard error)}``; enter as likelihood
        terms. None: the workspace's ``[[lift_studies]]`` from brand.toml (none there, no calibration).
    repeat_horizon_weeks:
        Horizon of repeat purchases counted in long-term ROI.
    experiment:
        Design the next experiment (``experiment.py``): channels ranked by the value of a lift study,
        and a geo holdout for the first; needs sales by province (``region_daily``).
    review:
        Run the model review (``review.py``: convergence, prior shift, fit and a held-out forecast,
        baseline, consistency, spend that tracks demand); the forecast refits the model once more.
    steps:
        Sampler steps, the first half discarded; None: 1200 weekly, 3000 daily (daily posteriors
        mix more slowly: R-hat 1.18-1.20 at 1200 steps on the 200k-user demo worlds, 1.11 at 2400
        on the 20k hiking-shoes demo, 1.07 at 3000; docs/mmm.md "Diagnostics").
    seed:
        Sampler seed (the same seed and data give the same posterior draws).
    repurchase:
        The repurchase model long-term ROI takes repeat purchases from; None: a default
        ``RepurchaseAnalysis`` at ``repeat_horizon_weeks``. A fitted one at that horizon is used as
        it is (the pipeline hands over the run's, so it is fitted once per run).
    """

    name: ClassVar[str] = "mmm"
    # channel_last_touch: the review's comparison with last-touch ROI; region_daily: the geo test design
    # and the repurchase model it builds on (its parameter ``repurchase``), fitted here when not handed over
    marts: ClassVar[tuple[str, ...]] = tuple(dict.fromkeys(("channel_daily", "platform_daily", "channel_last_touch",
                                                            "region_daily", *RepurchaseAnalysis.marts)))
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "kpi": [Options(frozenset({"gmv", "orders", "leads"}))],
        "platform": [str],
        "period": [Options(frozenset({"week", "day"})), None],
        "adstock": [Options(frozenset({"geometric", "weibull"}))],
        "saturation": [Options(frozenset({"hill", "logistic"}))],
        "order": [Options(frozenset({"adstock_first", "saturation_first"}))],
        "roi_prior": [tuple, Options(frozenset({"data"})), None],
        "lift_studies": [dict, None],
        "repeat_horizon_weeks": [Interval(int, 0, 520)],
        "experiment": [bool],
        "review": [bool],
        "steps": [Interval(int, 200, 100_000), None],
        "seed": [int],
        "repurchase": [RepurchaseAnalysis, None],
    }

    def __init__(self, kpi: str = "gmv", platform: str = "all", period: str | None = None, adstock: str = "geometric",
                 saturation: str = "hill", order: str = "adstock_first", roi_prior: tuple[float, float] | str | None = "data",
                 lift_studies: Mapping[str, tuple[float, float]] | None = None, repeat_horizon_weeks: int = 52,
                 experiment: bool = True, review: bool = True, steps: int | None = None, seed: int = 0,
                 repurchase: RepurchaseAnalysis | None = None) -> None:
        self.kpi = kpi
        self.platform = platform
        self.period = period
        self.adstock = adstock
        self.saturation = saturation
        self.order = order
        self.roi_prior = roi_prior
        self.lift_studies = lift_studies
        self.repeat_horizon_weeks = repeat_horizon_weeks
        self.experiment = experiment
        self.review = review
        self.steps = steps
        self.seed = seed
        self.repurchase = repurchase

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        self.period_ = resolve_period(source, self.period, self.kpi, self.platform)
        period = self.period_["period"]
        spend, kpi = weekly_inputs(source, self.kpi, self.platform, period)
        channels = list(spend.columns)
        if not channels:
            raise InsufficientDataError("no channel has spend: the marketing-mix model needs spend by day and channel")
        require_periods(len(kpi), 3 * len(channels) + 1, len(channels), period)  # before anything is built
        units = source.brand.units
        self.units_ = {"spend": units["spend"], "kpi": units["gmv"] if self.kpi == "gmv" else self.kpi}
        lmax = 8 if period == "week" else 21
        n_steps = self.steps or (1200 if period == "week" else 3000)
        model = BayesianMMM(default_chain(self.adstock, self.saturation, lmax, self.order),
                            roi_prior=self.roi_prior if self.kpi == "gmv" or self.roi_prior == "data" else None,
                            spend_scale="mean", steps=n_steps, burn=n_steps // 2, draws=800, seed=self.seed)
        steps, step_names = change_steps(source, spend.index, 7 if period == "week" else 1)
        self.controls_ = step_names
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lifts = self._calibration(source, channels)
            model.fit(kpi.to_numpy(float), spend.to_numpy(float), spend.index, channels, lift_studies=lifts,
                      controls=steps, control_names=step_names)
        self.warnings_ = [str(w.message) for w in caught]
        self._model = model
        self.collinear_ = [{"a": a, "b": b, "correlation": c} for a, b, c in model.collinear_]
        self.channels_ = model.summary(LEVEL)
        self.convergence_ = {"max_rhat": model.convergence_.max_rhat, "min_ess": model.convergence_.min_ess,
                             "max_rhat_roi": model.convergence_.max_rhat_roi,
                             "acceptance": model.acceptance_, "ok": bool(model.convergence_.ok()),
                             "method": "ensemble MCMC (emcee) on media parameters, coefficients integrated exactly"}
        self.fit_ = model.fit_quality()
        self.contributions_ = _contributions(model)
        self.long_term_ = self._long_term(source, model)
        self.totals_ = {"spend": float(spend.to_numpy().sum()), "kpi": float(kpi.sum()),
                        "periods": float(len(kpi)), "first": str(spend.index.min().date()),
                        "last": str(spend.index.max().date())}
        if self.review:
            last_touch = _last_touch_roi(source, spend.sum()) if self.kpi == "gmv" else {}
            self._review = review_model(model, last_touch, refit_steps=max(n_steps // 2, 400), seed=self.seed)
            self.review_ = self._review.to_dict()
        else:
            self._review = None
            self.review_ = {"verdict": "not run", "calibrated": True, "confounded": [], "hardly_moved": [], "checks": []}
        self.next_experiment_: dict[str, Any] = {}
        if self.experiment:
            try:
                self.next_experiment_ = next_experiment(source, model, self.kpi)
            except (InsufficientDataError, WorkspaceError) as exc:  # no regional sales: no geo design
                self.next_experiment_ = {"error": str(exc)}
        return self

    def fitted_model(self) -> BayesianMMM:
        """The fitted Bayesian model (posterior draws), for analyses built on it (budget)."""
        self.check_is_fitted()
        return self._model

    def _calibration(self, source: MartSource, channels: list[str]) -> list[LiftStudy]:
        """The lift studies to fit with: the parameter's, else brand.toml's (each a LiftStudy, checked
        when made; the model refuses one on a channel without spend)."""
        if self.lift_studies is not None:
            try:
                studies = [LiftStudy(ch, r, se) for ch, (r, se) in self.lift_studies.items()]
            except (TypeError, ValueError) as exc:
                raise AnalysisError(f"MmmAnalysis lift_studies: {exc}") from exc
            origin = "parameter"
        else:
            studies, origin = list(source.brand.lift_studies), "brand.toml"
            if studies and self.kpi != "gmv":  # brand.toml's ROIs are GMV per CNY: not this model's unit
                warnings.warn(f"brand.toml lift studies measure GMV per CNY; not used for kpi={self.kpi!r}", stacklevel=2)
                studies = []
        self.lift_studies_ = [{"channel": s.channel, "roi": s.roi, "se": s.se, "source": origin} for s in studies]
        return studies

    def _long_term(self, source: MartSource, model: BayesianMMM) -> pd.DataFrame:
        """Short-term, carry-over and repeat ROI per channel, each with a 90% interval."""
        roi = model.roi_draws().reshape(-1, len(model.channels_))
        carry = model.carry_share_draws().reshape(-1, len(model.channels_))
        repeat_per_gmv, info = (0.0, {})
        if self.kpi == "gmv" and self.repeat_horizon_weeks > 0:
            repeat_per_gmv, info = _repeat_value_per_gmv(source, self.repeat_horizon_weeks, self.repurchase)
        self.repeat_ = info
        lo, hi = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
        rows = []
        for k, ch in enumerate(model.channels_):
            parts = {"short_term_roi": roi[:, k] * (1 - carry[:, k]), "carry_over_roi": roi[:, k] * carry[:, k],
                     "repeat_roi": roi[:, k] * repeat_per_gmv, "long_term_roi": roi[:, k] * (1 + repeat_per_gmv)}
            row: dict[str, Any] = {"channel": ch, "spend": float(model.spend_[..., k].sum())}
            for name, draws in parts.items():
                row[name] = float(draws.mean())
                row[f"{name}_low"], row[f"{name}_high"] = (float(q) for q in np.quantile(draws, [lo, hi]))
            row["p_long_term_roi_above_1"] = float(np.mean(parts["long_term_roi"] > 1))
            rows.append(row)
        return pd.DataFrame(rows).sort_values("long_term_roi", ascending=False).reset_index(drop=True)


def _daily(source: MartSource, kpi: str, platform: str) -> tuple[pd.DataFrame, pd.Series]:
    """Spend per day × channel (channels with spend) and the KPI per day, as the marts hold them."""
    ch = source.mart("channel_daily").to_pandas()
    if ch.empty:
        raise InsufficientDataError("no spend in the workspace: the marketing-mix model needs spend by day and channel")
    ch["day"] = pd.to_datetime(ch["day"])
    spend = ch.pivot_table(index="day", columns="channel", values="spend", aggfunc="sum").fillna(0.0)
    spend = spend.loc[:, spend.sum() > 0]
    if kpi == "leads":
        y = ch.groupby("day")["leads"].sum()
    else:
        pl = source.mart("platform_daily").to_pandas()
        if platform != "all":
            if platform not in set(pl["platform"]):
                raise AnalysisError(f"no orders on platform {platform!r}; platforms: {sorted(set(pl['platform']))}")
            pl = pl[pl["platform"] == platform]
        pl["day"] = pd.to_datetime(pl["day"])
        y = pl.groupby("day")[kpi].sum()
    return spend, y.astype(float)


WEEKLY_SHARE = 0.9  # data are kept by week when this share of the days with spend (and with sales) is one weekday


def kept_by_week(spend: pd.DataFrame, y: pd.Series) -> bool:
    """Spend on one day per week and sales on one day per week: weekly totals entered as contract rows.

    A brand that only has weekly figures loads each week's spend on one date and its orders summed
    on one date; read as days, six of seven would be zero and the model would fit the zeros.
    """
    def one_weekday(days: pd.DatetimeIndex) -> bool:
        if len(days) < 8:
            return False
        share = pd.Series(days.dayofweek).value_counts(normalize=True).iloc[0]
        return bool(share >= WEEKLY_SHARE)

    return one_weekday(spend.index[spend.sum(1) > 0]) and one_weekday(y.index[y > 0])


def resolve_period(source: MartSource, period: str | None, kpi: str, platform: str) -> dict[str, str]:
    """The period to model in and why: the parameter (brand.toml's ``[analyses.mmm] period`` and
    ``--param mmm.period`` set it through the run settings), or the data."""
    if period is not None:
        return {"period": period, "source": "parameter"}
    spend, y = _daily(source, kpi, platform)
    return {"period": "week", "source": "data kept by week"} if kept_by_week(spend, y) else \
        {"period": "day", "source": "default"}


def weekly_inputs(source: MartSource, kpi: str, platform: str, period: str) -> tuple[pd.DataFrame, pd.Series]:
    """Spend per period × channel and the KPI per period, on a complete calendar."""
    spend, y = _daily(source, kpi, platform)
    last = spend.index.max()
    if period == "week" and kept_by_week(spend, y):
        last += pd.Timedelta(days=6)  # the last weekly row stands for a whole week
    days = pd.date_range(spend.index.min(), last, freq="D")  # the window with spend data
    spend = spend.reindex(days, fill_value=0.0)
    y = y.reindex(days, fill_value=0.0).astype(float)
    if period == "week":
        full = len(days) // 7 * 7  # whole weeks only: a part week would look like a drop
        spend = spend.iloc[:full].groupby(np.arange(full) // 7).sum()
        y = y.iloc[:full].groupby(np.arange(full) // 7).sum()
        spend.index = y.index = days[:full:7]
    spend.columns = [str(c) for c in spend.columns]
    return spend, y


def change_steps(source: MartSource, periods: pd.DatetimeIndex, days: int) -> tuple[np.ndarray | None, list[str]]:
    """A step control per content-strategy change declared in brand.toml (0 before its date, 1 after).

    A declared change (a new content strategy, brand-wide or in some regions) moves sales from its
    date on for reasons other than spend; without a control the model would credit the step to
    whichever channels happened to spend more afterwards. A period holding the date gets the
    share of its days on or after it; changes outside the data have no column.
    """
    cols, names = [], []
    for change in source.brand.changes:
        date = pd.Timestamp(str(change["date"]))
        after = ((periods + pd.Timedelta(days=days) - date) / pd.Timedelta(days=days)).to_numpy(float).clip(0.0, 1.0)
        if 0 < after.sum() < len(after):
            regions = change.get("regions")
            names.append(f"change {date.date()}" + (f" ({', '.join(map(str, regions))})" if regions else ""))
            cols.append(after)
    return (np.stack(cols, axis=1) if cols else None), names


def _last_touch_roi(source: MartSource, spend: pd.Series) -> dict[str, float]:
    """GMV credited to each channel's last touch (all platforms) ÷ its spend; empty without the mart's inputs."""
    try:
        lt = source.mart("channel_last_touch").to_pandas()
    except ZhongcaoError:  # a clean room may hand over the model's marts only
        return {}
    gmv = lt.groupby("channel")["gmv"].sum()
    return {str(ch): float(gmv[ch] / spend[ch]) for ch in spend.index if ch in gmv.index and spend[ch] > 0}


def _repeat_value_per_gmv(source: MartSource, horizon: int,
                          repurchase: RepurchaseAnalysis | None = None) -> tuple[float, dict[str, float]]:
    """Expected repeat GMV brought per unit of first-order GMV.

    A channel's incremental GMV is turned into new customers with the share of orders that are
    a buyer's first (from customer_history) and the average order value; each new customer is
    worth the BG/NBD × Gamma-Gamma repeat GMV over the horizon.
    """
    rep = repurchase if repurchase is not None else RepurchaseAnalysis(horizon_weeks=horizon)
    if rep.horizon_weeks != horizon:  # the value is counted over the horizon: another one is another fit
        rep = clone(rep).set_params(horizon_weeks=horizon)
    try:
        rep = fitted(rep, source)
    except (InsufficientDataError, AnalysisError) as exc:
        return 0.0, {"error": str(exc)}
    hist = source.mart("customer_history").to_pandas()
    h = hist[hist["platform"] == "all"]
    buyers = float(h["customers"].sum())
    purchase_days = float((h["customers"] * (h["frequency"] + 1)).sum())
    pl = source.mart("platform_daily").to_pandas()
    aov = float(pl["gmv"].sum() / max(pl["orders"].sum(), 1))
    first_share = buyers / purchase_days if purchase_days else 0.0
    value = rep.value_["repeat_gmv"]
    per_gmv = first_share / aov * value if aov > 0 and math.isfinite(value) else 0.0
    return per_gmv, {"first_order_share": first_share, "aov": aov, "repeat_gmv_per_new_customer": value,
                     "repeat_purchases_per_new_customer": rep.value_["repeat_purchases"],
                     "repeat_gmv_per_gmv": per_gmv, "horizon_weeks": float(horizon)}


def _contributions(model: BayesianMMM) -> pd.DataFrame:
    mean = model.contribution_draws().reshape(-1, len(model.channels_), len(model.dates_)).mean(0)
    frame = pd.DataFrame(mean.T, columns=model.channels_)
    frame.insert(0, "baseline", model.baseline_draws().mean(0))
    frame.insert(0, "actual", model.y_.sum(0))
    frame.insert(0, "period", model.dates_.strftime("%Y-%m-%d"))
    return frame
