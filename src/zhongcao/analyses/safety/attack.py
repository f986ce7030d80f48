"""Negative-mention volume by day and coordinated attack detection.

A day is unusual when its negative mentions (notes and comments about the brand that the
sentiment model reads as negative) exceed the period's median by more than ``k`` robust standard
deviations (1.4826 × MAD, at least ``min_excess`` mentions). Unusual days one day apart join one
window. A window is a coordinated attack when most of its negative mentions come from fresh
accounts (first seen at most ``fresh_days`` before the window) or repeat one another (near-duplicate
groups, MinHash); the evidence is the window, the accounts and the notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zhongcao.analyses.creators.neardup import group_sizes, near_duplicate_groups


def daily_volume(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per day: mentions, negative mentions and their share."""
    m = mentions.assign(day=mentions["ts"].dt.floor("D"))
    g = m.groupby("day").agg(mentions=("negative", "size"), negative=("negative", "sum"))
    full = pd.date_range(g.index.min(), g.index.max(), freq="D") if len(g) else pd.DatetimeIndex([])
    g = g.reindex(full, fill_value=0)
    g.index.name = "day"
    g["negative_share"] = g["negative"] / g["mentions"].where(g["mentions"] > 0)
    return g.reset_index()


def unusual_windows(daily: pd.DataFrame, *, k: float = 6.0, min_excess: float = 5.0) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    x = daily["negative"].to_numpy(float)
    if len(x) == 0:
        return []
    med = float(np.median(x))
    mad = float(np.median(np.abs(x - med))) * 1.4826
    hot = x > med + max(k * mad, min_excess)
    days = daily["day"].to_numpy()
    windows: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    idx = np.flatnonzero(hot)
    if len(idx) == 0:
        return windows
    start = prev = idx[0]
    for i in idx[1:]:
        if i - prev > 2:  # one quiet day inside a burst does not split it
            windows.append((pd.Timestamp(days[start]), pd.Timestamp(days[prev])))
            start = i
        prev = i
    windows.append((pd.Timestamp(days[start]), pd.Timestamp(days[prev])))
    return windows


OLDER = 61  # mention_accounts' age for accounts first seen more than 60 days before the mention


def examine(mentions: pd.DataFrame, first_seen: pd.Series | None, window: tuple[pd.Timestamp, pd.Timestamp], *,
            fresh_days: float = 14.0) -> dict[str, object]:
    """Evidence for one window: fresh share, near-duplicate share, accounts, notes.

    An account is fresh when first seen at most ``fresh_days`` before the window starts: from
    ``first_seen`` (per account) or, when None, from each mention's ``age_days`` (days from the day the
    account was first seen to the mention's day, as the ``mention_accounts`` mart holds it): first seen
    on or after ``lo - fresh_days`` is ``age_days <= (day - lo) + fresh_days``, the same test for whole
    days, decidable while that bound is under 61 days (older accounts are stored as 61).
    """
    lo, hi = window
    inside = mentions[(mentions["ts"] >= lo) & (mentions["ts"] < hi + pd.Timedelta(days=1)) & mentions["negative"]]
    if first_seen is None:
        age = pd.to_numeric(inside["age_days"], errors="coerce")
        bound = (inside["ts"].dt.floor("D") - lo).dt.days + np.floor(fresh_days)
        fresh = inside["account"].notna() & age.notna() & (age < OLDER) & (age <= bound)
    else:
        seen = inside["account"].map(first_seen)
        fresh = inside["account"].notna() & (seen >= lo - pd.Timedelta(days=fresh_days))
    groups = near_duplicate_groups(inside["text"].fillna("").tolist())
    dup = group_sizes(groups) >= 3 if len(inside) else np.zeros(0, bool)
    suspicious = inside[fresh.to_numpy() | dup]
    accounts = suspicious.loc[fresh.reindex(suspicious.index).fillna(False), "account"].dropna().astype(str)
    return {
        "start": lo.strftime("%Y-%m-%d"), "end": hi.strftime("%Y-%m-%d"),
        "negative_mentions": len(inside), "fresh_share": float(fresh.mean()) if len(inside) else 0.0,
        "duplicate_share": float(dup.mean()) if len(inside) else 0.0,
        "accounts": sorted(set(accounts)),
        "creator_accounts": sorted(set(suspicious.loc[suspicious["kind"] == "note", "account"].dropna().astype(str))),
        "notes": sorted(set(suspicious["note_id"].astype(str))),
        "attack_notes": sorted(set(suspicious.loc[suspicious["kind"] == "note", "note_id"].astype(str))),
        "examples": list(dict.fromkeys(suspicious["text"].astype(str).str.slice(0, 40)))[:5],
    }
