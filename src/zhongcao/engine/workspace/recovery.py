"""Finding and removing the debris of an interrupted load; `zhongcao doctor`'s checks.

A load killed on the way (kill -9, a power cut, a full disk) leaves its staging area
(``.staging/<pid>-<random>/``: a copy of the database, its WAL, spill files) and the Parquet
segments it had written, which no database lists. The database itself is untouched (the swap is
one ``os.replace``). Debris is removed only while no load runs (the writer lock is taken, without
waiting) and orphan segments only while no reader holds the workspace either; what cannot be
removed now is reported and left for the next open.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from zhongcao.engine.workspace.loads import STAGING_DIR, generation
from zhongcao.engine.workspace.locks import WriterLock, holder, no_readers
from zhongcao.engine.workspace.segments import DB_FILE, SEGMENTS_DIR, referenced_segments
from zhongcao.errors import WorkspaceBusyError

# Files of the shared staging database older versions used (one name for every load).
LEGACY_DEBRIS = (DB_FILE + ".loading", DB_FILE + ".loading.wal", DB_FILE + ".loading.tmp")


@dataclass(frozen=True)
class Item:
    """One thing recovery found: what, where, how big, what was done, and whether it is fixed."""

    kind: str
    path: str
    size: int
    action: str
    repaired: bool  # False: still there (a problem when ``problem``)
    problem: bool = True  # False for facts that need no repair (the generation, a healthy check)


@dataclass
class Report:
    root: Path
    items: list[Item] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem left unrepaired."""
        return all(i.repaired or not i.problem for i in self.items)


def _size(path: Path) -> int:
    if path.is_dir() and not path.is_symlink():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def debris_present(root: Path) -> bool:
    """A cheap look (no database opened): is there anything an interrupted load may have left?"""
    root = Path(root)
    staging = root / STAGING_DIR
    try:
        if staging.is_dir() and any(staging.iterdir()):
            return True
    except OSError:
        return False
    return any((root / name).exists() for name in LEGACY_DEBRIS) or (root / (DB_FILE + ".wal")).exists()


def recover(root: Path, *, check: bool = False) -> Report:
    """Remove the debris of interrupted loads if no load is running; ``check`` also verifies that
    every segment the database lists is present and readable (`zhongcao doctor`)."""
    root = Path(root)
    report = Report(root)
    if not root.is_dir():
        report.items.append(Item("workspace", str(root), 0, "no such folder", False))
        return report
    try:
        with WriterLock(root, "recovery", wait=0) as lock:
            report.items += recover_locked(root, lock, check=check)
    except WorkspaceBusyError as busy:
        running = holder(root)
        what = f"pid {running.pid} since {running.since}" if running and running.pid else "another process"
        report.items.append(Item("load running", str(root), 0,
                                 f"left alone: {what} holds the writer lock ({busy})", True, problem=False))
    except OSError as error:  # a read-only workspace: nothing can be removed, say what is there
        report.items.append(Item("workspace", str(root), 0, f"cannot take the writer lock ({error})", False))
    return report


def recover_locked(root: Path, lock: WriterLock, *, check: bool = False) -> list[Item]:
    """The repairs, with the writer lock already held by the caller (a load, or `recover`)."""
    items: list[Item] = []
    if lock.stale is not None:
        items.append(Item("stale lock", str(lock.path), 0,
                          f"taken over: pid {lock.stale.pid} ({lock.stale.purpose} since {lock.stale.since}) "
                          "is not running", True))
    staging = root / STAGING_DIR
    areas = sorted(staging.iterdir()) if staging.is_dir() else []
    for path in [*areas, *(root / n for n in LEGACY_DEBRIS if (root / n).exists())]:
        size = _size(path)
        _remove(path)
        items.append(Item("staging area of an interrupted load", str(path), size, "removed", True))
    db = root / DB_FILE
    if (root / (DB_FILE + ".wal")).exists():
        # Only a writer leaves a WAL beside the live database (older versions built marts in place):
        # opening it for writing replays and checkpoints it, so a copy of the file misses nothing.
        try:
            duckdb.connect(str(db)).close()
            items.append(Item("write-ahead log of the database", str(db) + ".wal", 0, "replayed into the database",
                              True))
        except duckdb.Error as error:
            items.append(Item("write-ahead log of the database", str(db) + ".wal", 0,
                              f"could not be replayed ({str(error).splitlines()[0]})", False))
    referenced, gen = _referenced(root, items)
    if referenced is None:
        return items
    if check:
        items += _check_segments(root, referenced, gen)
    orphans = _orphans(root, referenced)
    if orphans:
        with no_readers(root) as free:
            for path in orphans:
                size = _size(path)
                if free:
                    path.unlink(missing_ok=True)
                    items.append(Item("segment no database lists (interrupted load)", str(path), size, "removed",
                                      True))
                else:
                    items.append(Item("segment no database lists (interrupted load)", str(path), size,
                                      "kept for now: a reader holds the workspace; removed on a later open",
                                      True, problem=False))
    return items


def _referenced(root: Path, items: list[Item]) -> tuple[set[str] | None, str | None]:
    """The segments the live database lists (None when it cannot be read: then nothing is removed)."""
    db = root / DB_FILE
    if not db.exists():
        return set(), None  # no load ever finished: every segment is debris
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as error:
        items.append(Item("database", str(db), _size(db), f"cannot be opened ({str(error).splitlines()[0]}); "
                          "nothing removed", False))
        return None, None
    try:
        return referenced_segments(con), generation(con)
    finally:
        con.close()


def _orphans(root: Path, referenced: set[str]) -> list[Path]:
    folder = root / SEGMENTS_DIR
    if not folder.is_dir():
        return []
    listed = {os.path.normpath(r) for r in referenced}
    return [p for p in sorted(folder.rglob("*.parquet"))
            if p.is_file() and os.path.normpath(p.relative_to(root).as_posix()) not in listed]


def _check_segments(root: Path, referenced: set[str], gen: str | None) -> list[Item]:
    """Every listed segment present with a readable footer; the generation, as a fact."""
    items = [Item("generation", str(root / DB_FILE), _size(root / DB_FILE),
                  f"{gen or 'none (written before generations)'}; {len(referenced)} segment(s) listed", True,
                  problem=False)]
    for rel in sorted(referenced):
        path = root / rel
        if not path.is_file():
            items.append(Item("listed segment missing", str(path), 0,
                              "cannot be repaired: the rows are gone; load the input folder into a new workspace",
                              False))
            continue
        try:
            pq.ParquetFile(path).metadata  # noqa: B018 (reading the footer is the check)
        except (pa.ArrowException, OSError) as error:
            items.append(Item("listed segment unreadable", str(path), _size(path),
                              f"cannot be repaired ({str(error).splitlines()[0]}); load the input folder into a "
                              "new workspace", False))
    return items
