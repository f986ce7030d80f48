"""Creators at scale: near-duplicate detection over N comments, creator scoring for M creators.

Comments and notes are resampled from a simulated clip-earbuds world, with random emoji and
particles appended so near-duplicates are not byte-identical (as on the platform).

- near-duplicates: ours (normalise, MinHash/LSH on unique texts, connected components) vs the
  baseline a user would otherwise run, exact ``pandas.Series.duplicated`` on the raw text; both
  timed in the same run, with the share of templated comments each one groups.
- creator scoring: profile medians, CPE/CPM, soft-ad score, genuine use and the MILP shortlist for
  M creators (five notes each) vs a pandas groupby of the medians and CPE alone.

    python -m bench.creators --comments 5000000 --creators 50000     # the issue's targets
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.harness import as_dict, measure
from zhongcao import pipeline
from zhongcao.analyses.creators import content, profile, shortlist
from zhongcao.analyses.creators.neardup import group_sizes, near_duplicate_groups
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate

NOISE = np.array(["", "", "呀", "哈哈", "👍", "😍", "!!", "~", "🔥🔥", "捏", "嘿嘿", "😭"])


def _world() -> tuple[pd.DataFrame, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = simulate("clip-earbuds", Path(tmp) / "in", users=20_000, seed=0)
        pipeline.ingest(folder, Path(tmp) / "ws", marts=["note_metrics"])
        ws = Workspace(Path(tmp) / "ws")
        notes = ws.staged("notes").to_pandas().merge(ws.mart("note_metrics").to_pandas()[["note_id", "engagement"]])
        comments = ws.staged("comments", ("text",)).to_pandas()
    return notes, comments


def bench_neardup(comments: pd.DataFrame, n: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    base = comments["text"].astype(str).to_numpy()
    texts = pd.Series(base[rng.integers(0, len(base), n)]) + NOISE[rng.integers(0, len(NOISE), n)]
    texts = texts.tolist()
    ours = measure(lambda: near_duplicate_groups(texts))
    naive = measure(lambda: pd.Series(texts).duplicated(keep=False).to_numpy())
    grouped = float((group_sizes(ours.result) >= 2).mean())
    return {"name": "creators_neardup", "comments": n, "zhongcao": as_dict(ours), "baseline_pandas_exact": as_dict(naive),
            "time_ratio_baseline_over_ours": naive.seconds / ours.seconds,
            "share_in_a_group_ours": grouped, "share_in_a_group_exact": float(naive.result.mean())}


def bench_scoring(notes: pd.DataFrame, creators: int, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    k = creators * 5
    n = notes.iloc[rng.integers(0, len(notes), k)].reset_index(drop=True)
    n["creator_id"] = [f"c{i:07d}" for i in np.repeat(np.arange(creators), 5)]
    n["note_id"] = [f"n{i:09d}" for i in range(k)]
    cr = pd.DataFrame({"creator_id": [f"c{i:07d}" for i in range(creators)],
                       "followers": rng.lognormal(9, 1.5, creators).round(), "quote": rng.lognormal(7, 1, creators).round(),
                       "region": "广东"})

    def ours() -> pd.DataFrame:
        med = profile.note_medians(n)
        prof = cr.set_index("creator_id").join(med).join(profile.costs(n, cr, med).drop(columns=["quote"]))
        prof["tier"] = profile.tier(prof["followers"])
        content.soft_ad_scores(n)
        content.genuine_use(n[n["brand"] == n["brand"].mode().iloc[0]])
        prof["value"] = rng.gamma(1.0, 1.0, len(prof))
        shortlist.solve(prof.reset_index(), float(prof["quote"].median() * 50))
        return prof

    def naive() -> pd.DataFrame:
        g = n.groupby("creator_id")[["views", "likes", "collects", "comments", "engagement"]].median()
        g = g.join(cr.set_index("creator_id"))
        g["cpe"] = g["quote"] / g["engagement"]
        return g

    o, b = measure(ours), measure(naive)
    return {"name": "creators_scoring", "creators": creators, "notes": k, "zhongcao": as_dict(o),
            "baseline_pandas_medians_only": as_dict(b), "time_ratio_baseline_over_ours": b.seconds / o.seconds}


def bench_creators(comments: int = 5_000_000, creators: int = 50_000) -> list[dict[str, Any]]:
    notes, com = _world()
    return [bench_neardup(com, comments), bench_scoring(notes, creators)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--comments", type=int, default=5_000_000)
    p.add_argument("--creators", type=int, default=50_000)
    args = p.parse_args()
    for e in bench_creators(args.comments, args.creators):
        print(e)


if __name__ == "__main__":
    main()
