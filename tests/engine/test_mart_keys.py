"""Every mart states the columns its grain makes unique (``-- key:``), and they are unique (issue #24)."""

from __future__ import annotations

from typing import Any

import pytest

from zhongcao.engine import marts


def test_every_mart_declares_a_key_of_its_own_columns() -> None:
    for mart in marts().values():
        assert mart.key, f"{mart.name}.sql has no '-- key: column, …' header"
        assert len(set(mart.key)) == len(mart.key), mart.name


@pytest.mark.slow
def test_each_key_is_unique_on_the_demo_worlds(demo_worlds: dict[str, Any]) -> None:
    """A grain that is not a key (two rows for one day × channel) would double-count whatever sums them."""
    nonempty: set[str] = set()
    for world, (ws, _truth) in demo_worlds.items():
        for mart in marts().values():
            frame = ws.mart(mart.name).to_pandas()
            assert set(mart.key) <= set(frame.columns), f"{mart.name}: key {mart.key} not among {list(frame.columns)}"
            dup = frame[frame.duplicated(subset=list(mart.key), keep=False)]
            assert dup.empty, f"{world}: {mart.name} has {len(dup)} rows sharing a key {mart.key}:\n{dup.head()}"
            if len(frame):
                nonempty.add(mart.name)
    assert nonempty == set(marts()), f"marts empty on every demo world (key untested): {set(marts()) - nonempty}"
