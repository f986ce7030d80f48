"""Multi-word terms: lexicon words survive segmentation; frequent adjacent pairs are joined.

A pair of adjacent tokens of the same script becomes a phrase when it is frequent and its pointwise
mutual information is high (the pair occurs far more often than its parts' frequencies predict),
e.g. 卷面 + 整洁 → 卷面整洁 or 写字 + 速度 → 写字速度.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise


def detect_phrases(docs: Sequence[Sequence[str]], *, min_count: int = 20, min_pmi: float = 3.0,
                   max_chars: int = 8, exclude: frozenset[str] = frozenset()) -> dict[tuple[str, str], str]:
    """Adjacent token pairs worth joining: ``(a, b) → "ab"``, scored by PMI over the corpus.

    Tokens in ``exclude`` (lexicon words: already whole terms) never start or end a phrase.
    """
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for doc in docs:
        unigrams.update(doc)
        bigrams.update(pairwise(doc))
    total = sum(unigrams.values())
    if total == 0:
        return {}
    out: dict[tuple[str, str], str] = {}
    for (a, b), n in bigrams.items():
        if n < min_count or a.startswith("#") or b.startswith("#") or a in exclude or b in exclude:
            continue
        if not (_wordlike(a) and _wordlike(b)) or len(a) + len(b) > max_chars or script(a) != script(b):
            continue
        pmi = math.log(n * total / (unigrams[a] * unigrams[b]))
        if pmi >= min_pmi:
            out[(a, b)] = a + b
    return out


def join_phrases(docs: Sequence[Sequence[str]], phrases: dict[tuple[str, str], str]) -> list[list[str]]:
    """Docs with each detected pair replaced by its phrase (left to right, no overlaps)."""
    if not phrases:
        return [list(d) for d in docs]
    out = []
    for doc in docs:
        joined: list[str] = []
        i = 0
        while i < len(doc):
            if i + 1 < len(doc) and (doc[i], doc[i + 1]) in phrases:
                joined.append(phrases[(doc[i], doc[i + 1])])
                i += 2
            else:
                joined.append(doc[i])
                i += 1
        out.append(joined)
    return out


def script(token: str) -> str:
    """``han`` for a token with any Chinese character, else ``latin``: phrases never join the two (bear + 小)."""
    return "han" if any("\u3400" <= ch <= "\u9fff" for ch in token) else "latin"


def _wordlike(token: str) -> bool:
    # Phrases are built from Chinese words or Latin words, not from emoji or digits alone.
    return any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in token)
