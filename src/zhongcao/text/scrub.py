"""Hygiene compiled: fold and clean a whole batch of texts in one pass over its code points.

``normalise`` (``zhongcao.text.normalise``) states the rules as one regular expression; on 10 MB of reviews the
regex pass cost as long as a third of the segmentation. This is the same function, compiled with numba, for the
tokeniser's batches: ``normalise_cps(text)`` equals ``code_points(normalise(text))`` for every text
(``tests/text/test_scrub.py`` compares them on real texts and on hand-written debris). Each alternative of
``normalise._DEBRIS`` is matched here the way Python's ``re`` matches it at a position — alternatives in
order, the first that matches wins, greedy repetition with backtracking where it can matter — and the
whole match becomes one space, as ``_DEBRIS.sub(" ", text)`` does; look-behinds read the text before any
replacement, as ``re`` does.
"""

from __future__ import annotations

import re
from functools import cache

import numba as nb
import numpy as np

from zhongcao.text.normalise import _DECOR, _FOLD_ARRAY, code_points

_SPACE = 32
_PLANE = 0x10000


@cache
def _classes() -> np.ndarray:
    """Character classes as bit flags per code point of the basic plane: 1 whitespace (``\\s``), 2 decoration."""
    flags = np.zeros(_PLANE, np.uint8)
    for c in range(0x3001):  # every \s character lies below U+3001
        if re.match(r"\s", chr(c)):
            flags[c] |= 1
    for ch in _DECOR:
        if ord(ch) < _PLANE:
            flags[ord(ch)] |= 2
    flags.flags.writeable = False
    return flags


@cache
def _decor_high() -> np.ndarray:
    """Decorative symbols beyond the basic plane, if any (sorted; looked up by binary search)."""
    return np.array(sorted({ord(c) for c in _DECOR if ord(c) >= _PLANE}), np.uint32)


@nb.njit(cache=True, inline="always")
def _space(c: int, flags: np.ndarray) -> bool:
    return c < len(flags) and (flags[c] & 1) != 0


@nb.njit(cache=True, inline="always")
def _decor(c: int, flags: np.ndarray, high: np.ndarray) -> bool:
    if c < len(flags):
        return (flags[c] & 2) != 0
    k = np.searchsorted(high, c)
    return k < len(high) and high[k] == c


@nb.njit(cache=True, inline="always")
def _lower_alnum(c: int) -> bool:
    return (48 <= c <= 57) or (97 <= c <= 122)


@nb.njit(cache=True, inline="always")
def _stop_punct(c: int) -> bool:
    # ，。！？
    return c == 0xFF0C or c == 0x3002 or c == 0xFF01 or c == 0xFF1F


@nb.njit(cache=True)
def _spells(f: np.ndarray, i: int, word: np.ndarray) -> bool:
    if i + len(word) > len(f):
        return False
    for k in range(len(word)):
        if f[i + k] != word[k]:
            return False
    return True


@nb.njit(cache=True)
def _match(f: np.ndarray, i: int, flags: np.ndarray, high: np.ndarray, tlds: np.ndarray, tld_ends: np.ndarray,
           holders: np.ndarray, holder_ends: np.ndarray) -> int:
    """End of the debris match starting at ``i`` (``normalise._DEBRIS``'s alternatives in order), or -1."""
    n = len(f)
    c = f[i]
    # \[[^\[\]\s\x00]{1,12}\]
    if c == 91:
        k = i + 1
        while k < n and k - i - 1 < 12 and f[k] != 91 and f[k] != 93 and f[k] != 0 and not _space(f[k], flags):
            k += 1
        if k > i + 1 and k < n and f[k] == 93:
            return k + 1
    # :[a-z0-9_+\-]{2,40}:
    if c == 58:
        k = i + 1
        while k < n and k - i - 1 < 40 and (_lower_alnum(f[k]) or f[k] == 95 or f[k] == 43 or f[k] == 45):
            k += 1
        if k - i - 1 >= 2 and k < n and f[k] == 58:
            return k + 1
    # (?:https?://|www\.)[^\s\x00，。！？]+
    if c == 104 or c == 119:
        k = -1
        if c == 104 and i + 3 < n and f[i + 1] == 116 and f[i + 2] == 116 and f[i + 3] == 112:
            k = i + 4
            if k < n and f[k] == 115:
                k += 1
            if k + 2 < n + 0 and f[k] == 58 and f[k + 1] == 47 and f[k + 2] == 47:
                k += 3
            else:
                k = -1
        elif c == 119 and i + 3 < n and f[i + 1] == 119 and f[i + 2] == 119 and f[i + 3] == 46:
            k = i + 4
        if k >= 0:
            e = k
            while e < n and f[e] != 0 and not _space(f[e], flags) and not _stop_punct(f[e]):
                e += 1
            if e > k:
                return e
    # [a-z0-9.\-]+\.(?:com|cn|net|org)(?:/[^\s\x00，。！？]*)?  — the run is greedy, so the last dot that
    # starts a known domain wins.
    if _lower_alnum(c) or c == 46 or c == 45:
        e = i
        while e < n and (_lower_alnum(f[e]) or f[e] == 46 or f[e] == 45):
            e += 1
        for k in range(e - 1, i, -1):
            if f[k] != 46:
                continue
            for t in range(len(tld_ends) - 1):
                word = tlds[tld_ends[t]:tld_ends[t + 1]]
                if _spells(f, k + 1, word):
                    m = k + 1 + len(word)
                    if m < n and f[m] == 47:
                        m += 1
                        while m < n and f[m] != 0 and not _space(f[m], flags) and not _stop_punct(f[m]):
                            m += 1
                    return m
    # @[^\s@\x00，。！？,.!?:：;；、#\[\]]{1,24}
    if c == 64:
        k = i + 1
        while k < n and k - i - 1 < 24:
            d = f[k]
            if (d == 0 or d == 64 or _space(d, flags) or _stop_punct(d) or d == 44 or d == 46 or d == 33
                    or d == 63 or d == 58 or d == 0xFF1A or d == 59 or d == 0xFF1B or d == 0x3001 or d == 35
                    or d == 91 or d == 93):
                break
            k += 1
        if k > i + 1:
            return k
    # (?<![a-z0-9_])(?:nan|none|null|undefined|n/a)(?![a-z0-9_])
    if (c == 110 or c == 117) and (i == 0 or not (_lower_alnum(f[i - 1]) or f[i - 1] == 95)):
        for t in range(len(holder_ends) - 1):
            word = holders[holder_ends[t]:holder_ends[t + 1]]
            m = i + len(word)
            if _spells(f, i, word) and (m >= n or not (_lower_alnum(f[m]) or f[m] == 95)):
                return m
    # [decoration]+
    if _decor(c, flags, high):
        k = i + 1
        while k < n and _decor(f[k], flags, high):
            k += 1
        return k
    return -1


@nb.njit(cache=True)
def _scrub(low: np.ndarray, fold: np.ndarray, flags: np.ndarray, high: np.ndarray, tlds: np.ndarray,
           tld_ends: np.ndarray, holders: np.ndarray, holder_ends: np.ndarray) -> np.ndarray:
    n = len(low)
    f = np.empty(n, np.uint32)
    for i in range(n):
        f[i] = fold[low[i]]
    out = np.empty(n, np.uint32)
    w = 0
    i = 0
    while i < n:
        c = f[i]
        # Most characters start no alternative: CJK and everything outside ASCII but decoration.
        if c >= 0x80 and not _decor(c, flags, high):
            out[w] = c
            w += 1
            i += 1
            continue
        e = _match(f, i, flags, high, tlds, tld_ends, holders, holder_ends)
        if e > i:
            out[w] = _SPACE
            w += 1
            i = e
        else:
            out[w] = c
            w += 1
            i += 1
    return out[:w]


def _words(words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    ends = np.zeros(len(words) + 1, np.int64)
    np.cumsum([len(w) for w in words], out=ends[1:])
    return code_points("".join(words)), ends


_TLDS = _words(("com", "cn", "net", "org"))  # in the regex's order
_HOLDERS = _words(("nan", "none", "null", "undefined", "n/a"))


def normalise_cps(text: str) -> np.ndarray:
    """``code_points(normalise(text))``, compiled: fold width, case and script, then blank platform debris."""
    low = code_points(text.lower())
    return _scrub(low, _FOLD_ARRAY, _classes(), _decor_high(), *_TLDS, *_HOLDERS)
