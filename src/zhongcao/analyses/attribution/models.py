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
from collections.abc import Iterator, Sequence
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from zhongcao.analyses.attribution.long import LongJourneys, credit_vectors, draw_shares
from zhongcao.errors import AnalysisError

SEP = " > "
WITHHELD = "(other)"  # the path of journeys merged by the clean-room export (engine.clean_room.OTHER)
HEURISTICS = ("first_touch", "last_touch", "linear", "position_based")


def split(path: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in path.split(">") if p.strip()) if path else ()


def path_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Group a mart/CSV frame with path, conversions, nulls, revenue into one row per path."""
    # the truncated journeys of a row (attribution_journeys' last-20 paths), when the frame says
    extra = [c for c in ("truncated", "truncated_nulls", "truncated_revenue") if c in frame]
    g = frame.groupby("path", as_index=False)[["conversions", "nulls", "revenue", *extra]].sum()
    # '' is a conversion without a touch; '(other)' the rare paths a clean-room export merged (withheld)
    keep = (g["path"].fillna("").str.replace(">", "", regex=False).str.strip() != "") & (g["path"] != WITHHELD)
    return g[keep].reset_index(drop=True)


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
def _first_seen(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number ``keys`` by first appearance: (the number of each, the distinct keys in that order)."""
    distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.ravel()], distinct[order]


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
    channels = sorted({c for s in states for c in s})
    values, base = removal_effects(states, channels, counts, start, to_conv, to_null)
    effects = dict(zip(channels, values, strict=True))
    s = sum(effects.values())
    frame = pd.DataFrame({
        "channel": channels,
        "removal_effect": [effects[c] for c in channels],
        "conversions": [effects[c] / s * total_conv if s > 0 else 0.0 for c in channels],
        "revenue": [effects[c] / s * total_rev if s > 0 else 0.0 for c in channels],
    })
    return frame, base


DENSE_STATES = 400  # chains up to this many states are solved densely (order 1: one state per channel)


def _transition(counts: sp.spmatrix, to_conv: np.ndarray, to_null: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    out = np.asarray(counts.sum(axis=1)).ravel() + to_conv + to_null
    inv = 1.0 / np.where(out > 0, out, 1.0)
    return sp.csr_matrix(sp.diags(inv) @ counts), to_conv * inv


def _dense_transition(counts: sp.spmatrix, to_conv: np.ndarray, to_null: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dense = counts.toarray()
    out = dense.sum(axis=1) + to_conv + to_null
    inv = 1.0 / np.where(out > 0, out, 1.0)
    return dense * inv[:, None], to_conv * inv


def removal_effects(states: Sequence[tuple[str, ...]], channels: Sequence[str], counts: sp.spmatrix,
                    start: np.ndarray, to_conv: np.ndarray, to_null: np.ndarray,
                    member: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Removal effect 1 − P₋c / P of each channel, and P, exactly: one linear solve per removed channel.

    Removing a channel turns every state containing it into null: its row of Q and its
    conversion exit are zeroed. Small chains are solved densely, large ones sparsely; ``member``
    (states × channels, 1 where the state holds the channel) may be passed precomputed.
    """
    if member is None:
        member = np.array([[c in st for c in channels] for st in states], dtype=bool).reshape(len(states), -1)
    p0 = start / start.sum()
    n = len(states)
    effects = np.zeros(len(channels))
    if n <= DENSE_STATES:
        qd, r = _dense_transition(counts, to_conv, to_null)
        a = np.eye(n) - qd
        base = float(p0 @ np.linalg.solve(a, r))
        if base <= 0:
            return effects, base
        for j in range(len(channels)):
            keep = ~member[:, j]
            # Solving on the kept states only is the same system: removed states have x = 0.
            ak = a[np.ix_(keep, keep)]
            xk = np.linalg.solve(ak, r[keep]) if keep.any() else np.zeros(0)
            effects[j] = 1.0 - float(p0[keep] @ xk) / base
        return effects, base
    q, r = _transition(counts, to_conv, to_null)
    eye = sp.identity(n, format="csc")
    base = float(p0 @ spla.spsolve((eye - q).tocsc(), r))
    if base <= 0:
        return effects, base
    for j in range(len(channels)):
        keep = (~member[:, j]).astype(float)
        qk = (sp.diags(keep) @ q).tocsc()
        xk = spla.spsolve((eye - qk).tocsc(), r * keep)
        effects[j] = 1.0 - float(p0 @ xk) / base
    return effects, base


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

    def __init__(self, paths: pd.DataFrame, order: int = 1, long: LongJourneys | None = None) -> None:
        self.paths = paths.reset_index(drop=True)
        seqs = [split(p) for p in self.paths["path"]]
        self.channels = sorted({c for s in seqs for c in s} | (long.channels if long is not None else set()))
        # The rows as given, and their truncated journeys: a draw's ratio to them reweights the remainder.
        self._given = {k: self.paths[k].to_numpy(float) for k in ("conversions", "nulls", "revenue")}
        self._truncated = {k: (self.paths[col].to_numpy(float) if long is not None and col in self.paths
                               else np.zeros(len(self.paths)))
                           for k, col in (("conversions", "truncated"), ("nulls", "truncated_nulls"),
                                          ("revenue", "truncated_revenue"))}
        self.long = long
        col = {c: i for i, c in enumerate(self.channels)}
        # Every touch of every path as flat arrays: path row, channel column, position, path length.
        lengths = np.fromiter((len(q) for q in seqs), dtype=np.int64, count=len(seqs))
        cols = np.fromiter((col[c] for q in seqs for c in q), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(seqs)), lengths)
        n = np.repeat(lengths, lengths).astype(float)
        pos = np.arange(len(cols)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ends = (pos == 0) | (pos == n - 1)
        middle = np.divide(0.2, n - 2, out=np.zeros_like(n), where=n > 2)
        weights = {  # the same weights as `_weights`, for all paths at once
            "first_touch": (pos == 0).astype(float),
            "last_touch": (pos == n - 1).astype(float),
            "linear": 1.0 / np.maximum(n, 1.0),
            "position_based": np.where(n <= 2, 1.0 / np.maximum(n, 1.0), np.where(ends, 0.4, middle)),
        }
        self.weights: dict[str, sp.csr_matrix] = {
            m: sp.csr_matrix((weights[m], (rows, cols)), shape=(len(seqs), len(self.channels))) for m in HEURISTICS}
        self.order = order
        self._markov_structure(rows, cols, lengths, pos, order)
        self._long_structure()
        self._set_structure(seqs)
        self._long_credit = credit_vectors(long, self.channels) if long is not None else None

    def _markov_structure(self, rows: np.ndarray, cols: np.ndarray, lengths: np.ndarray, pos: np.ndarray,
                          order: int) -> None:
        # Incidence matrices turn any journey weights into transition, start and exit counts
        # with one sparse product each, so a bootstrap draw never loops over paths in Python.
        # Built from the flat touch arrays: a touch's state (its channel and the order - 1 before
        # it in its path) is one integer, numbered in order of first appearance.
        n_paths, k = len(lengths), len(self.channels)
        base = k + 1  # digit 0: no channel (a state near the start of its path is shorter)
        touch = np.arange(len(cols))
        key = np.zeros(len(cols), dtype=np.int64)
        for lag in range(order - 1, -1, -1):  # oldest channel first, as in `_states`
            key = key * base + np.where(pos >= lag, cols[np.maximum(touch - lag, 0)] + 1, 0)
        state, keys = _first_seen(key)
        digits = (keys[:, None] // base ** np.arange(order - 1, -1, -1)) % base
        self.states = [tuple(self.channels[d - 1] for d in row if d) for row in digits]
        self.member = np.zeros((len(keys), k), dtype=bool)  # state holds channel
        for lag in range(order):
            held = digits[:, lag] > 0
            self.member[np.flatnonzero(held), digits[held, lag] - 1] = True
        follows = pos[1:] > 0  # the next touch is in the same path
        pair, pair_keys = _first_seen(state[:-1][follows] * len(keys) + state[1:][follows])
        self.pair_matrix = sp.csr_matrix((np.ones(len(pair)), (rows[1:][follows], pair)),
                                         shape=(n_paths, len(pair_keys)))
        self.pair_rows, self.pair_cols = pair_keys // len(keys), pair_keys % len(keys)
        touched = np.flatnonzero(lengths)
        last = np.cumsum(lengths)[touched] - 1
        first = last - lengths[touched] + 1
        ones = np.ones(len(touched))
        self.start_matrix = sp.csr_matrix((ones, (touched, state[first])), shape=(n_paths, len(keys)))
        self.end_matrix = sp.csr_matrix((ones, (touched, state[last])), shape=(n_paths, len(keys)))

    def _long_structure(self) -> None:
        """First-order states and counts of the truncated journeys' remainder (``LongJourneys``).

        A channel seen only there gets a state of its own, after the paths' states. Higher orders
        keep the paths as they are: their states need the dropped sequence itself.
        """
        self._long_chain: tuple[np.ndarray, ...] | None = None
        if self.long is None or self.order != 1:
            return
        index = {st[0]: i for i, st in enumerate(self.states)}
        for ch in sorted(self.long.channels - index.keys()):
            index[ch] = len(self.states)
            self.states.append((ch,))
        n = len(self.states)
        member = np.zeros((n, len(self.channels)), dtype=bool)
        member[: len(self.member)] = self.member
        col = {c: j for j, c in enumerate(self.channels)}
        for i, st in enumerate(self.states):
            member[i, col[st[0]]] = True
        self.member = member
        self.start_matrix.resize((self.start_matrix.shape[0], n))
        self.end_matrix.resize((self.end_matrix.shape[0], n))
        t = self.long.transitions
        begins = t[t["from_channel"] == ""]
        moves = t[t["from_channel"] != ""]
        to_start = np.array([index[c] for c in begins["to_channel"]], dtype=np.int64)
        self._long_chain = (
            np.bincount(to_start, weights=begins["conversions"].to_numpy(float), minlength=n),
            np.bincount(to_start, weights=begins["nulls"].to_numpy(float), minlength=n),
            np.array([index[c] for c in moves["from_channel"]], dtype=np.int64),
            np.array([index[c] for c in moves["to_channel"]], dtype=np.int64),
            moves["conversions"].to_numpy(float), moves["nulls"].to_numpy(float),
        )

    def _set_structure(self, seqs: list[tuple[str, ...]]) -> None:
        index: dict[frozenset[str], int] = {}
        rows, cols = [], []
        for i, seq in enumerate(seqs):
            if seq:
                rows.append(i)
                cols.append(index.setdefault(frozenset(seq), len(index)))
        self.sets = list(index)
        self.set_matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(seqs), len(index)))
        self._shapley_map: tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray] | None = None

    def _shapley_structure(self, max_channels: int = 16) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
        """Shapley values are linear in the rates v(T): φ = A @ v, one row per (set, member channel).

        Built once; a draw then needs one sparse product, a floor at 0 and a normalisation per set.
        """
        if self._shapley_map is not None:
            return self._shapley_map
        if len(self.channels) > max_channels:
            raise AnalysisError(f"Shapley over {len(self.channels)} channels is too many (max {max_channels})")
        col = {c: j for j, c in enumerate(self.channels)}
        position = {st: i for i, st in enumerate(self.sets)}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        pair_set: list[int] = []
        pair_channel: list[int] = []
        for si, members in enumerate(self.sets):
            ordered = sorted(members)
            n = len(ordered)
            for ch in ordered:
                pi = len(pair_set)
                pair_set.append(si)
                pair_channel.append(col[ch])
                others = [m for m in ordered if m != ch]
                for k in range(n):
                    weight = factorial(k) * factorial(n - k - 1) / factorial(n)
                    for t in combinations(others, k):
                        ts = frozenset(t)
                        for target, sign in ((position.get(ts | {ch}), 1.0), (position.get(ts), -1.0)):
                            if target is not None:
                                rows.append(pi)
                                cols.append(target)
                                vals.append(sign * weight)
        a = sp.csr_matrix((vals, (rows, cols)), shape=(len(pair_set), len(self.sets)))  # duplicates summed
        ps = np.asarray(pair_set, dtype=np.int64)
        size = np.bincount(ps, minlength=len(self.sets)).astype(float)
        self._shapley_map = (a, ps, np.asarray(pair_channel, dtype=np.int64), size)
        return self._shapley_map

    def credit(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray
               ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Every path model's (conversions, revenue) per channel, aligned with ``self.channels``.

        The array form of :meth:`all`: no DataFrames, no per-path loop.
        """
        many = self.credit_many(*(np.asarray(x, dtype=float)[:, None] for x in (conversions, nulls, revenue)))
        return {m: (conv[:, 0], rev[:, 0]) for m, (conv, rev) in many.items()}

    def credit_many(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """:meth:`credit` for many weightings at once (paths × draws in, channels × draws out).

        Heuristics and Shapley are a few sparse-dense products for all draws together; Markov
        solves each draw's chain (densely when small).
        """
        k, draws = len(self.channels), conversions.shape[1]
        cut, share = self._remainder(conversions, nulls, revenue)
        out = self._heuristic_credit(conversions, revenue, cut, share)
        mk_c, mk_r = np.zeros((k, draws)), np.zeros((k, draws))
        for d, (counts, starts, ends_c, ends_n) in enumerate(self._chains(conversions, nulls, cut, share)):
            effects, _ = removal_effects(self.states, self.channels, counts, starts, ends_c, ends_n, self.member)
            s = effects.sum()
            if s > 0:
                mk_c[:, d] = effects / s * conversions[:, d].sum()
                mk_r[:, d] = effects / s * revenue[:, d].sum()
        out["markov"] = (mk_c, mk_r)
        a, pair_set, pair_channel, size = self._shapley_structure()
        m = self.set_matrix.T
        conv_s, journeys_s, rev_s = (np.asarray(m @ x) for x in (conversions, conversions + nulls, revenue))
        rate = np.divide(conv_s, journeys_s, out=np.zeros_like(conv_s), where=journeys_s > 0)
        phi = np.maximum(np.asarray(a @ rate), 0.0)
        by_set = sp.csr_matrix((np.ones(len(pair_set)), (pair_set, np.arange(len(pair_set)))),
                               shape=(len(self.sets), len(pair_set)))
        per_set = np.asarray(by_set @ phi)[pair_set]
        share = np.divide(phi, per_set, out=np.repeat((1.0 / size[pair_set])[:, None], draws, axis=1),
                          where=per_set > 0)
        share = np.where(conv_s[pair_set] > 0, share, 0.0)  # sets without conversions credit nobody
        by_channel = sp.csr_matrix((np.ones(len(pair_set)), (pair_channel, np.arange(len(pair_set)))),
                                   shape=(k, len(pair_set)))
        out["shapley"] = (np.asarray(by_channel @ (share * conv_s[pair_set])),
                          np.asarray(by_channel @ (share * rev_s[pair_set])))
        return out

    def _heuristic_credit(self, conversions: np.ndarray, revenue: np.ndarray, cut: tuple[np.ndarray, ...],
                          share: tuple[np.ndarray, ...]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out = {}
        for m, w in self.weights.items():
            # a truncated conversion's credit from its kept path is replaced by its credit over every touch
            conv, rev = np.asarray(w.T @ (conversions - cut[0])), np.asarray(w.T @ (revenue - cut[2]))
            if self._long_credit is not None:
                conv = conv + self._long_credit[m][0][:, None] * share[0]
                rev = rev + self._long_credit[m][1][:, None] * share[2]
            out[m] = (conv, rev)
        return out

    def _remainder(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray
                   ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """Per row and draw, the truncated journeys' part of each weighting (conversions, nulls, revenue);
        per draw, the share of all truncated journeys it keeps (what the summed remainder is scaled by)."""
        parts = [draw_shares(self._truncated[k], self._given[k], x)
                 for k, x in (("conversions", conversions), ("nulls", nulls), ("revenue", revenue))]
        return tuple(p for p, _ in parts), tuple(s for _, s in parts)

    def _chains(self, conversions: np.ndarray, nulls: np.ndarray, cut: tuple[np.ndarray, ...],
                share: tuple[np.ndarray, ...]) -> Iterator[tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]]:
        """Each draw's first-order counts: state → state, start → state, → conversion, → null.

        With the remainder of truncated journeys (order 1), their true starts replace the start
        their kept path implies, and the transitions older than the kept path are added.
        """
        n = len(self.states)
        if not n:
            return
        total = conversions + nulls
        pair_counts = np.asarray(self.pair_matrix.T @ total)
        long = self._long_chain
        kept = total - cut[0] - cut[1] if long is not None else total
        starts = np.asarray(self.start_matrix.T @ kept)
        ends_c = np.asarray(self.end_matrix.T @ conversions)
        ends_n = np.asarray(self.end_matrix.T @ nulls)
        rows, cols = self.pair_rows, self.pair_cols
        if long is not None:
            rows, cols = np.concatenate([rows, long[2]]), np.concatenate([cols, long[3]])
        for d in range(total.shape[1]):
            values, begin = pair_counts[:, d], starts[:, d]
            if long is not None:
                values = np.concatenate([values, long[4] * share[0][d] + long[5] * share[1][d]])
                begin = begin + long[0] * share[0][d] + long[1] * share[1][d]
            yield sp.csr_matrix((values, (rows, cols)), shape=(n, n)), begin, ends_c[:, d], ends_n[:, d]

    def markov(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
        many = [np.asarray(x, dtype=float)[:, None] for x in (conversions, nulls, revenue)]
        cut, share = self._remainder(*many)
        for counts, starts, ends_c, ends_n in self._chains(many[0], many[1], cut, share):
            frame, _ = markov_solve(self.states, counts, starts, ends_c, ends_n, float(np.sum(conversions)),
                                    float(np.sum(revenue)))
            return frame
        return markov_solve([], sp.csr_matrix((0, 0)), *(np.zeros(0),) * 3, 0.0, 0.0)[0]

    def shapley(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
        m = self.set_matrix.T
        return shapley_from_sets(self.sets, m @ conversions, m @ (conversions + nulls), m @ revenue)

    def heuristics(self, conversions: np.ndarray, revenue: np.ndarray) -> dict[str, pd.DataFrame]:
        many = [np.asarray(x, dtype=float)[:, None] for x in (conversions, np.zeros(len(self.paths)), revenue)]
        got = self._heuristic_credit(many[0], many[2], *self._remainder(*many))
        return {m: pd.DataFrame({"channel": self.channels, "conversions": c[:, 0], "revenue": r[:, 0]})
                for m, (c, r) in got.items()}

    def all(self, conversions: np.ndarray, nulls: np.ndarray, revenue: np.ndarray) -> dict[str, pd.DataFrame]:
        out = self.heuristics(conversions, revenue)
        out["markov"] = self.markov(conversions, nulls, revenue)[["channel", "conversions", "revenue"]]
        out["shapley"] = self.shapley(conversions, nulls, revenue)
        return out
