"""Texts to weighted term counts, and terms to themes, shared by the lost-lead and segment analyses."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from zhongcao.text import Lexicon, detect_phrases, normalise, tokenise
from zhongcao.text.lexicon import generic_words

_MIN_TERM_CHARS = 2  # one-character tokens (娃, 字, 课) carry little meaning on their own


def term_sets(texts: Sequence[str], lexicon: Lexicon | None, *, phrase_min_count: int = 20,
              parts: bool = False) -> list[list[str]]:
    """Each text's distinct terms: tokens of two or more characters, hashtags, emoji and detected phrases.

    Phrases are added beside their parts (握笔 + 姿势 → also 握笔姿势) so both the short and the
    long form can be scored; a phrase joins two words that touch in the text (never across a dropped
    stop word or punctuation mark). With ``parts``, a known word that begins or ends a longer token is added
    beside it too (夏季穿搭 → also 穿搭), as jieba's search mode does: a compound of the lexicon then still
    counts for its head. Identical texts are tokenised once.
    """
    uniq = list(dict.fromkeys(texts))
    toks = tokenise(uniq, lexicon)
    norms = [normalise(t) for t in uniq]
    known = frozenset(lexicon.words()) if lexicon is not None else frozenset()
    # Generic words (几个, 以后, 下来, 姐妹们) never start or end a phrase: 分享几个, 以后作业 are no terms.
    phrases = detect_phrases(toks, min_count=phrase_min_count, exclude=known | generic_words(), texts=norms)
    taught = lexicon.known() if lexicon is not None else frozenset()
    by_text: dict[str, list[str]] = {}
    for text, norm, doc in zip(uniq, norms, toks, strict=True):
        terms = [t for t in doc if len(t) >= _MIN_TERM_CHARS or is_symbol(t)]
        terms += [phrases[p] for p in pairwise(doc) if p in phrases and phrases[p] in norm]
        if parts:
            terms += [w for t in doc if len(t) >= 3 for w in _known_parts(t, taught)]
        by_text[text] = list(dict.fromkeys(terms))
    return [by_text[t] for t in texts]


def _known_parts(token: str, known: frozenset[str]) -> list[str]:
    """Known words of two or more characters that begin or end ``token`` (not the token itself)."""
    ends = [token[:k] for k in range(2, len(token))] + [token[k:] for k in range(1, len(token) - 1)]
    return [w for w in ends if w in known]


def is_symbol(token: str) -> bool:
    """Emoji and other non-word symbols."""
    return not token.isalnum() and not token.isascii()


def weighted_counts(terms: Sequence[Sequence[str]], weights: Iterable[float], groups: Iterable[object]
                    ) -> pd.DataFrame:
    """A group × term table of summed weights (a text contributes its weight once per term)."""
    acc: dict[object, Counter[str]] = defaultdict(Counter)
    for ts, w, g in zip(terms, weights, groups, strict=True):
        c = acc[g]
        for t in ts:
            c[t] += w
    return pd.DataFrame(acc).T.fillna(0.0)


def themes(terms: Sequence[str], term_lists: Sequence[Sequence[str]], weights: Sequence[float],
           min_jaccard: float = 0.35, nest: bool = False, scores: Sequence[float] | None = None,
           max_score_gap: float = math.inf) -> list[list[str]]:
    """Group terms that occur in the same texts, each group led by its best term.

    With ``nest``, a term that contains a leader or is contained in it (书法班 / 线下书法班,
    字帖 / 描红字帖) joins that leader too: short queries rarely share a text with the notes.

    Terms are taken in the given order (best first); each joins the first existing leader whose
    weighted Jaccard overlap of texts is at least ``min_jaccard``, else leads a new group.
    Comparing with leaders only (not with every member) stops chains from gluing unrelated
    groups together through one shared word. With ``scores``, a term joins a leader only when
    their scores differ by at most ``max_score_gap``: two offers named in the same comparison
    note (网课 vs 线下书法班) co-occur, but a term that behaves differently is a different offer.
    """
    wanted = {t: i for i, t in enumerate(terms)}
    occ: dict[int, dict[int, float]] = defaultdict(dict)
    for d, (ts, w) in enumerate(zip(term_lists, weights, strict=True)):
        for t in ts:
            i = wanted.get(t)
            if i is not None:
                occ[i][d] = w
    mass = {i: sum(v.values()) for i, v in occ.items()}
    leaders: list[int] = []
    groups: dict[int, list[str]] = {}
    for i, term in enumerate(terms):
        home = None
        for lead in leaders:
            if scores is not None and abs(scores[i] - scores[lead]) > max_score_gap:
                continue
            nested = nest and (terms[lead].lstrip("#") in term or term.lstrip("#") in terms[lead])
            if nested or _jaccard(occ.get(i, {}), occ.get(lead, {}), mass.get(i, 0.0), mass.get(lead, 0.0)) >= min_jaccard:
                home = lead
                break
        if home is None:
            leaders.append(i)
            groups[i] = [term]
        else:
            groups[home].append(term)
    return [groups[k] for k in leaders]


def _jaccard(da: dict[int, float], db: dict[int, float], ma: float, mb: float) -> float:
    small, large = (da, db) if len(da) <= len(db) else (db, da)
    inter = sum(min(w, large[d]) for d, w in small.items() if d in large)
    union = ma + mb - inter
    return inter / union if union > 0 else 0.0


def examples(term_group: Sequence[str], texts: Sequence[str], term_lists: Sequence[Sequence[str]],
             weights: Sequence[float], k: int = 3) -> list[str]:
    """Up to ``k`` distinct texts containing the group's lead term (else any of its terms), most weight first."""
    order = np.argsort(-np.asarray(weights, dtype=float), kind="stable")
    for pool in ([term_group[0]], list(term_group)):
        wanted = set(pool)
        out: list[str] = []
        for i in order:
            if wanted.intersection(term_lists[i]) and texts[i] not in out:
                out.append(texts[i])
                if len(out) == k:
                    return out
        if out:
            return out
    return []
