"""Every world writes every contract table with the contract's columns and types."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.simulate.simworld import World
from zhongcao.contract import ACTIONS, LEAD_STATUSES, TABLES, BrandConfig
from zhongcao.contract.geo import BY_NAME
from zhongcao.simulate import WORLDS, simulate
from zhongcao.simulate.writer import ARROW_TYPE


@pytest.mark.parametrize("name", WORLDS)
def test_tables_follow_contract(worlds: dict[str, World], name: str) -> None:
    world = worlds[name]
    for table in TABLES.values():
        schema = pq.read_schema(world.path / f"{table.name}.parquet")
        assert pq.read_metadata(world.path / f"{table.name}.parquet").num_rows > 0, table.name
        for col in table.columns:
            assert col.name in schema.names, (table.name, col.name)
            assert schema.field(col.name).type == ARROW_TYPE[col.type], (table.name, col.name)
        if not table.keeps_extra:
            assert set(schema.names) == set(table.column_names), table.name
        df = world[table.name]
        for col in table.required_columns:
            assert df[col].notna().all(), (table.name, col)
        if table.key:
            assert not df.duplicated(list(table.key)).any(), table.name


@pytest.mark.parametrize("name", WORLDS)
def test_values_are_valid(worlds: dict[str, World], name: str) -> None:
    w = worlds[name]
    assert set(w["exposures"].action.unique()) <= set(ACTIONS)
    assert set(w["leads"].status.unique()) <= set(LEAD_STATUSES)
    assert set(w["exposures"].channel.unique()) == {"kol", "feeds", "search", "brand_zone", "douyin", "tmall_ad"}
    assert {"red", "tmall", "jd"} <= set(w["orders"].platform.unique())
    assert w["users"].region.isin(list(BY_NAME)).all()
    assert w["users"].city_tier.between(1, 5).all()
    assert w["surveys"].nps.between(0, 10).all()
    assert (w["orders"].amount >= 0).all()
    ts = w["exposures"].ts
    assert str(ts.min().date()) >= "2024-01-01"
    assert str(ts.max().date()) <= "2025-12-31"
    searches = w["exposures"][w["exposures"].action == "search"]
    assert searches["query"].notna().all()
    # Touches per user average about 20.
    assert 15 < len(w["exposures"]) / len(w["users"]) < 30
    # A realistic share of buyers buy again over the two years: e-commerce repeat-customer rates
    # run 20-40%; these brands also seed heavily, so many buyers answer more than one campaign
    # (0.38-0.44 at 10k users, seed 7).
    per_buyer = w["orders"].groupby("user_id").size()
    assert 0.12 < (per_buyer > 1).mean() < 0.5


@pytest.mark.parametrize("name", WORLDS)
def test_brand_toml_parses(worlds: dict[str, World], name: str) -> None:
    data = tomllib.loads((worlds[name].path / "brand.toml").read_text(encoding="utf-8"))
    cfg = BrandConfig.from_mapping(data)
    assert cfg.name and cfg.selling_points and cfg.known_competitors and cfg.products


@pytest.mark.parametrize("name", WORLDS)
def test_truth_has_documented_keys(worlds: dict[str, World], name: str) -> None:
    truth = worlds[name].truth
    for key in ("world", "seed", "users", "period", "brand", "channels", "creators", "soft_ad_notes",
                "negative_burst", "holdout", "lost_leads", "pain_points", "strategy_change", "nps_by_segment",
                "unplanned_use", "regional_scenes", "regional_lift"):
        assert key in truth, key
    assert set(truth["creators"]) >= {"incremental_orders", "genuine_users", "fake_engagement"}
    assert set(truth["soft_ad_notes"]) == {"all", "undisclosed"}


def test_deterministic(tmp_path: Path, worlds: dict[str, World]) -> None:
    again = simulate("clip-earbuds", tmp_path / "again", users=10_000, seed=7)
    first = worlds["clip-earbuds"].path
    for table in TABLES:
        a = pq.read_table(first / f"{table}.parquet")
        b = pq.read_table(again / f"{table}.parquet")
        assert a.equals(b), table
    assert (first / "truth.json").read_text(encoding="utf-8") == (again / "truth.json").read_text(encoding="utf-8")
    other = simulate("clip-earbuds", tmp_path / "other", users=10_000, seed=8)
    assert not pq.read_table(other / "orders.parquet").equals(pq.read_table(first / "orders.parquet"))


def test_timestamps_are_naive_microseconds(worlds: dict[str, World]) -> None:
    schema = pq.read_schema(worlds["hiking-shoes"].path / "exposures.parquet")
    assert schema.field("ts").type == pa.timestamp("us")
