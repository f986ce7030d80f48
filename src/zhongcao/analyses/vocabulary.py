"""The vocabulary every text analysis shares: the workspace's lexicon, template series and reportable terms.

- :func:`lexicon_for` is the brand's lexicon plus the words learned from the workspace's own notes,
  comments and searches (stored in the workspace when it has room for them, else learned on the spot);
- :func:`series_keys` gives each note its *series*: a creator's near-duplicate notes (one title
  template, MinHash over character shingles) form one series, so a templated run counts once;
- :class:`TermSupport` counts the distinct creators and series behind each term, and
  :meth:`TermSupport.reportable` keeps a term only when a careful analyst would sign it: two or more
  characters, a word rather than a symbol, placeholder, shortcode or generic word, not Latin glued to
  Chinese unless a lexicon knows it, and carried by at least ``min_creators`` creators.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from zhongcao.analyses.creators.neardup import near_duplicate_groups
from zhongcao.text import Lexicon
from zhongcao.text.discover import discover_words
from zhongcao.text.lexicon import generic_words
from zhongcao.text.quality import _LATIN, _MARKERS, _PLACEHOLDER

DEFAULT_MIN_CREATORS = 5
_LEARNED: weakref.WeakKeyDictionary[Any, tuple[str, ...]] = weakref.WeakKeyDictionary()


def learn_words(source: Any) -> pd.DataFrame:
    """Discover the workspace's own words from its notes (by creator), comments and search queries."""
    texts: list[str] = []
    authors: list[object] = []
    try:
        text = source.mart("note_text").to_pandas()
        creators = source.mart("note_metrics").to_pandas()[["note_id", "creator_id"]]
    except Exception:
        text = None
    if text is not None:
        text = text.merge(creators, on="note_id", how="left")
        texts = (text["title"].fillna("") + " " + text["body"].fillna("")).tolist()
        authors = text["creator_id"].fillna("").astype(str).tolist()
    # the marts read here are VOCABULARY_MARTS (base.py), every text analysis's declared footprint
    for mart, column in (("segment_text", "text"), ("scene_note_comments", "text"), ("query_weekly", "query")):
        try:
            extra = source.mart(mart).to_pandas()[column].dropna().astype(str).unique().tolist()
        except Exception:
            extra = []
        texts += extra
        authors += [f"{mart}:{i}" for i in range(len(extra))]  # each distinct text its own author
    return discover_words(texts, Lexicon.from_brand(source.brand), authors=authors)


def learned_table(source: Any) -> pd.DataFrame:
    """The workspace's learned words with their evidence: stored ones, else learned now and stored."""
    stored = getattr(source, "learned_words", None)
    table = stored() if callable(stored) else None
    if table is not None:
        return table.to_pandas()
    frame = learn_words(source)
    save = getattr(source, "save_learned_words", None)
    if callable(save):
        save(pa.Table.from_pandas(frame, preserve_index=False))
    return frame


def learned_words(source: Any) -> tuple[str, ...]:
    """The workspace's learned words (brand.toml ``ban_words`` are removed later, by the lexicon)."""
    cached = _LEARNED.get(source) if _weakrefable(source) else None
    if cached is None:
        cached = tuple(learned_table(source)["word"].astype(str))
        if _weakrefable(source):
            _LEARNED[source] = cached
    return cached


def _weakrefable(source: Any) -> bool:
    try:
        weakref.ref(source)
    except TypeError:
        return False
    return True


def lexicon_for(source: Any) -> Lexicon:
    """The brand's lexicon with the workspace's learned words (brand.toml ``ban_words`` left out)."""
    return Lexicon.from_brand(source.brand, learned=learned_words(source))


def series_keys(texts: Sequence[str], creators: Sequence[object]) -> np.ndarray:
    """A series id per note: the same creator's near-duplicate notes share one (a template counts once)."""
    if not len(texts):
        return np.zeros(0, dtype=np.int64)
    groups = near_duplicate_groups([str(t or "")[:200] for t in texts])
    # Factorise the (creator, group) pairs, not a joined string: pandas hashes strings as C strings, so a
    # NUL separator cut every key at the creator and made each creator's whole output one series.
    keys = pd.MultiIndex.from_arrays([pd.Index(list(creators), dtype=object), groups])
    return pd.factorize(keys)[0].astype(np.int64)


class TermSupport:
    """Distinct creators and series behind each term of a corpus of term lists."""

    def __init__(self, docs: Sequence[Iterable[str]], creators: Sequence[object], series: Sequence[int] | None = None,
                 lexicon: Lexicon | None = None, min_creators: int = DEFAULT_MIN_CREATORS) -> None:
        by_creator: dict[str, set[object]] = defaultdict(set)
        by_series: dict[str, set[int]] = defaultdict(set)
        series = series if series is not None else range(len(docs))
        for doc, c, s in zip(docs, creators, series, strict=True):
            for t in doc:
                by_creator[t].add(c)
                by_series[t].add(s)
        self.creators = {t: len(v) for t, v in by_creator.items()}
        self.series = {t: len(v) for t, v in by_series.items()}
        self.known = (lexicon or Lexicon()).known()
        self.min_creators = min_creators

    def reportable(self, term: str) -> bool:
        return self.creators.get(term, 0) >= self.min_creators and is_word_term(term, self.known)


def is_word_term(term: str, known: frozenset[str] = frozenset()) -> bool:
    """A term a person would write as a word: not a symbol, placeholder, shortcode, generic word or glue."""
    t = term.lstrip("#")
    if len(t) < 2 or not any(ch.isalnum() for ch in t) or _PLACEHOLDER.match(t) or _MARKERS.search(t):
        return False
    if t in generic_words() or t.isdigit():
        return False
    return not (_LATIN.search(t) and t not in known and not term.startswith("#"))
