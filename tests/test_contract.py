"""brand.toml parsing: declared changes are validated with a clear message."""

from __future__ import annotations

import pytest

from zhongcao.contract import BrandConfig


def test_changes_parse_and_round_trip() -> None:
    brand = BrandConfig.from_mapping(
        {"name": "岭行", "changes": [{"date": "2025-06-01", "regions": ["华南"], "description": "regional"}]}
    )
    assert brand.changes[0]["regions"] == ["华南"]
    assert BrandConfig.from_mapping(brand.to_mapping()) == brand


@pytest.mark.parametrize(
    "changes, message",
    [({"date": "2025-06-01"}, "array of tables"), ([{"regions": ["华南"]}], "needs `date`"),
     ([{"date": "2025-06-01", "regions": "华南"}], "list of strings")],
)
def test_bad_changes_are_named(changes: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BrandConfig.from_mapping({"changes": changes})
