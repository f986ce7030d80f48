"""The DuckDB workspace: raw tables, staging views, precomputed marts, one writer, many readers.

A workspace is a folder holding ``workspace.duckdb`` and its Parquet segments (``segments``).
Loading (``loads``) is all-or-nothing and exclusive: one writer at a time holds the writer lock
(``locks``), builds the new state in its own staging area and swaps it in with one
``os.replace``, so a failed or killed load leaves the database as it was. Readers open the file
read-only and keep that snapshot for as long as they hold the connection: ``held()`` pins one
for a block (every analysis of one findings document reads the same generation). Opening a
workspace first removes the debris of an interrupted load when no load is running (``recovery``).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from zhongcao.contract import TABLES, BrandConfig
from zhongcao.engine.sql import mart_name, marts, quote, raw_name, staging_name
from zhongcao.engine.workspace import locks
from zhongcao.engine.workspace.loads import LoadSummary, generation, load, staging_area
from zhongcao.engine.workspace.models import memory_limit, merged_sketch, plain_numbers, sketch_bound
from zhongcao.engine.workspace.recovery import Report, debris_present, recover
from zhongcao.engine.workspace.segments import DB_FILE, META, REJECTED, WORDS, has_table
from zhongcao.errors import WorkspaceBusyError, WorkspaceError

if TYPE_CHECKING:
    from zhongcao.ingest import StagedInput


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
        """Append a validated input folder; all-or-nothing, one load at a time.

        Every mart is rebuilt after a load unless ``marts_to_build`` names a subset (the others
        are then built on first use by :meth:`mart`).

        Files whose content hash is already in the workspace are skipped, so re-ingesting
        the same folder changes nothing (unless brand.toml changed: it is stored, and the
        generation moves on). The rows of a keyless table already loaded from another file (the
        same rows in another format) are skipped with a warning. Keys that already exist raise
        DuplicateKeyError (strict) or go to ``rejected_rows`` when the input was read with
        quarantine. A second load while one runs raises WorkspaceBusyError naming its pid.
        """
        return load(self, staged, quarantine=quarantine, marts_to_build=marts_to_build)

    def recover(self, *, check: bool = False) -> Report:
        """Remove the debris of interrupted loads now (see `recovery`); ``check`` verifies segments."""
        return recover(self.path, check=check)

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
        """Reuse one read-only connection (one snapshot) for every read inside the block: a
        dashboard request, or every analysis of one findings document. Nested blocks share it."""
        if getattr(self._local, "con", None) is not None:
            yield self
            return
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
        if debris_present(self.path):
            recover(self.path)  # an interrupted load's leftovers, when no load runs (it never waits)
        if not self.exists():
            raise WorkspaceError(f"no workspace at {self.path} (run `zhongcao ingest INPUT_DIR --workspace {self.path}`)")
        with locks.reading(self.path):
            con = self._open(self.db_path, read_only=True)
            try:
                yield con
            finally:
                con.close()

    @property
    def generation(self) -> str | None:
        """The generation of the snapshot being read: new with every load that changed anything
        (None for a workspace written before generations). Caches of results are keyed by it."""
        with self._connect() as con:
            return generation(con)

    @property
    def brand(self) -> BrandConfig:
        with self._connect() as con:
            row = con.execute(f"SELECT value FROM {META} WHERE key = 'brand'").fetchone()
        return BrandConfig.from_mapping(json.loads(row[0])) if row else BrandConfig()

    def mart(self, name: str) -> pa.Table:
        """One precomputed mart (an aggregate with a stated grain) as an Arrow table.

        A mart not built at load is built now and stored, unless a snapshot is held (`held`) or
        another process is writing: then it is computed from the snapshot and not stored.
        """
        if name not in marts():
            raise WorkspaceError(f"unknown mart {name!r}; marts are {sorted(marts())}")
        if getattr(self._local, "con", None) is None and not self._has_mart(name):
            self._build_missing(name)
        with self._connect() as con:
            return plain_numbers(con.execute(f"SELECT * FROM {self._mart_source(con, name)}").fetch_arrow_table())

    @staticmethod
    def _mart_source(con: duckdb.DuckDBPyConnection, name: str) -> str:
        """The mart's table, or its SQL as a subquery when this snapshot has not stored it."""
        return mart_name(name) if has_table(con, mart_name(name)) else f"({marts()[name].sql})"

    def _has_mart(self, name: str) -> bool:
        with self._connect() as con:
            return has_table(con, mart_name(name))

    def _build_missing(self, name: str) -> None:
        """Store a mart built on first use: in a copy swapped in like a load's, under the writer lock
        (readers keep their snapshot; the generation stays, since no input row changed)."""
        with ExitStack() as stack:
            try:
                stack.enter_context(locks.WriterLock(self.path, "mart", wait=0))
            except (WorkspaceBusyError, OSError):
                return  # a load runs (or the folder is read-only): the caller computes it from its snapshot
            area = staging_area(self.path)
            stack.callback(shutil.rmtree, area, True)
            tmp = area / DB_FILE
            shutil.copy2(self.db_path, tmp)
            con = self._open(tmp)
            try:
                if has_table(con, mart_name(name)):
                    return
                con.execute(f"CREATE TABLE {mart_name(name)} AS {marts()[name].sql}")
            finally:
                con.close()
            os.replace(tmp, self.db_path)

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
            table = self._mart_source(con, name)
            known = {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description}
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
            source = table
            if sketch:
                select.append(f"{merged_sketch(quote(sketch))} AS {quote(sketch)}")
                source = f"(SELECT *, {sketch_bound(quote(sketch), by)} AS _bound FROM {source}"
                source += (" WHERE " + " AND ".join(where) if where else "") + ")"
                where = []
            sql = f"SELECT {', '.join(select) or 'COUNT(*) AS n'} FROM {source}"
            if where:
                sql += " WHERE " + " AND ".join(where)
            if by:
                grouped = ", ".join(quote(c) for c in by)
                sql += f" GROUP BY {grouped} ORDER BY {grouped}"
            return plain_numbers(con.execute(sql, params).fetch_arrow_table())

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
            return con.execute(f"SELECT * FROM {WORDS}").fetch_arrow_table() if has_table(con, WORDS) else None

    def save_learned_words(self, words: pa.Table) -> None:
        """Store learned words (a table with a ``word`` column) in a copy swapped in like a load's, under
        the writer lock; skipped while a snapshot is held, a load runs or the folder is read-only
        (the words are then learned again next time)."""
        if getattr(self._local, "con", None) is not None or not self.exists():
            return
        with ExitStack() as stack:
            try:
                stack.enter_context(locks.WriterLock(self.path, "mart", wait=0))
            except (WorkspaceBusyError, OSError):
                return
            area = staging_area(self.path)
            stack.callback(shutil.rmtree, area, True)
            tmp = area / DB_FILE
            shutil.copy2(self.db_path, tmp)
            con = self._open(tmp)
            try:
                con.register("learned_words_in", words)
                con.execute(f"CREATE OR REPLACE TABLE {WORDS} AS SELECT * FROM learned_words_in")
            finally:
                con.close()
            os.replace(tmp, self.db_path)

    def rejected_rows(self) -> pa.Table:
        with self._connect() as con:
            if not has_table(con, REJECTED):
                return pa.table({"table": pa.array([], pa.string())})
            return con.execute(f"SELECT * FROM {REJECTED}").fetch_arrow_table()

