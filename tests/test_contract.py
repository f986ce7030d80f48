"""brand.toml parsing: declared changes and lift studies are validated with a clear message."""

from __future__ import annotations

import pytest

from zhongcao.contract import BrandConfig
from zhongcao.contract.tables import LiftStudy


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


def test_lift_studies_parse_and_round_trip() -> None:
    brand = BrandConfig.from_mapping(
        {"lift_studies": [{"channel": " KOL ", "roi": 2, "se": 0.4, "description": "2025 Q3 geo holdout"}]})
    assert brand.lift_studies == (LiftStudy("kol", 2.0, 0.4, "2025 Q3 geo holdout"),)
    assert BrandConfig.from_mapping(brand.to_mapping()) == brand


@pytest.mark.parametrize(
    "studies, message",
    [({"channel": "kol"}, "array of tables"), ([{"roi": 2.0, "se": 0.4}], "needs `channel`"),
     ([{"channel": "kol", "roi": "high", "se": 0.4}], "`roi` must be a number"),
     ([{"channel": "kol", "roi": 2.0, "se": 0}], "`se` must be above 0"),
     ([{"channel": "kol", "roi": 2.0, "se": float("nan")}], "`se` must be a number"),
     ([{"channel": "kol", "roi": 2.0, "se": 0.4, "low": 1.5}], "unknown keys")],
)
def test_bad_lift_studies_are_named(studies: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BrandConfig.from_mapping({"lift_studies": studies})


def test_units_and_analysis_settings_parse_and_round_trip() -> None:
    brand = BrandConfig.from_mapping({"units": {"spend": "万元"}, "analyses": {"mmm": {"period": "week"}}})
    assert brand.units == {"spend": "万元", "gmv": "CNY"}  # the unit left out keeps the default
    # kept as written: the run settings (analyses/settings.py) check them against each analysis's parameters
    assert brand.analyses == {"mmm": {"period": "week"}}
    assert BrandConfig.from_mapping(brand.to_mapping()) == brand


@pytest.mark.parametrize(("data", "message"), [
    ({"units": {"spend": "CNY", "orders": "pcs"}}, "unknown keys"),
    ({"units": {"spend": ""}}, "short label"),
    ({"units": {"spend": "<script>alert(1)</script>"}}, "short label"),
    ({"analyses": {"mmm": "week"}}, "must be a table of tables"),
    ({"settings": ["min_group_size"]}, "must be a table"),
])
def test_bad_units_and_analysis_settings_are_named(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BrandConfig.from_mapping(data)
