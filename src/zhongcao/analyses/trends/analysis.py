"""Trends: rising terms, scenes and queries week over week, as a periodic digest.

Reads the ``note_text`` and ``note_metrics`` marts (public note text and publishing day) and
``query_weekly`` (searches and distinct searchers per query and week); a query is reported only in
a week when at least ``min_group_size`` distinct people searched it.

Burst detection per term and week: count this week ``x`` against the mean ``μ`` of the previous
``baseline_weeks`` weeks; the burst z is the Poisson score ``(x − μ) / sqrt(μ + 1)`` (the +1 keeps
new terms from exploding); a term rises when z ≥ ``min_z`` and x ≥ ``min_count``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, Interval, MartSource, with_vocabulary
from zhongcao.analyses.vocabulary import (
    DEFAULT_MIN_CREATORS,
    TermSupport,
    lexicon_for,
    series_keys,
)
from zhongcao.errors import InsufficientDataError
from zhongcao.text import tokenise
from zhongcao.text.quality import term_quality


class TrendAnalysis(Analysis):
    """Weekly burst detection over note terms, brand scenes and search queries.

    Parameters
    ----------
    baseline_weeks:
        Weeks before each week that form its baseline.
    digest_weeks:
        How many recent weeks the digest covers.
    min_z, min_count:
        A term rises when its burst z and its count this week reach these.
    top:
        Rising items kept per week and source.
    min_group_size:
        A query searched by fewer distinct people in a week is not reported for that week.
    min_creators:
        A note term is counted once per template series (a creator's near-duplicate notes) and reported
        in a week only when at least this many distinct creators used it that week.
    """

    name: ClassVar[str] = "trends"
    marts: ClassVar[tuple[str, ...]] = with_vocabulary("note_text", "note_metrics", "query_weekly")
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "baseline_weeks": [Interval(int, 2, 52)],
        "digest_weeks": [Interval(int, 1, 52)],
        "min_z": [Interval(float, 0, None)],
        "min_count": [Interval(int, 1, None)],
        "top": [Interval(int, 1, 100)],
        "min_group_size": [Interval(int, 1, None)],
        "min_creators": [Interval(int, 1, None)],
    }

    def __init__(self, baseline_weeks: int = 8, digest_weeks: int = 4, min_z: float = 3.0, min_count: int = 5,
                 top: int = 10, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                 min_creators: int = DEFAULT_MIN_CREATORS) -> None:
        self.baseline_weeks = baseline_weeks
        self.digest_weeks = digest_weeks
        self.min_z = min_z
        self.min_count = min_count
        self.top = top
        self.min_group_size = min_group_size
        self.min_creators = min_creators

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        text = source.mart("note_text").to_pandas()
        days = source.mart("note_metrics").to_pandas()
        if "creator_id" not in days:  # an export without creators: each note is its own author
            days = days.assign(creator_id=days["note_id"].astype(str))
        notes = text.merge(days[["note_id", "day", "creator_id"]], on="note_id")
        if notes.empty:
            raise InsufficientDataError("no notes in the workspace: no trends to find")
        brand = source.brand
        lex = lexicon_for(source)
        notes["week"] = pd.to_datetime(notes["day"]).dt.to_period("W-SUN").dt.start_time
        full = (notes["title"].fillna("") + " " + notes["body"].fillna("")).tolist()
        creators = notes["creator_id"].fillna("").astype(str).tolist()
        series = series_keys(full, creators)
        docs = [list(dict.fromkeys(d)) for d in tokenise(full, lex)]
        support = TermSupport(docs, creators, series, lex, self.min_creators)
        rows: list[tuple[pd.Timestamp, str, str, int, str]] = []
        for week, tokens, t, s_id, c in zip(notes["week"], docs, full, series, creators, strict=True):
            rows += [(week, "term", w, s_id, c) for w in tokens if support.reportable(w)]
            for scene, words in brand.scenes.items():
                if any(w in t for w in words):
                    rows.append((week, "scene", scene, s_id, c))
        long = pd.DataFrame(rows, columns=["week", "source", "item", "series", "creator"])
        # A template series counts once a week; creators say how many people carry the term that week.
        counts = (long.groupby(["week", "source", "item"]).agg(count=("series", "nunique"), people=("creator", "nunique"))
                  .reset_index())
        queries = source.mart("query_weekly").to_pandas()
        queries = pd.DataFrame({"week": pd.to_datetime(queries["day"]), "source": "query", "item": queries["query"],
                                "count": queries["searches"], "people": queries["searchers"]})
        counts = pd.concat([counts, queries], ignore_index=True) if len(queries) else counts
        self.rising_ = self._bursts(counts)
        terms = self.rising_.loc[self.rising_["source"] == "term", "item"].astype(str).tolist()
        self.term_quality_ = term_quality(terms, lex, corpus=full, creators=support.creators,
                                          min_creators=self.min_creators).to_dict()
        # Weekly series only of the 30 strongest risers: the full term × week table is large.
        keep = set(self.rising_.sort_values("z", ascending=False).head(30)["item"])
        self.weekly_ = (counts[counts["item"].isin(keep)].drop(columns="people")
                        .sort_values(["source", "item", "week"]).reset_index(drop=True))
        weeks = sorted(counts["week"].unique())
        recent = set(weeks[-self.digest_weeks:])
        self.digest_ = self.rising_[self.rising_["week"].isin(recent)].reset_index(drop=True)
        return self

    def _bursts(self, counts: pd.DataFrame) -> pd.DataFrame:
        wide = counts.pivot_table(index=["source", "item"], columns="week", values="count", fill_value=0, aggfunc="sum")
        weeks = list(wide.columns)
        x = wide.to_numpy(float)
        # Distinct people behind an item's week (searchers of a query, creators of a term); without the column
        # every count is taken as a different person.
        people = (counts.pivot_table(index=["source", "item"], columns="week", values="people", fill_value=0,
                                     aggfunc="sum").reindex(index=wide.index, columns=weeks, fill_value=0).to_numpy(float)
                  if "people" in counts else x.copy())
        out = []
        for j in range(self.baseline_weeks, len(weeks)):
            mu = x[:, j - self.baseline_weeks:j].mean(axis=1)
            z = (x[:, j] - mu) / np.sqrt(mu + 1.0)
            ok = (z >= self.min_z) & (x[:, j] >= self.min_count)
            frame = pd.DataFrame({"week": weeks[j], "source": wide.index.get_level_values(0),
                                  "item": wide.index.get_level_values(1), "count": x[:, j], "baseline": mu, "z": z,
                                  "people": people[:, j]})[ok]
            frame = frame[((frame["source"] != "query") | (frame["people"] >= self.min_group_size))
                          & ((frame["source"] != "term") | (frame["people"] >= self.min_creators))]
            out.append(frame.sort_values("z", ascending=False).groupby("source").head(self.top))
        cols = ["week", "source", "item", "count", "baseline", "z"]
        if not out:
            return pd.DataFrame({c: pd.Series(dtype=float if c in ("count", "baseline", "z") else object) for c in cols})
        return pd.concat(out, ignore_index=True)[cols]


__all__ = ["TrendAnalysis"]
