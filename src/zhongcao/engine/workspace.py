"""The DuckDB workspace: raw tables, staging views, precomputed marts.

A workspace is a folder holding ``workspace.duckdb``. Loading is all-or-nothing: the new
state is built in a copy and swapped in with one ``os.replace``, so a failed load leaves
the file exactly as it was (byte for byte).

Input tables are not copied into the database file: each load adds a Parquet *segment* per
table under ``segments/<table>/`` and ``raw_<table>`` is a view over the segments the database
lists. Writing DuckDB's own storage cost more than the whole analysis (4.2M touches: ~2.3 s to
insert against ~0.3 s to write Parquet; a million users 0.7 s against 0.1 s); scans are as fast.
A segment is written before the swap and deleted if the load fails, so a failed load still
leaves the workspace as it was. Paths are relative to the workspace (``file_search_path``).
Workspaces from before segments keep their tables inline, and loads append to them there.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import threading
import uuid
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from zhongcao.contract import TABLES, BrandConfig
from zhongcao.engine.sql import (
    PEOPLE_SALT,
    PEOPLE_SKETCH_SIZE,
    SQL_TYPES,
    intermediate_name,
    intermediates,
    mart_name,
    marts,
    people_salt_sql,
    quote,
    raw_name,
    staging_name,
    staging_sql,
)
from zhongcao.errors import DuplicateKeyError, Problem, WorkspaceError

if TYPE_CHECKING:
    from zhongcao.ingest import FileInfo, SpooledTable, StagedInput

DB_FILE = "workspace.duckdb"
_LOG = "_ingest_log"
_META = "_meta"
_REJECTED = "rejected_rows"
_WORDS = "learned_words"  # the text layer's words learned from this workspace (zhongcao words WS)
_SEGMENTS = "_segments"
SEGMENTED = frozenset(TABLES)  # new workspaces keep every input table as Parquet segments


@dataclass
class LoadSummary:
    """What one `Workspace.load` did."""

    loaded: dict[str, int] = field(default_factory=dict)  # table -> rows appended
    skipped_files: list[str] = field(default_factory=list)  # already ingested (same content hash)
    rejected: int = 0
    # Problems the input was loaded despite (a reference pointing nowhere, an unknown province, a
    # dropped column): the caller shows them, since nothing else will.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.loaded) or self.rejected > 0


class Workspace:
    """A brand's local workspace. Implements the mart-source protocol the analyses read."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()  # a connection held by `held()`, per thread

    @property
    def db_path(self) -> Path:
        return self.path / DB_FILE

    def exists(self) -> bool:
        return self.db_path.is_file()

    # ----------------------------------------------------------------------------- loading
    def load(
        self, staged: StagedInput, *, quarantine: bool = False, marts_to_build: Collection[str] | None = None
    ) -> LoadSummary:
        """Append a validated input folder; all-or-nothing.

        Every mart is rebuilt after a load unless ``marts_to_build`` names a subset (the others
        are then built on first use by :meth:`mart`).

        Files whose content hash is already in the workspace are skipped, so re-ingesting
        the same folder changes nothing. Keys that already exist raise DuplicateKeyError
        (strict) or go to ``rejected_rows`` when the input was read with quarantine.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.db_path.with_name(DB_FILE + ".loading")
        tmp.unlink(missing_ok=True)
        if self.exists():
            shutil.copy2(self.db_path, tmp)
        written: list[Path] = []  # new segments: deleted unless the swap happens
        try:
            con = self._open(tmp)
            try:
                summary = _load_into(con, staged, quarantine, self.path, written)
                summary.warnings = staged.warnings
                if summary.changed or not _has_table(con, _META):
                    con.execute(f"DROP TABLE IF EXISTS {_WORDS}")  # learned from the old text
                    _write_meta(con, staged.brand)
                    build_models(con, marts_to_build)
            finally:
                con.close()
            if summary.changed or not self.exists():
                os.replace(tmp, self.db_path)
            else:
                tmp.unlink(missing_ok=True)
        except BaseException:
            tmp.unlink(missing_ok=True)
            with suppress(FileNotFoundError):
                os.remove(str(tmp) + ".wal")
            for path in written:
                path.unlink(missing_ok=True)
            raise
        finally:
            cleanup = getattr(staged, "cleanup", None)
            if cleanup is not None:
                cleanup()
        return summary

    def _open(self, db: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A connection that finds the workspace's Parquet segments (their paths are relative) and
        keeps DuckDB within `memory_limit()`, spilling to disk beyond it."""
        con = duckdb.connect(str(db), read_only=read_only, config={"memory_limit": memory_limit()})
        con.execute(f"SET file_search_path = '{str(self.path.resolve()).replace(chr(39), chr(39) * 2)}'")
        return con

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the workspace, for callers comparing engines on it (tests)."""
        if not self.exists():
            raise WorkspaceError(f"no workspace at {self.path}")
        return self._open(self.db_path, read_only=True)

    # ----------------------------------------------------------------------------- reading
    @contextmanager
    def held(self) -> Iterator[Workspace]:
        """Reuse one read-only connection for every read inside the block (a dashboard request)."""
        with self._connect() as con:
            self._local.con = con
            try:
                yield self
            finally:
                self._local.con = None

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        held = getattr(self._local, "con", None)
        if held is not None:
            yield held
            return
        if not self.exists():
            raise WorkspaceError(f"no workspace at {self.path} (run `zhongcao ingest INPUT_DIR --workspace {self.path}`)")
        con = self._open(self.db_path, read_only=True)
        try:
            yield con
        finally:
            con.close()

    @property
    def brand(self) -> BrandConfig:
        with self._connect() as con:
            row = con.execute(f"SELECT value FROM {_META} WHERE key = 'brand'").fetchone()
        return BrandConfig.from_mapping(json.loads(row[0])) if row else BrandConfig()

    def mart(self, name: str) -> pa.Table:
        """One precomputed mart (an aggregate with a stated grain) as an Arrow table."""
        if name not in marts():
            raise WorkspaceError(f"unknown mart {name!r}; marts are {sorted(marts())}")
        if getattr(self._local, "con", None) is None and not self._has_mart(name):
            self._build_missing(name)
        with self._connect() as con:
            return _plain_numbers(con.execute(f"SELECT * FROM {mart_name(name)}").fetch_arrow_table())

    def _has_mart(self, name: str) -> bool:
        with self._connect() as con:
            return _has_table(con, mart_name(name))

    def _build_missing(self, name: str) -> None:
        # Marts are derived data: building one later changes no input row, so it needs no swap.
        con = self._open(self.db_path)
        try:
            con.execute(f"CREATE OR REPLACE TABLE {mart_name(name)} AS {marts()[name].sql}")
        finally:
            con.close()

    def mart_query(
        self,
        name: str,
        *,
        by: Sequence[str] = (),
        sums: Sequence[str] = (),
        equals: Mapping[str, Sequence[object]] | None = None,
        between: Mapping[str, tuple[object | None, object | None]] | None = None,
        sketch: str | None = None,
    ) -> pa.Table:
        """Filtered sums over one mart (the dashboard's filters): ``SELECT by, SUM(sums) … GROUP BY by``.

        ``sketch`` names a people-sketch column (the cubes' ``people_sketch``) to merge per group
        as well: its length is the group's distinct people, exactly below ``PEOPLE_SKETCH_SIZE``
        (see ``merge_people_sketches``). Mart and column names are checked against the mart
        itself, never taken as SQL from the caller; filter values travel as query parameters.
        """
        if name not in marts():
            raise WorkspaceError(f"unknown mart {name!r}; marts are {sorted(marts())}")
        equals, between = dict(equals or {}), dict(between or {})
        with self._connect() as con:
            known = {d[0] for d in con.execute(f"SELECT * FROM {mart_name(name)} LIMIT 0").description}
            if sketch == "people_sketch" and sketch not in known:
                raise WorkspaceError(f"mart {name!r} has no people_sketch: an older version built it; ingest the "
                                     "input folder into a new workspace to rebuild the marts")
            unknown = sorted({*by, *sums, *equals, *between, *([sketch] if sketch else [])} - known)
            if unknown:
                raise WorkspaceError(f"mart {name!r} has no column(s) {unknown}")
            where, params = [], []
            for col, values in equals.items():
                where.append(f"{quote(col)} IN ({', '.join('?' for _ in values) or 'NULL'})")
                params += list(values)
            for col, (low, high) in between.items():
                if low is not None:
                    where.append(f"{quote(col)} >= ?")
                    params.append(low)
                if high is not None:
                    where.append(f"{quote(col)} <= ?")
                    params.append(high)
            select = [quote(c) for c in by] + [f"SUM({quote(c)}) AS {quote(c)}" for c in sums]
            source = mart_name(name)
            if sketch:
                select.append(f"{_merged_sketch(quote(sketch))} AS {quote(sketch)}")
                source = f"(SELECT *, {_sketch_bound(quote(sketch), by)} AS _bound FROM {source}"
                source += (" WHERE " + " AND ".join(where) if where else "") + ")"
                where = []
            sql = f"SELECT {', '.join(select) or 'COUNT(*) AS n'} FROM {source}"
            if where:
                sql += " WHERE " + " AND ".join(where)
            if by:
                grouped = ", ".join(quote(c) for c in by)
                sql += f" GROUP BY {grouped} ORDER BY {grouped}"
            return _plain_numbers(con.execute(sql, params).fetch_arrow_table())

    def staged(self, table: str, columns: tuple[str, ...] | None = None) -> pa.Table:
        """User-level staged rows. Only for analyses that truly need them (they must say so)."""
        if table not in TABLES:
            raise WorkspaceError(f"unknown table {table!r}")
        cols = "*" if not columns else ", ".join(quote(c) for c in columns)
        with self._connect() as con:
            return con.execute(f"SELECT {cols} FROM {staging_name(table)}").fetch_arrow_table()

    def row_counts(self) -> dict[str, int]:
        with self._connect() as con:
            return {t: con.execute(f"SELECT COUNT(*) FROM {raw_name(t)}").fetchone()[0] for t in TABLES}

    # ----------------------------------------------------------------------------- learned words
    def learned_words(self) -> pa.Table | None:
        """The words the text layer learned from this workspace's text, or None until it has learned them.

        A load that changes the data forgets them, so they are learned again from the new text.
        """
        with self._connect() as con:
            return con.execute(f"SELECT * FROM {_WORDS}").fetch_arrow_table() if _has_table(con, _WORDS) else None

    def save_learned_words(self, words: pa.Table) -> None:
        """Store learned words (a table with a ``word`` column); skipped while a read connection is held."""
        if getattr(self._local, "con", None) is not None or not self.exists():
            return
        con = self._open(self.db_path)
        try:
            con.register("learned_words_in", words)
            con.execute(f"CREATE OR REPLACE TABLE {_WORDS} AS SELECT * FROM learned_words_in")
        finally:
            con.close()

    def rejected_rows(self) -> pa.Table:
        with self._connect() as con:
            if not _has_table(con, _REJECTED):
                return pa.table({"table": pa.array([], pa.string())})
            return con.execute(f"SELECT * FROM {_REJECTED}").fetch_arrow_table()


def memory_limit() -> str:
    """DuckDB's memory limit: ``ZHONGCAO_MEMORY_LIMIT`` (e.g. ``8GB``), else half the machine's memory.

    DuckDB's own default (80%) leaves too little for Python and Arrow beside it: building the
    journeys of 10M users reached 22 GB resident on a 24 GB machine. Queries spill beyond the limit.
    """
    explicit = os.environ.get("ZHONGCAO_MEMORY_LIMIT", "").strip()
    if explicit:
        return explicit
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(total // 2 // 2**20, 256)}MB"


# --------------------------------------------------------------------------------- internals
def _sketch_bound(sketch: str, by: Sequence[str]) -> str:
    """Per group, the smallest last token of a full sketch: no token above it is among the union's
    smallest ``PEOPLE_SKETCH_SIZE`` (that full sketch alone has as many at or below it)."""
    k = PEOPLE_SKETCH_SIZE
    window = f"PARTITION BY {', '.join(quote(c) for c in by)}" if by else ""
    return f"MIN(CASE WHEN LEN({sketch}) >= {k} THEN {sketch}[{k}] END) OVER ({window})"


def _merged_sketch(sketch: str) -> str:
    """The bottom-k of the union of a group's sketches (``merge_people_sketches`` in SQL); tokens
    above the group's bound are dropped first, so a slice of thousands of rows merges few tokens."""
    kept = f"LIST_FILTER({sketch}, lambda t: _bound IS NULL OR t <= _bound)"
    return f"ARRAY_SLICE(ARRAY_SORT(LIST_DISTINCT(FLATTEN(ARRAY_AGG({kept})))), 1, {PEOPLE_SKETCH_SIZE})"


def _plain_numbers(table: pa.Table) -> pa.Table:
    """DuckDB sums integers into HUGEINT (Arrow decimal); analyses want int64/float64."""
    for i, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):
            target = pa.int64() if f.type.scale == 0 else pa.float64()
            table = table.set_column(i, f.name, table.column(i).cast(target))
    return table


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]
    )


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [name],
    ).fetchall()
    return [r[0] for r in rows]


def _is_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT COUNT(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()[0])


def _segmented(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether this workspace keeps ``table`` as Parquet segments (older workspaces hold it inline)."""
    return table in SEGMENTED and (_is_view(con, raw_name(table)) or not _has_table(con, raw_name(table)))


def _segment_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """(Re)define ``raw_<table>`` over the segments the database lists: the contract's columns typed
    as it says, then any extra columns a segment brought (segment attributes, lost_reason, …)."""
    files = [r[0] for r in con.execute(f"SELECT file FROM {_SEGMENTS} WHERE tbl = ? ORDER BY rowid", [table]).fetchall()]
    spec = TABLES[table]
    if files:
        source = f"read_parquet([{', '.join(_literal(f) for f in files)}], union_by_name = true)"
        present = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]  # footers only
        cols = [f"CAST({quote(c.name) if c.name in present else 'NULL'} AS {SQL_TYPES[c.type]}) AS {quote(c.name)}"
                for c in spec.columns]
        cols += [quote(c) for c in present if c not in spec.column_names]
        body = f"SELECT {', '.join(cols)} FROM {source}"
    else:
        cols = ", ".join(f"CAST(NULL AS {SQL_TYPES[c.type]}) AS {quote(c.name)}" for c in spec.columns)
        body = f"SELECT {cols} WHERE FALSE"
    con.execute(f"CREATE OR REPLACE VIEW {raw_name(table)} AS {body}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _write_segment(table: str, data: pa.Table | SpooledTable, digest: str, root: Path, written: list[Path]) -> str:
    """Write one segment file; run in a thread (Parquet writing and file copies release the GIL)."""
    rel = f"segments/{table}/{(digest or 'input')[:16]}-{uuid.uuid4().hex[:8]}.parquet"
    dest = root / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    written.append(dest)
    if isinstance(data, pa.Table):
        pq.write_table(data, dest)
    elif data.owned:
        shutil.move(data.path, dest)
    else:  # the input file itself: validation changed nothing in it
        shutil.copyfile(data.path, dest)
    return rel


def _register_segment(con: duckdb.DuckDBPyConnection, table: str, rel: str, rows: int) -> None:
    con.execute(f"INSERT INTO {_SEGMENTS} VALUES (?, ?, ?)", [table, rel, rows])
    _segment_view(con, table)


def _log_file(con: duckdb.DuckDBPyConnection, table: str, info: FileInfo | None, digest: str, rows: int,
              now: datetime) -> None:
    """Record a loaded file by content hash, so loading it again is skipped."""
    con.execute(f"INSERT INTO {_LOG} VALUES (?, ?, ?, ?, ?)", [table, str(info.path) if info else "", digest, rows, now])


def _ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {_SEGMENTS} (tbl VARCHAR, file VARCHAR, rows BIGINT)")
    for spec in TABLES.values():
        if _segmented(con, spec.name):
            if not _is_view(con, raw_name(spec.name)):
                _segment_view(con, spec.name)
            continue
        cols = ", ".join(f"{quote(c.name)} {SQL_TYPES[c.type]}" for c in spec.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {raw_name(spec.name)} ({cols})")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {_LOG} (tbl VARCHAR, file VARCHAR, sha256 VARCHAR, rows BIGINT, loaded_at TIMESTAMP)"
    )
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {_REJECTED} "
        "(\"table\" VARCHAR, file VARCHAR, \"row\" BIGINT, reasons VARCHAR, record VARCHAR)"
    )


def _load_into(con: duckdb.DuckDBPyConnection, staged: StagedInput, quarantine: bool, root: Path,
               written: list[Path]) -> LoadSummary:
    _ensure_raw_tables(con)
    summary = LoadSummary()
    seen = {(r[0], r[1]) for r in con.execute(f"SELECT tbl, sha256 FROM {_LOG}").fetchall()}
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
            if _segmented(con, table):
                if spec.key:
                    if not isinstance(data, pa.Table):  # staging spools key-less tables only; were that to change,
                        data = pq.read_table(data.path)  # reading it whole keeps the key check rather than skipping it
                    data = _drop_existing_keys(con, table, data, staged, rejected_batches, quarantine)
                pending.append((table, pool.submit(_write_segment, table, data, digest, root, written), data.num_rows))
                summary.loaded[table] = data.num_rows
                _log_file(con, table, info, digest, data.num_rows, now)
                continue
            if not isinstance(data, pa.Table):  # spooled, into an older workspace that holds the table inline
                data = pq.read_table(data.path)
            existing = set(_columns(con, raw))
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
            _log_file(con, table, info, digest, data.num_rows, now)
        for table, written_rel, rows in pending:
            _register_segment(con, table, written_rel.result(), rows)
    finally:
        pool.shutdown(wait=True)
    if staged.rejected is not None and staged.rejected.num_rows:
        # Rows rejected while reading a file that was skipped were recorded the first time.
        skipped = [t for t in staged.tables if t not in summary.loaded]
        fresh = [t not in skipped for t in staged.rejected.column("table").to_pylist()]
        rejected_batches.insert(0, staged.rejected.filter(pa.array(fresh, pa.bool_())))
    for batch in rejected_batches:
        con.register("_rejected", batch)
        con.execute(f"INSERT INTO {_REJECTED} BY NAME SELECT * FROM _rejected")
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


def _write_meta(con: duckdb.DuckDBPyConnection, brand: BrandConfig) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {_META} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(f"DELETE FROM {_META} WHERE key = 'brand'")
    con.execute(f"INSERT INTO {_META} VALUES ('brand', ?)", [json.dumps(brand.to_mapping(), ensure_ascii=False)])
    # Drawn once per workspace and kept: a person's token is the same in every build, and no one
    # without the workspace can link a token back to a user id.
    con.execute(f"INSERT INTO {_META} SELECT '{PEOPLE_SALT}', ? WHERE NOT EXISTS "
                f"(SELECT 1 FROM {_META} WHERE key = '{PEOPLE_SALT}')", [secrets.token_hex(16)])


def people_salt(con: duckdb.DuckDBPyConnection) -> str:
    """The workspace's salt for people tokens (the marts' people sketches); Spark builds read the same one."""
    row = con.execute(f"SELECT value FROM {_META} WHERE key = '{PEOPLE_SALT}'").fetchone()
    if row is None:
        raise WorkspaceError("workspace has no people salt: load its input again to rebuild it")
    return str(row[0])


def extra_columns(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    contract = set(TABLES[table].column_names)
    return tuple(c for c in _columns(con, raw_name(table)) if c not in contract)


def build_models(con: duckdb.DuckDBPyConnection, names: Collection[str] | None = None) -> None:
    """(Re)create staging and intermediate views and materialise the marts (all, or the ones named)."""
    con.execute(f"CREATE OR REPLACE VIEW {PEOPLE_SALT} AS {people_salt_sql(people_salt(con))}")
    for table in TABLES:
        con.execute(f"CREATE OR REPLACE VIEW {staging_name(table)} AS {staging_sql(table, extra_columns(con, table))}")
    for view in intermediates().values():
        con.execute(f"CREATE OR REPLACE VIEW {intermediate_name(view.name)} AS {view.sql}")
    building = {m.name for m in marts().values() if names is None or m.name in names}
    readers = Counter(name for mart in marts().values() if mart.name in building for name in mart.uses)
    # An intermediate that several of these marts read is computed once: a temporary table of the
    # same name shadows the view on this connection while they are built (int_journey_touches,
    # read by the journeys and touch-credit marts, is a join and a window over every touch).
    # Marts built later, on first use, read the view.
    shared = [intermediate_name(v) for v in intermediates() if readers[v] > 1]
    try:
        for name in shared:  # in dependency order, so one can read another's table
            con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}")
        for mart in marts().values():
            if mart.name in building:
                con.execute(f"CREATE OR REPLACE TABLE {mart_name(mart.name)} AS {mart.sql}")
            else:
                con.execute(f"DROP TABLE IF EXISTS {mart_name(mart.name)}")
    finally:
        for name in reversed(shared):
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def describe_marts() -> list[dict[str, Any]]:
    return [{"name": m.name, "grain": m.grain, "description": m.description, "reads": m.reads} for m in marts().values()]
