"""One writer at a time, readers on a snapshot, and no debris outliving an interrupted load."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.engine.workspace import locks
from zhongcao.errors import WorkspaceBusyError


def one_more_order(tmp_path: Path, order_id: str = "o9") -> Path:
    more = tmp_path / f"more-{order_id}"
    more.mkdir(exist_ok=True)
    (more / "orders.csv").write_text("order_id,user_id,ordered_at,platform,amount\n"
                                     f"{order_id},u2,2025-01-03 10:00:00,jd,50.5\n", encoding="utf-8")
    return more


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_loader_is_told_who_holds_the_workspace(tiny_ws: Path, tmp_path: Path) -> None:
    before = (tiny_ws / "workspace.duckdb").read_bytes()
    with locks.WriterLock(tiny_ws, "load"):  # another load in progress (flock: per open file, so in-process works)
        with pytest.raises(WorkspaceBusyError, match=rf"being loaded by pid {os.getpid()} since \d{{4}}-") as info:
            pipeline.ingest(one_more_order(tmp_path), tiny_ws)
        assert info.value.pid == os.getpid()
        assert Workspace(tiny_ws).row_counts()["orders"] == 4  # readers are not blocked by a writer
    assert (tiny_ws / "workspace.duckdb").read_bytes() == before
    assert pipeline.ingest(one_more_order(tmp_path), tiny_ws).loaded == {"orders": 1}  # free again


def test_a_lock_left_by_a_dead_process_is_taken_over(tiny_ws: Path, tmp_path: Path) -> None:
    pid = dead_pid()
    (tiny_ws / locks.WRITER_FILE).write_text(json.dumps({"pid": pid, "since": "2025-01-01T00:00:00+08:00",
                                                         "purpose": "load"}))
    summary = pipeline.ingest(one_more_order(tmp_path), tiny_ws)
    assert summary.loaded == {"orders": 1}
    assert any(f"pid {pid}" in r and "not running" in r for r in summary.recovered)
    assert (tiny_ws / locks.WRITER_FILE).read_text() == ""  # released: it names no one


def test_each_load_builds_in_its_own_staging_area(tiny_ws: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from zhongcao.engine.workspace import loads

    areas: list[Path] = []
    real = loads.staging_area

    def recording(root: Path) -> Path:
        areas.append(real(root))
        return areas[-1]

    monkeypatch.setattr(loads, "staging_area", recording)
    pipeline.ingest(one_more_order(tmp_path, "o9"), tiny_ws)
    pipeline.ingest(one_more_order(tmp_path, "o10"), tiny_ws)
    assert len(areas) == 2 and areas[0] != areas[1]
    assert all(a.parent == tiny_ws / ".staging" and a.name.startswith(f"{os.getpid()}-") for a in areas)
    assert not any(a.exists() for a in areas) and not list(tiny_ws.glob("*.loading*"))


def plant_debris(ws: Path) -> list[Path]:
    """What a load killed before its swap leaves: its staging area (database copy, WAL, spill
    folder), segments no database lists, and an older version's shared staging files."""
    area = ws / ".staging" / "4242-deadbeef0000"
    (area / "workspace.duckdb.tmp").mkdir(parents=True)
    shutil.copy2(ws / "workspace.duckdb", area / "workspace.duckdb")
    (area / "workspace.duckdb.wal").write_bytes(b"\0" * 1000)
    orphans = [ws / "segments" / "orders" / "0123456789abcdef-killed00.parquet",
               ws / "segments" / "exposures" / "fedcba9876543210-killed00.parquet"]
    for path in orphans:
        pq.write_table(pa.table({"x": [1, 2, 3]}), path)
    (ws / "workspace.duckdb.loading").write_bytes(b"\0" * 100)
    (ws / "workspace.duckdb.loading.wal").write_bytes(b"\0" * 100)
    return [area, *orphans, ws / "workspace.duckdb.loading", ws / "workspace.duckdb.loading.wal"]


def test_opening_a_workspace_removes_the_debris_of_an_interrupted_load(tiny_ws: Path) -> None:
    listed = sorted(p for p in (tiny_ws / "segments").rglob("*.parquet"))
    counts = Workspace(tiny_ws).row_counts()
    debris = plant_debris(tiny_ws)
    assert Workspace(tiny_ws).row_counts() == counts  # the next open
    assert not any(p.exists() for p in debris)
    assert sorted((tiny_ws / "segments").rglob("*.parquet")) == listed


def test_orphan_segments_wait_while_a_reader_holds_the_workspace(tiny_ws: Path) -> None:
    debris = plant_debris(tiny_ws)
    with locks.reading(tiny_ws):  # another process reading
        report = Workspace(tiny_ws).recover()
        assert not debris[0].exists()  # a staging area is never a reader's
        assert all(p.exists() for p in debris[1:3])
        assert report.ok and any("kept for now" in i.action for i in report.items)
    Workspace(tiny_ws).recover()
    assert not any(p.exists() for p in debris)


def test_nothing_is_removed_while_a_load_runs(tiny_ws: Path) -> None:
    debris = plant_debris(tiny_ws)  # as a running load's own files look
    with locks.WriterLock(tiny_ws, "load"):
        Workspace(tiny_ws).row_counts()
        report = Workspace(tiny_ws).recover()
    assert all(p.exists() for p in debris)
    assert report.ok and [i.kind for i in report.items] == ["load running"]


def test_every_change_moves_the_generation_and_a_no_op_does_not(tiny_dir: Path, tiny_ws: Path,
                                                                tmp_path: Path) -> None:
    ws = Workspace(tiny_ws)
    first = ws.generation
    assert first and first.startswith("1-")
    assert pipeline.ingest(tiny_dir, tiny_ws).generation is None and ws.generation == first
    summary = pipeline.ingest(one_more_order(tmp_path), tiny_ws)
    assert summary.generation == ws.generation and ws.generation.startswith("2-")


def test_a_changed_brand_toml_is_stored_on_reingest(tiny_dir: Path, tiny_ws: Path) -> None:
    """Issue #24: an edited brand.toml re-ingested with the same files reported changed: False and
    the workspace kept the old name."""
    ws = Workspace(tiny_ws)
    before = ws.generation
    rows = ws.row_counts()
    text = (tiny_dir / "brand.toml").read_text(encoding="utf-8")
    (tiny_dir / "brand.toml").write_text(text.replace('name = "墨小笔"', 'name = "新名字"'), encoding="utf-8")
    summary = pipeline.ingest(tiny_dir, tiny_ws)
    assert summary.changed and summary.brand_changed and summary.loaded == {}
    assert ws.brand.name == "新名字"
    assert ws.generation != before and ws.row_counts() == rows
    assert not pipeline.ingest(tiny_dir, tiny_ws).changed  # the same brand.toml again: nothing to do


def test_findings_read_one_snapshot_while_a_load_lands(tiny_ws: Path, tmp_path: Path) -> None:
    """A load finishing between two analyses must not mix generations in one document."""
    more = one_more_order(tmp_path)
    steps: list[str] = []

    def progress(step: str) -> None:
        steps.append(step)
        if step == "analysis:repurchase":  # after kpi has read its numbers
            pipeline.ingest(more, tiny_ws)

    doc = pipeline.findings(Workspace(tiny_ws), ["kpi", "repurchase"], progress)
    assert steps == ["analysis:kpi", "analysis:repurchase"]
    assert doc["analyses"]["kpi"]["results"]["totals"]["orders"] == doc["workspace"]["orders"] == 4
    assert Workspace(tiny_ws).row_counts()["orders"] == 5


def test_a_keyless_table_sent_again_in_another_format_is_not_loaded_twice(tiny_ws: Path, tmp_path: Path) -> None:
    """Issue #20: spend doubled (657,026 → 1,314,053) when its Parquet was re-sent as CSV."""
    ws = Workspace(tiny_ws)
    spend = ws.staged("spend")
    before = ws.row_counts()["spend"]
    again = tmp_path / "again"
    again.mkdir()
    frame = spend.to_pandas().sample(frac=1.0, random_state=0)  # another order, another format
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), again / "spend.parquet")
    summary = pipeline.ingest(again, tiny_ws)
    assert summary.loaded == {} and ws.row_counts()["spend"] == before
    warned = [w for w in summary.warnings if w.file == "spend.parquet"]
    assert warned and "the same" in warned[0].expected and "spend.csv" in warned[0].expected
    other = tmp_path / "other"  # different rows still load
    other.mkdir()
    frame.assign(amount=frame["amount"] + 1).to_csv(other / "spend.csv", index=False)
    assert pipeline.ingest(other, tiny_ws).loaded == {"spend": before}
