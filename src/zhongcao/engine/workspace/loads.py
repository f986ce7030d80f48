"""Loading a validated input folder into a workspace: all-or-nothing, one writer at a time.

A load holds the workspace's writer lock (`locks`), builds the new state in its own staging area
(``WS/.staging/<pid>-<random>/``: a copy of the database, its WAL and spill files), writes new
Parquet segments beside the old ones, and swaps the database in with one ``os.replace``. Readers
keep the snapshot they opened (the old file stays readable to them, and no segment it lists is
ever removed). A failed load removes its segments and its staging area; a load killed on the way
leaves them behind for `recovery`, which removes them on the next open or load.

Every load that changes anything (rows, rejected rows or brand.toml) writes a new *generation* into
``_meta``: a counter and a random id. Caches of derived results (the dashboard's findings) are
keyed by it, never by file times.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import uuid
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from zhongcao.contract import TABLES, BrandConfig
from zhongcao.engine.sql import PEOPLE_SALT, SQL_TYPES, quote, raw_name
from zhongcao.engine.workspace.locks import WriterLock
from zhongcao.engine.workspace.models import build_models
from zhongcao.engine.workspace.segments import (
    DB_FILE,
    LOG,
    META,
    REJECTED,
    WORDS,
    columns,
    ensure_raw_tables,
    has_table,
    log_file,
    register_segment,
    segmented,
    write_segment,
)
from zhongcao.errors import DuplicateKeyError, Problem

if TYPE_CHECKING:
    from zhongcao.engine.workspace.core import Workspace
    from zhongcao.ingest import SpooledTable, StagedInput

STAGING_DIR = ".staging"


@dataclass
class LoadSummary:
    """What one `Workspace.load` did."""

    loaded: dict[str, int] = field(default_factory=dict)  # table -> rows appended
    skipped_files: list[str] = field(default_factory=list)  # already ingested (same content or same rows)
    rejected: int = 0
    # Problems the input was loaded despite (a reference pointing nowhere, an unknown province, a
    # dropped column, the same rows sent again): the caller shows them, since nothing else will.
    warnings: list[Problem] = field(default_factory=list)
    brand_changed: bool = False  # brand.toml differs from the one the workspace held
    generation: str | None = None  # the workspace's generation after the load (None: nothing swapped in)
    recovered: list[str] = field(default_factory=list)  # debris of an interrupted load removed first

    @property
    def changed(self) -> bool:
        return bool(self.loaded) or self.rejected > 0 or self.brand_changed


def staging_area(root: Path) -> Path:
    """A fresh, uniquely named folder for one load's (or one mart build's) copy of the database."""
    area = root / STAGING_DIR / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    area.mkdir(parents=True)
    return area


def load(ws: Workspace, staged: StagedInput, *, quarantine: bool, marts_to_build: Collection[str] | None
         ) -> LoadSummary:
    from zhongcao.engine.workspace.recovery import recover_locked

    try:
        ws.path.mkdir(parents=True, exist_ok=True)
        with WriterLock(ws.path, "load") as lock:
            recovered = [f"{item.kind}: {item.path} ({item.action})" for item in recover_locked(ws.path, lock) if item.repaired]
            summary = _load_locked(ws, staged, quarantine, marts_to_build)
            summary.recovered = recovered
            return summary
    finally:
        cleanup = getattr(staged, "cleanup", None)
        if cleanup is not None:
            cleanup()


def _load_locked(ws: Workspace, staged: StagedInput, quarantine: bool, marts_to_build: Collection[str] | None
                 ) -> LoadSummary:
    area = staging_area(ws.path)
    tmp = area / DB_FILE
    existed = ws.exists()
    if existed:
        shutil.copy2(ws.db_path, tmp)
    written: list[Path] = []  # new segments: deleted unless the swap happens
    try:
        con = ws._open(tmp)
        try:
            summary = _load_into(con, staged, quarantine, ws.path, written)
            summary.warnings = [*staged.warnings, *summary.warnings]
            first = not has_table(con, META)
            summary.brand_changed = not first and stored_brand(con) != _brand_text(staged.brand)
            if summary.changed or first:
                summary.generation = write_meta(con, staged.brand)
                if summary.loaded or summary.rejected or first:  # brand.toml alone changes no mart
                    con.execute(f"DROP TABLE IF EXISTS {WORDS}")  # learned from the old text
                    build_models(con, marts_to_build)
        finally:
            con.close()
        if summary.generation is not None:
            for path in [*written, tmp]:
                _fsync(path)  # on disk before the database that lists them is swapped in
            os.replace(tmp, ws.db_path)
            _fsync(ws.path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(area, ignore_errors=True)
    return summary


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _brand_text(brand: BrandConfig) -> str:
    return json.dumps(brand.to_mapping(), ensure_ascii=False, sort_keys=True)


def stored_brand(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(f"SELECT value FROM {META} WHERE key = 'brand'").fetchone()
    return None if row is None else json.dumps(json.loads(row[0]), ensure_ascii=False, sort_keys=True)


def write_meta(con: duckdb.DuckDBPyConnection, brand: BrandConfig) -> str:
    """Write brand.toml and a new generation into ``_meta``; returns the generation."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {META} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute(f"SELECT value FROM {META} WHERE key = 'generation'").fetchone()
    counter = int(row[0]) + 1 if row and str(row[0]).isdigit() else 1
    # The counter orders loads for people; the random id makes the generation unique even across a
    # workspace deleted and loaded again (a cache from the old one must not match the new one).
    generation = f"{counter}-{uuid.uuid4().hex[:12]}"
    values = {"brand": json.dumps(brand.to_mapping(), ensure_ascii=False), "generation": str(counter),
              "load_id": generation, "loaded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    con.execute(f"DELETE FROM {META} WHERE key IN ({', '.join('?' for _ in values)})", list(values))
    con.executemany(f"INSERT INTO {META} VALUES (?, ?)", list(values.items()))
    # Drawn once per workspace and kept: a person's token is the same in every build, and no one
    # without the workspace can link a token back to a user id.
    con.execute(f"INSERT INTO {META} SELECT '{PEOPLE_SALT}', ? WHERE NOT EXISTS "
                f"(SELECT 1 FROM {META} WHERE key = '{PEOPLE_SALT}')", [secrets.token_hex(16)])
    return generation


def generation(con: duckdb.DuckDBPyConnection) -> str | None:
    """The generation of the database behind ``con`` (None for a workspace from before generations)."""
    if not has_table(con, META):
        return None
    row = con.execute(f"SELECT value FROM {META} WHERE key = 'load_id'").fetchone()
    return None if row is None else str(row[0])


def fingerprint(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table | SpooledTable) -> str:
    """A fingerprint of a keyless table's rows, whatever the file format they came in: the row count
    and the sum of a hash of each row's contract columns (typed as the contract says), so the
    order of the rows does not matter. DuckDB's hash may change between versions: the version is
    part of the fingerprint, and fingerprints from another version never match."""
    spec = TABLES[table]
    if isinstance(data, pa.Table):
        con.register("_fingerprint", data)
        source, present = "_fingerprint", set(data.column_names)
    else:
        source = f"read_parquet('{str(data.path).replace(chr(39), chr(39) * 2)}')"
        present = set(data.column_names)
    try:
        cols = [f"CAST({quote(c.name) if c.name in present else 'NULL'} AS {SQL_TYPES[c.type]})"
                for c in spec.columns]
        rows, total = con.execute(f"SELECT COUNT(*), SUM(HASH({', '.join(cols)})::HUGEINT) FROM {source}").fetchone()
    finally:
        if isinstance(data, pa.Table):
            con.unregister("_fingerprint")
    version = ".".join(duckdb.__version__.split(".")[:2])
    return f"duckdb{version}:{rows}:{total or 0}"


def _load_into(con: duckdb.DuckDBPyConnection, staged: StagedInput, quarantine: bool, root: Path,
               written: list[Path]) -> LoadSummary:
    ensure_raw_tables(con)
    summary = LoadSummary()
    log = con.execute(f"SELECT tbl, sha256, fingerprint, file, loaded_at FROM {LOG}").fetchall()
    seen = {(r[0], r[1]) for r in log}
    # Keyless tables have no key to catch the same rows sent twice: their row sets are fingerprinted.
    fingerprints = {(r[0], r[2]): (r[3], r[4]) for r in log if r[2]}
    now = datetime.now(UTC).replace(tzinfo=None)
    rejected_batches: list[pa.Table] = []
    # Segment files are written by two threads while the loop goes on; they are registered in the
    # database once written, and a failure waits for the writes before the files are removed.
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="zhongcao-segment")
    pending: list[tuple[str, Future[str], int]] = []
    try:
        for table, data in staged.tables.items():
            info = staged.files.get(table)
            digest = info.sha256 if info else ""
            if (table, digest) in seen:
                summary.skipped_files.append(str(info.path) if info else table)
                continue
            spec = TABLES[table]
            raw = raw_name(table)
            fp = None if spec.key else fingerprint(con, table, data)
            if data.num_rows and (table, fp) in fingerprints:
                earlier, when = fingerprints[table, fp]
                name = info.path.name if info else table
                summary.skipped_files.append(str(info.path) if info else table)
                summary.warnings.append(Problem(
                    name, None, None, None,
                    f"rows not in the workspace yet: the same {data.num_rows:,} rows were loaded from "
                    f"{Path(earlier).name} on {when:%Y-%m-%d %H:%M} (sent again in another format?); "
                    "skipped, not loaded twice", "warning"))
                continue
            if segmented(con, table):
                if spec.key:
                    if not isinstance(data, pa.Table):  # staging spools key-less tables only; were that to change,
                        data = pq.read_table(data.path)  # reading it whole keeps the key check rather than skipping it
                    data = _drop_existing_keys(con, table, data, staged, rejected_batches, quarantine)
                pending.append((table, pool.submit(write_segment, table, data, digest, root, written), data.num_rows))
                summary.loaded[table] = data.num_rows
                log_file(con, table, info, digest, data.num_rows, now, fp)
                continue
            if not isinstance(data, pa.Table):  # spooled, into an older workspace that holds the table inline
                data = pq.read_table(data.path)
            existing = set(columns(con, raw))
            new_columns = [n for n in data.column_names if n not in existing]
            if new_columns:
                # Extra columns (segment attributes, lost_reason, …) arrive with the file that has them.
                con.register("_incoming", data.slice(0, 0))
                types = {r[0]: r[1] for r in con.execute("DESCRIBE SELECT * FROM _incoming").fetchall()}
                con.unregister("_incoming")
                for name in new_columns:
                    con.execute(f"ALTER TABLE {raw} ADD COLUMN {quote(name)} {types[name]}")
            if spec.key:
                data = _drop_existing_keys(con, table, data, staged, rejected_batches, quarantine)
            con.register("_incoming", data)
            try:
                con.execute(f"INSERT INTO {raw} BY NAME SELECT * FROM _incoming")
            finally:
                con.unregister("_incoming")
            summary.loaded[table] = data.num_rows
            log_file(con, table, info, digest, data.num_rows, now, fp)
        for table, written_rel, rows in pending:
            register_segment(con, table, written_rel.result(), rows)
    finally:
        pool.shutdown(wait=True)
    if staged.rejected is not None and staged.rejected.num_rows:
        # Rows rejected while reading a file that was skipped were recorded the first time.
        skipped = [t for t in staged.tables if t not in summary.loaded]
        fresh = [t not in skipped for t in staged.rejected.column("table").to_pylist()]
        rejected_batches.insert(0, staged.rejected.filter(pa.array(fresh, pa.bool_())))
    for batch in rejected_batches:
        con.register("_rejected", batch)
        con.execute(f"INSERT INTO {REJECTED} BY NAME SELECT * FROM _rejected")
        con.unregister("_rejected")
        summary.rejected += batch.num_rows
    summary.rejected = int(summary.rejected)
    return summary


def _drop_existing_keys(
    con: duckdb.DuckDBPyConnection,
    table: str,
    data: pa.Table,
    staged: StagedInput,
    rejected: list[pa.Table],
    quarantine: bool,
) -> pa.Table:
    """``data`` without the rows whose key the table already holds (quarantined), or DuplicateKeyError."""
    spec = TABLES[table]
    on = " AND ".join(f"r.{quote(k)} = i.{quote(k)}" for k in spec.key)
    con.register("_keys_incoming", data)
    try:
        dup = con.execute(
            f"SELECT i.{quote(spec.key[0])} FROM _keys_incoming i WHERE EXISTS "
            f"(SELECT 1 FROM {raw_name(table)} r WHERE {on})"
        ).fetchall()
    finally:
        con.unregister("_keys_incoming")
    if not dup:
        return data
    keys = [str(r[0]) for r in dup]
    if not quarantine:
        raise DuplicateKeyError(table, keys, len(keys))
    key_set = set(keys)
    first = data.column(spec.key[0]).to_pylist()
    keep = pa.array([k not in key_set for k in first])
    info = staged.files.get(table)
    bad_rows = [i + 1 for i, k in enumerate(first) if k in key_set]
    rejected.append(
        pa.table(
            {
                "table": [table] * len(bad_rows),
                "file": [str(info.path) if info else table] * len(bad_rows),
                "row": pa.array(bad_rows, pa.int64()),
                "reasons": [f"{spec.key[0]} already exists in the workspace"] * len(bad_rows),
                "record": [json.dumps({spec.key[0]: first[r - 1]}, ensure_ascii=False) for r in bad_rows],
            }
        )
    )
    return data.filter(keep)
