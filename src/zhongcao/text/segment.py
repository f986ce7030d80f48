"""Dictionary segmentation compiled with numba: jieba's algorithm, dictionary and HMM, tokens as ids.

Why not call rjieba: on the 2-core reference machine its segmentation alone runs at 21–26 MB/s
per core, and building one Python string per token, then filtering and splitting them in Python,
halved that (issue #3 asks ≥ 20 MB/s for the whole layer). Here the whole path — segment, look up,
drop stop words and punctuation, split into texts — runs in one compiled loop over code points and
returns integer token ids; Python builds a string only the first time a token is seen.

The algorithm is jieba's accurate mode, exactly: without HMM it gives rjieba's tokens, and with HMM
(``hmm=True``, what the tokeniser uses) ``jieba.lcut(text, HMM=True)``'s (tests compare both on real
reviews):

1. Runs of the "han" class (CJK ideographs, ASCII letters and digits, ``+#&._%-``) are segmented;
   anything else comes out one character at a time, except ``\\r\\n`` which stays whole.
2. In a run, the route maximises the sum of ``ln(freq) − ln(total)`` over the words, right to
   left, over every dictionary word starting at each position (a character with no word is a word
   of frequency 1); ties go to the longer word.
3. Without HMM, consecutive single ASCII letters/digits on the route are joined into one token
   (``abc123``). With HMM, consecutive single characters on the route that do not spell a dictionary
   word go to jieba's BMES Viterbi (``zhongcao.text.hmm``; Chinese) or its ``[a-zA-Z0-9]+(\\.\\d+)?%?`` split (the rest), so
   an unknown word such as 买超 comes out whole instead of character by character.
4. Optionally (``compounds`` and ``heads``, what the tokeniser uses), a **head compound**: a routed word
   that names a thing (a noun of jieba's dictionary or of the base lexicon) followed by a single
   character that heads product names (刷 笔 巾 贴 膜 机 …) is one token: 腮红 + 刷 → 腮红刷, 钢化 + 膜 →
   钢化膜, 双眼皮 + 贴 → 双眼皮贴. Chinese names most products this way (modifier + head), so such a
   word nobody listed comes out whole; a verb use (腮红刷得很匀) is the price, and it is rare
   (about 0.06% of the tokens of the real reviews change).

Words and their prefixes live in one open-addressing hash table keyed by a 64-bit polynomial hash
of their code points (a collision between two of the ~1.5M keys is a ~1e-7 event); the same table
holds the token ids and the drop flags.
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Iterable
from functools import cache
from importlib import resources

import numba as nb
import numpy as np

from zhongcao.text.hmm import B, E, S, hmm_model, is_hmm_han, viterbi
from zhongcao.text.normalise import BATCH_SEPARATOR, code_points

_MULT = np.uint64(0x100000001B3)  # FNV prime: a multiplier that spreads code points over 64 bits
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: a slot from the product's high bits
# Table columns (one row per slot, so a probe touches one cache line): key, frequency, token id.
_KEY, _FREQ, _ID = 0, 1, 2
_NOT_WORD = -1  # frequency of a key that is a token or a drop entry, not a dictionary prefix
_PREFIX = 0  # frequency of a proper prefix of a dictionary word
_UNSEEN, _DROPPED = -1, -2  # token id before first use, and of a token never returned
_DIRECT = 0x30000  # code points below this look up their one-character entry in an array, not the table


@nb.njit(cache=True, inline="always")
def _step(h: np.uint64, cp: np.uint32) -> np.uint64:
    # `| 1` keeps every key non-zero: zero marks an empty slot.
    return ((h ^ np.uint64(cp + 1)) * _MULT) | np.uint64(1)


@nb.njit(cache=True)
def _find(table: np.ndarray, h: np.uint64) -> int:
    """Slot of key ``h``, or the empty slot where it would go (linear probing)."""
    mask = len(table) - 1
    key = np.int64(h)
    i = int((h * _GOLDEN) >> np.uint64(32)) & mask
    while table[i, _KEY] != 0 and table[i, _KEY] != key:
        i = (i + 1) & mask
    return i


@nb.njit(cache=True)
def _slot(table: np.ndarray, h: np.uint64) -> int:
    """Slot of key ``h``, inserted as a plain token if absent."""
    s = _find(table, h)
    if table[s, _KEY] == 0:
        table[s, _KEY] = np.int64(h)
        table[s, _FREQ] = _NOT_WORD
        table[s, _ID] = _UNSEEN
    return s


@nb.njit(cache=True)
def _hash_span(cps: np.ndarray, a: int, b: int) -> np.uint64:
    h = np.uint64(0)
    for k in range(a, b):
        h = _step(h, cps[k])
    return h


@nb.njit(cache=True)
def _insert_words(table: np.ndarray, direct: np.ndarray, cps: np.ndarray, offsets: np.ndarray,
                  word_freq: np.ndarray) -> int:
    """Put each word (its frequency) and its proper prefixes (``_PREFIX``) into the table.

    A word already present gets the new frequency; returns how much the total frequency grew, as
    jieba counts it (a re-added word replaces its old frequency in the total).
    """
    grown = 0
    for w in range(len(offsets) - 1):
        a, b = offsets[w], offsets[w + 1]
        h = np.uint64(0)
        for k in range(a, b):
            h = _step(h, cps[k])
            s = _slot(table, h)
            if k == b - 1:
                grown += word_freq[w] - max(table[s, _FREQ], 0)
                table[s, _FREQ] = word_freq[w]
            elif table[s, _FREQ] < _PREFIX:
                table[s, _FREQ] = _PREFIX
            if k == a and cps[k] < _DIRECT:
                direct[cps[k]] = table[s, _FREQ]
    return grown


@nb.njit(cache=True)
def _mark_drop(table: np.ndarray, cps: np.ndarray, offsets: np.ndarray) -> None:
    for w in range(len(offsets) - 1):
        table[_slot(table, _hash_span(cps, offsets[w], offsets[w + 1])), _ID] = _DROPPED


@nb.njit(cache=True)
def _rehash(old: np.ndarray, table: np.ndarray) -> None:
    for i in range(len(old)):
        if old[i, _KEY] != 0:
            s = _find(table, np.uint64(old[i, _KEY]))
            table[s, :] = old[i, :]


@nb.njit(cache=True)
def _is_cjk(c: int) -> bool:
    return ((0x4E00 <= c <= 0x9FFF) or (0x3400 <= c <= 0x4DBF) or (0xF900 <= c <= 0xFAFF)
            or (0x20000 <= c <= 0x2A6DF) or (0x2A700 <= c <= 0x2EBEF) or (0x2F800 <= c <= 0x2FA1F))


@nb.njit(cache=True)
def _is_alnum(c: int) -> bool:
    return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122)


@nb.njit(cache=True)
def _is_han(c: int) -> bool:
    # + # % & - . _
    return _is_cjk(c) or _is_alnum(c) or c == 43 or c == 35 or c == 37 or c == 38 or c == 45 or c == 46 or c == 95


@nb.njit(cache=True)
def _emit_at(s: int, a: int, b: int, table: np.ndarray, out: np.ndarray, n_out: int, new_spans: np.ndarray,
             n_new: int, next_id: int) -> tuple[int, int, int]:
    """Append the id of token ``[a, b)`` found at slot ``s`` unless it is dropped; a first-seen token gets the next id."""
    tid = table[s, _ID]
    if tid == _DROPPED:
        return n_out, n_new, next_id
    if tid == _UNSEEN:
        tid = next_id
        table[s, _ID] = tid
        new_spans[n_new, 0] = a
        new_spans[n_new, 1] = b
        n_new += 1
        next_id += 1
    out[n_out] = tid
    return n_out + 1, n_new, next_id


@nb.njit(cache=True)
def _emit(cps: np.ndarray, a: int, b: int, table: np.ndarray, dslot: np.ndarray, out: np.ndarray, n_out: int,
          new_spans: np.ndarray, n_new: int, next_id: int) -> tuple[int, int, int]:
    """Append the id of token ``cps[a:b]`` (see :func:`_emit_at`); a one-character token's slot is remembered in
    ``dslot`` (most tokens are one character: punctuation, spaces, particles), so it is hashed and probed once."""
    c = cps[a]
    if b - a == 1 and c < len(dslot):
        s = dslot[c]
        if s < 0:
            s = _slot(table, _step(np.uint64(0), c))
            dslot[c] = s
    else:
        s = _slot(table, _hash_span(cps, a, b))
    return _emit_at(s, a, b, table, out, n_out, new_spans, n_new, next_id)


@nb.njit(cache=True)
def _flush_unknown(cps: np.ndarray, a: int, b: int, table: np.ndarray, dslot: np.ndarray, emit: np.ndarray,
                   trans: np.ndarray, start_p: np.ndarray, out: np.ndarray, n_out: int, new_spans: np.ndarray, n_new: int,
                   next_id: int, states: np.ndarray) -> tuple[int, int, int]:
    """Single characters in a row on the route: jieba's HMM makes words of them unless they spell a known word."""
    if b - a == 1:
        return _emit(cps, a, b, table, dslot, out, n_out, new_spans, n_new, next_id)
    s = _find(table, _hash_span(cps, a, b))
    if table[s, _KEY] != 0 and table[s, _FREQ] > 0:
        for k in range(a, b):
            n_out, n_new, next_id = _emit(cps, k, k + 1, table, dslot, out, n_out, new_spans, n_new, next_id)
        return n_out, n_new, next_id
    p = a
    while p < b:
        q = p
        if is_hmm_han(cps[p]):
            while q < b and is_hmm_han(cps[q]):
                q += 1
            viterbi(cps, p, q, emit, trans, start_p, states)
            begin, nexti = p, p
            for t in range(q - p):
                lab = states[t, 0]
                if lab == B:
                    begin = p + t
                elif lab == E:
                    n_out, n_new, next_id = _emit(cps, begin, p + t + 1, table, dslot, out, n_out, new_spans, n_new,
                                                  next_id)
                    nexti = p + t + 1
                elif lab == S:
                    n_out, n_new, next_id = _emit(cps, p + t, p + t + 1, table, dslot, out, n_out, new_spans, n_new,
                                                  next_id)
                    nexti = p + t + 1
            if nexti < q:
                n_out, n_new, next_id = _emit(cps, nexti, q, table, dslot, out, n_out, new_spans, n_new, next_id)
        else:
            while q < b and not is_hmm_han(cps[q]):
                q += 1
            # jieba splits this part with ([a-zA-Z0-9]+(?:\.\d+)?%?); what lies between matches stays whole.
            r = p
            while r < q:
                e = r
                if _is_alnum(cps[r]):
                    while e < q and _is_alnum(cps[e]):
                        e += 1
                    if e + 1 < q and cps[e] == 46 and 48 <= cps[e + 1] <= 57:
                        e += 1
                        while e < q and 48 <= cps[e] <= 57:
                            e += 1
                    if e < q and cps[e] == 37:
                        e += 1
                else:
                    while e < q and not _is_alnum(cps[e]):
                        e += 1
                n_out, n_new, next_id = _emit(cps, r, e, table, dslot, out, n_out, new_spans, n_new, next_id)
                r = e
        p = q
    return n_out, n_new, next_id


@nb.njit(cache=True)
def _insert_keys(keys: np.ndarray, cps: np.ndarray, offsets: np.ndarray) -> None:
    """A set of words as an open-addressing array of their hashes (0: empty slot)."""
    mask = len(keys) - 1
    for w in range(len(offsets) - 1):
        h = _hash_span(cps, offsets[w], offsets[w + 1])
        i = int((h * _GOLDEN) >> np.uint64(32)) & mask
        while keys[i] != 0 and keys[i] != h:
            i = (i + 1) & mask
        keys[i] = h


@nb.njit(cache=True)
def _has_key(keys: np.ndarray, h: np.uint64) -> bool:
    mask = len(keys) - 1
    i = int((h * _GOLDEN) >> np.uint64(32)) & mask
    while keys[i] != 0:
        if keys[i] == h:
            return True
        i = (i + 1) & mask
    return False


@nb.njit(cache=True)
def _walk_hmm(cps: np.ndarray, i: int, j: int, route_end: np.ndarray, route_slot: np.ndarray, table: np.ndarray,
              dslot: np.ndarray, emit: np.ndarray, trans: np.ndarray, start_p: np.ndarray, out: np.ndarray, n_out: int,
              new_spans: np.ndarray, n_new: int, next_id: int, states: np.ndarray, nouns: np.ndarray,
              heads: np.ndarray) -> tuple[int, int, int]:
    """Walk the route of run ``[i, j)`` as jieba's HMM mode does: words as routed, single characters buffered;
    a noun followed by a single head character is one word (``nouns`` and ``heads`` empty: never).

    ``route_end`` and ``route_slot`` are indexed from the run's start; a routed word is emitted from the table
    slot the route found it at."""
    x = i
    left = -1
    n_heads = len(heads)
    while x < j:
        y = i + route_end[x - i]
        if y - x == 1:
            if left < 0:
                left = x
        else:
            if left >= 0:
                n_out, n_new, next_id = _flush_unknown(cps, left, x, table, dslot, emit, trans, start_p, out, n_out,
                                                       new_spans, n_new, next_id, states)
                left = -1
            if (y < j and route_end[y - i] == y - i + 1 and cps[y] < n_heads and heads[cps[y]]
                    and _has_key(nouns, _hash_span(cps, x, y))):
                n_out, n_new, next_id = _emit(cps, x, y + 1, table, dslot, out, n_out, new_spans, n_new, next_id)
                y += 1
            else:
                n_out, n_new, next_id = _emit_at(route_slot[x - i], x, y, table, out, n_out, new_spans, n_new,
                                                 next_id)
        x = y
    if left >= 0:
        n_out, n_new, next_id = _flush_unknown(cps, left, j, table, dslot, emit, trans, start_p, out, n_out,
                                               new_spans, n_new, next_id, states)
    return n_out, n_new, next_id


@nb.njit(cache=True)
def _segment(cps: np.ndarray, table: np.ndarray, direct: np.ndarray, dslot: np.ndarray, logtotal: float,
             next_id: int, sep: int, room: int, hmm: bool, emit: np.ndarray, trans: np.ndarray, start_p: np.ndarray,
             nouns: np.ndarray, heads: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Token ids of ``cps`` with texts separated by code point ``sep``.

    Returns (ids of kept tokens, end offset of each text in them, spans of first-seen tokens, stop):
    ``stop`` < ``len(cps)`` when the next run could add more than ``room`` new keys to the table; the
    caller grows the table and continues from ``stop`` (runs are segmented independently).
    """
    n = len(cps)
    out = np.empty(n, np.int32)
    ends = np.empty(n + 1, np.int64)
    new_spans = np.empty((min(n, room) + 2, 2), np.int64)
    # Per-run scratch, indexed from the run's start: only as much memory is touched as the longest run needs.
    route_val = np.empty(n + 1, np.float64)
    route_end = np.empty(n + 1, np.int64)
    route_slot = np.empty(n + 1, np.int64)
    states = np.empty((n + 1, 4), np.int64)  # Viterbi back-pointers, reused by every unknown span
    n_out = 0
    n_docs = 0
    n_new = 0
    i = 0
    while i < n:
        c = cps[i]
        if c == sep:
            ends[n_docs] = n_out
            n_docs += 1
            i += 1
            continue
        if n_new + 2 > room:
            break
        if not _is_han(c):
            b = i + 2 if c == 13 and i + 1 < n and cps[i + 1] == 10 else i + 1
            n_out, n_new, next_id = _emit(cps, i, b, table, dslot, out, n_out, new_spans, n_new, next_id)
            i = b
            continue
        j = i
        while j < n and _is_han(cps[j]):
            j += 1
        if n_new + (j - i) > room:
            break
        # Best route right to left over the run [i, j).
        route_val[j - i] = 0.0
        for idx in range(j - 1, i - 1, -1):
            best = (0.0 - logtotal) + route_val[idx + 1 - i]  # a character with no word: frequency 1
            best_end = idx
            best_slot = -1
            c0 = cps[idx]
            f = direct[c0] if c0 < _DIRECT else table[_find(table, _step(np.uint64(0), c0)), _FREQ]
            if f >= _PREFIX:
                if f > 0:
                    best = (math.log(f) - logtotal) + route_val[idx + 1 - i]
                h = _step(np.uint64(0), c0)
                for x in range(idx + 1, j):
                    h = _step(h, cps[x])
                    s = _find(table, h)
                    f = table[s, _FREQ]
                    if table[s, _KEY] == 0 or f < _PREFIX:
                        break
                    if f > 0:
                        v = (math.log(f) - logtotal) + route_val[x + 1 - i]
                        if v >= best:  # ties go to the longer word, as in jieba
                            best = v
                            best_end = x
                            best_slot = s
            route_val[idx - i] = best
            route_end[idx - i] = best_end + 1 - i
            route_slot[idx - i] = best_slot
        if hmm:
            n_out, n_new, next_id = _walk_hmm(cps, i, j, route_end, route_slot, table, dslot, emit, trans, start_p,
                                              out, n_out, new_spans, n_new, next_id, states, nouns, heads)
            i = j
            continue
        # Walk the route; single ASCII letters/digits in a row make one token.
        x = i
        left = -1
        while x < j:
            y = i + route_end[x - i]
            if y - x == 1 and _is_alnum(cps[x]):
                if left < 0:
                    left = x
            else:
                if left >= 0:
                    n_out, n_new, next_id = _emit(cps, left, x, table, dslot, out, n_out, new_spans, n_new, next_id)
                    left = -1
                if y - x == 1:
                    n_out, n_new, next_id = _emit(cps, x, y, table, dslot, out, n_out, new_spans, n_new, next_id)
                else:
                    n_out, n_new, next_id = _emit_at(route_slot[x - i], x, y, table, out, n_out, new_spans, n_new,
                                                     next_id)
            x = y
        if left >= 0:
            n_out, n_new, next_id = _emit(cps, left, j, table, dslot, out, n_out, new_spans, n_new, next_id)
        i = j
    if i >= n:
        ends[n_docs] = n_out
        n_docs += 1
    return out[:n_out], ends[:n_docs], new_spans[:n_new], i


def _words_array(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return code_points("".join(words)), offsets


@cache
def _base_table() -> tuple[np.ndarray, np.ndarray, int]:
    """The table, one-character array and total frequency of jieba's dictionary alone (copied per lexicon)."""
    words, freqs = jieba_dictionary()
    table = np.zeros((1 << 21, 3), np.int64)
    direct = np.full(_DIRECT, _NOT_WORD, np.int64)
    total = _insert_words(table, direct, *_words_array(words), freqs)
    table.flags.writeable = False
    direct.flags.writeable = False
    return table, direct, int(total)


def jieba_dictionary() -> tuple[list[str], np.ndarray]:
    """jieba's own dictionary (word, frequency), read from the jieba package: no data of our own."""
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    words: list[str] = []
    freqs: list[int] = []
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[0]:
            words.append(parts[0])
            freqs.append(int(parts[1]))
    return words, np.asarray(freqs, dtype=np.int64)


class Segmenter:
    """jieba accurate mode over a batch of texts, returning token strings per text.

    ``weighted`` words enter with their own frequency and ``extra`` words with ``extra_freq`` (as
    jieba's ``add_word``), later ones replacing earlier; ``drop`` tokens are never returned. With
    ``hmm`` (jieba's default mode), characters the dictionary leaves single are joined into words
    by jieba's HMM, as ``jieba.cut(text, HMM=True)`` does; without it, jieba's ``HMM=False``. With
    ``hmm``, ``compounds`` (nouns) and ``heads`` (head characters), a noun followed by a single head
    character is one token (rule 4 above).
    Not thread-safe: the vocabulary grows as texts are segmented.
    """

    SEP = BATCH_SEPARATOR

    def __init__(self, extra: Iterable[str] = (), extra_freq: int = 200_000, drop: Iterable[str] = (), *,
                 weighted: Iterable[tuple[str, int]] = (), hmm: bool = False, compounds: Iterable[str] = (),
                 heads: str = "") -> None:
        table, direct, self.total = _base_table()
        self._table, self._direct = table.copy(), direct.copy()
        self._lock = threading.Lock()
        self.hmm = hmm
        self._emit, self._trans, self._start = hmm_model() if hmm else (np.zeros((1, 4)), np.zeros((4, 4)),
                                                                          np.zeros(4))
        pairs = dict(weighted)
        pairs.update({w: extra_freq for w in extra})
        pairs = {w: int(f) for w, f in pairs.items() if w}
        self.weighted = tuple(pairs.items())  # every word this segmenter added, with its frequency
        if pairs:
            self.total += _insert_words(self._table, self._direct, *_words_array(list(pairs)),
                                        np.fromiter(pairs.values(), dtype=np.int64, count=len(pairs)))
        self.logtotal = math.log(self.total)
        self.vocab: list[str] = []
        drop = [w for w in dict.fromkeys(drop) if w]
        if drop:
            _mark_drop(self._table, *_words_array(drop))
        self._used = int(np.count_nonzero(self._table[:, _KEY]))
        self._dslot = np.full(_DIRECT, -1, np.int64)  # table slot of each one-character token, once looked up
        nouns = [w for w in dict.fromkeys(compounds) if w] if heads else []
        self._nouns = np.zeros(1 << max(4, (2 * len(nouns)).bit_length()), np.uint64)
        if nouns:
            _insert_keys(self._nouns, *_words_array(nouns))
        self._heads = np.zeros(max((ord(c) + 1 for c in heads if ord(c) < _DIRECT), default=1), np.bool_)
        for c in heads:
            if ord(c) < _DIRECT:
                self._heads[ord(c)] = True

    def frequency(self, word: str) -> int:
        """The word's dictionary frequency (0 for a word the dictionary does not hold)."""
        if not word:
            return 0
        s = _find(self._table, np.uint64(_hash_span(code_points(word), 0, len(word))))
        return max(int(self._table[s, _FREQ]), 0) if self._table[s, _KEY] != 0 else 0

    def _grow(self, need: int) -> None:
        """Room for ``need`` more keys with the table at most half full: double it and re-insert every entry."""
        cap = len(self._table)
        while self._used + need > cap // 2:
            cap *= 2
        if cap != len(self._table):
            old, self._table = self._table, np.zeros((cap, 3), np.int64)
            _rehash(old, self._table)
            self._dslot[:] = -1  # every slot moved

    def cut_many(self, text: str) -> list[list[str]]:
        """Tokens of each text in ``text``, texts separated by :attr:`SEP`."""
        ids, ends = self.ids_many(code_points(text), text)
        return self.token_lists(ids, ends)

    def token_lists(self, ids: np.ndarray, ends: np.ndarray) -> list[list[str]]:
        """The token strings of :meth:`ids_many`'s output, one list per text."""
        # Lists of strings hold no reference cycles; with the collector on, building a batch's tens of
        # thousands of lists set off repeated full collections that cost three times the building itself.
        enabled = gc.isenabled()
        gc.disable()
        try:
            tokens = list(map(self.vocab.__getitem__, ids.tolist()))
            bounds = ends.tolist()
            return [tokens[a:b] for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]
        finally:
            if enabled:
                gc.enable()

    def ids_many(self, cps: np.ndarray, text: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Token ids (into :attr:`vocab`) of the texts in code points ``cps`` (separated by :attr:`SEP`), and the
        end of each text's ids. ``text``, when given, is ``cps`` as a string (new tokens are sliced from it)."""
        with self._lock:
            return self._ids_many(cps, text)

    def _ids_many(self, cps: np.ndarray, text: str | None) -> tuple[np.ndarray, np.ndarray]:
        outs, all_ends, start, n_out, need = [], [], 0, 0, 1 << 16
        while True:
            self._grow(need)
            room = len(self._table) // 2 - self._used
            out, ends, spans, stop = _segment(cps[start:], self._table, self._direct, self._dslot, self.logtotal,
                                              len(self.vocab), ord(self.SEP), room, self.hmm, self._emit,
                                              self._trans, self._start, self._nouns, self._heads)
            self._used += len(spans)
            if len(spans):
                if text is None and len(spans) > 2000:
                    text = cps.tobytes().decode("utf-32-le", "surrogatepass")  # one decode beats thousands
                if text is not None:
                    self.vocab += [text[a:b] for a, b in (spans + start).tolist()]
                else:
                    self.vocab += [cps[a:b].tobytes().decode("utf-32-le", "surrogatepass")
                                   for a, b in (spans + start).tolist()]
            outs.append(out)
            all_ends.append(ends + n_out)
            n_out += len(out)
            start += stop
            if start >= len(cps):
                break
            need = len(self._table)  # stopped for lack of room: at least double the table
        ids = np.concatenate(outs) if len(outs) > 1 else outs[0]
        return ids, (np.concatenate(all_ends) if len(all_ends) > 1 else all_ends[0])
