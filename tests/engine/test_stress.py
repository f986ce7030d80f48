"""Acceptance for issue #20 (points 1-3): concurrent ingests, ingest while the dashboard and
`analyze` read, and kill -9 at random points of a load, each asserting that the workspace is not
corrupted, that every successful load is fully visible and that a failed one leaves no trace
after the next open.

Every writer is a real `zhongcao ingest` process. Marked ``sweep`` (about 6 minutes on two cores even on
the default 3,000-user world: every load is a real process): `make test-slow` and CI run it.
``ZHONGCAO_STRESS_USERS=200000`` runs the same loops on a 200k-user world (the simulation alone takes
minutes on two cores).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate

USERS = int(os.environ.get("ZHONGCAO_STRESS_USERS", "3000"))
KILLS = int(os.environ.get("ZHONGCAO_STRESS_KILLS", "4"))
SEED = int(os.environ.get("ZHONGCAO_STRESS_SEED", "20"))
SRC = Path(__file__).resolve().parents[2] / "src"
BASE_TABLES = ("users", "notes", "creators", "comments", "leads", "surveys")
# Minutes at any size (kills, concurrent ingests, serve): make test-slow (and CI) run it, make test does not.
pytestmark = [pytest.mark.sweep]


@dataclass(frozen=True)
class Folders:
    base: Path  # everything but orders, exposures and spend
    halves: tuple[Path, Path]  # orders and exposures, split in two (distinct order keys)
    rest: Path  # orders, exposures and spend: the large load that is killed


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Folders:
    root = tmp_path_factory.mktemp("stress")
    world = simulate("clip-earbuds", root / "world", users=USERS, seed=SEED)
    base, a, b, rest = (root / n for n in ("base", "a", "b", "rest"))
    for folder in (base, a, b, rest):
        folder.mkdir()
    for name in BASE_TABLES:
        shutil.copy(world / f"{name}.parquet", base / f"{name}.parquet")
    shutil.copy(world / "brand.toml", base / "brand.toml")
    for name in ("orders", "exposures"):
        table = pq.read_table(world / f"{name}.parquet")
        half = table.num_rows // 2
        pq.write_table(table.slice(0, half), a / f"{name}.parquet")
        pq.write_table(table.slice(half), b / f"{name}.parquet")
    for name in ("orders", "exposures", "spend"):
        shutil.copy(world / f"{name}.parquet", rest / f"{name}.parquet")
    return Folders(base, (a, b), rest)


@pytest.fixture(scope="module")
def base_ws(folders: Folders, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("stress-ws") / "base"
    pipeline.ingest(folders.base, ws)
    return ws


def rows_in(folder: Path) -> dict[str, int]:
    return {p.name.split(".")[0]: pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet")}


def plus(counts: dict[str, int], *folders: Path) -> dict[str, int]:
    out = dict(counts)
    for folder in folders:
        for name, n in rows_in(folder).items():
            out[name] += n
    return out


def ingest(folder: Path, ws: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
           "COLUMNS": "200", "ZHONGCAO_MEMORY_LIMIT": "1GB"}
    return subprocess.Popen([sys.executable, "-m", "zhongcao.cli.main", "ingest", str(folder), "--workspace", str(ws)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def copy_of(ws: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(ws, dest)
    return dest


def assert_sound(ws: Path, expected: list[dict[str, int]]) -> dict[str, int]:
    """Open (which recovers), then: rows are one of the expected states, marts agree with them,
    nothing an interrupted load wrote is left, and doctor finds every listed segment readable."""
    workspace = Workspace(ws)
    counts = workspace.row_counts()
    assert counts in expected, counts
    orders = workspace.mart_query("platform_daily", sums=["orders"]).to_pylist()[0]["orders"] or 0
    assert orders == counts["orders"]  # marts built from the same rows that are visible
    staging = ws / ".staging"
    assert not (staging.exists() and any(staging.iterdir())) and not list(ws.glob("*.loading*"))
    con = workspace.connect()
    try:
        listed = {r[0] for r in con.execute("SELECT file FROM _segments").fetchall()}
    finally:
        con.close()
    on_disk = {p.relative_to(ws).as_posix() for p in (ws / "segments").rglob("*.parquet")}
    assert on_disk == listed, on_disk ^ listed
    report = workspace.recover(check=True)
    assert report.ok and not [i for i in report.items if i.problem], report.items
    return counts


def test_concurrent_ingests_never_corrupt_and_each_success_is_whole(folders: Folders, base_ws: Path,
                                                                     tmp_path: Path) -> None:
    before = Workspace(base_ws).row_counts()
    everything = plus(before, *folders.halves)
    for trial in range(2):
        ws = copy_of(base_ws, tmp_path / f"ws{trial}")
        first = ingest(folders.halves[0], ws)
        time.sleep(trial * 1.5)  # the second starts at once, then while the first is on its way
        second = ingest(folders.halves[1], ws)
        outcomes = {}
        for folder, proc in zip(folders.halves, (first, second), strict=True):
            out, _ = proc.communicate(timeout=600)
            assert proc.returncode in (0, 2), out
            if proc.returncode == 2:
                assert "being loaded by pid" in out and "Traceback" not in out, out
            outcomes[folder] = proc.returncode == 0
        assert any(outcomes.values())
        loaded = [f for f, ok in outcomes.items() if ok]
        assert_sound(ws, [plus(before, *loaded)])
        for folder, ok in outcomes.items():  # the refused one, once retried, lands too
            if not ok:
                proc = ingest(folder, ws)
                out, _ = proc.communicate(timeout=600)
                assert proc.returncode == 0, out
        assert assert_sound(ws, [everything]) == everything


def test_reads_during_an_ingest_see_one_whole_generation(folders: Folders, base_ws: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from zhongcao.web import create_app

    ws = copy_of(base_ws, tmp_path / "served")
    pipeline.ingest(folders.halves[0], ws)
    counts = Workspace(ws).row_counts()
    before, after = counts["orders"], plus(counts, folders.halves[1])["orders"]
    client = TestClient(create_app(ws))
    reader = Workspace(ws)
    proc = ingest(folders.halves[1], ws)
    seen = set()
    while proc.poll() is None or not seen:
        doc = pipeline.findings(reader, ["kpi"])  # what `zhongcao analyze kpi` computes
        served = client.get("/api/findings").json()
        for d in (doc, served):
            kpi = int(d["analyses"]["kpi"]["results"]["totals"]["orders"])
            assert kpi == d["workspace"]["orders"] and kpi in (before, after), (kpi, d["workspace"]["orders"])
            seen.add(kpi)
    out, _ = proc.communicate()
    assert proc.returncode == 0, out
    served = client.get("/api/findings").json()  # the next request after the load: the new generation
    assert served["workspace"]["orders"] == after == served["analyses"]["kpi"]["results"]["totals"]["orders"]
    assert_sound(ws, [plus(counts, folders.halves[1])])


def test_kill_9_at_random_points_leaves_the_old_or_the_new_state(folders: Folders, base_ws: Path,
                                                                 tmp_path: Path) -> None:
    before = Workspace(base_ws).row_counts()
    after = plus(before, folders.rest)
    took = float("inf")
    for attempt in range(2):  # the faster of two whole loads (the first pays for cold caches)
        ws = copy_of(base_ws, tmp_path / f"timed{attempt}")
        start = time.monotonic()
        proc = ingest(folders.rest, ws)
        out, _ = proc.communicate(timeout=1800)
        assert proc.returncode == 0, out
        took = min(took, time.monotonic() - start)
        assert_sound(ws, [after])
    rng = random.Random(SEED)
    states = []
    for i in range(KILLS):
        ws = copy_of(base_ws, tmp_path / f"killed{i}")
        proc = ingest(folders.rest, ws)
        time.sleep(rng.uniform(i, i + 1) / KILLS * took)  # one kill in each slice of the load's time
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        counts = assert_sound(ws, [before, after])
        states.append("old" if counts == before else "new")
        if counts == before:  # the killed load left no trace: loading again lands it whole
            again = ingest(folders.rest, ws)
            out, _ = again.communicate(timeout=1800)
            assert again.returncode == 0, out
            assert_sound(ws, [after])
    print(f"load took {took:.1f} s (process start included); {KILLS} kills left: {states}")
    assert "old" in states  # at least one kill landed inside the load
