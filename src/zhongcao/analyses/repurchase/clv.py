"""BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader & Hardie 2013, note 025) by maximum likelihood.

No maintained, light implementation exists on PyPI (``lifetimes`` is archived; PyMC-Marketing's
CLV module brings PyMC), so these are the published likelihoods fitted with scipy. Customers are
given as arrays of (frequency = repeat purchases, recency = age at last purchase, T = age), with
optional ``weights`` — the number of customers sharing that history — so an aggregated table of
identical histories fits exactly as the customer list would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from zhongcao.errors import InsufficientDataError


def _weights(w: np.ndarray | None, n: int) -> np.ndarray:
    return np.ones(n) if w is None else np.asarray(w, float)


@dataclass(frozen=True)
class BetaGeoParams:
    r: float
    alpha: float
    a: float
    b: float

    def expected_purchases(self, t: np.ndarray | float) -> np.ndarray:
        """E[X(t)]: repeat purchases in (0, t] of a customer just acquired (unconditional)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        t = np.asarray(t, float)
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)

    def conditional_expected_purchases(self, t: float, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: purchases in the next t periods of a customer with that history."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, big_t = (np.asarray(v, float) for v in (x, t_x, big_t))
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
        head = (a + b + x - 1) / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp)
        alive = 1 + (x > 0) * a / np.maximum(b + x - 1, 1e-12) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
        return head / alive

    def probability_alive(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, big_t = (np.asarray(v, float) for v in (x, t_x, big_t))
        odds = a / np.maximum(b + x - 1, 1e-12) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
        return np.where(x > 0, 1 / (1 + odds), 1.0)


def bgnbd_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray,
                 w: np.ndarray) -> float:
    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(w * (a1 + a2 + np.logaddexp(a3, a4))))


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, weights: np.ndarray | None = None,
              penalizer: float = 0.0, start: BetaGeoParams | None = None) -> BetaGeoParams:
    """Maximum-likelihood BG/NBD; parameters optimised on the log scale (from ``start`` when given)."""
    x, t_x, big_t = (np.asarray(v, float) for v in (x, t_x, big_t))
    w = _weights(weights, len(x))
    if w.sum() < 10 or not np.any(x > 0):
        raise InsufficientDataError("BG/NBD needs at least 10 customers, some with a repeat purchase")

    def nll(log_p: np.ndarray) -> float:
        p = np.exp(log_p)
        value = -bgnbd_loglik(p, x, t_x, big_t, w) / w.sum() + penalizer * float(np.sum(p**2))
        return value if np.isfinite(value) else 1e10

    starts = ([np.log([start.r, start.alpha, start.a, start.b])] if start else
              [np.zeros(4), np.array([np.log(0.5), np.log(max(big_t.mean(), 1.0)), 0.0, np.log(2.0)])])
    best = None
    for s in starts:
        res = optimize.minimize(nll, s, method="L-BFGS-B", bounds=[(-15, 15)] * 4)
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    if start is None:  # polish: the likelihood is flat along (a, b) when few buyers drop out
        best = optimize.minimize(nll, best.x, method="Nelder-Mead",
                                 options={"xatol": 1e-7, "fatol": 1e-12, "maxfev": 3000})
    return BetaGeoParams(*(float(v) for v in np.exp(best.x)))


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float

    @property
    def mean_spend(self) -> float:
        """Population mean of a customer's average order value, p v / (q - 1)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")

    def conditional_expected_value(self, x: np.ndarray, m: np.ndarray) -> np.ndarray:
        """E[average order value | x repeat orders averaging m]."""
        x, m = np.asarray(x, float), np.asarray(m, float)
        return self.p * (self.v + x * m) / (self.p * x + self.q - 1)


def gamma_gamma_loglik(params: np.ndarray, x: np.ndarray, m: np.ndarray, w: np.ndarray) -> float:
    p, q, v = params
    ll = (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(v)
          + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(v + x * m))
    return float(np.sum(w * ll))


def fit_gamma_gamma(x: np.ndarray, m: np.ndarray, weights: np.ndarray | None = None,
                    start: GammaGammaParams | None = None) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma on customers with at least one repeat purchase (x > 0, m > 0)."""
    x, m = np.asarray(x, float), np.asarray(m, float)
    w = _weights(weights, len(x))
    keep = (x > 0) & (m > 0)
    if w[keep].sum() < 10:
        raise InsufficientDataError("Gamma-Gamma needs at least 10 customers with a repeat purchase")
    x, m, w = x[keep], m[keep], w[keep]

    def nll(log_p: np.ndarray) -> float:
        value = -gamma_gamma_loglik(np.exp(log_p), x, m, w) / w.sum()
        return value if np.isfinite(value) else 1e10

    if start is not None:
        res = optimize.minimize(nll, np.log([start.p, start.q, start.v]), method="L-BFGS-B", bounds=[(-20, 20)] * 3)
        return GammaGammaParams(*(float(v) for v in np.exp(res.x)))
    first = np.log([1.0, 1.0, max(float(np.average(m, weights=w)), 1.0)])
    res = optimize.minimize(nll, first, method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 8000, "maxfev": 16000})
    res = optimize.minimize(nll, res.x, method="L-BFGS-B")
    return GammaGammaParams(*(float(v) for v in np.exp(res.x)))


def observed_information(loglik: Callable[[np.ndarray], float], log_params: np.ndarray,
                         step: float = 1e-4) -> np.ndarray:
    """Minus the Hessian of ``loglik`` (a function of the log-parameters) at its maximum, by central
    differences: 2n² + 1 likelihood evaluations instead of refits."""
    x0 = np.asarray(log_params, float)
    n = len(x0)
    f0 = loglik(x0)
    h = np.zeros((n, n))
    e = np.eye(n) * step
    for i in range(n):
        h[i, i] = (loglik(x0 + e[i]) - 2 * f0 + loglik(x0 - e[i])) / step**2
        for j in range(i):
            h[i, j] = h[j, i] = (loglik(x0 + e[i] + e[j]) - loglik(x0 + e[i] - e[j])
                                 - loglik(x0 - e[i] + e[j]) + loglik(x0 - e[i] - e[j])) / (4 * step**2)
    return -h


def parameter_draws(information: np.ndarray, log_params: np.ndarray, n: int,
                    rng: np.random.Generator) -> np.ndarray | None:
    """Draws of the parameters from the MLE's asymptotic normal on the log scale (covariance = the
    inverse observed information); None when the information is not positive definite (a flat
    direction the data do not pin down: no honest interval then)."""
    try:
        cov = np.linalg.inv(information)
        chol = np.linalg.cholesky((cov + cov.T) / 2)
    except np.linalg.LinAlgError:
        return None
    return np.exp(np.asarray(log_params, float) + rng.standard_normal((n, len(log_params))) @ chol.T)


def repeat_gmv_draws(bg: BetaGeoParams, gg: GammaGammaParams, weeks: float, x: np.ndarray, t_x: np.ndarray,
                     big_t: np.ndarray, w: np.ndarray, m: np.ndarray, n: int = 4000, seed: int = 0) -> np.ndarray:
    """Expected repeat GMV of a new customer over ``weeks`` (E[X(t)] × mean spend) under draws of both
    models' parameters from their asymptotic normals (delta method by simulation, vectorised).

    The two likelihoods share no parameter and the Gamma-Gamma one is conditional on the repeat
    counts, so their estimates are independent and drawn separately. Empty when either information
    matrix is singular.
    """
    x, t_x, big_t, w, m = (np.asarray(v, float) for v in (x, t_x, big_t, w, m))
    rng = np.random.default_rng(seed)
    bg_log = np.log([bg.r, bg.alpha, bg.a, bg.b])
    info_bg = observed_information(lambda lp: bgnbd_loglik(np.exp(lp), x, t_x, big_t, w), bg_log)
    keep = (x > 0) & (m > 0)
    gg_log = np.log([gg.p, gg.q, gg.v])
    info_gg = observed_information(lambda lp: gamma_gamma_loglik(np.exp(lp), x[keep], m[keep], w[keep]), gg_log)
    b = parameter_draws(info_bg, bg_log, n, rng)
    g = parameter_draws(info_gg, gg_log, n, rng)
    if b is None or g is None:
        return np.empty(0)
    r, alpha, a, bb = b.T
    with np.errstate(all="ignore"):
        hyp = special.hyp2f1(r, bb, a + bb - 1, weeks / (alpha + weeks))
        purchases = (a + bb - 1) / (a - 1) * (1 - (alpha / (alpha + weeks)) ** r * hyp)
        p, q, v = g.T
        spend = np.where(q > 1, p * v / (q - 1), np.nan)
        out = purchases * spend
    return out[np.isfinite(out)]


def simulate_customers(bg: BetaGeoParams, gg: GammaGammaParams, ages: np.ndarray,
                       rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Customers drawn from the models' own story, one per age in ``ages`` (weeks observed): purchase
    rate λ ~ Gamma(r, α), drop-out p ~ Beta(a, b); Poisson purchases, a coin after each repeat; each
    repeat order's value ~ Gamma(p, ν) with ν ~ Gamma(q, v). Returns ``frequency``, ``recency``, ``T``,
    ``m`` (mean repeat order value, 0 without repeats) and ``w`` (1 each): data whose truth is known,
    for checking estimators and their intervals."""
    ages = np.asarray(ages, float)
    n = len(ages)
    lam = rng.gamma(bg.r, 1 / bg.alpha, n)
    drop = rng.beta(bg.a, bg.b, n)
    nu = rng.gamma(gg.q, 1 / gg.v, n)
    x, t_x, m = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        t, k = 0.0, 0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > ages[i]:
                break
            k += 1
            t_x[i] = t
            if rng.random() < drop[i]:
                break
        x[i] = k
        if k:
            m[i] = rng.gamma(gg.p, 1 / nu[i], k).mean()
    return {"frequency": x, "recency": t_x, "T": ages, "m": m, "w": np.ones(n)}
