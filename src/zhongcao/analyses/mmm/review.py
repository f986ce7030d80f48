"""Model review: typed checks of a fitted marketing-mix model, each with a verdict, its numbers and a remedy.

Like Meridian's review checks, a fit is not trusted because it converged. Six checks (docs/mmm.md
"Model review"), every threshold declared once in :class:`ReviewConfig`:

* ``convergence``: split R-hat and effective sample size per parameter and per channel ROI;
* ``prior_shift``: how far the data moved each channel's ROI from its prior (sd ratio, mean shift);
* ``fit``: posterior predictive coverage in the window, and a forecast of a held-out final
  stretch by the same model refitted without it;
* ``baseline``: negative or implausibly small baseline (everything but media);
* ``consistency``: ROI against last-touch ROI and against lift studies;
* ``confounding``: spend that tracks demand (the calendar, or past sales beyond the channel's own past spend).

A failed check labels the model uncalibrated; a channel whose spend tracks demand is flagged as
possibly confounded. Cards built on the model (ROI, budget, long-term ROI) say so and lower their
confidence (``findings/mmm.py``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from zhongcao.analyses.mmm.design import baseline_columns
from zhongcao.analyses.mmm.diagnostics import min_periods
from zhongcao.analyses.mmm.model import BayesianMMM
from zhongcao.analyses.mmm.predict import forecast_draws, predictive_draws, refit

Verdict = Literal["pass", "review", "fail"]
_ORDER = {"pass": 0, "review": 1, "fail": 2}


@dataclass(frozen=True)
class ReviewConfig:
    """Every threshold of the review, in one place (docs/mmm.md "Model review" gives the reasons)."""

    # convergence: pass as Convergence.ok (ROIs < 1.05, every parameter < 1.1, ESS > 100); fail beyond these
    rhat_roi: float = 1.05
    rhat_parameter: float = 1.1
    ess_min: float = 100.0
    rhat_fail: float = 1.2
    ess_fail: float = 50.0
    # prior_shift: the data hardly moved a ROI when its sd stays above this share of the prior's
    # and its mean within this many prior sds of the prior's mean
    prior_sd_ratio: float = 0.7
    prior_mean_shift: float = 0.3
    # fit: share of periods inside the 90% predictive interval, in the window and in the held-out stretch
    coverage_review: float = 0.75
    coverage_fail: float = 0.5
    holdout_share: float = 0.1  # the final 10% of periods, at least 4 weeks (28 days on daily data)
    holdout_weeks: int = 4
    mape_ratio_review: float = 2.0  # held-out MAPE ÷ in-window MAPE
    mape_ratio_fail: float = 3.0
    # baseline: share of periods with a negative baseline; smallest plausible share of the KPI
    negative_review: float = 0.05
    negative_fail: float = 0.2
    baseline_share_min: float = 0.1
    # consistency: ROI beyond this factor of last-touch ROI; a lift study this many sds away
    last_touch_factor: float = 5.0
    lift_z_review: float = 2.0
    lift_z_fail: float = 3.0
    # confounding: weekly spend explained by the calendar (adjusted R²), or predicted by past sales
    # beyond its own past (Granger: partial R² of the sales lags, F-test p-value)
    calendar_r2: float = 0.5
    granger_lags: int = 4
    granger_p: float = 0.01
    granger_partial_r2: float = 0.1


@dataclass(frozen=True)
class Check:
    name: str
    verdict: Verdict
    numbers: dict[str, float]
    rows: list[dict[str, Any]] = field(default_factory=list)  # per channel or per parameter
    flagged: tuple[str, ...] = ()  # the channels (or parameters) the verdict is about


@dataclass(frozen=True)
class Review:
    checks: tuple[Check, ...]
    config: ReviewConfig

    @property
    def verdict(self) -> Verdict:
        return max((c.verdict for c in self.checks), key=_ORDER.__getitem__, default="pass")

    @property
    def calibrated(self) -> bool:
        """False when any check failed: every card built on the model says it is uncalibrated."""
        return all(c.verdict != "fail" for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    @property
    def confounded(self) -> tuple[str, ...]:
        return self.check("confounding").flagged

    @property
    def hardly_moved(self) -> tuple[str, ...]:
        return self.check("prior_shift").flagged

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "calibrated": self.calibrated, "confounded": list(self.confounded),
                "hardly_moved": list(self.hardly_moved), "checks": [asdict(c) for c in self.checks],
                "config": asdict(self.config)}


def review_model(model: BayesianMMM, last_touch_roi: dict[str, float] | None = None,
                 config: ReviewConfig | None = None, refit_steps: int | None = None, seed: int = 0) -> Review:
    """Run every check on a fitted model. ``last_touch_roi``: channel → last-touch ROI in the model's units."""
    cfg = config or ReviewConfig()
    rng = np.random.default_rng(seed)
    checks = (convergence_check(model, cfg), prior_shift_check(model, cfg, rng), fit_check(model, cfg, rng, refit_steps),
              baseline_check(model, cfg), consistency_check(model, cfg, last_touch_roi or {}),
              confounding_check(model, cfg))
    return Review(checks, cfg)


def _worst(*verdicts: Verdict) -> Verdict:
    return max(verdicts, key=_ORDER.__getitem__, default="pass")


# ------------------------------------------------------------------------------------------ convergence
def convergence_check(model: BayesianMMM, cfg: ReviewConfig) -> Check:
    c = model.convergence_
    rows = [{"quantity": k, "rhat": c.rhat[k], "ess": c.ess[k], "roi": k in c.reported} for k in c.rhat]
    ok = c.ok(cfg.rhat_roi, cfg.ess_min, cfg.rhat_parameter)
    fail = c.max_rhat_roi > cfg.rhat_fail or c.min_ess < cfg.ess_fail
    bad = tuple(r["quantity"] for r in rows if r["rhat"] >= (cfg.rhat_roi if r["roi"] else cfg.rhat_parameter)
                or r["ess"] <= cfg.ess_min)
    return Check("convergence", "fail" if fail else "pass" if ok else "review",
                 {"max_rhat_roi": c.max_rhat_roi, "max_rhat": c.max_rhat, "min_ess": c.min_ess,
                  "min_ess_roi": min(c.ess[k] for k in c.reported) if c.reported else c.min_ess}, rows, bad)


# ------------------------------------------------------------------------------------------ prior shift
def prior_roi(model: BayesianMMM, rng: np.random.Generator, draws: int = 2000) -> np.ndarray:
    """Draws of each channel's ROI under the prior alone (no data, no lift study): (draws, C).

    With a ROI prior N(m, s²) this is that Gaussian truncated at zero (channel β are non-negative);
    with a prior on the coefficient it is the coefficient's half-normal times the ROI factor of
    media parameters drawn from their priors.
    """
    c = len(model.channels_)
    if model.roi_prior_ is not None:
        m, s = model.roi_prior_
        return stats.truncnorm.rvs(-m / s, np.inf, loc=m, scale=s, size=(draws, c), random_state=rng)
    cols = [p.prior.rvs(size=draws, random_state=rng) for ch in model.chains_ for p in ch.params]
    v = np.column_stack([*cols, np.ones(draws)])
    factor = model._roi_factor(model._features(v))
    return factor * np.abs(rng.normal(0.0, model.coef_prior_sd, (draws, c)))


def prior_shift_check(model: BayesianMMM, cfg: ReviewConfig, rng: np.random.Generator) -> Check:
    prior = prior_roi(model, rng)
    post = model.roi_draws().reshape(-1, len(model.channels_))
    rows, moved_not = [], []
    for k, ch in enumerate(model.channels_):
        p_mean, p_sd = float(prior[:, k].mean()), float(prior[:, k].std())
        q_mean, q_sd = float(post[:, k].mean()), float(post[:, k].std())
        ratio, shift = q_sd / p_sd, abs(q_mean - p_mean) / p_sd
        hardly = ratio > cfg.prior_sd_ratio and shift < cfg.prior_mean_shift
        rows.append({"channel": ch, "prior_mean": p_mean, "prior_sd": p_sd, "posterior_mean": q_mean,
                     "posterior_sd": q_sd, "sd_ratio": ratio, "mean_shift": shift, "hardly_moved": hardly})
        if hardly:
            moved_not.append(ch)
    return Check("prior_shift", "review" if moved_not else "pass",
                 {"channels_hardly_moved": len(moved_not),
                  "max_sd_ratio": max(r["sd_ratio"] for r in rows), "min_mean_shift": min(r["mean_shift"] for r in rows)},
                 rows, tuple(moved_not))


# ------------------------------------------------------------------------------------------ fit
def _coverage(draws: np.ndarray, actual: np.ndarray) -> float:
    lo, hi = np.quantile(draws, [0.05, 0.95], axis=0)
    return float(np.mean((actual >= lo) & (actual <= hi)))


def _mape(pred: np.ndarray, actual: np.ndarray) -> float:
    ok = actual != 0
    return float(np.mean(np.abs(pred[ok] - actual[ok]) / np.abs(actual[ok]))) if ok.any() else float("nan")


def fit_check(model: BayesianMMM, cfg: ReviewConfig, rng: np.random.Generator, refit_steps: int | None = None) -> Check:
    actual = model.y_.sum(0)
    pp = predictive_draws(model, rng)
    numbers = {"coverage": _coverage(pp, actual), "mape": _mape(pp.mean(0), actual),
               "r2": 1 - float(np.var(actual - pp.mean(0)) / np.var(actual)) if np.var(actual) > 0 else float("nan")}
    verdict: Verdict = ("fail" if numbers["coverage"] < cfg.coverage_fail else
                        "review" if numbers["coverage"] < cfg.coverage_review else "pass")
    t = len(model.dates_)
    per_week = 7 if model.period_ == "day" else 1
    h = max(int(np.ceil(cfg.holdout_share * t)), cfg.holdout_weeks * per_week)
    n_params = len(model.theta_names_) + model._z.shape[1] + len(model.channels_)
    rows: list[dict[str, Any]] = []
    if not model.time_effects and t - h >= min_periods(n_params):
        part = refit(model, t - h, refit_steps)
        controls = model.inputs_["controls"]
        fc = forecast_draws(part, model.spend_, model.dates_, controls, rng)
        held = actual[t - h:]
        numbers.update({"holdout_periods": float(h), "holdout_coverage": _coverage(fc, held),
                        "holdout_mape": _mape(fc.mean(0), held)})
        numbers["mape_ratio"] = numbers["holdout_mape"] / max(numbers["mape"], 1e-12)
        lo, hi = np.quantile(fc, [0.05, 0.95], axis=0)
        rows = [{"period": str(d.date()), "actual": float(a), "forecast": float(f), "low": float(lo_), "high": float(hi_)}
                for d, a, f, lo_, hi_ in zip(model.dates_[t - h:], held, fc.mean(0), lo, hi, strict=True)]
        verdict = _worst(verdict,
                         "fail" if numbers["holdout_coverage"] < cfg.coverage_fail
                         or numbers["mape_ratio"] > cfg.mape_ratio_fail else
                         "review" if numbers["holdout_coverage"] < cfg.coverage_review
                         or numbers["mape_ratio"] > cfg.mape_ratio_review else "pass")
    return Check("fit", verdict, numbers, rows)


# ------------------------------------------------------------------------------------------ baseline
def baseline_check(model: BayesianMMM, cfg: ReviewConfig) -> Check:
    base = model.baseline_draws().mean(0)
    actual = model.y_.sum(0)
    negative = float(np.mean(base < 0))
    share = float(base.sum() / actual.sum()) if actual.sum() else float("nan")
    verdict: Verdict = ("fail" if negative > cfg.negative_fail else
                        "review" if negative > cfg.negative_review or share < cfg.baseline_share_min else "pass")
    return Check("baseline", verdict, {"negative_share": negative, "baseline_share": share,
                                       "min_baseline": float(base.min())})


# ------------------------------------------------------------------------------------------ consistency
def consistency_check(model: BayesianMMM, cfg: ReviewConfig, last_touch_roi: dict[str, float]) -> Check:
    post = model.roi_draws().reshape(-1, len(model.channels_))
    studies = {s.channel: s for s in model.lift_studies_}
    rows, flagged, verdict = [], [], "pass"
    for k, ch in enumerate(model.channels_):
        mean, sd = float(post[:, k].mean()), float(post[:, k].std())
        row: dict[str, Any] = {"channel": ch, "roi": mean}
        lt = last_touch_roi.get(ch)
        if lt is not None and lt > 0:
            row["last_touch_roi"] = lt
            row["ratio_to_last_touch"] = mean / lt
            if not 1 / cfg.last_touch_factor <= mean / lt <= cfg.last_touch_factor:
                flagged.append(ch)
                verdict = _worst(verdict, "review")
        if ch in studies:
            s = studies[ch]
            z = abs(mean - s.roi) / float(np.hypot(s.se, sd))
            row.update({"lift_roi": s.roi, "lift_se": s.se, "lift_z": z})
            if z > cfg.lift_z_review:
                flagged.append(ch)
                verdict = _worst(verdict, "fail" if z > cfg.lift_z_fail else "review")
        rows.append(row)
    return Check("consistency", verdict, {"channels_flagged": len(set(flagged)), "lift_studies": len(studies),
                                          "last_touch_channels": len(last_touch_roi)}, rows,
                 tuple(dict.fromkeys(flagged)))


# ------------------------------------------------------------------------------------------ confounding
def weekly(model: BayesianMMM) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """National KPI and spend per week (daily fits summed over whole weeks): dates, (W,), (W, C)."""
    y, spend, dates = model.y_.sum(0), model.spend_.sum(0), model.dates_
    if model.period_ != "day":
        return dates, y, spend
    n = len(y) // 7 * 7
    return dates[:n:7], y[:n].reshape(-1, 7).sum(1), spend[:n].reshape(-1, 7, spend.shape[1]).sum(1)


def _residual(x: np.ndarray, design: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(design, x, rcond=None)
    return x - design @ coef


def confounding_check(model: BayesianMMM, cfg: ReviewConfig) -> Check:
    """Spend that follows demand: the channel's ROI may carry the demand the model does not see.

    Two observable traces, on weekly totals. The calendar: how much of the spend the trend,
    seasons and retail events explain (adjusted R² of spend on the baseline's columns). Sales: whether
    past sales predict this week's spend beyond the channel's own past spend and the calendar (a
    Granger test with ``granger_lags`` weeks; budgets set from recent sales, or from the demand
    behind them, do; flighted spend does not, since past sales add to past spend only noise and
    other channels). Its strength is the partial R² of the sales lags; a channel is flagged when it
    is significant (F-test p below ``granger_p``) and at least ``granger_partial_r2``. Demand shocks
    within the same week leave no trace: no flag is not proof that spend was set independently.
    """
    dates, y, spend = weekly(model)
    cal = baseline_columns(dates, "week", model.trend_degree, model.yearly_order, model.events).to_numpy(float)
    design = np.column_stack([np.ones(len(dates)), cal])
    p = cfg.granger_lags
    rows, flagged = [], []
    for k, ch in enumerate(model.channels_):
        s = spend[:, k]
        var = float(np.var(s))
        r2 = 1 - float(np.var(_residual(s, design))) / var if var > 0 else 0.0
        r2_adj = 1 - (1 - r2) * (len(y) - 1) / max(len(y) - design.shape[1], 1)
        partial, p_value = _granger(s, y, design, p)
        hit = r2_adj > cfg.calendar_r2 or (p_value < cfg.granger_p and partial > cfg.granger_partial_r2)
        rows.append({"channel": ch, "calendar_r2": r2_adj, "sales_partial_r2": partial, "sales_p_value": p_value,
                     "possibly_confounded": hit, "spend": float(s.sum())})
        if hit:
            flagged.append(ch)
    return Check("confounding", "review" if flagged else "pass",
                 {"channels_flagged": len(flagged), "max_calendar_r2": max(r["calendar_r2"] for r in rows),
                  "max_sales_partial_r2": max(r["sales_partial_r2"] for r in rows), "weeks": float(len(y))},
                 rows, tuple(flagged))


def _granger(s: np.ndarray, y: np.ndarray, design: np.ndarray, p: int) -> tuple[float, float]:
    """Partial R² and F-test p-value of ``p`` lags of sales in a regression of spend on the calendar and its own lags."""
    n = len(s) - p
    lag = lambda x: np.column_stack([x[p - j: p - j + n] for j in range(1, p + 1)])  # noqa: E731
    restricted = np.column_stack([design[p:], lag(s)])
    full = np.column_stack([restricted, lag(y)])
    dof = n - np.linalg.matrix_rank(full)
    if dof <= 0:
        return 0.0, 1.0
    rss_r = float(np.sum(_residual(s[p:], restricted) ** 2))
    rss_f = float(np.sum(_residual(s[p:], full) ** 2))
    if rss_r <= 0:
        return 0.0, 1.0
    q = np.linalg.matrix_rank(full) - np.linalg.matrix_rank(restricted)
    f = ((rss_r - rss_f) / max(q, 1)) / (rss_f / dof) if rss_f > 0 else np.inf
    return 1 - rss_f / rss_r, float(stats.f.sf(f, max(q, 1), dof))
