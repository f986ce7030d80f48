"""Bayesian marketing-mix model: baseline + Σ_c β_c · response_c(spend_c) + noise.

Inference is collapsed: the linear coefficients (baseline, controls, channel β) have Gaussian
priors, so for given nonlinear media parameters θ (adstock, saturation) and noise σ they are
integrated out exactly and the marginal likelihood p(y | θ, σ) is closed-form. An affine-invariant
ensemble sampler (emcee) explores only (θ, log σ) — a dozen dimensions instead of a hundred —
with every walker's likelihood computed in one batched numpy call; β is then drawn from its exact
Gaussian conditional for each kept (θ, σ). Channel β are non-negative: draws below zero are
redrawn (the marginal likelihood ignores that truncation, an approximation that matters only
when a channel's effect is indistinguishable from zero).

Priors on ROI: ``roi_prior=(mean, sd)`` puts a Gaussian prior on each channel's ROI, which for
given θ is a Gaussian prior on β_c (ROI is linear in β_c). Lift studies enter the same way, as
Gaussian likelihood terms on a channel's ROI (estimate, standard error).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import emcee
import numpy as np
import pandas as pd
from scipy import optimize
from threadpoolctl import threadpool_limits

from zhongcao.analyses.mmm.design import baseline_columns, infer_period
from zhongcao.analyses.mmm.diagnostics import Convergence, check_media, convergence, require_periods
from zhongcao.analyses.mmm.priors import data_scale_roi_prior
from zhongcao.analyses.mmm.transforms import Chain, default_chain
from zhongcao.contract.tables import LiftStudy
from zhongcao.errors import AnalysisError

LOG2PI = float(np.log(2 * np.pi))


@dataclass
class Posterior:
    theta: np.ndarray  # (walkers, draws, D) natural-scale media parameters and σ last
    beta: np.ndarray  # (walkers, draws, p) linear coefficients in scaled units
    names: list[str]  # names of theta columns


class BayesianMMM:
    """Marketing-mix model on arrays (the analysis in ``analysis.py`` feeds it from marts).

    Parameters
    ----------
    chain:
        Response of every channel (a ``Chain`` of transforms), or a mapping channel -> Chain.
    roi_prior:
        (mean, sd) of a Gaussian prior on each channel's ROI in KPI units per spend unit; "data"
        centres it on the data's own scale (``priors.data_scale_roi_prior``: paid media add 40 ± 20%
        of the KPI, Meridian's default); ``None`` uses a N(0, coef_prior_sd²) prior on the channel
        coefficient in units of mean KPI per period.
    walkers, steps, burn:
        Ensemble size (0 = automatic) and sampler steps; the first ``burn`` steps are discarded.
    spend_scale:
        "max" (as PyMC-Marketing: saturation priors are on spend ÷ its largest value), "mean", or
        "median" (as Meridian: the median of the non-zero values, per head with ``population``).
    restarts:
        Random L-BFGS starts for the posterior mode besides the prior medians (each costs a few
        hundred likelihood batches; 0 for very large panels).
    time_effects:
        With geos only: one baseline effect per period shared by every geo (as Meridian's geo model
        with a knot per period) instead of trend, yearly terms and events. Media effects are then
        identified only by how geos differ within a period, not by the national time series.
    """

    def __init__(self, chain: Chain | Mapping[str, Chain] | None = None,
                 roi_prior: tuple[float, float] | str | None = None,
                 coef_prior_sd: float = 2.0, base_prior_sd: float = 2.0, noise_prior_sd: float = 1.0,
                 trend_degree: int = 1, yearly_order: int = 2, events: bool = True, walkers: int = 0,
                 steps: int = 1500, burn: int = 700, draws: int = 1000, spend_scale: str = "max",
                 restarts: int = 3, time_effects: bool = False, seed: int = 0) -> None:
        self.chain = chain if chain is not None else default_chain()
        self.roi_prior = roi_prior
        self.coef_prior_sd = coef_prior_sd
        self.base_prior_sd = base_prior_sd
        self.noise_prior_sd = noise_prior_sd
        self.trend_degree = trend_degree
        self.yearly_order = yearly_order
        self.events = events
        self.walkers = walkers
        self.steps = steps
        self.burn = burn
        self.draws = draws
        self.spend_scale = spend_scale
        self.restarts = restarts
        self.time_effects = time_effects
        self.seed = seed

    # --------------------------------------------------------------------------- set-up
    def fit(self, y: np.ndarray, spend: np.ndarray, dates: Sequence[Any], channels: Sequence[str],
            controls: np.ndarray | None = None, control_names: Sequence[str] = (),
            lift_studies: Sequence[LiftStudy] = (), geos: Sequence[str] | None = None,
            population: Sequence[float] | None = None) -> BayesianMMM:
        """y: (T,) or (G, T); spend: (T, C) or (G, T, C); controls: (T, K) or (G, T, K).

        ``population`` (G,): fit KPI and spend per head (as Meridian), so a geo ten times larger
        spends ten times more for the same per-head effect instead of sitting further up the
        saturation curve; reported contributions and ROI are back in totals.
        """
        y = np.asarray(y, float)
        spend = np.asarray(spend, float)
        if y.ndim == 1:
            y, spend = y[None], spend[None]
            controls = None if controls is None else np.asarray(controls, float)[None]
        self.channels_ = list(channels)
        self.geos_ = list(geos) if geos is not None else [f"geo{g}" for g in range(y.shape[0])]
        self.dates_ = pd.DatetimeIndex(pd.to_datetime(list(dates)))
        self.period_ = infer_period(self.dates_) if len(self.dates_) > 1 else "week"
        g, t, c = spend.shape
        pop = np.ones(g) if population is None else np.asarray(population, float).reshape(-1)
        if pop.shape != (g,) or np.any(~np.isfinite(pop)) or np.any(pop <= 0):
            raise AnalysisError(f"population needs one positive number per geo ({g}); got {pop.shape[0]}")
        if self.time_effects and g < 2:
            raise AnalysisError("time_effects needs geos: with one series a per-period effect absorbs everything")
        self.population_ = pop
        self.chains_ = [self.chain[ch] if isinstance(self.chain, Mapping) else self.chain for ch in self.channels_]
        self.theta_names_ = [f"{ch}.{n}" for ch, ch_chain in zip(self.channels_, self.chains_, strict=True)
                             for n in ch_chain.names] + ["sigma"]
        require_periods(t, len(self.theta_names_) + c, c, self.period_ if t > 1 else "period")
        if self.time_effects:  # one effect per period after the first (the geo intercepts carry the level)
            base = pd.DataFrame(np.eye(t)[:, 1:], index=self.dates_,
                                columns=[f"period[{d:%Y-%m-%d}]" for d in self.dates_[1:]])
        else:
            base = baseline_columns(self.dates_, self.period_, self.trend_degree, self.yearly_order, self.events)
        # Per-period effects are estimated across geos, not from the periods, so they do not count here.
        n_base = 0 if self.time_effects else base.shape[1]
        n_params = len(self.theta_names_) + n_base + c + (controls.shape[-1] if controls is not None else 0)
        self.collinear_ = check_media(spend.sum(0), self.channels_, n_params, self.period_)
        # Scale: KPI by its mean; each channel's spend by its largest (as PyMC-Marketing, so the
        # saturation priors mean the same thing), mean or non-zero median value per geo-period,
        # all per head when a population is given.
        y_head, spend_head = y / pop[:, None], spend / pop[:, None, None]
        self.y_scale_ = float(y_head.mean()) or 1.0
        if self.spend_scale == "median":  # Meridian's: the median of the non-zero values per head
            ref = np.array([np.median(col[col > 0]) if np.any(col > 0) else 1.0
                            for col in spend_head.reshape(-1, c).T])
        else:
            ref = spend_head.max((0, 1)) if self.spend_scale == "max" else spend_head.mean((0, 1))
        self.spend_scale_ = np.where(ref > 0, ref, 1.0)
        self.spend_ = spend
        self.y_ = y
        # The ROI prior actually used, in KPI per spend unit (the review compares the posterior with it).
        self.roi_prior_ = (data_scale_roi_prior(float(y.sum()), spend.sum((0, 1))) if self.roi_prior == "data"
                           else None if self.roi_prior is None else tuple(map(float, self.roi_prior)))
        # The inputs as given, for refits on part of the data (review.py's out-of-sample check).
        self.inputs_ = {"controls": controls, "control_names": list(control_names), "lift_studies": list(lift_studies),
                        "geos": None if geos is None else list(geos), "population": population}
        self._heads = np.repeat(pop, t)  # people behind each row of the stacked (geo, period) data
        xs = spend_head / self.spend_scale_
        self._x = [xs[..., k] for k in range(c)]  # each (G, T)
        z_parts = [np.kron(np.eye(g), np.ones((t, 1)))]  # one intercept per geo
        z_names = [f"intercept[{name}]" for name in self.geos_]
        shared = base.to_numpy(float)
        z_parts.append(np.tile(shared, (g, 1)))
        z_names += list(base.columns)
        if controls is not None:
            k = controls.reshape(g * t, -1)
            sd = k.std(0)
            self.control_scale_ = (k.mean(0), np.where(sd > 0, sd, 1.0))  # to standardise new periods alike
            z_parts.append((k - k.mean(0)) / np.where(sd > 0, sd, 1.0))
            z_names += [f"control[{n}]" for n in (control_names or range(k.shape[1]))]
        # Blocks of Z kept apart so Zᵀf is per-geo and per-period sums, not a dense (G·T × p) product.
        self._blocks = (g, t, shared, None if controls is None else z_parts[-1])
        self._z = np.hstack(z_parts)
        self.base_names_ = z_names
        self._ys = (y_head / self.y_scale_).reshape(-1)
        self._ztz = self._z.T @ self._z
        self._zty = self._z.T @ self._ys
        self._yty = float(self._ys @ self._ys)
        # The baseline block's prior precision D does not depend on θ: whiten Zᵀ Z by it once,
        # D^-1/2 Zᵀ Z D^-1/2 = U Λ Uᵀ, so (ZᵀZ/σ² + D)⁻¹ = Qᵀ diag(1/(1 + Λ/σ²)) Q with Q = Uᵀ D^-1/2
        # for every σ, and each walker only factorises the media block's Schur complement (C × C).
        p0 = self._z.shape[1]
        self._prec_base = np.full(p0, 1.0 / self.base_prior_sd**2)
        self._prec_base[:g] = 1.0 / (10.0 * self.base_prior_sd) ** 2  # intercepts: nearly flat
        root = 1.0 / np.sqrt(self._prec_base)
        lam, vec = np.linalg.eigh(self._ztz * root[:, None] * root[None, :])
        self._eig = np.maximum(lam, 0.0)
        self._q = vec.T * root[None, :]
        self._qzy = self._q @ self._zty
        for s in lift_studies:  # a study the model cannot use is an error, not a silent no-op (LiftStudy
            if s.channel not in self.channels_:  # checked the rest when it was made)
                raise AnalysisError(f"lift study on {s.channel!r} needs a channel of this model with spend; "
                                    f"channels with spend: {', '.join(self.channels_)}")
        self._lift = [(self.channels_.index(s.channel), s.roi, s.se) for s in lift_studies]
        self.lift_studies_ = list(lift_studies)
        # Every BLAS call in the sampler is a small per-walker product; threading them cost more than
        # it saved (PyMC-Marketing's example 1.8 s on one thread, 2.4 s on two; Meridian's 40 geos
        # 17 s against 112 s when the machine was busy).
        with threadpool_limits(1, user_api="blas"):
            self._sample()
        return self

    # --------------------------------------------------------------------------- likelihood
    def _natural(self, u: np.ndarray) -> np.ndarray:
        out = np.empty_like(u)
        i = 0
        for ch in self.chains_:
            for p in ch.params:
                out[:, i] = p.to_natural(u[:, i])
                i += 1
        out[:, i] = np.exp(u[:, i])
        return out

    def _log_prior(self, u: np.ndarray) -> np.ndarray:
        lp = np.zeros(len(u))
        i = 0
        for ch in self.chains_:
            for p in ch.params:
                lp += p.log_prior(u[:, i])
                i += 1
        s = np.exp(u[:, i])  # half-normal on σ (scaled units) plus the log-link Jacobian
        return lp - 0.5 * (s / self.noise_prior_sd) ** 2 + u[:, i]

    def _features(self, v: np.ndarray) -> np.ndarray:
        """Media columns for each batch member: (B, C, n) in scaled spend units (rows contiguous)."""
        out = np.empty((len(v), len(self.chains_), self._x[0].size))
        i = 0
        for k, ch in enumerate(self.chains_):
            m = len(ch.params)
            out[:, k] = ch.apply(self._x[k], v[:, i : i + m]).reshape(len(v), -1)
            i += m
        return out

    def _roi_factor(self, f: np.ndarray) -> np.ndarray:
        """ROI_c = factor_c · β_c: KPI (money) per unit of spend, for each batch member (B, C)."""
        return (f @ self._heads) * self.y_scale_ / self.spend_.sum((0, 1))

    def _beta_prior(self, f: np.ndarray) -> tuple[np.ndarray, ...]:
        """Prior mean and precision of the channel β, plus lift-study terms (diagonal, vector, constant)."""
        bsz, c, _ = f.shape
        factor = self._roi_factor(f)
        m0 = np.zeros((bsz, c))
        if self.roi_prior_ is not None:
            mu, sd = self.roi_prior_
            safe = np.maximum(factor, 1e-12)
            m0[:] = mu / safe
            prec0 = (safe / sd) ** 2
        else:
            prec0 = np.full((bsz, c), 1.0 / self.coef_prior_sd**2)
        diag, vec = np.zeros((bsz, c)), np.zeros((bsz, c))
        const = np.sum(prec0 * m0**2, 1)
        for k, roi, se in self._lift:
            diag[:, k] += (factor[:, k] / se) ** 2
            vec[:, k] += factor[:, k] * roi / se**2
            const += (roi / se) ** 2 + np.log(2 * np.pi * se**2)
        return m0, prec0, diag, vec, const

    def _gaussian(self, v: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior precision A and vector b of all linear coefficients (A⁻¹b is their mean), batched."""
        bsz, c, _ = f.shape
        p0 = self._z.shape[1]
        sigma2 = v[:, -1] ** 2
        a = np.empty((bsz, p0 + c, p0 + c))
        a[:, :p0, :p0] = self._ztz
        fz = self._ft_z(f)
        a[:, :p0, p0:] = fz.transpose(0, 2, 1)
        a[:, p0:, :p0] = fz
        a[:, p0:, p0:] = f @ f.transpose(0, 2, 1)
        a /= sigma2[:, None, None]
        b = np.empty((bsz, p0 + c))
        b[:, :p0] = self._zty
        b[:, p0:] = f @ self._ys
        b /= sigma2[:, None]
        m0, prec0, diag, vec, _ = self._beta_prior(f)
        idx = np.arange(p0 + c)
        a[:, idx[:p0], idx[:p0]] += self._prec_base
        a[:, idx[p0:], idx[p0:]] += prec0 + diag
        b[:, p0:] += prec0 * m0 + vec
        return a, b

    def _ft_z(self, f: np.ndarray) -> np.ndarray:
        """fᵀZ for a batch (B, C, n) → (B, C, p), from Z's blocks: geo intercepts, shared columns, controls."""
        g, t, shared, ctrl = self._blocks
        bsz, c, _ = f.shape
        fb = f.reshape(bsz, c, g, t)
        parts = [fb.sum(3), fb.sum(2) @ shared]
        if ctrl is not None:
            parts.append(f @ ctrl)
        return np.concatenate(parts, axis=2)

    def _log_post(self, u: np.ndarray) -> np.ndarray:
        u = np.atleast_2d(u)
        out = np.full(len(u), -np.inf)
        ok = np.all(np.abs(u) < 12, axis=1)  # far tails of every prior; keeps the maths finite
        if not ok.any():
            return out
        u_ok = u[ok]
        v = self._natural(u_ok)
        f = self._features(v)
        sigma2 = v[:, -1] ** 2
        # Baseline block through the eigenbasis (fit): h = diag of its inverse, per walker.
        h = 1.0 / (1.0 + self._eig[None, :] / sigma2[:, None])
        fzq = self._ft_z(f) @ self._q.T  # (B, C, p0): fᵀZ in the eigenbasis
        hq = fzq * h[:, None, :]
        m0, prec0, diag, vec, const = self._beta_prior(f)
        s2 = sigma2[:, None, None]
        schur = f @ f.transpose(0, 2, 1) / s2 - hq @ fzq.transpose(0, 2, 1) / s2**2  # media block given the baseline
        c = f.shape[1]
        schur[:, np.arange(c), np.arange(c)] += prec0 + diag
        r = (f @ self._ys - (hq @ self._qzy) / sigma2[:, None]) / sigma2[:, None]
        r += prec0 * m0 + vec
        quad_base = (h * self._qzy**2).sum(1) / sigma2**2
        n = len(self._ys)
        finite = np.isfinite(schur).all((1, 2)) & np.isfinite(r).all(1)
        schur[~finite] = np.eye(c)
        r[~finite] = 0.0
        try:
            chol = np.linalg.cholesky(schur)
        except np.linalg.LinAlgError:
            if len(u) == 1:
                return out
            out[ok] = np.concatenate([self._log_post(row[None]) for row in u_ok])
            return out
        logdet = np.log1p(self._eig[None, :] / sigma2[:, None]).sum(1) + 2 * np.log(
            np.diagonal(chol, axis1=1, axis2=2)).sum(1)  # log|A| − Σ log D
        w = np.linalg.solve(chol, r[..., None])[..., 0]  # L w = r  =>  rᵀS⁻¹r = |w|²
        ll = (-0.5 * n * (LOG2PI + np.log(sigma2)) - 0.5 * self._yty / sigma2 + 0.5 * np.log(prec0).sum(1)
              - 0.5 * logdet + 0.5 * (quad_base + (w**2).sum(1)) - 0.5 * const)
        res = np.where(finite, ll + self._log_prior(u_ok), -np.inf)
        out[ok] = np.where(np.isfinite(res), res, -np.inf)
        return out

    # --------------------------------------------------------------------------- inference
    def _initial(self, rng: np.random.Generator) -> np.ndarray:
        """MAP by L-BFGS from a few starts; finite-difference gradients are one batched call."""
        d = len(self.theta_names_)
        starts = []
        median = []
        for ch in self.chains_:
            for p in ch.params:
                median.append(float(p.to_unconstrained(np.atleast_1d(p.prior.median()))[0]))
        median.append(float(np.log(0.3)))
        starts.append(np.array(median))
        for _ in range(self.restarts):  # extra L-BFGS starts around the prior medians
            starts.append(np.array(median) + rng.normal(0, 0.7, d))
        h = 1e-5

        def fg(u: np.ndarray) -> tuple[float, np.ndarray]:
            pts = np.vstack([u, u + h * np.eye(d)])
            vals = self._log_post(pts)
            if not np.isfinite(vals[0]):
                return 1e12, np.zeros(d)
            grad = (vals[1:] - vals[0]) / h
            return -float(vals[0]), -np.where(np.isfinite(grad), grad, 0.0)

        best = None
        for s in starts:
            r = optimize.minimize(fg, s, jac=True, method="L-BFGS-B", bounds=[(-12, 12)] * d,
                                  options={"maxiter": 300})
            if best is None or r.fun < best.fun:
                best = r
        assert best is not None
        self.map_ = best.x
        return best.x

    def _sample(self) -> None:
        rng = np.random.default_rng(self.seed)
        d = len(self.theta_names_)
        start = self._initial(rng)
        walkers = self.walkers or max(4 * d, 24)
        walkers += walkers % 2
        p0 = start + 0.05 * rng.standard_normal((walkers, d))
        moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
        sampler = emcee.EnsembleSampler(walkers, d, self._log_post, vectorize=True, moves=moves)
        sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()
        state = sampler.run_mcmc(p0, self.burn, progress=False)
        sampler.reset()
        sampler.run_mcmc(state, self.steps - self.burn, progress=False)
        self.acceptance_ = float(np.mean(sampler.acceptance_fraction))
        chain = sampler.get_chain()  # (steps, walkers, d)
        keep = max(1, int(np.ceil(chain.shape[0] * walkers / self.draws)))
        u = chain[::keep].transpose(1, 0, 2)  # (walkers, draws, d)
        flat_u = u.reshape(-1, d)
        v = self._natural(flat_u)
        beta = self._draw_beta(v, rng)
        self.posterior_ = Posterior(v.reshape(*u.shape), beta.reshape(*u.shape[:2], -1), self.theta_names_)
        full = self._natural(chain.reshape(-1, d)).reshape(chain.shape).transpose(1, 0, 2)
        quantities = {name: full[..., i] for i, name in enumerate(self.theta_names_)}
        roi = self.roi_draws()
        reported = [f"{ch}.roi" for ch in self.channels_]
        quantities.update({name: roi[..., k] for k, name in enumerate(reported)})
        self.convergence_: Convergence = convergence(quantities, reported)

    def _draw_beta(self, v: np.ndarray, rng: np.random.Generator, batch: int = 256) -> np.ndarray:
        out = []
        p0 = self._z.shape[1]
        for s in range(0, len(v), batch):
            vb = v[s : s + batch]
            f = self._features(vb)
            a, b = self._gaussian(vb, f)
            chol = np.linalg.cholesky(a)
            mean = np.linalg.solve(a, b[..., None])[..., 0]
            draw = np.empty_like(mean)
            todo = np.ones(len(vb), bool)
            for _ in range(50):  # redraw rows with a negative channel coefficient (truncated prior)
                z = rng.standard_normal(mean[todo].shape)
                eps = np.linalg.solve(chol[todo].transpose(0, 2, 1), z[..., None])[..., 0]  # Lᵀ e = z
                draw[todo] = mean[todo] + eps
                todo = np.any(draw[:, p0:] < 0, axis=1)
                if not todo.any():
                    break
            draw[:, p0:] = np.maximum(draw[:, p0:], 0.0)
            out.append(draw)
        return np.concatenate(out)

    # --------------------------------------------------------------------------- results
    def flat_draws(self) -> tuple[np.ndarray, np.ndarray]:
        """The posterior draws, walkers and steps flattened: (media parameters, coefficients)."""
        return self._flat()

    def _flat(self) -> tuple[np.ndarray, np.ndarray]:
        post = self.posterior_
        return post.theta.reshape(-1, post.theta.shape[-1]), post.beta.reshape(-1, post.beta.shape[-1])

    def channel_response(self, k: int, spend: np.ndarray, theta: np.ndarray, beta: np.ndarray) -> np.ndarray:
        """KPI (original units) per draw and period from channel k's spend (G, T): (B, G, T)."""
        i = sum(len(ch.params) for ch in self.chains_[:k])
        m = len(self.chains_[k].params)
        heads = self.population_[:, None]
        feat = self.chains_[k].apply(spend / heads / self.spend_scale_[k], theta[:, i : i + m])
        p0 = self._z.shape[1]
        return beta[:, p0 + k].reshape(-1, 1, 1) * feat * (heads * self.y_scale_)

    def contribution_draws(self) -> np.ndarray:
        """Per draw, channel and period, the KPI each channel added (summed over geos): (walkers, draws, C, T)."""
        theta, beta = self._flat()
        out = np.stack([self.channel_response(k, self.spend_[..., k], theta, beta).sum(1)
                        for k in range(len(self.channels_))], axis=1)
        return out.reshape(*self.posterior_.theta.shape[:2], len(self.channels_), -1)

    def roi_draws(self) -> np.ndarray:
        """Incremental KPI over the window per unit spend, per draw and channel: (walkers, draws, C)."""
        return self.contribution_draws().sum(-1) / self.spend_.sum((0, 1))

    def carry_share_draws(self) -> np.ndarray:
        """Share of each channel's effect that arrives after the week of spend: (walkers, draws, C).

        The week, not the period: on daily data "short term" would otherwise mean the same day.
        """
        theta, _ = self._flat()
        within = 7 if self.period_ == "day" else 1
        out, i = [], 0
        for ch in self.chains_:
            m = len(ch.params)
            out.append(ch.carry_share(theta[:, i : i + m], within))
            i += m
        return np.stack(out, -1).reshape(*self.posterior_.theta.shape[:2], -1)

    def mroi_draws(self, step: float = 0.01) -> np.ndarray:
        """Marginal ROI: extra KPI from 1% more spend in every period, per unit of that spend."""
        theta, beta = self._flat()
        out = []
        for k in range(len(self.channels_)):
            s = self.spend_[..., k]
            base = self.channel_response(k, s, theta, beta).sum((1, 2))
            more = self.channel_response(k, s * (1 + step), theta, beta).sum((1, 2))
            out.append((more - base) / (step * s.sum()))
        return np.stack(out, -1).reshape(*self.posterior_.theta.shape[:2], -1)

    def baseline_draws(self) -> np.ndarray:
        """Baseline (everything but media) per draw and period, summed over geos: (draws, T)."""
        _, beta = self._flat()
        p0 = self._z.shape[1]
        g, t = self.y_.shape
        base = beta[:, :p0] @ self._z.T * self.y_scale_
        return (base.reshape(-1, g, t) * self.population_[:, None]).sum(1)

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        """Per channel: spend, contribution, ROI, mROI, carry-over share, media parameters — mean and interval."""
        lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
        contrib = self.contribution_draws().sum(-1).reshape(-1, len(self.channels_))
        spend = self.spend_.sum((0, 1))
        rows = []
        series = {"contribution": contrib, "roi": contrib / spend,
                  "mroi": self.mroi_draws().reshape(-1, len(self.channels_)),
                  "carry_share": self.carry_share_draws().reshape(-1, len(self.channels_))}
        theta = self.posterior_.theta.reshape(-1, len(self.theta_names_))
        for k, ch in enumerate(self.channels_):
            row: dict[str, Any] = {"channel": ch, "spend": float(spend[k])}
            for name, draws in series.items():
                row[name] = float(np.mean(draws[:, k]))
                row[f"{name}_low"], row[f"{name}_high"] = (float(q) for q in np.quantile(draws[:, k], [lo, hi]))
            for i, name in enumerate(self.theta_names_):
                if name.startswith(f"{ch}."):
                    short = name[len(ch) + 1 :]
                    row[short] = float(np.mean(theta[:, i]))
                    row[f"{short}_low"], row[f"{short}_high"] = (float(q) for q in np.quantile(theta[:, i], [lo, hi]))
            row["rhat"] = max(v for k2, v in self.convergence_.rhat.items() if k2.startswith(f"{ch}."))
            row["ess"] = min(v for k2, v in self.convergence_.ess.items() if k2.startswith(f"{ch}."))
            rows.append(row)
        return pd.DataFrame(rows)

    def fit_quality(self) -> dict[str, float]:
        contrib = self.contribution_draws().reshape(-1, len(self.channels_), len(self.dates_)).mean(0).sum(0)
        pred = self.baseline_draws().mean(0) + contrib
        actual = self.y_.sum(0)
        resid = actual - pred
        r2 = 1 - float(resid.var() / actual.var()) if actual.var() > 0 else float("nan")
        mape = float(np.mean(np.abs(resid) / np.where(actual != 0, np.abs(actual), np.nan)))
        return {"r2": r2, "mape": mape, "periods": float(len(self.dates_)), "geos": float(len(self.geos_))}
