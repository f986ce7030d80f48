"""Large append-only tables: validated batch by batch and stored as Parquet segments.

The streamed path must give the same workspace as reading the file whole, report the same
problems, and leave nothing behind when a load fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongcao import pipeline
from zhongcao.contract.tables import ACTIONS
from zhongcao.engine import Workspace
from zhongcao.errors import DuplicateKeyError
from zhongcao.ingest import SpooledTable, read_input, staging
from zhongcao.simulate import simulate


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulate("clip-earbuds", tmp_path_factory.mktemp("seg") / "in", users=1500, seed=3)


def _streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "STREAM_ROWS", 1000)
    monkeypatch.setattr(staging, "BATCH_ROWS", 777)  # batches that do not divide the row groups
    monkeypatch.setattr(staging, "REFERENCE_COMPACT", 500)  # referenced values merged along the way


def _sorted(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    if "people_sketch" in frame:  # tokens are salted per workspace; how many people each row holds is not
        frame["people_sketch"] = frame["people_sketch"].map(len)
    return frame.sort_values(list(frame.columns), key=lambda s: s.astype(str)).reset_index(drop=True)


def test_streamed_ingest_gives_the_same_workspace(world: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    marts = ("attribution_journeys", "attribution_touch_credit", "holdout_touches", "channel_daily")
    pipeline.ingest(world, tmp_path / "whole", marts=marts)
    _streamed(monkeypatch)
    staged = read_input(world)
    assert isinstance(staged.tables["exposures"], SpooledTable)
    spool = staged.spool
    assert spool is not None and spool.exists()
    Workspace(tmp_path / "streamed").load(staged, marts_to_build=marts)
    assert not spool.exists()  # the segment was moved in, the spool removed
    whole, streamed = Workspace(tmp_path / "whole"), Workspace(tmp_path / "streamed")
    assert len(list((tmp_path / "streamed" / "segments" / "exposures").glob("*.parquet"))) == 1
    assert whole.row_counts() == streamed.row_counts()
    pd.testing.assert_frame_equal(_sorted(whole.staged("exposures")), _sorted(streamed.staged("exposures")))
    for name in marts:
        pd.testing.assert_frame_equal(_sorted(whole.mart(name)), _sorted(streamed.mart(name)), obj=name)


def test_streamed_validation_reports_what_a_whole_read_does(world: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    shutil.copytree(world, folder)
    ex = pq.read_table(folder / "exposures.parquet").to_pandas()
    ex["action"] = ex["action"].astype(object)
    # Bad rows in the 2nd and 4th batches of 777: the 1st batch is written as read once one changes.
    ex.loc[[900, 2500, 2501], "action"] = "teleport"
    ex.loc[ex.index[-1], "user_id"] = "nobody"  # a reference that points nowhere
    pq.write_table(pa.Table.from_pandas(ex, preserve_index=False), folder / "exposures.parquet")

    whole = read_input(folder, quarantine=True)
    _streamed(monkeypatch)
    streamed = read_input(folder, quarantine=True)

    def problems(staged: staging.StagedInput) -> list[tuple[object, ...]]:
        return sorted((p.row or 0, p.column or "", p.expected, p.severity) for p in staged.problems
                      if p.file == "exposures.parquet")

    assert problems(streamed) == problems(whole)
    assert [p[0] for p in problems(streamed) if p[1] == "action"] == [901, 2501, 2502]
    rejected = streamed.rejected.to_pandas()
    assert sorted(rejected.loc[rejected["table"] == "exposures", "row"]) == [901, 2501, 2502]
    spooled = streamed.tables["exposures"]
    assert isinstance(spooled, SpooledTable) and spooled.owned  # rewritten: validation dropped rows
    assert spooled.num_rows == whole.tables["exposures"].num_rows == len(ex) - 3
    written = pq.read_table(spooled.path).to_pandas()
    pd.testing.assert_frame_equal(written, whole.tables["exposures"].to_pandas())
    streamed.cleanup()
    assert not spooled.path.exists()


def test_an_unchanged_file_is_loaded_as_it_is(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _streamed(monkeypatch)
    staged = read_input(world)
    spooled = staged.tables["exposures"]
    assert isinstance(spooled, SpooledTable) and not spooled.owned and spooled.path == world / "exposures.parquet"
    staged.cleanup()
    assert spooled.path.exists()  # the input is never removed


def test_failed_load_removes_its_segment(world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    pipeline.ingest(world, ws, marts=())
    before = sorted((ws / "segments").rglob("*"))
    db = (ws / "workspace.duckdb").read_bytes()
    again = tmp_path / "again"
    shutil.copytree(world, again)
    # Different files (new hashes, so they load): exposures, and orders whose keys already exist.
    for name in ("exposures", "orders"):
        table = pq.read_table(again / f"{name}.parquet")
        pq.write_table(table.slice(0, table.num_rows - 1), again / f"{name}.parquet")
    _streamed(monkeypatch)
    with pytest.raises(DuplicateKeyError):
        pipeline.ingest(again, ws, marts=())
    assert sorted((ws / "segments").rglob("*")) == before
    assert (ws / "workspace.duckdb").read_bytes() == db


def test_a_spooled_keyed_table_still_has_its_keys_checked(world: Path, tmp_path: Path) -> None:
    """Staging spools key-less tables only; were a keyed one spooled, its keys must not go unchecked."""
    ws = tmp_path / "ws"
    pipeline.ingest(world, ws, marts=())
    again = tmp_path / "again"
    again.mkdir()
    orders = pq.read_table(world / "orders.parquet")
    pq.write_table(orders.slice(0, orders.num_rows - 1), again / "orders.parquet")  # new hash, keys already there
    staged = read_input(again)
    whole = staged.tables["orders"]
    assert isinstance(whole, pa.Table)
    # Batch validation has no in-file key check, so no reader spools a keyed table: hand one over.
    staged.tables["orders"] = SpooledTable(again / "orders.parquet", whole.num_rows, whole.column_names, owned=False)
    with pytest.raises(DuplicateKeyError):
        Workspace(ws).load(staged)
    assert Workspace(ws).row_counts()["orders"] == orders.num_rows


def test_a_workspace_with_inline_tables_keeps_loading_inline(world: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Workspaces written before every table became segments hold their tables in the database."""
    from zhongcao.engine.workspace import segments

    inline, segmented = tmp_path / "inline", tmp_path / "segmented"
    with monkeypatch.context() as m:
        m.setattr(segments, "SEGMENTED", frozenset())
        pipeline.ingest(world, inline)
    pipeline.ingest(world, segmented)
    assert not (inline / "segments").exists() and (segmented / "segments" / "users").is_dir()
    orders = pq.read_table(world / "orders.parquet").slice(0, 3).to_pandas()
    more, clash = tmp_path / "more", tmp_path / "clash"
    more.mkdir()
    clash.mkdir()
    orders.assign(order_id=orders["order_id"] + "-again").to_csv(more / "orders.csv", index=False)
    orders.assign(amount=orders["amount"] + 1).to_csv(clash / "orders.csv", index=False)  # keys already there
    for ws in (inline, segmented):
        assert pipeline.ingest(more, ws).loaded == {"orders": 3}
        with pytest.raises(DuplicateKeyError):
            pipeline.ingest(clash, ws)
    assert not (inline / "segments").exists()
    a, b = Workspace(inline), Workspace(segmented)
    assert a.row_counts() == b.row_counts()
    for name in ("attribution_journeys", "platform_daily", "order_cube"):
        pd.testing.assert_frame_equal(_sorted(a.mart(name)), _sorted(b.mart(name)), obj=name)


def test_dictionary_encoded_text_is_checked_per_value_like_a_whole_read(world: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamed text columns stay Arrow dictionaries: other spellings, phone-number ids and
    unknown values must come out as they do from a whole read."""
    folder = tmp_path / "in"
    shutil.copytree(world, folder)
    ex = pq.read_table(folder / "exposures.parquet").to_pandas()
    ex["action"] = ex["action"].astype(object)
    ex.loc[ex.index[::7], "action"] = "VIEW"  # another spelling of a choice: mapped, not rejected
    ex.loc[[10, 3000], "action"] = "teleport"
    phones = {u: f"138{i:08d}" for i, u in enumerate(ex["user_id"].unique())}  # a CRM keyed by mobile
    ex["user_id"] = ex["user_id"].map(phones)
    pq.write_table(pa.Table.from_pandas(ex, preserve_index=False), folder / "exposures.parquet")
    assert "action" in staging._dictionary_columns(folder / "exposures.parquet")

    whole = read_input(folder, quarantine=True)
    _streamed(monkeypatch)
    streamed = read_input(folder, quarantine=True)
    assert isinstance(streamed.tables["exposures"], SpooledTable)
    written = pq.read_table(streamed.tables["exposures"].path).to_pandas()
    pd.testing.assert_frame_equal(written, whole.tables["exposures"].to_pandas())
    assert "13800000000" not in set(written["user_id"]) and set(written["action"]) <= set(ACTIONS)
    assert sorted(p.row for p in streamed.problems if p.column == "action" and p.row) == [11, 3001]
    warned = {p.expected for p in streamed.problems if p.column == "user_id"}
    assert warned == {p.expected for p in whole.problems if p.column == "user_id"} and any(
        "hashed" in w for w in warned)


def test_an_exception_while_reading_leaves_no_spool_behind(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _streamed(monkeypatch)
    made: list[str] = []
    real_mkdtemp = staging.tempfile.mkdtemp

    def mkdtemp(*args: object, **kwargs: object) -> str:
        made.append(real_mkdtemp(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    def broken(name: str, path: Path, key: bytes) -> staging._WholeRead:  # _read_whole's signature
        raise RuntimeError(f"disk gone while reading {name}")

    monkeypatch.setattr(staging.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(staging, "_read_whole", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        read_input(world)
    spools = [d for d in made if "zhongcao-spool-" in d]
    assert spools and not any(Path(d).exists() for d in spools)
