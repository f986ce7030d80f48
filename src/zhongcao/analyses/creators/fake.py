"""Fake engagement (刷量): templated comments, fresh and bursting commenters, odd like/save ratios.

Needs user rows: who commented when, and when each commenter was first seen (comments and
touches), because bought engagement is a behaviour of accounts, not of notes. Nothing here looks
at id shapes: bought accounts are found by what they do.

Per note, five signals:

- ``burst``: share of its comments written within ``burst_hours`` of publishing;
- ``templated``: share of its comments in a near-duplicate group (MinHash, neardup.py) of three or
  more comments under the same note;
- ``fresh``: share of its commenters first seen at most ``fresh_days`` before the comment;
- ``captive``: share of its commenters with three or more comments, all under this creator;
- ``ratio_z``: how far likes ÷ views is above, and collects ÷ likes below, the category's robust norm
  (median and MAD of the logs over all notes), in robust z units, floored at 0.

A creator's signals are the medians over their notes; the score is a fixed weighted sum (weights in
``WEIGHTS``). Which scores are bought is decided against the creators themselves, not a fixed cut
(:func:`calibrate`): most creators buy nothing, so the bulk of the scores is the null. On the log
scale (``log(score + SCORE_OFFSET)``) that bulk is close to normal; its centre and spread are
estimated robustly (median, and upper quartile − median over 0.6745), which the few bought creators
cannot move, each creator
gets a one-sided p-value against it, and Benjamini–Hochberg turns the p-values into q-values. A
creator is flagged when its q-value is at most the false-discovery rate (``1 − fake_threshold``,
default 5%) and its score reaches ``MIN_SCORE`` (one comment signal at full strength: a minimum effect,
so a world of silent creators does not make a slightly active one look bought); ``probability`` is
1 − q above that effect and 0 below it. A fixed cut (the former logistic centre at 5) missed bought
creators whose comments came over 30 hours instead of 6 (score about 4.9) and would flag a world
whose ordinary creators run hotter; the null moves with the world. docs/creators.md gives the
measured separation per world.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zhongcao.analyses.creators.neardup import group_sizes, near_duplicate_groups
from zhongcao.analyses.stats import bh_qvalues

WEIGHTS = {"burst": 2.0, "templated": 2.0, "fresh": 1.5, "captive": 2.0, "ratio_z": 0.4}
SCORE_OFFSET = 0.25  # keeps log(score) finite for creators with no signal at all
MIN_SCORE = 2.0  # the weight of one comment signal at full strength: significance alone flags no ordinary creator

def _robust_z(x: pd.Series) -> pd.Series:
    med = float(x.median())
    mad = float((x - med).abs().median()) * 1.4826
    return (x - med) / (mad if mad > 0 else 1.0)


def note_signals(notes: pd.DataFrame, comments: pd.DataFrame, first_seen: pd.Series, *, burst_hours: float = 6.0,
                 fresh_days: float = 1.0) -> pd.DataFrame:
    """One row per note: the five signals and the numbers behind them."""
    n = notes.set_index("note_id")
    c = comments.merge(n[["creator_id", "published_at"]], left_on="note_id", right_index=True, how="inner")
    c = c.reset_index(drop=True)
    hours = (c["created_at"] - c["published_at"]).dt.total_seconds() / 3600
    c["burst"] = (hours >= 0) & (hours <= burst_hours)
    labels = near_duplicate_groups(c["text"].fillna("").tolist())
    key = pd.Series(labels).astype(str) + "|" + c["note_id"].astype(str)
    c["templated"] = group_sizes(pd.factorize(key)[0]) >= 3
    seen = c["user_id"].map(first_seen)
    c["fresh"] = c["user_id"].notna() & ((c["created_at"] - seen).dt.total_seconds() <= fresh_days * 86400)
    per_user = c.dropna(subset=["user_id"]).groupby("user_id").agg(k=("note_id", "size"), creators=("creator_id", "nunique"))
    captive_users = per_user[(per_user["k"] >= 3) & (per_user["creators"] == 1)].index
    c["captive"] = c["user_id"].isin(captive_users)
    g = c.groupby("note_id")
    out = pd.DataFrame({"comments_exported": g.size(), "burst": g["burst"].mean(), "templated": g["templated"].mean(),
                        "fresh": g["fresh"].mean(), "captive": g["captive"].mean()})
    out = out.reindex(n.index).fillna({"comments_exported": 0, "burst": 0.0, "templated": 0.0, "fresh": 0.0,
                                       "captive": 0.0})
    views = n["views"].astype(float).clip(lower=1)
    likes = n["likes"].astype(float).clip(lower=1)
    collects = n["collects"].astype(float).clip(lower=1)
    like_z = _robust_z(np.log(likes / views))
    save_z = _robust_z(np.log(collects / likes))
    out["like_rate"] = likes / views
    out["save_per_like"] = collects / likes
    out["ratio_z"] = (like_z.clip(lower=0) + (-save_z).clip(lower=0)).clip(upper=10)
    out["creator_id"] = n["creator_id"]
    return out.reset_index().rename(columns={"index": "note_id"})


def creator_scores(signals: pd.DataFrame) -> pd.DataFrame:
    """One row per creator: median signals over their notes, score and probability."""
    cols = list(WEIGHTS)
    g = signals.groupby("creator_id")
    med = g[cols].median()
    med["notes"] = g.size()
    med["comments_exported"] = g["comments_exported"].sum()
    med["score"] = sum(w * med[k] for k, w in WEIGHTS.items())
    med["z"], med["p_value"], med["q_value"] = calibrate(med["score"].to_numpy(float))
    # Below the minimum effect a creator is not called bought however unusual the world's bulk makes it look.
    med["probability"] = np.where(med["score"] >= MIN_SCORE, 1.0 - med["q_value"], 0.0)
    return med.reset_index()


def calibrate(score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Robust z against the bulk of the creators (log scale), one-sided p-values and BH q-values."""
    from scipy.stats import norm

    x = np.log(np.clip(score, 0, None) + SCORE_OFFSET)
    if len(x) < 20:  # too few creators to estimate a null: nothing can be called unusual
        return np.zeros(len(x)), np.ones(len(x)), np.ones(len(x))
    # Centre and spread from the median and the upper quartile: creators with no signal at all pile up at the
    # bottom (no comments exported), which would shrink a MAD and make every ordinary creator look extreme.
    centre = float(np.median(x))
    spread = max((float(np.quantile(x, 0.75)) - centre) / 0.6745, 1e-6)
    z = (x - centre) / spread
    p = norm.sf(z)
    return z, p, bh_qvalues(p)


def first_seen(comments: pd.DataFrame, touches: pd.DataFrame) -> pd.Series:
    """When each account was first seen: its first comment or first touch, whichever is earlier."""
    a = comments.dropna(subset=["user_id"]).groupby("user_id")["created_at"].min()
    b = touches.groupby("user_id")["ts"].min() if len(touches) else pd.Series(dtype="datetime64[us]")
    return pd.concat([a, b]).groupby(level=0).min()
