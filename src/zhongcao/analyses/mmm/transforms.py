"""Media transforms: adstock (carry-over) and saturation (diminishing returns), composable.

Every function is pure and batched: ``x`` is one spend series (or a stack of series with time on
the last axis) and each parameter is an array of shape ``(B,)`` — one value per posterior draw or
sampler walker — so a whole ensemble is transformed in one call. Components wrap the functions
with their parameter names, bounds and priors so the model can sample them in an unconstrained
space; a channel's response is any chain of components (``Chain``), e.g. saturation(adstock(x))
or, when spend saturates within the day before its effect carries over, adstock(saturation(x)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import numpy as np
from scipy import special, stats

Array = np.ndarray


# ------------------------------------------------------------------------------ pure maths
def geometric_weights(alpha: Array, l_max: int, normalize: bool = True) -> Array:
    """Lag weights alpha**l for l = 0..l_max-1, shape (B, l_max); rows sum to 1 when normalised."""
    alpha = np.atleast_1d(np.asarray(alpha, float))
    w = alpha[:, None] ** np.arange(l_max)[None, :]
    return w / w.sum(1, keepdims=True) if normalize else w


def weibull_weights(shape: Array, scale: Array, l_max: int, kind: str = "pdf") -> Array:
    """Delayed adstock: Weibull lag weights, shape (B, l_max), normalised to sum 1.

    ``kind="pdf"`` lets the peak come after the spend (a delayed effect, shape > 1);
    ``kind="cdf"`` gives survival weights 1 - F(l), a decay whose speed changes over time.
    ``scale`` is in lag units (days or weeks).
    """
    shape = np.atleast_1d(np.asarray(shape, float))[:, None]
    scale = np.atleast_1d(np.asarray(scale, float))[:, None]
    lags = np.arange(l_max)[None, :]
    if kind == "pdf":
        z = (lags + 0.5) / scale  # mid-point of each lag bin keeps shape < 1 finite at lag 0
        w = (shape / scale) * z ** (shape - 1) * np.exp(-(z**shape))
    else:
        w = np.exp(-((lags / scale) ** shape))
    total = w.sum(1, keepdims=True)
    return w / np.where(total > 0, total, 1.0)


def convolve(x: Array, weights: Array, batched: bool = False) -> Array:
    """Carry spend forward: out[b, ..., t] = sum_l weights[b, l] * x[(b,) ..., t - l].

    ``x`` is (..., T), or (B, ..., T) when ``batched``; the result is always (B, ..., T).
    """
    x = np.asarray(x, float)
    weights = np.asarray(weights, float)
    b, l_max = weights.shape
    n_lag = min(l_max, x.shape[-1])
    if not batched:  # one series for every batch member: lagged copies once, then one matrix product
        lagged = np.zeros((n_lag, *x.shape))
        lagged[0] = x
        for lag in range(1, n_lag):
            lagged[lag, ..., lag:] = x[..., :-lag]
        return (weights[:, :n_lag] @ lagged.reshape(n_lag, -1)).reshape(b, *x.shape)
    xb = x
    shape = (b,) + (1,) * (xb.ndim - 1)
    out = weights[:, 0].reshape(shape) * xb
    for lag in range(1, n_lag):
        out[..., lag:] += weights[:, lag].reshape(shape) * xb[..., :-lag]
    return out


def logistic_saturation(x: Array, lam: Array) -> Array:
    """(1 - e^(-lam x)) / (1 + e^(-lam x)): PyMC-Marketing's logistic saturation, in [0, 1)."""
    lam = np.asarray(lam, float).reshape(-1, *([1] * np.ndim(x)))
    return np.tanh(lam * x / 2.0)  # identical to the ratio above and numerically stable


def hill_saturation(x: Array, half: Array, shape: Array) -> Array:
    """x^s / (x^s + K^s), K the half-saturation point; s = 1 is Michaelis-Menten."""
    extra = [1] * np.ndim(x)
    half = np.asarray(half, float).reshape(-1, *extra)
    shape = np.asarray(shape, float).reshape(-1, *extra)
    with np.errstate(divide="ignore"):
        return special.expit(shape * (np.log(np.maximum(x, 0.0)) - np.log(half)))


# ------------------------------------------------------------------------------ components
@dataclass(frozen=True)
class Param:
    """One parameter: its name, how it maps to the real line, and its prior on the natural scale."""

    name: str
    link: str  # "logit" for (0, 1), "log" for (0, inf)
    prior: stats.rv_continuous  # a frozen scipy distribution on the natural scale

    def to_natural(self, u: Array) -> Array:
        return special.expit(u) if self.link == "logit" else np.exp(u)

    def to_unconstrained(self, v: Array) -> Array:
        return special.logit(v) if self.link == "logit" else np.log(v)

    def log_prior(self, u: Array) -> Array:
        """Log density of the unconstrained value (prior plus the Jacobian of the link)."""
        v = self.to_natural(u)
        jac = np.log(v) + np.log1p(-v) if self.link == "logit" else u
        return _logpdf(self.prior, v) + jac


def _logpdf(dist: stats.rv_continuous, v: Array) -> Array:
    """Closed forms for the priors used here; scipy's frozen logpdf costs ~0.25 ms a call in the sampler loop."""
    name = getattr(getattr(dist, "dist", None), "name", "")
    args, kw = getattr(dist, "args", ()), getattr(dist, "kwds", {})
    # Meridian's media priors; a truncnorm given loc and scale by position takes scipy's path
    if name == "uniform" or (name == "truncnorm" and len(args) == 2):
        lo, hi = dist.support()
        loc, scale = kw.get("loc", 0.0), kw.get("scale", 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = np.where((v >= lo) & (v <= hi), 0.0, -np.inf)
            if name == "uniform":
                return inside - np.log(hi - lo)
            a, b = (lo - loc) / scale, (hi - loc) / scale
            mass = special.ndtr(b) - special.ndtr(a)
            return inside - 0.5 * ((v - loc) / scale) ** 2 - np.log(scale * mass * np.sqrt(2 * np.pi))
    if name in ("beta", "gamma", "lognorm") and "loc" not in kw and len(args) == (2 if name == "beta" else 1):
        scale = float(kw.get("scale", 1.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "beta":
                a, b = args
                return (a - 1) * np.log(v) + (b - 1) * np.log1p(-v) - special.betaln(a, b) if scale == 1.0 \
                    else dist.logpdf(v)
            if name == "gamma":
                (a,) = args
                return (a - 1) * np.log(v) - v / scale - special.gammaln(a) - a * np.log(scale)
            (s,) = args
            return -np.log(v * s * np.sqrt(2 * np.pi)) - (np.log(v) - np.log(scale)) ** 2 / (2 * s * s)
    return dist.logpdf(v)


class Transform(Protocol):
    kind: ClassVar[str]  # "adstock" or "saturation"

    @property
    def params(self) -> tuple[Param, ...]: ...

    def apply(self, x: Array, values: Array, batched: bool) -> Array:
        """x: (..., T), or (B, ..., T) when batched; values: (B, n_params) natural-scale; returns (B, ..., T)."""
        ...


def _column(values: Array, i: int, ndim: int) -> Array:
    """Parameter i for every batch member, shaped to broadcast against a (B, ..., T) array."""
    return values[:, i].reshape(-1, *([1] * (ndim - 1)))


@dataclass(frozen=True)
class GeometricAdstock:
    """Carry-over that decays by ``alpha`` per period; prior Beta(1, 3) as PyMC-Marketing."""

    l_max: int = 8
    normalize: bool = True
    prior: stats.rv_continuous = field(default_factory=lambda: stats.beta(1, 3))
    kind: ClassVar[str] = "adstock"

    @property
    def params(self) -> tuple[Param, ...]:
        return (Param("alpha", "logit", self.prior),)

    def weights(self, values: Array) -> Array:
        return geometric_weights(values[:, 0], self.l_max, self.normalize)

    def apply(self, x: Array, values: Array, batched: bool) -> Array:
        return convolve(x, self.weights(values), batched)


@dataclass(frozen=True)
class WeibullAdstock:
    """Delayed carry-over with Weibull lag weights (shape, scale in periods)."""

    l_max: int = 8
    curve: str = "pdf"
    shape_prior: stats.rv_continuous = field(default_factory=lambda: stats.gamma(2, scale=1.0))
    scale_prior: stats.rv_continuous = field(default_factory=lambda: stats.gamma(2, scale=1.5))
    kind: ClassVar[str] = "adstock"

    @property
    def params(self) -> tuple[Param, ...]:
        return (Param("shape", "log", self.shape_prior), Param("scale", "log", self.scale_prior))

    def weights(self, values: Array) -> Array:
        return weibull_weights(values[:, 0], values[:, 1], self.l_max, self.curve)

    def apply(self, x: Array, values: Array, batched: bool) -> Array:
        return convolve(x, self.weights(values), batched)


@dataclass(frozen=True)
class LogisticSaturation:
    """tanh(lam x / 2) on spend scaled by its mean; prior Gamma(3, 1) as PyMC-Marketing."""

    prior: stats.rv_continuous = field(default_factory=lambda: stats.gamma(3, scale=1.0))
    kind: ClassVar[str] = "saturation"

    @property
    def params(self) -> tuple[Param, ...]:
        return (Param("lam", "log", self.prior),)

    def apply(self, x: Array, values: Array, batched: bool) -> Array:
        xb = x if batched else x[None, ...]
        return np.tanh(_column(values, 0, xb.ndim) * xb / 2.0)


@dataclass(frozen=True)
class HillSaturation:
    """x^s / (x^s + K^s) on spend scaled by its mean (K = 1 is half-saturation at mean spend).

    ``fixed_shape`` holds s at a value instead of sampling it (Meridian fixes s = 1 for media:
    concave curves only, and one parameter fewer to sample).
    """

    half_prior: stats.rv_continuous = field(default_factory=lambda: stats.lognorm(1.0, scale=1.5))
    shape_prior: stats.rv_continuous = field(default_factory=lambda: stats.lognorm(0.4, scale=1.0))
    fixed_shape: float | None = None
    kind: ClassVar[str] = "saturation"

    @property
    def params(self) -> tuple[Param, ...]:
        half = Param("half", "log", self.half_prior)
        return (half,) if self.fixed_shape is not None else (half, Param("shape", "log", self.shape_prior))

    def apply(self, x: Array, values: Array, batched: bool) -> Array:
        xb = x if batched else x[None, ...]
        half = _column(values, 0, xb.ndim)
        if self.fixed_shape == 1.0:
            return xb / (xb + half)  # Michaelis-Menten: no logarithms
        shape = self.fixed_shape if self.fixed_shape is not None else _column(values, 1, xb.ndim)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(np.maximum(xb, 0.0)) - np.log(half)
        # x^s/(x^s+K^s) = expit(s·log(x/K)); the logistic form cannot overflow.
        return special.expit(shape * log_ratio)


@dataclass(frozen=True)
class Chain:
    """A channel's response: components applied left to right, e.g. (adstock, saturation)."""

    steps: tuple[Transform, ...]

    @property
    def params(self) -> tuple[Param, ...]:
        return tuple(p for step in self.steps for p in step.params)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"{step.kind}.{p.name}" for step in self.steps for p in step.params)

    def apply(self, x: Array, values: Array) -> Array:
        """x: (..., T) unbatched spend; values: (B, n_params); returns (B, ..., T)."""
        out, batched, i = x, False, 0
        for step in self.steps:
            k = len(step.params)
            out = step.apply(out, values[:, i : i + k], batched)
            batched, i = True, i + k
        return out

    def adstock(self) -> Transform | None:
        return next((s for s in self.steps if s.kind == "adstock"), None)

    def carry_share(self, values: Array, within: int = 1) -> Array:
        """Share of the effect that lands ``within`` periods or more after the spend, shape (B,)."""
        i = 0
        for step in self.steps:
            k = len(step.params)
            if step.kind == "adstock":
                w = step.weights(values[:, i : i + k])  # type: ignore[attr-defined]
                return 1.0 - w[:, :within].sum(1)
            i += k
        return np.zeros(len(values))


def meridian_chain(l_max: int = 8) -> Chain:
    """Meridian's media defaults: geometric adstock α ~ Uniform(0, 1), then Hill with slope 1 and
    half-saturation ~ TruncatedNormal(0.8, 0.8) on [0.1, 10], on spend per head ÷ its non-zero median
    (``BayesianMMM(spend_scale="median")``, with ``population`` for geos)."""
    half = stats.truncnorm((0.1 - 0.8) / 0.8, (10 - 0.8) / 0.8, loc=0.8, scale=0.8)
    return Chain((GeometricAdstock(l_max, prior=stats.uniform(0, 1)), HillSaturation(half_prior=half, fixed_shape=1.0)))


def default_chain(adstock: str = "geometric", saturation: str = "logistic", l_max: int = 8,
                  order: str = "adstock_first") -> Chain:
    """The usual channel response from names: adstock in {geometric, weibull}, saturation in {logistic, hill}."""
    ad: Transform = GeometricAdstock(l_max) if adstock == "geometric" else WeibullAdstock(l_max)
    sat: Transform = LogisticSaturation() if saturation == "logistic" else HillSaturation()
    return Chain((ad, sat) if order == "adstock_first" else (sat, ad))
