"""Multi-word terms: lexicon words survive segmentation; frequent adjacent pairs are joined.

A pair of adjacent tokens of the same script becomes a phrase when it is frequent and its pointwise
mutual information is high (the pair occurs far more often than its parts' frequencies predict),
e.g. 卷面 + 整洁 → 卷面整洁 or 写字 + 速度 → 写字速度.

Both parts must be words of at least ``min_piece_chars`` characters: a single character left over by
the segmenter is a piece of a word, not a word to build phrases from (耳夹式戴着 gives 式 + 戴, and
式戴 is nobody's phrase). With the texts, the two tokens must also touch in the text: tokens are
adjacent in the token list once stop words and punctuation are dropped, but 耳洞 + 姐妹 in
"耳洞的姐妹" or 质量差 + 客服 in "质量差，客服…" are not a phrase.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise


def detect_phrases(docs: Sequence[Sequence[str]], *, min_count: int = 20, min_pmi: float = 3.0,
                   max_chars: int = 8, exclude: frozenset[str] = frozenset(), min_piece_chars: int = 2,
                   texts: Sequence[str] | None = None) -> dict[tuple[str, str], str]:
    """Adjacent token pairs worth joining: ``(a, b) → "ab"``, scored by PMI over the corpus.

    Tokens in ``exclude`` (lexicon words: already whole terms) never start or end a phrase, nor do
    tokens shorter than ``min_piece_chars``. With ``texts`` (each doc's normalised text) a pair counts
    only in the texts where its two tokens touch.
    """
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for k, doc in enumerate(docs):
        unigrams.update(doc)
        pairs = [(a, b) for a, b in pairwise(doc) if len(a) >= min_piece_chars and len(b) >= min_piece_chars]
        if texts is not None:
            pairs = [(a, b) for a, b in pairs if a + b in texts[k]]
        bigrams.update(pairs)
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


def join_phrases(docs: Sequence[Sequence[str]], phrases: dict[tuple[str, str], str],
                 texts: Sequence[str] | None = None) -> list[list[str]]:
    """Docs with each detected pair replaced by its phrase (left to right, no overlaps).

    With ``texts`` (each doc's normalised text) a pair is joined only where its tokens touch in the text.
    """
    if not phrases:
        return [list(d) for d in docs]
    out = []
    for k, doc in enumerate(docs):
        joined: list[str] = []
        i = 0
        while i < len(doc):
            pair = (doc[i], doc[i + 1]) if i + 1 < len(doc) else None
            if pair in phrases and (texts is None or phrases[pair] in texts[k]):
                joined.append(phrases[pair])
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
