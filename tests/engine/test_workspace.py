"""Loading is all-or-nothing, idempotent, and detects duplicate keys."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.errors import DuplicateKeyError, ValidationError, WorkspaceError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reingesting_the_same_folder_changes_nothing(tiny_dir: Path, tiny_ws: Path) -> None:
    before = Workspace(tiny_ws).row_counts()
    file_hash = digest(Workspace(tiny_ws).db_path)
    summary = pipeline.ingest(tiny_dir, tiny_ws)
    assert summary.loaded == {}
    assert len(summary.skipped_files) == 9
    assert Workspace(tiny_ws).row_counts() == before
    assert digest(Workspace(tiny_ws).db_path) == file_hash


def test_second_folder_appends(tiny_dir: Path, tiny_ws: Path, tmp_path: Path) -> None:
    more = tmp_path / "more"
    more.mkdir()
    (more / "orders.csv").write_text(
        "order_id,user_id,ordered_at,platform,amount\no9,u2,2025-01-03 10:00:00,jd,50.5\n", encoding="utf-8"
    )
    summary = pipeline.ingest(more, tiny_ws)
    assert summary.loaded == {"orders": 1}
    assert Workspace(tiny_ws).row_counts()["orders"] == 5


def test_duplicate_keys_across_folders_abort_and_leave_workspace(tiny_ws: Path, tmp_path: Path) -> None:
    more = tmp_path / "dup"
    more.mkdir()
    (more / "orders.csv").write_text(
        "order_id,user_id,ordered_at,platform,amount\no1,u2,2025-01-03 10:00:00,jd,50.5\n", encoding="utf-8"
    )
    before = digest(Workspace(tiny_ws).db_path)
    with pytest.raises(DuplicateKeyError, match="o1"):
        pipeline.ingest(more, tiny_ws)
    assert digest(Workspace(tiny_ws).db_path) == before
    assert not list(tiny_ws.glob("*.loading*"))


def test_duplicate_keys_quarantined(tiny_ws: Path, tmp_path: Path) -> None:
    more = tmp_path / "dup"
    more.mkdir()
    (more / "orders.csv").write_text(
        "order_id,user_id,ordered_at,platform,amount\n"
        "o1,u2,2025-01-03 10:00:00,jd,50.5\no10,u2,2025-01-03 11:00:00,jd,20\n",
        encoding="utf-8",
    )
    summary = pipeline.ingest(more, tiny_ws, quarantine=True)
    assert summary.loaded == {"orders": 1}
    rejected = Workspace(tiny_ws).rejected_rows().to_pylist()
    assert any("already exists" in r["reasons"] for r in rejected)


@pytest.mark.parametrize(
    "name, content, encoding",
    [
        ("orders.csv", "order_id,user_id,ordered_at,platform,amount\no7,u1,2025-01-01,jd,abc\n", "utf-8"),
        ("orders.csv", "order_id,user_id,platform,amount\no7,u1,jd,12\n", "utf-8"),  # missing ordered_at
        ("orders.csv", "order_id,user_id,ordered_at,platform,amount\no7,u1,2025-01-01,jd,1\no7,u1,2025-01-01,jd,2\n",
         "utf-8"),  # duplicate keys inside the file
        ("orders.csv", 'order_id,user_id,ordered_at,platform,amount\no7,u1,2025-01-01,jd,"12\n', "utf-8"),  # truncated
    ],
)
def test_bad_input_leaves_workspace_unchanged(
    tiny_ws: Path, tmp_path: Path, name: str, content: str, encoding: str
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / name).write_bytes(content.encode(encoding))
    before = digest(Workspace(tiny_ws).db_path)
    with pytest.raises(ValidationError) as info:
        pipeline.ingest(bad, tiny_ws)
    assert info.value.problems and all(p.file for p in info.value.problems)
    assert digest(Workspace(tiny_ws).db_path) == before


def test_wrong_encoding_leaves_workspace_unchanged(tiny_ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    # Latin-1 bytes that are neither UTF-8 nor a complete GB18030 sequence at the end.
    (bad / "orders.csv").write_bytes(b"order_id,user_id,ordered_at,platform,amount\no7,u1,2025-01-01,jd,1\xff\n")
    before = digest(Workspace(tiny_ws).db_path)
    with pytest.raises(ValidationError, match=r"orders\.csv"):
        pipeline.ingest(bad, tiny_ws)
    assert digest(Workspace(tiny_ws).db_path) == before


def test_failed_first_load_creates_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "orders.csv").write_text("order_id,user_id,platform,amount\no7,u1,jd,12\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        pipeline.ingest(bad, tmp_path / "ws")
    assert not Workspace(tmp_path / "ws").exists()


def test_xlsx_with_chinese_headers_loads(tiny_ws: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    folder = tmp_path / "xlsx"
    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["订单编号", "用户ID", "下单时间", "平台", "实付金额", "省份"])
    ws.append(["x1", "u1", "2025-01-05 10:00:00", "tmall", 88.8, "广东省"])
    wb.save(folder / "orders.xlsx")
    summary = pipeline.ingest(folder, tiny_ws)
    assert summary.loaded == {"orders": 1}
    orders = Workspace(tiny_ws).staged("orders").to_pandas().set_index("order_id")
    assert orders.loc["x1", "amount"] == pytest.approx(88.8)
    assert orders.loc["x1", "region"] == "广东"


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace(tmp_path / "nope").mart("platform_daily")


def test_marts_state_their_grain() -> None:
    from zhongcao.engine import describe_marts

    for mart in describe_marts():
        assert mart["grain"].startswith("one row per"), mart


def test_mart_keys_are_unique(tiny_ws: Path) -> None:
    """A mart whose header names its key (``-- key:``) holds one row per key on a real workspace."""
    from zhongcao.engine import marts

    keyed = {name: m.key for name, m in marts().items() if m.key}
    assert "mention_accounts" in keyed
    ws = Workspace(tiny_ws)
    for name, key in keyed.items():
        frame = ws.mart(name).to_pandas()
        assert set(key) <= set(frame.columns), name
        # Uniqueness only: a mart may be empty on a small world (no path above 20 touches for
        # attribution_long_credit); tests/engine/test_mart_keys.py checks every mart is filled on a demo world.
        assert not frame.duplicated(list(key)).any(), name


def test_extra_columns_are_kept(tiny_ws: Path) -> None:
    leads = Workspace(tiny_ws).staged("leads").to_pandas()
    assert "child_grade" in leads.columns


def test_bad_xlsx_with_chinese_headers_is_named_and_leaves_workspace(tiny_ws: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    folder = tmp_path / "xlsx"
    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["订单编号", "用户ID", "下单时间", "平台", "实付金额"])
    ws.append(["x1", "u1", "2025-01-05 10:00:00", "tmall", "八十八"])
    wb.save(folder / "orders.xlsx")
    before = digest(Workspace(tiny_ws).db_path)
    with pytest.raises(ValidationError) as info:
        pipeline.ingest(folder, tiny_ws)
    problem = next(p for p in info.value.problems if p.severity == "error")
    assert (problem.file, problem.row, problem.column, problem.value) == ("orders.xlsx", 1, "amount", "八十八")
    assert digest(Workspace(tiny_ws).db_path) == before


def test_marts_not_built_at_load_are_built_on_first_use(tiny_dir: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    pipeline.ingest(tiny_dir, ws, marts=["platform_daily"])
    workspace = Workspace(ws)
    assert not workspace._has_mart("channel_daily")
    assert workspace.mart("channel_daily").num_rows > 0
    assert workspace._has_mart("channel_daily")


def test_marts_built_together_equal_marts_built_one_by_one(tiny_dir: Path, tmp_path: Path) -> None:
    """Marts built together read shared intermediates from temporary tables; alone, from the views."""
    from zhongcao.engine.sql import marts
    from zhongcao.engine.workspace import build_models

    together, alone = Workspace(tmp_path / "together"), Workspace(tmp_path / "alone")
    pipeline.ingest(tiny_dir, together.path)
    pipeline.ingest(tiny_dir, alone.path, marts=())
    for name in marts():
        a, b = together.mart(name).to_pandas(), alone.mart(name).to_pandas()
        for frame in (a, b):  # tokens are salted per workspace; how many people each row holds is not
            if "people_sketch" in frame:
                frame["people_sketch"] = frame["people_sketch"].map(len)
        key = list(a.columns)
        pd.testing.assert_frame_equal(a.sort_values(key, key=lambda s: s.astype(str)).reset_index(drop=True),
                                      b.sort_values(key, key=lambda s: s.astype(str)).reset_index(drop=True),
                                      obj=name)
    assert together.mart("attribution_journeys").num_rows and together.mart("attribution_touch_credit").num_rows
    # The temporary tables live on the building connection: it has none left once the build ends.
    con = together._open(together.db_path)
    try:
        build_models(con, ["attribution_journeys", "attribution_touch_credit"])
        assert not con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    finally:
        con.close()


def test_people_sketches_merge_to_the_sketch_of_the_union() -> None:
    """Bottom-k sketches are mergeable: merging per-group sketches gives the union's own sketch,
    whose length is the union's distinct people below the size, and the size at or above it."""
    import random

    from zhongcao.engine import PEOPLE_SKETCH_SIZE, merge_people_sketches

    rng = random.Random(0)
    people = [f"{rng.getrandbits(32):08x}" for _ in range(500)]
    for _ in range(200):
        groups = [rng.sample(people, rng.randint(0, 80)) for _ in range(rng.randint(1, 6))]
        sketches = [sorted(g)[:PEOPLE_SKETCH_SIZE] for g in groups]
        union = set().union(*groups)
        merged = merge_people_sketches(sketches)
        assert merged == sorted(union)[:PEOPLE_SKETCH_SIZE]
        assert len(merged) == min(len(union), PEOPLE_SKETCH_SIZE)
    assert merge_people_sketches([None, []]) == []


def test_cube_sketches_count_distinct_people_and_keep_no_ids(tiny_ws: Path, tmp_path: Path) -> None:
    """order_cube's sketch, merged by mart_query, counts the distinct buyers of any slice (exactly,
    below 64), holds salted tokens rather than user ids, and the salt stays across reloads."""
    from zhongcao.engine import PEOPLE_SKETCH_SIZE, merge_people_sketches
    from zhongcao.engine.sql import marts
    from zhongcao.engine.workspace import people_salt

    ws = Workspace(tiny_ws)
    orders = ws.staged("orders", ("user_id", "platform")).to_pandas()
    got = {r["platform"]: r["people_sketch"] for r in ws.mart_query(
        "order_cube", by=["platform"], equals={"attribute": ["gender"]}, sketch="people_sketch").to_pylist()}
    want = orders.groupby("platform")["user_id"].nunique()
    assert {p: len(s) for p, s in got.items()} == {p: min(n, PEOPLE_SKETCH_SIZE) for p, n in want.items()}
    rows = ws.mart_query("order_cube", by=["day", "platform", "region", "value"], equals={"attribute": ["gender"]},
                         sketch="people_sketch").to_pylist()
    everyone = ws.mart_query("order_cube", equals={"attribute": ["gender"]}, sketch="people_sketch").to_pylist()[0]
    assert everyone["people_sketch"] == merge_people_sketches(r["people_sketch"] for r in rows)  # SQL and Python agree
    tokens = {t for r in rows for t in r["people_sketch"]}
    assert tokens and not tokens & set(orders["user_id"]) and all(len(t) == 8 for t in tokens)
    # Every mart with a sketch writes it the same way: the same salted token and as many tokens as
    # the Python side expects (the SQL cannot import the constant, so this keeps the copies equal).
    sketched = [m for m in marts().values() if "people_sketch" in m.sql]
    assert {"order_cube", "touch_cube", "scene_note_audience"} <= {m.name for m in sketched}
    for mart in sketched:
        assert f"ARRAY_SLICE(ARRAY_SORT(ARRAY_AGG(token)), 1, {PEOPLE_SKETCH_SIZE}) AS people_sketch" in mart.sql
        assert "SUBSTR(MD5(s.salt || p.user_id), 1, 8) AS token" in mart.sql and "CROSS JOIN people_salt s" in mart.sql
    con = ws.connect()
    salt = people_salt(con)
    con.close()
    more = tmp_path / "more"  # a load that rebuilds the marts keeps the salt: a person keeps their token
    more.mkdir()
    (more / "orders.csv").write_text(
        "order_id,user_id,ordered_at,platform,amount\no9,u2,2025-01-03 10:00:00,jd,50.5\n", encoding="utf-8")
    assert pipeline.ingest(more, tiny_ws).loaded == {"orders": 1}
    con = ws.connect()
    assert people_salt(con) == salt
    con.close()
    after = ws.mart_query("order_cube", equals={"attribute": ["gender"]}, sketch="people_sketch").to_pylist()[0]
    assert set(everyone["people_sketch"]) <= set(after["people_sketch"])


def test_cubes_built_before_sketches_get_a_clear_error(tiny_ws: Path) -> None:
    ws = Workspace(tiny_ws)
    con = ws._open(ws.db_path)
    try:
        con.execute("ALTER TABLE mart_order_cube DROP COLUMN people_sketch")  # as an older version built it
    finally:
        con.close()
    with pytest.raises(WorkspaceError, match="older version built it; ingest the input folder into a new workspace"):
        ws.mart_query("order_cube", sketch="people_sketch")
