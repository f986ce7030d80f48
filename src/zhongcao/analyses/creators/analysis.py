"""Creators who really move product: profile, genuine use, soft ads, fake engagement, shortlist.

Marts read: ``note_metrics`` (per note results and fees), ``creator_readers`` and
``order_baseline`` (the matched comparison and audience fit), ``attribution_touch_credit`` (the
attribution layer's linear order credit per creator, 30-day lookback).

User rows: the fake-engagement signals need who commented when and when each account was first
seen, so ``fit`` reads ``Workspace.staged("comments")`` and the ``user_id``/``ts`` of
``staged("exposures")``; it also reads the public ``notes`` text and the ``creators`` list.
Nothing user-level is kept on the fitted object: only per-note and per-creator aggregates.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import pandas as pd

from zhongcao.analyses.base import (
    DEFAULT_MIN_GROUP_SIZE,
    Analysis,
    Interval,
    MartSource,
    user_rows,
    with_vocabulary,
)
from zhongcao.analyses.creators import content, fake, profile, shortlist
from zhongcao.analyses.mentions import about_brand, matcher_for
from zhongcao.errors import AnalysisError, InsufficientDataError, WorkspaceError


class CreatorAnalysis(Analysis):
    """Creator scoring and booking.

    Parameters
    ----------
    budget:
        Budget for the shortlist (CNY); None = the average quarterly creator fee in the data
        (or ten median quotes when no fee is recorded).
    min_per_tier, max_per_tier:
        Tier mix of the shortlist, e.g. ``{"腰部": 2}`` (tiers 头部/腰部/初级/素人).
    regions:
        Book only creators based in these provinces; None = anywhere.
    min_tgi:
        Book only creators whose engaged readers index at least this high on the brand's target.
    soft_ad_threshold:
        Notes about the brand scoring at least this read as ads, used only when fewer than 100 notes are not
        about the brand (else the score is calibrated on them; see ``soft_ad_fdr``).
    soft_ad_fdr:
        False-discovery rate of the soft-ad flags: a brand note reads as an ad when its score is rare among
        notes not about the brand (empirical p-value, Benjamini–Hochberg; content.py).
    genuine_min_score:
        Creators scoring at least this (with two or more long-use notes) show genuine use.
    fake_threshold:
        Creators with a fake-engagement probability (1 − the Benjamini–Hochberg q-value of their score against
        the bulk of creators; fake.py) at least this are flagged and never booked: 0.95 is a 5% false-discovery rate.
    min_group_size:
        Creators with fewer readers than this have their reader numbers suppressed in findings.
    """

    name: ClassVar[str] = "creators"
    marts: ClassVar[tuple[str, ...]] = with_vocabulary(
        "note_metrics", "creator_readers", "order_baseline", "attribution_touch_credit")
    user_tables: ClassVar[tuple[str, ...]] = ("notes", "creators", "comments", "exposures")
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "budget": [Interval(float, 0, None), None],
        "min_per_tier": [dict, None],
        "max_per_tier": [dict, None],
        "regions": [list, tuple, None],
        "min_tgi": [Interval(float, 0, None), None],
        "soft_ad_threshold": [Interval(float, 0, None)],
        "soft_ad_fdr": [Interval(float, 0, 1)],
        "genuine_min_score": [Interval(float, 0, None)],
        "fake_threshold": [Interval(float, 0, 1)],
        "min_group_size": [Interval(int, 1, None)],
    }

    def __init__(self, budget: float | None = None, min_per_tier: dict[str, int] | None = None,
                 max_per_tier: dict[str, int] | None = None, regions: list[str] | None = None,
                 min_tgi: float | None = None, soft_ad_threshold: float = 3.0, soft_ad_fdr: float = 0.05,
                 genuine_min_score: float = 5.0, fake_threshold: float = 0.95,
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> None:
        self.budget = budget
        self.min_per_tier = min_per_tier
        self.max_per_tier = max_per_tier
        self.regions = regions
        self.min_tgi = min_tgi
        self.soft_ad_threshold = soft_ad_threshold
        self.soft_ad_fdr = soft_ad_fdr
        self.genuine_min_score = genuine_min_score
        self.fake_threshold = fake_threshold
        self.min_group_size = min_group_size

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        rows = user_rows(source)  # a declared capability: marts from a clean room have no rows
        if rows is None:
            raise AnalysisError("creators: needs a workspace (note text, comments and the creator list)")
        staged = rows.staged
        brand = source.brand
        metrics = source.mart("note_metrics").to_pandas()
        if metrics.empty:
            raise InsufficientDataError("no notes in the workspace: no creators to score")
        notes = staged("notes").to_pandas()
        notes = notes.merge(metrics[["note_id", "engagement"]], on="note_id", how="left")
        for col in ("views", "likes", "collects", "comments", "shares", "engagement"):
            notes[col] = pd.to_numeric(notes[col], errors="coerce").fillna(0)
        creators = staged("creators").to_pandas()
        known = set(creators["creator_id"])
        missing = sorted(set(notes["creator_id"]) - known)
        creators = pd.concat([creators, pd.DataFrame({"creator_id": missing})], ignore_index=True)
        for col in ("followers", "quote"):
            creators[col] = pd.to_numeric(creators.get(col), errors="coerce")
        for col in ("name", "region"):
            if col not in creators:
                creators[col] = None
        readers = source.mart("creator_readers").to_pandas()
        baseline = source.mart("order_baseline").to_pandas()

        # About the brand by its brand column or by naming the brand in the text (organic notes carry no brand).
        about = about_brand(notes, matcher_for(source))
        self.brand_notes_ = int(about.sum())
        brand_notes = notes[about]
        # --- profile
        med = profile.note_medians(notes)
        cost = profile.costs(notes, creators, med)
        fit_ = profile.audience_fit(readers, baseline, brand.target)
        inc = profile.matched_incremental(profile.incremental_ranking_inputs(readers, brand.name), baseline)
        prof = creators[["creator_id", "name", "followers", "region"]].set_index("creator_id")
        prof["tier"] = profile.tier(prof["followers"])
        prof = prof.join(med).join(cost).join(fit_).join(
            inc[["readers", "touches", "orders", "expected", "incremental", "incremental_low", "incremental_high"]])
        prof["brand_notes"] = brand_notes.groupby("creator_id").size().reindex(prof.index).fillna(0)
        prof["attributed_orders"] = _attributed_orders(source).reindex(prof.index).fillna(0.0)
        prof["suppressed"] = prof["readers"].fillna(0) < self.min_group_size
        # --- genuine use
        gen = content.genuine_use(brand_notes)
        gen["genuine"] = (gen["score"] >= self.genuine_min_score) & (gen["long_use_notes"] >= 2)
        # --- soft ads
        soft = content.soft_ad_scores(notes)
        soft["about_brand"] = about.to_numpy()
        soft["reads_as_ad"], soft["q_value"], self.soft_ad_method_ = content.calibrate_soft_ads(
            soft["score"].to_numpy(), about.to_numpy(), self.soft_ad_fdr, self.soft_ad_threshold)
        ads = soft.loc[soft["reads_as_ad"], "score"]
        self.soft_ad_cutoff_ = float(ads.min()) if len(ads) else float("nan")
        soft["undisclosed"] = soft["reads_as_ad"] & ~soft["sponsored"]
        # --- fake engagement
        comments = staged("comments", ("comment_id", "note_id", "user_id", "created_at", "text")).to_pandas()
        touches = staged("exposures", ("user_id", "ts")).to_pandas()
        signals = fake.note_signals(notes, comments, fake.first_seen(comments, touches))
        fk = fake.creator_scores(signals)
        fk["flagged"] = fk["probability"] >= self.fake_threshold

        prof["genuine"] = prof.index.isin(gen.loc[gen["genuine"], "creator_id"])
        prof["soft_ad_notes"] = soft[soft["reads_as_ad"]].groupby("creator_id").size().reindex(prof.index).fillna(0)
        prof["fake_probability"] = fk.set_index("creator_id")["probability"].reindex(prof.index)
        prof["fake_flagged"] = prof["fake_probability"].fillna(0) >= self.fake_threshold
        prof["value"] = prof["incremental"].fillna(0).clip(lower=0) / prof["brand_notes"].clip(lower=1)
        self.profiles_ = prof.reset_index().rename(columns={"index": "creator_id"})
        self.genuine_ = gen.sort_values("score", ascending=False).reset_index(drop=True)
        self.soft_ads_ = soft[soft["reads_as_ad"]].sort_values("score", ascending=False).reset_index(drop=True)
        self.soft_ad_creators_ = sorted(set(self.soft_ads_["creator_id"].astype(str)))
        self.fake_engagement_ = fk.sort_values("probability", ascending=False).reset_index(drop=True)
        self.fake_notes_ = signals[signals["creator_id"].isin(fk.loc[fk["flagged"], "creator_id"])].reset_index(drop=True)
        self._shortlist(notes)
        return self

    def _shortlist(self, notes: pd.DataFrame) -> None:
        p = self.profiles_
        budget = self.budget
        if budget is None:
            fees = notes["cost"].fillna(0)
            span_days = max((notes["published_at"].max() - notes["published_at"].min()).days, 1)
            budget = float(fees.sum()) / max(span_days / 91.0, 1.0) if fees.sum() > 0 else 10 * float(p["quote"].median())
        self.budget_ = float(budget)
        cands = p[p["quote"].fillna(0) > 0]
        exclude = set(p.loc[p["fake_flagged"], "creator_id"])
        try:
            best = shortlist.solve(cands, self.budget_, min_per_tier=self.min_per_tier, max_per_tier=self.max_per_tier,
                                   regions=self.regions, min_tgi=self.min_tgi, exclude=exclude)
            self.shortlist_ = best[best["book"]][["creator_id", "name", "tier", "region", "followers", "quote",
                                                  "cpe_quoted", "tgi", "value", "genuine"]].reset_index(drop=True)
            self.plans_ = shortlist.compare(cands, self.budget_, min_per_tier=self.min_per_tier,
                                            max_per_tier=self.max_per_tier, regions=self.regions,
                                            min_tgi=self.min_tgi, exclude=exclude)
        except AnalysisError as exc:
            self.shortlist_ = pd.DataFrame(columns=["creator_id", "name", "tier", "region", "followers", "quote",
                                                    "cpe_quoted", "tgi", "value", "genuine"])
            self.plans_ = pd.DataFrame(columns=["plan", "creators", "spend", "expected_orders", "booked"])
            self.shortlist_error_ = str(exc)


def _attributed_orders(source: MartSource) -> pd.Series:
    """The attribution layer's linear order credit per creator (30-day lookback)."""
    try:
        t = source.mart("attribution_touch_credit").to_pandas()
    except WorkspaceError:  # an optional input: a clean room may not export it
        return pd.Series(dtype=float)
    t = t[t["conversion_type"].str.startswith("order_") & (t["lookback_days"] == 30) & (t["creator_id"].fillna("") != "")]
    return t.groupby("creator_id")["linear"].sum().astype(float) if len(t) else pd.Series(dtype=float)


__all__ = ["CreatorAnalysis"]
