"""jieba's unknown-word HMM, compiled: its BMES Viterbi with the same tie-breaking, and its model arrays.

``zhongcao.text.segment`` sends the runs of single characters its route leaves (and that spell no
dictionary word) here, as jieba's ``finalseg`` does, so an unknown word such as 买超 comes out whole.
"""

from __future__ import annotations

from functools import cache

import numba as nb
import numpy as np

_SPAN = 0x30000  # emissions are stored for code points below this (every CJK block); above: impossible
_MIN_LOG = -3.14e100  # jieba's log probability of an impossible event (an unseen character or transition)
# HMM states in jieba's letter order, so a tie goes to the later letter exactly as jieba's max((p, state)).
B, E, M, S = 0, 1, 2, 3


@nb.njit(cache=True)
def is_hmm_han(c: int) -> bool:
    # jieba's HMM reads only this range as Chinese; anything else in an unknown span is split like ASCII.
    return 0x4E00 <= c <= 0x9FD5


@nb.njit(cache=True, inline="always")
def _best_prev(s0: float, s1: float, p0: int, p1: int) -> tuple[float, int]:
    # p1 is the later letter: it wins ties, as in jieba's max((prob, state)).
    return (s1, p1) if s1 >= s0 else (s0, p0)


@nb.njit(cache=True)
def viterbi(cps: np.ndarray, a: int, b: int, emit: np.ndarray, trans: np.ndarray, start_p: np.ndarray,
             states: np.ndarray) -> None:
    """BMES labels of ``cps[a:b]`` into ``states[:b - a, 0]`` (jieba's finalseg Viterbi, same tie-breaking).

    ``emit`` is indexed [code point, state], so a character's four emissions share a cache line; the four
    path scores are scalars (no allocation per unknown span).
    """
    n = b - a
    c = cps[a]
    inside = c < len(emit)
    vb = start_p[B] + (emit[c, B] if inside else _MIN_LOG)
    ve = start_p[E] + (emit[c, E] if inside else _MIN_LOG)
    vm = start_p[M] + (emit[c, M] if inside else _MIN_LOG)
    vs = start_p[S] + (emit[c, S] if inside else _MIN_LOG)
    t_eb, t_sb = trans[E, B], trans[S, B]
    t_be, t_me = trans[B, E], trans[M, E]
    t_bm, t_mm = trans[B, M], trans[M, M]
    t_es, t_ss = trans[E, S], trans[S, S]
    for t in range(1, n):
        c = cps[a + t]
        inside = c < len(emit)
        eb = emit[c, B] if inside else _MIN_LOG
        ee = emit[c, E] if inside else _MIN_LOG
        em = emit[c, M] if inside else _MIN_LOG
        es = emit[c, S] if inside else _MIN_LOG
        # The states that may precede y: B <- E,S; E <- B,M; M <- B,M; S <- E,S (jieba's PrevStatus). The
        # emission is added before comparing, as jieba does: rounding can make the sums tie where the parts don't.
        nb_, states[t, B] = _best_prev(ve + t_eb + eb, vs + t_sb + eb, E, S)
        ne, states[t, E] = _best_prev(vb + t_be + ee, vm + t_me + ee, B, M)
        nm, states[t, M] = _best_prev(vb + t_bm + em, vm + t_mm + em, B, M)
        ns, states[t, S] = _best_prev(ve + t_es + es, vs + t_ss + es, E, S)
        vb, ve, vm, vs = nb_, ne, nm, ns
    last = S if vs >= ve else E
    for t in range(n - 1, -1, -1):
        prev = states[t, last]
        states[t, 0] = last  # column 0 of row t is read only after row t's back-pointers are used
        last = prev


@cache
def hmm_model() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """jieba's unknown-word HMM (BMES emission, transition and start log probabilities), from the jieba package.

    Emissions are a dense (0x30000, 4) array by code point, then state; states are in the order B, E, M, S.
    """
    from jieba.finalseg.prob_emit import P as emit_p
    from jieba.finalseg.prob_start import P as start_p
    from jieba.finalseg.prob_trans import P as trans_p

    order = "BEMS"
    emit = np.full((_SPAN, 4), _MIN_LOG)
    for y, state in enumerate(order):
        for ch, logp in emit_p[state].items():
            if ord(ch) < _SPAN:
                emit[ord(ch), y] = logp
    trans = np.full((4, 4), _MIN_LOG)
    for a, row in trans_p.items():
        for b, logp in row.items():
            trans[order.index(a), order.index(b)] = logp
    start = np.array([start_p[y] for y in order])
    for arr in (emit, trans, start):
        arr.flags.writeable = False
    return emit, trans, start
