"""The foreign-world generator: vocabulary from real text at run time, the shapes it promises, truth.json."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import shared_data
from zhongcao.errors import ContractError
from zhongcao.simulate.foreign import CATEGORIES, simulate_foreign
from zhongcao.simulate.foreign.vocab import load


@pytest.fixture(scope="module")
def shared() -> Path:
    shared_data("xhs")
    return shared_data("zh-reviews").parent


def test_vocabulary_is_read_from_the_shared_data_and_differs_by_category_and_seed(shared: Path) -> None:
    a, b = load(shared, "fruit", 0), load(shared, "electronics", 0)
    reviews = (shared / "zh-reviews" / "online_shopping_10_cats.csv").read_text(encoding="utf-8")
    assert a.nouns and b.nouns and not set(a.nouns[:10]) & set(b.nouns[:10])
    assert all(w in reviews for w in a.nouns[:20])  # every word is a word of the real reviews
    assert all(c in reviews for c in a.positive[:50])
    from zhongcao.simulate.foreign.build import plan

    assert plan(a, 0).pains != plan(a, 1).pains  # the seed picks which words carry the truths


def test_world_shapes_and_truth(shared: Path, tmp_path: Path) -> None:
    for seed in (0, 1):
        out = simulate_foreign(shared, tmp_path / str(seed), category="fruit", users=2_000, seed=seed)
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
        notes = pq.read_table(out / "notes.parquet")
        users = pq.read_table(out / "users.parquet")
        leads = pq.read_table(out / "leads.parquet")
        column = truth["pain_point_attribute"]["column"]
        assert column in leads.column_names and column not in users.column_names
        assert "topic" not in notes.column_names
        if seed % 2:
            assert "brand" not in notes.column_names
        else:  # only reported cooperation notes name their brand
            brand = notes.column("brand").to_pylist()
            sponsored = notes.column("sponsored").to_pylist()
            assert all(s for b, s in zip(brand, sponsored, strict=True) if b is not None)
        text = " ".join(t or "" for t in notes.column("body").to_pylist()).lower()
        assert truth["brand_mentions"]["aliases"][0].lower() in text  # the brand is written by its alias too
        for key in ("lost_leads", "pain_points", "regional_scenes", "unplanned_use", "negative_burst"):
            assert truth[key], key
        assert len(truth["creators"]["genuine_users"]) == 8 and len(truth["creators"]["fake_engagement"]) == 6
    with pytest.raises(ContractError, match="unknown foreign category"):
        simulate_foreign(shared, tmp_path / "x", category="furniture")
    assert set(CATEGORIES) >= {"clothing", "haircare", "electronics", "food-delivery", "fruit"}
