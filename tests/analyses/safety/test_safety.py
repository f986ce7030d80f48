"""The planted negative burst is found (window within a day, accounts, notes); the lexicon (the
model's transparent second opinion) is scored per category of online_shopping_10_cats, which it
never saw. The shipped model's own evaluation is test_negativity_eval.py."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import shared_data
from zhongcao.analyses.safety import SafetyAnalysis, is_negative, lexicon_scores, scores


@pytest.mark.slow
def test_planted_burst_found(safety_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> None:
    for world, (ws, truth) in safety_worlds.items():
        a = SafetyAnalysis().fit(ws)
        nb = truth["negative_burst"]
        assert len(a.attacks_) >= 1, world
        hit = a.attacks_.iloc[0]
        ids = a.attack_account_ids()[0]  # the lists themselves are not published (only counts)
        # published from the mention_accounts mart: accounts per mart row, an upper bound of the distinct
        # ones, and never more than the negative mentions they wrote
        assert len(ids["accounts"]) <= hit["accounts"] <= hit["negative_mentions"], world
        for got, want in ((hit["start"], nb["start"]), (hit["end"], nb["end"])):
            assert abs((date.fromisoformat(got) - date.fromisoformat(want)).days) <= 1, (world, got, want)
        accounts, notes = set(ids["creator_accounts"]), set(hit["attack_notes"])
        assert len(accounts & set(nb["accounts"])) / len(nb["accounts"]) >= 0.9
        assert len(accounts & set(nb["accounts"])) / max(len(accounts), 1) >= 0.9
        assert len(notes & set(nb["note_ids"])) / len(nb["note_ids"]) >= 0.9
        assert len(set(ids["accounts"]) & set(nb["commenters"])) / len(nb["commenters"]) >= 0.8


def test_negation_and_turns() -> None:
    assert list(is_negative(["质量很差，后悔买了", "不差，挺好用的", "包装不错，但是用了两天就坏了", "非常满意，推荐"])) == [
        True, False, True, False]
    assert scores([""])[0] == 0


def test_lexicon_accuracy_per_held_out_category() -> None:
    """The shipped lexicon never saw these reviews; every category is held out by construction."""
    d = pd.read_csv(shared_data("zh-reviews", "online_shopping_10_cats.csv")).dropna(subset=["review"])
    d["pred"] = (lexicon_scores(d["review"].astype(str)) >= 0).astype(int)
    acc = d.assign(ok=d["pred"] == d["label"]).groupby("cat")["ok"].mean()
    print("lexicon accuracy per category:", acc.round(3).to_dict(), "overall", round(float((d.pred == d.label).mean()), 3))
    # The lexicon alone is the second opinion, not the verdict (docs/safety.md has its figures).
    # This guards against regressions only.
    assert float((d["pred"] == d["label"]).mean()) >= 0.75
    assert acc.min() >= 0.6


def test_trainable_model_leave_one_category_out() -> None:
    """The issue's check: trained without the category it is scored on, pooled accuracy >= 0.90.

    This evaluates the method (TrainedSentiment) a brand trains on its own labels; the research-only
    reviews are used here and never shipped. Each category's accuracy is printed.
    """
    from zhongcao.analyses.safety.trained import TrainedSentiment, char_ngrams

    d = pd.read_csv(shared_data("zh-reviews", "online_shopping_10_cats.csv")).dropna(subset=["review"])
    x = char_ngrams(d["review"].astype(str).tolist())
    y = d["label"].to_numpy()
    correct = np.zeros(len(d), dtype=bool)
    per_category = {}
    for cat in sorted(d["cat"].unique()):
        held = (d["cat"] == cat).to_numpy()
        model = TrainedSentiment().fit(x[~held], y[~held])
        correct[held] = model.predict(x[held]) == y[held]
        per_category[cat] = round(float(correct[held].mean()), 3)
    pooled = float(correct.mean())
    print("leave-one-category-out accuracy:", per_category, "pooled", round(pooled, 3))
    assert pooled >= 0.90
    assert min(per_category.values()) >= 0.75
