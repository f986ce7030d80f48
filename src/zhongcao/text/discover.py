"""New-word discovery: the words a corpus uses as units, by cohesion and branching entropy.

A string of Chinese characters is a word of this corpus when

- it is **frequent** (``min_count`` occurrences) and used by several **documents or authors**
  (``min_docs``), so one creator's template does not make a word;
- its parts stick together (**cohesion**): the smallest pointwise mutual information over every
  way of cutting it in two, ``min over splits of ln(P(w) / (P(left) · P(right)))``, is at least
  ``min_pmi`` (穿搭 sticks, 的穿 does not);
- it is free on both sides (**branching entropy**): the entropy of the character before it and of the
  character after it is at least ``min_entropy`` each; a text boundary counts as a new neighbour every
  time. A piece of a longer word fails this test (绝绝 is nearly always followed by 子).

This is the standard unsupervised method (Huang & Powers' boundary entropy with a PMI cohesion, as in
many Chinese new-word finders). Everything is counted with numpy over the code points of the whole
corpus at once: each n-gram is a 64-bit polynomial hash of its characters, counted with ``np.unique``.

Candidates the segmenter already keeps whole, generic words and strings that start or end with a
function character (的, 了, 是, 我 …) are left out: they are known, not new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zhongcao.text.lexicon import Lexicon, generic_words
from zhongcao.text.normalise import normalise

_MULT = np.uint64(0x100000001B3)
# Characters that start or end phrases, not words: a candidate beginning or ending with one is a glue of
# a function word and a neighbour (的穿搭, 我的, 很好看).
_EDGE = frozenset("的了是在我你他她它们着和与也都就还很不没吗呢吧啊呀哦个这那有被把给让从对为之而及或又再更最太好真超一")
COLUMNS = ["word", "count", "docs", "cohesion", "left_entropy", "right_entropy", "score"]


@dataclass(frozen=True)
class DiscoveryParams:
    """Thresholds of :func:`discover_words` (defaults suit a brand's notes, comments and searches)."""

    min_count: int = 8
    min_docs: int = 5
    min_pmi: float = 3.0
    min_entropy: float = 1.0
    min_chars: int = 2
    max_chars: int = 6
    min_aligned: float = 0.5  # share of its uses that start and end on today's token boundaries
    max_corpus_chars: int = 12_000_000  # a longer corpus is sampled evenly to this size


def _is_han(cps: np.ndarray) -> np.ndarray:
    return ((cps >= 0x4E00) & (cps <= 0x9FFF)) | ((cps >= 0x3400) & (cps <= 0x4DBF))


def _ngram_hashes(cps: np.ndarray, han: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash of every window of ``n`` Chinese characters in a row, and the window's start positions."""
    m = len(cps) - n + 1
    if m <= 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    ok = np.ones(m, bool)
    h = np.zeros(m, np.uint64)
    for k in range(n):
        ok &= han[k:k + m]
        h = (h ^ (cps[k:k + m].astype(np.uint64) + np.uint64(1))) * _MULT
    start = np.flatnonzero(ok)
    return h[start], start


def _entropy(keys: np.ndarray, neighbours: np.ndarray, boundary: np.ndarray, uniq: np.ndarray,
             total: np.ndarray) -> np.ndarray:
    """Entropy of each candidate's neighbour distribution; a text boundary is a new neighbour each time.

    ``keys`` and ``neighbours`` are per occurrence; ``uniq`` the sorted candidates; ``total`` their counts.
    """
    out = np.zeros(len(uniq))
    inner = ~boundary
    if inner.any():
        pu, pc = np.unique(np.stack([keys[inner], neighbours[inner]], axis=1), axis=0, return_counts=True)
        idx = np.searchsorted(uniq, pu[:, 0])
        q = pc / total[idx]
        np.add.at(out, idx, -q * np.log(q))
    nb = np.bincount(np.searchsorted(uniq, keys[boundary]), minlength=len(uniq))
    out += nb / total * np.log(total)  # nb boundaries, each of probability 1 / total
    return out


def discover_words(texts: Sequence[str | None], lexicon: Lexicon | None = None, *,
                   authors: Sequence[object] | None = None, params: DiscoveryParams | None = None) -> pd.DataFrame:
    """Words the corpus uses as units that the segmenter would split, best first.

    ``authors`` (one per text, e.g. the note's creator) makes ``docs`` count distinct authors instead
    of distinct texts, so a creator's templated series counts once. Returns a frame with columns
    word, count, docs, cohesion, left_entropy, right_entropy and score (cohesion × the smaller entropy).
    """
    p = params or DiscoveryParams()
    items = [normalise(t) for t in texts]
    owners = list(authors) if authors is not None else list(range(len(items)))
    if len(owners) != len(items):
        raise ValueError("authors must give one author per text")
    # Identical texts are one text: a copied comment is not a new use of its words.
    seen: dict[str, int] = {}
    docs_text, docs_owner = [], []
    for t, o in zip(items, owners, strict=True):
        if t and t not in seen:
            seen[t] = len(docs_text)
            docs_text.append(t)
            docs_owner.append(o)
    total_chars = sum(len(t) for t in docs_text)
    if total_chars > p.max_corpus_chars:
        step = total_chars / p.max_corpus_chars
        keep = np.unique((np.arange(int(len(docs_text) / step)) * step).astype(int))
        docs_text = [docs_text[i] for i in keep]
        docs_owner = [docs_owner[i] for i in keep]
    if not docs_text:
        return pd.DataFrame(columns=COLUMNS)
    owner_codes = pd.factorize(pd.Series(docs_owner, dtype=object))[0].astype(np.int64)
    joined = "\x00".join(docs_text)
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = _is_han(cps)
    doc_of = np.cumsum(cps == 0)  # document index of each position
    n_chars = float(han.sum())
    bounds = token_bounds(joined, lexicon)
    counts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for n in range(1, p.max_chars + 1):
        h, _ = _ngram_hashes(cps, han, n)
        counts[n] = np.unique(h, return_counts=True)

    def count_of(n: int, h: np.ndarray) -> np.ndarray:
        keys, c = counts[n]
        i = np.clip(np.searchsorted(keys, h), 0, max(len(keys) - 1, 0))
        return np.where(len(keys) and keys[i] == h, c[i], 0) if len(keys) else np.zeros(len(h), np.int64)

    rows = []
    for n in range(p.min_chars, p.max_chars + 1):
        h, start = _ngram_hashes(cps, han, n)
        keys, c = counts[n]
        frequent = keys[c >= p.min_count]
        if not len(frequent):
            continue
        sel = np.isin(h, frequent)
        h, start = h[sel], start[sel]
        uniq, first, cnt = np.unique(h, return_index=True, return_counts=True)
        # Cohesion: the weakest of the n - 1 ways to cut the candidate in two.
        cohesion = np.full(len(uniq), np.inf)
        for k in range(1, n):
            left_h = _hash_at(cps, start[first], k)
            right_h = _hash_at(cps, start[first] + k, n - k)
            pmi = np.log(cnt * n_chars / (count_of(k, left_h) * count_of(n - k, right_h)).astype(float))
            cohesion = np.minimum(cohesion, pmi)
        # Distinct documents (or authors) using it.
        owner = owner_codes[doc_of[start]]
        pairs = np.unique(np.stack([h, owner.astype(np.uint64)], axis=1), axis=0)
        docs = np.bincount(np.searchsorted(uniq, pairs[:, 0]), minlength=len(uniq))
        before = np.where(start > 0, start - 1, 0)
        after = start + n
        left_boundary = (start == 0) | ~han[before]
        right_boundary = (after >= len(cps)) | ~han[np.minimum(after, len(cps) - 1)]
        total = cnt.astype(float)
        left = _entropy(h, cps[before].astype(np.uint64), left_boundary, uniq, total)
        right = _entropy(h, cps[np.minimum(after, len(cps) - 1)].astype(np.uint64), right_boundary, uniq, total)
        # A fragment starts or ends inside a token of today's segmentation (感满满 in 氛围感|满满).
        whole = np.bincount(np.searchsorted(uniq, h), weights=(bounds[start] & bounds[start + n]).astype(float),
                            minlength=len(uniq)) / cnt
        ok = ((cnt >= p.min_count) & (whole >= p.min_aligned) & (docs >= p.min_docs) & (cohesion >= p.min_pmi)
              & (left >= p.min_entropy) & (right >= p.min_entropy))
        for i in np.flatnonzero(ok):
            s = int(start[first[i]])
            word = joined[s:s + n]
            rows.append((word, int(cnt[i]), int(docs[i]), float(cohesion[i]), float(left[i]), float(right[i]),
                         float(cohesion[i] * min(left[i], right[i]))))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame = frame[[_plausible(w) for w in frame["word"]]]
    if frame.empty:
        return frame
    frame = frame[_new_words(frame["word"].tolist(), lexicon)]
    return frame.sort_values(["score", "word"], ascending=[False, True]).reset_index(drop=True)


def token_bounds(text: str, lexicon: Lexicon | None) -> np.ndarray:
    """``out[i]`` is True where a token of today's segmentation starts or ends at code point ``i``."""
    from zhongcao.text.tokenise import segment_all

    out = np.zeros(len(text) + 1, bool)
    pos = 0
    out[0] = True
    for k, doc in enumerate(segment_all(text, lexicon)):
        if k:
            pos += 1  # the separator between texts
            out[pos] = True
        for t in doc:
            pos += len(t)
            out[pos] = True
    out[len(text)] = True
    return out


def _hash_at(cps: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    h = np.zeros(len(starts), np.uint64)
    for k in range(n):
        h = (h ^ (cps[starts + k].astype(np.uint64) + np.uint64(1))) * _MULT
    return h


def _plausible(word: str) -> bool:
    if word[0] in _EDGE or word[-1] in _EDGE or len(set(word)) == 1:
        return False
    return word not in generic_words()


def _new_words(words: list[str], lexicon: Lexicon | None) -> list[bool]:
    """True for candidates that are new words, not known words or phrases of known words.

    With the segmenter as it is (this lexicon, before learning), a candidate is left out when it is
    already one token; when it is a phrase of known words (every piece two or more characters:
    购物分享, 日常通勤); when a piece is a stop word or a generic word (怎么买, 尝试一个新); and when it is a
    taught word with two or more characters around it (线下班三个月).
    """
    from zhongcao.text.tokenise import stopwords, tokenise

    lexicon = lexicon or Lexicon()
    pieces = tokenise(words, lexicon, keep_stopwords=True)
    stop, generic, taught = stopwords(), generic_words(), lexicon.known()
    out = []
    for w, doc in zip(words, pieces, strict=True):
        known = doc == [w]
        phrase = len(doc) > 1 and all(len(t) >= 2 for t in doc)
        filler = any(t in stop or t in generic for t in doc)
        # A taught word plus two or more other characters is a phrase around it (线下班 + 三个月, 跟 + 墨小笔 +
        # 练字), not a new word; a taught word plus one character may be one (早八 + 人).
        around = any(len(t) >= 2 and t in taught and len(w) - len(t) >= 2 for t in doc)
        out.append(not (known or phrase or filler or around))
    return out
