"""Attribution models over aggregated journeys (path × counts), no user rows.

A *path table* is a DataFrame with one row per distinct path: ``path`` (channels joined by
``' > '``, oldest first), ``conversions`` (converting journeys), ``nulls`` (non-converting
journeys) and ``revenue``. Every model returns credit per channel that sums to the
conversions (and revenue) of the journeys that had at least one touch.

Markov removal effects are exact: the absorbing chain is solved with one sparse linear
solve per removed channel, not simulated. Shapley values are exact over channel sets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations, pairwise
from math import factorial

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from zhongcao.errors import AnalysisError

SEP = " > "
HEURISTICS = ("first_touch", "last_touch", "linear", "position_based")


def split(path: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in path.split(">") if p.strip()) if path else ()


def path_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Group a mart/CSV frame with path, conversions, nulls, revenue into one row per path."""
    g = frame.groupby("path", as_index=False)[["conversions", "nulls", "revenue"]].sum()
    return g[g["path"].map(lambda p: len(split(p)) > 0)].reset_index(drop=True)


def _weights(n: int, model: str) -> np.ndarray:
    if model == "first_touch":
        w = np.zeros(n)
        w[0] = 1.0
    elif model == "last_touch":
        w = np.zeros(n)
        w[-1] = 1.0
    elif model == "linear":
        w = np.full(n, 1.0 / n)
    elif model == "position_based":
        if n <= 2:
            w = np.full(n, 1.0 / n)
        else:
            w = np.full(n, 0.2 / (n - 2))
            w[0] = w[-1] = 0.4
    else:
        raise AnalysisError(f"unknown heuristic model {model!r}")
    return w


def heuristic(paths: pd.DataFrame, model: str) -> pd.DataFrame:
    """Credit per channel: columns channel, conversions, revenue."""
    conv: Counter[str] = Counter()
    rev: Counter[str] = Counter()
    for path, c, r in zip(paths["path"], paths["conversions"], paths["revenue"], strict=True):
        if not c and not r:
            continue
        chans = split(path)
        for ch, w in zip(chans, _weights(len(chans), model), strict=True):
            conv[ch] += w * c
            rev[ch] += w * r
    return _frame(conv, rev)


def _frame(conv: Counter[str] | dict[str, float], rev: Counter[str] | dict[str, float]) -> pd.DataFrame:
    keys = sorted(set(conv) | set(rev))
    return pd.DataFrame({"channel": keys, "conversions": [float(conv.get(k, 0.0)) for k in keys],
                         "revenue": [float(rev.get(k, 0.0)) for k in keys]})


# ------------------------------------------------------------------------------------ Markov
def _states(chans: Sequence[str], order: int) -> list[tuple[str, ...]]:
    return [tuple(chans[max(0, i - order + 1): i + 1]) for i in range(len(chans))]


def transition_counts(paths: pd.DataFrame, order: int = 1) -> tuple[list[tuple[str, ...]], sp.csr_matrix,
                                                                      np.ndarray, np.ndarray, np.ndarray]:
    """States (tuples of the last ``order`` channels), and counts: state→state, start→state, →conv, →null."""
    index: dict[tuple[str, ...], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    start: Counter[int] = Counter()
    conv: Counter[int] = Counter()
    null: Counter[int] = Counter()
    for path, c, nl in zip(paths["path"], paths["conversions"], paths["nulls"], strict=True):
        total = float(c) + float(nl)
        if total <= 0:
            continue
        ids = [index.setdefault(s, len(index)) for s in _states(split(path), order)]
        if not ids:
            continue
        start[ids[0]] += total
        rows += ids[:-1]
        cols += ids[1:]
        vals += [total] * (len(ids) - 1)
        conv[ids[-1]] += float(c)
        null[ids[-1]] += float(nl)
    n = len(index)
    q = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))  # duplicates are summed
    vec = [np.array([d.get(i, 0.0) for i in range(n)]) for d in (start, conv, null)]
    return list(index), q, vec[0], vec[1], vec[2]


def markov(paths: pd.DataFrame, order: int = 1) -> tuple[pd.DataFrame, float]:
    """Exact removal effects. Returns (channel, removal_effect, conversions, revenue) and P(conversion)."""
    if order not in (1, 2, 3):
        raise AnalysisError(f"Markov order must be 1, 2 or 3, got {order}")
    states, counts, start, to_conv, to_null = transition_counts(paths, order)
    return markov_solve(states, counts, start, to_conv, to_null,
                        float(paths["conversions"].sum()), float(paths["revenue"].sum()))


def markov_solve(states: Sequence[tuple[str, ...]], counts: sp.spmatrix, start: np.ndarray, to_conv: np.ndarray,
                 to_null: np.ndarray, total_conv: float, total_rev: float) -> tuple[pd.DataFrame, float]:
    """Removal effects from transition counts, by one sparse linear solve per removed channel."""
    if not len(states):
        return pd.DataFrame(columns=["channel", "removal_effect", "conversions", "revenue"]), 0.0
    out = np.asarray(counts.sum(axis=1)).ravel() + to_conv + to_null
    inv = sp.diags(1.0 / np.where(out > 0, out, 1.0))
    q = (inv @ counts).tocsr()
    r = to_conv / np.where(out > 0, out, 1.0)
    p0 = start / start.sum()
    eye = sp.identity(len(states), format="csc")
    base = float(p0 @ spla.spsolve((eye - q).tocsc(), r))
    channels = sorted({c for s in states for c in s})
    effects = {}
    for ch in channels:
        keep = np.array([ch not in s for s in states], dtype=float)
        # A removed state absorbs into null: zero its row and its conversion exit.
        qk = (sp.diags(keep) @ q).tocsc()
        xk = spla.spsolve((eye - qk).tocsc(), r * keep)
        effects[ch] = 1.0 - float(p0 @ xk) / base if base > 0 else 0.0
    s = sum(effects.values())
    frame = pd.DataFrame({
        "channel": channels,
        "removal_effect": [effects[c] for c in channels],
        "conversions": [effects[c] / s * total_conv if s > 0 else 0.0 for c in channels],
        "revenue": [effects[c] / s * total_rev if s > 0 else 0.0 for c in channels],
    })
    return frame, base


# ------------------------------------------------------------------------------------ Shapley
def shapley(paths: pd.DataFrame, max_channels: int = 16) -> pd.DataFrame:
    """Shapley values over channel sets, from conversion rates per set.

    v(S) is the conversion rate of journeys whose set of channels is exactly S (0 where no
    journey had that set). Each observed set's conversions (and revenue) are split among its
    channels in proportion to their Shapley values in the game restricted to subsets of S.
    """
    sets: dict[frozenset[str], list[float]] = {}
    for path, c, nl, r in zip(paths["path"], paths["conversions"], paths["nulls"], paths["revenue"], strict=True):
        key = frozenset(split(path))
        if not key:
            continue
        acc = sets.setdefault(key, [0.0, 0.0, 0.0])
        acc[0] += float(c)
        acc[1] += float(c) + float(nl)
        acc[2] += float(r)
    keys = list(sets)
    values = np.array([sets[k] for k in keys]).reshape(-1, 3)
    return shapley_from_sets(keys, values[:, 0], values[:, 1], values[:, 2], max_channels)


def shapley_from_sets(sets: Sequence[frozenset[str]], conversions: np.ndarray, journeys: np.ndarray,
                      revenue: np.ndarray, max_channels: int = 16) -> pd.DataFrame:
    """Shapley credit given, per observed channel set, its conversions, journeys and revenue."""
    channels = sorted({c for s in sets for c in s})
    if len(channels) > max_channels:
        raise AnalysisError(f"Shapley over {len(channels)} channels is too many (max {max_channels})")
    rate = {s: (c / n if n else 0.0) for s, c, n in zip(sets, conversions, journeys, strict=True)}
    conv: Counter[str] = Counter()
    rev: Counter[str] = Counter()
    for s, c, r in zip(sets, conversions, revenue, strict=True):
        if c <= 0:
            continue
        phi = _shapley_set(sorted(s), rate)
        total = sum(phi.values())
        for ch, value in phi.items():
            share = value / total if total > 0 else 1.0 / len(s)
            conv[ch] += share * c
            rev[ch] += share * r
    return _frame(conv, rev)


def _shapley_set(members: list[str], rate: dict[frozenset[str], float]) -> dict[str, float]:
    n = len(members)
    phi = dict.fromkeys(members, 0.0)
    for ch in members:
        others = [m for m in members if m != ch]
        for k in range(n):
            weight = factorial(k) * factorial(n - k - 1) / factorial(n)
            for t in combinations(others, k):
                ts = frozenset(t)
                phi[ch] += weight * (rate.get(ts | {ch}, 0.0) - rate.get(ts, 0.0))
    # Negative marginal values can appear with sparse sets; credit is not taken away from a channel.
    return {k: max(v, 0.0) for k, v in phi.items()}


# ------------------------------------------------------------------------------------ bootstrap
def poisson_resample(paths: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One Poisson bootstrap draw over journeys: each journey gets an independent Poisson(1) weight.

    A path row holding n converting journeys becomes Poisson(n) journeys (the sum of n Poisson(1)
    weights); its revenue is scaled by the same factor, which assumes equal revenue per journey
    within a path row.
    """
    c = paths["conversions"].to_numpy(float)
    nl = paths["nulls"].to_numpy(float)
    c2 = rng.poisson(c).astype(float)
    out = paths.copy()
    out["conversions"] = c2
    out["nulls"] = rng.poisson(nl).astype(float)
    out["revenue"] = paths["revenue"].to_numpy(float) * np.divide(c2, c, out=np.zeros_like(c), where=c > 0)
    return out


# ------------------------------------------------------------------------------------ many draws
class PathModels:
    """All path models over one fixed set of paths, precomputed so bootstrap draws are matrix products.

    Heuristic credit is ``W.T @ conversions`` with one sparse paths × channels weight matrix per
    model; the Markov transition counts are sparse incidence matrices times journey counts.
    """

    def __init__(self, paths: pd.DataFrame, order: int = 1) -> None:
        self.paths = paths.reset_index(drop=True)
        seqs = [split(p) for p in self.paths["path"]]
        self.channels = sorted({c for s in seqs for c in s})
        col = {c: i for i, c in enumerate(self.channels)}
        self.weights: dict[str, sp.csr_matrix] = {}
        for model in HEURISTICS:
            rows, cols, vals = [], [], []
            for i, s in enumerate(seqs):
                for c, w in zip(s, _weights(len(s), model), strict=True):
                    rows.append(i)
                    cols.append(col[c])
                    vals.append(w)
            self.weights[model] = sp.csr_matrix((vals, (rows, cols)), shape=(len(seqs), len(self.channels)))
        self.order = order
        self._markov_structure(seqs, order)
        self._set_structure(seqs)

    def _markov_structure(self, seqs: list[tuple[str, ...]], order: int) -> None:
        # Incidence matrices turn any journey weights into transition, start and exit counts
        # with one sparse product each, so a bootstrap draw never loops over paths in Python.
        index: dict[tuple[str, ...], int] = {}
        pairs: dict[tuple[int, int], int] = {}
        pr: list[int] = []
        pc: list[int] = []
        ends: list[tuple[int, int, int]] = []
        for i, seq in enumerate(seqs):
            ids = [index.setdefault(st, len(index)) for st in _states(seq, order)]
            if not ids:
                continue
            ends.append((i, ids[0], ids[-1]))
            for a, b in pairwise(ids):
                pr.append(i)
                pc.append(pairs.setdefault((a, b), len(pairs)))
        n_paths, n_states = len(seqs), len(index)
        self.states = list(index)
        self.pair_matrix = sp.csr_matrix((np.ones(len(pr)), (pr, pc)), shape=(n_paths, len(pairs)))
        keys = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
        self.pair_rows, self.pair_cols = keys[:, 0], keys[:, 1]
        rows = np.array([e[0] for e in ends], dtype=np.int64)
        self.start_matrix = sp.csr_matrix((np.ones(len(ends)), (rows, [e[1] for e in ends])), shape=(n_paths, n_states))
        self.end_matrix = sp.csr_matrix((np.ones(len(ends)), (rows, [e[2] for e in ends])), shape=(n_paths, n_states))

    def _set_structure(self, seqs: list[tuple[str, ...]]) -> None:
        index: dict[frozenset[str], int] = {}
        rows, cols = [], []
        for i, seq in enumerate(seqs):
            if seq:
                rows.append(i)
                cols.append(index.setdefault(frozenset(seq), len(index)))
        self.sets = list(index)
        self.set_matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(seqs), len(index)))

    def markov(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
        total = conversions + nulls
        n = len(self.states)
        counts = sp.csr_matrix((self.pair_matrix.T @ total, (self.pair_rows, self.pair_cols)), shape=(n, n))
        frame, _ = markov_solve(self.states, counts, self.start_matrix.T @ total, self.end_matrix.T @ conversions,
                                self.end_matrix.T @ nulls, float(conversions.sum()), float(revenue.sum()))
        return frame

    def shapley(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
        m = self.set_matrix.T
        return shapley_from_sets(self.sets, m @ conversions, m @ (conversions + nulls), m @ revenue)

    def heuristics(self, conversions: np.ndarray, revenue: np.ndarray) -> dict[str, pd.DataFrame]:
        return {m: pd.DataFrame({"channel": self.channels, "conversions": w.T @ conversions,
                                 "revenue": w.T @ revenue}) for m, w in self.weights.items()}

    def all(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray) -> dict[str, pd.DataFrame]:
        out = self.heuristics(conversions, revenue)
        out["markov"] = self.markov(conversions, nulls, revenue)[["channel", "conversions", "revenue"]]
        out["shapley"] = self.shapley(conversions, nulls, revenue)
        return out
