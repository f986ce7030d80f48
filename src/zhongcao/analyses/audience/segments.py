"""Segment pain points: the words that set each segment's comments and searches apart.

Panel attributes in the contract (gender, age_band, city_tier, region) are read from the
``segment_text`` mart (distinct users per segment × text). A segment may be any attribute keyed by
person (``people.py``): an extra column of ``users`` (``child_grade``), a lead-form answer on ``leads``
(``child_age``, ``budget``), a survey answer or an order attribute. Those are not in any fixed mart, so
for them the analysis truly needs user rows: it reads the attribute's table, ``comments`` and
``exposures`` with ``Workspace.staged`` and builds the same segment × text counts in memory, keeping
nothing per user afterwards. Segment sizes count the people who have the attribute.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.audience import people
from zhongcao.analyses.audience.stats import informative_prior, log_odds_dirichlet
from zhongcao.analyses.audience.terms import examples, is_symbol, term_sets, themes, weighted_counts
from zhongcao.analyses.base import (
    DEFAULT_MIN_GROUP_SIZE,
    Analysis,
    Interval,
    MartSource,
    user_rows,
    with_vocabulary,
)
from zhongcao.analyses.privacy import suppress
from zhongcao.analyses.vocabulary import DEFAULT_MIN_CREATORS, is_word_term, lexicon_for
from zhongcao.errors import AnalysisError, InsufficientDataError
from zhongcao.text.quality import term_quality

MART_ATTRIBUTES = ("gender", "age_band", "city_tier", "region")


class SegmentAnalysis(Analysis):
    """Distinguishing terms and themes per segment, by log-odds with an informative Dirichlet prior.

    Parameters
    ----------
    attribute:
        Segment attribute: a column of ``users``, ``leads``, ``surveys`` or ``orders`` (searched in that
        order, e.g. ``child_grade``, a lead-form ``budget``, ``age_band``); ``auto`` picks the first extra
        column of ``users``, then of ``leads``, with 2–12 values, answered on at least half of its rows
        and two values of ``min_group_size`` people or more, else ``age_band``.
    value_groups:
        Optional value → segment label map (``{"1": "1-2", "2": "1-2", …}``); unmapped values
        are dropped.
    min_group_size:
        Segments with fewer panel users than this are suppressed (and listed as such).
    top_terms:
        Distinguishing terms kept per segment.
    prior_strength:
        α₀ of the Dirichlet prior (pseudo-counts spread like the whole corpus).
    min_z:
        Smallest z-score for a term to count as distinguishing (1.96 ≈ 95%).
    min_creators:
        A term is reported only when at least this many of the segment's people wrote or searched it
        (and it is a word: not a symbol, placeholder, shortcode, generic word or cross-script glue).
    """

    name: ClassVar[str] = "segments"
    marts: ClassVar[tuple[str, ...]] = with_vocabulary("segment_text", "lead_outcomes")
    # attributes not in any mart: a person's column of users, leads, surveys or orders (people.find)
    user_tables: ClassVar[tuple[str, ...]] = ("users", "leads", "surveys", "orders", "comments", "exposures")
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "attribute": [str],
        "value_groups": [dict, None],
        "min_group_size": [Interval(int, 1, None)],
        "top_terms": [Interval(int, 1, 500)],
        "prior_strength": [Interval(float, 0.001, None)],
        "min_z": [Interval(float, 0, None)],
        "min_creators": [Interval(int, 1, None)],
    }

    def __init__(self, attribute: str = "auto", value_groups: dict[str, str] | None = None,
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE, top_terms: int = 15, prior_strength: float = 500.0,
                 min_z: float = 1.96, min_creators: int = DEFAULT_MIN_CREATORS) -> None:
        self.attribute = attribute
        self.value_groups = value_groups
        self.min_group_size = min_group_size
        self.top_terms = top_terms
        self.prior_strength = prior_strength
        self.min_z = min_z
        self.min_creators = min_creators

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        attribute = self._attribute(source)
        texts, sizes, table = _segment_texts(source, attribute)
        if self.value_groups is not None:
            groups = {str(k): str(v) for k, v in self.value_groups.items()}
            texts = texts.assign(value=texts["value"].map(groups)).dropna(subset=["value"])
            sizes = sizes.rename(index=groups).groupby(level=0).sum()
            sizes = sizes[sizes.index.isin(set(groups.values()))]
        small = sizes[sizes < self.min_group_size]
        self.attribute_ = attribute
        self.attribute_table_ = table
        self.sizes_ = {str(k): float(v) for k, v in sizes.items() if k not in small.index}
        # Suppressed segments publish nothing, not even their size.
        self.suppressed_ = sorted(str(k) for k in small.index)
        texts = texts[~texts["value"].isin(set(self.suppressed_)) & texts["text"].astype(str).str.strip().ne("")]
        kept = sorted(set(texts["value"]))
        if len(kept) < 2:
            raise InsufficientDataError(
                f"segments by {attribute}: need two segments of at least {self.min_group_size} users with text; "
                f"got {len(kept)} ({len(self.suppressed_)} suppressed as too small)")
        lexicon = lexicon_for(source)
        known = lexicon.known()
        text_list = texts["text"].astype(str).tolist()
        terms = term_sets(text_list, lexicon, parts=True)
        weights = texts["users"].to_numpy(float)
        counts = weighted_counts(terms, weights, texts["value"].tolist()).reindex(kept).fillna(0.0)
        total = counts.sum(axis=0).to_numpy(float)
        prior = informative_prior(total, self.prior_strength)
        term_rows, theme_rows = [], []
        values = texts["value"].to_numpy()
        for seg in kept:
            a = counts.loc[seg].to_numpy(float)
            _, _, z = log_odds_dirichlet(a, total - a, prior)
            order = np.argsort(-z)
            # Emoji stay tokens in the text layer but are mood, not a pain point to write content about.
            top = [i for i in order[: self.top_terms * 8]
                   if z[i] >= self.min_z and a[i] >= self.min_creators and not is_symbol(str(counts.columns[i]))
                   and is_word_term(str(counts.columns[i]), known)][: self.top_terms]
            names = [str(counts.columns[i]) for i in top]
            for rank, i in enumerate(top, 1):
                term_rows.append({"segment": seg, "rank": rank, "term": str(counts.columns[i]),
                                  "users": float(a[i]), "share": float(a[i] / a.sum()) if a.sum() else math.nan,
                                  "z": float(z[i])})
            mine = np.flatnonzero(values == seg)
            seg_terms = [terms[i] for i in mine]
            seg_w = weights[mine]
            seg_text = [text_list[i] for i in mine]
            zmap = {str(counts.columns[i]): float(z[i]) for i in top}
            for group in themes(names, seg_terms, seg_w):
                members = set(group)
                users = float(sum(w for ts, w in zip(seg_terms, seg_w, strict=True) if members & set(ts)))
                theme_rows.append({"segment": seg, "theme": group[0], "terms": group, "z": zmap[group[0]],
                                   "users": users, "examples": examples(group, seg_text, seg_terms, seg_w)})
        terms = pd.DataFrame(term_rows, columns=["segment", "rank", "term", "users", "share", "z"])
        people = dict(zip(counts.columns.astype(str), total, strict=True))
        self.term_quality_ = term_quality(terms["term"].tolist(), lexicon, corpus=text_list, creators=people,
                                          min_creators=self.min_creators).to_dict()
        # A theme or term used by fewer people than the minimum shows neither its count nor, for a
        # theme, the verbatim comments and queries behind it.
        self.terms_ = suppress(terms, size="users", blank=("users", "share"), min_group_size=self.min_group_size)
        self.themes_ = suppress(
            pd.DataFrame(theme_rows, columns=["segment", "theme", "terms", "z", "users", "examples"]),
            size="users", blank=("users", "examples"), min_group_size=self.min_group_size)
        return self

    def _attribute(self, source: MartSource) -> str:
        if self.attribute != "auto":
            return self.attribute
        rows = user_rows(source)  # a declared capability: marts from a clean room have no rows
        if rows is None:
            return "age_band"
        found = people.candidates(rows.staged, self.min_group_size)
        return found[0][1] if found else "age_band"


def _segment_texts(source: MartSource, attribute: str) -> tuple[pd.DataFrame, pd.Series, str]:
    """(value, source, text, users) rows, people per value, and the table the attribute came from."""
    if attribute in MART_ATTRIBUTES:
        frame = source.mart("segment_text").to_pandas()
        frame = frame[frame["attribute"] == attribute][["value", "source", "text", "users"]]
        panel = source.mart("lead_outcomes").to_pandas()
        panel = panel[(panel["status"] == "platform") & (panel["attribute"] == attribute)]
        sizes = panel.groupby("value")["leads"].sum().astype(float)
        return frame.assign(value=frame["value"].astype(str)), sizes.rename(index=str), "users"
    rows = user_rows(source)  # a declared capability: marts from a clean room have no rows
    if rows is None:
        raise AnalysisError(f"segment attribute {attribute!r} is not in a mart; it needs a workspace (user rows)")
    staged = rows.staged
    table, seg = people.find(staged, attribute)
    comments = staged("comments", ("user_id", "text")).to_pandas().dropna()
    expo = staged("exposures", ("user_id", "action", "query")).to_pandas()
    queries = expo[(expo["action"] == "search") & expo["query"].notna()][["user_id", "query"]]
    both = pd.concat([comments.assign(source="comment"), queries.rename(columns={"query": "text"}).assign(source="query")])
    j = both.merge(seg, on="user_id")
    frame = j.groupby(["value", "source", "text"])["user_id"].nunique().rename("users").reset_index()
    sizes = seg.groupby("value")["user_id"].nunique().astype(float)
    return frame, sizes, table
