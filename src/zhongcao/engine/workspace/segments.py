"""The workspace's catalogue tables and its Parquet segments.

Input tables are not copied into the database file: each load adds a Parquet *segment* per table
under ``segments/<table>/`` and ``raw_<table>`` is a view over the segments the database lists in
``_segments``. Writing DuckDB's own storage cost more than the whole analysis (4.2M touches:
~2.3 s to insert against ~0.3 s to write Parquet; a million users 0.7 s against 0.1 s); scans are
as fast. Segments are immutable: a load only adds files, so a reader's snapshot (an older
database) never loses one; a file no database lists is the debris of an interrupted load, which
`recovery` removes. Paths are relative to the workspace (``file_search_path``). Workspaces from
before segments keep their tables inline, and loads append to them there.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from zhongcao.contract import TABLES
from zhongcao.engine.sql import SQL_TYPES, quote, raw_name

if TYPE_CHECKING:
    from zhongcao.ingest import FileInfo, SpooledTable

DB_FILE = "workspace.duckdb"
SEGMENTS_DIR = "segments"
LOG = "_ingest_log"
META = "_meta"
REJECTED = "rejected_rows"
WORDS = "learned_words"  # the text layer's words learned from this workspace (zhongcao words WS)
SEGMENTS = "_segments"
SEGMENTED = frozenset(TABLES)  # new workspaces keep every input table as Parquet segments

def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]
    )


def columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [name],
    ).fetchall()
    return [r[0] for r in rows]


def is_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT COUNT(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()[0])


def segmented(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether this workspace keeps ``table`` as Parquet segments (older workspaces hold it inline)."""
    return table in SEGMENTED and (is_view(con, raw_name(table)) or not has_table(con, raw_name(table)))


def segment_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """(Re)define ``raw_<table>`` over the segments the database lists: the contract's columns typed
    as it says, then any extra columns a segment brought (segment attributes, lost_reason, …)."""
    files = [r[0] for r in con.execute(f"SELECT file FROM {SEGMENTS} WHERE tbl = ? ORDER BY rowid", [table]).fetchall()]
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


def write_segment(table: str, data: pa.Table | SpooledTable, digest: str, root: Path, written: list[Path]) -> str:
    """Write one segment file; run in a thread (Parquet writing and file copies release the GIL)."""
    rel = f"{SEGMENTS_DIR}/{table}/{(digest or 'input')[:16]}-{uuid.uuid4().hex[:8]}.parquet"
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


def register_segment(con: duckdb.DuckDBPyConnection, table: str, rel: str, rows: int) -> None:
    con.execute(f"INSERT INTO {SEGMENTS} VALUES (?, ?, ?)", [table, rel, rows])
    segment_view(con, table)


def log_file(con: duckdb.DuckDBPyConnection, table: str, info: FileInfo | None, digest: str, rows: int,
             now: datetime, fingerprint: str | None = None) -> None:
    """Record a loaded file by content hash (loading it again is skipped) and, for a keyless table,
    the fingerprint of its rows (the same rows sent again in another format are skipped too)."""
    con.execute(f"INSERT INTO {LOG} (tbl, file, sha256, rows, loaded_at, fingerprint) VALUES (?, ?, ?, ?, ?, ?)",
                [table, str(info.path) if info else "", digest, rows, now, fingerprint])


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {SEGMENTS} (tbl VARCHAR, file VARCHAR, rows BIGINT)")
    for spec in TABLES.values():
        if segmented(con, spec.name):
            if not is_view(con, raw_name(spec.name)):
                segment_view(con, spec.name)
            continue
        cols = ", ".join(f"{quote(c.name)} {SQL_TYPES[c.type]}" for c in spec.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {raw_name(spec.name)} ({cols})")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {LOG} (tbl VARCHAR, file VARCHAR, sha256 VARCHAR, rows BIGINT, loaded_at TIMESTAMP)"
    )
    con.execute(f"ALTER TABLE {LOG} ADD COLUMN IF NOT EXISTS fingerprint VARCHAR")  # older workspaces lack it
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {REJECTED} "
        "(\"table\" VARCHAR, file VARCHAR, \"row\" BIGINT, reasons VARCHAR, record VARCHAR)"
    )



def referenced_segments(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The segment files (relative paths) this database lists."""
    if not has_table(con, SEGMENTS):
        return set()
    return {str(r[0]) for r in con.execute(f"SELECT file FROM {SEGMENTS}").fetchall()}
