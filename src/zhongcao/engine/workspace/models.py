"""Derived data: staging and intermediate views, the marts, and the helpers queries share."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from zhongcao.contract import TABLES
from zhongcao.engine.sql import (
    PEOPLE_SALT,
    PEOPLE_SKETCH_SIZE,
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
from zhongcao.engine.workspace.segments import META, columns
from zhongcao.errors import WorkspaceError


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


def sketch_bound(sketch: str, by: Sequence[str]) -> str:
    """Per group, the smallest last token of a full sketch: no token above it is among the union's
    smallest ``PEOPLE_SKETCH_SIZE`` (that full sketch alone has as many at or below it)."""
    k = PEOPLE_SKETCH_SIZE
    window = f"PARTITION BY {', '.join(quote(c) for c in by)}" if by else ""
    return f"MIN(CASE WHEN LEN({sketch}) >= {k} THEN {sketch}[{k}] END) OVER ({window})"


def merged_sketch(sketch: str) -> str:
    """The bottom-k of the union of a group's sketches (``merge_people_sketches`` in SQL); tokens
    above the group's bound are dropped first, so a slice of thousands of rows merges few tokens."""
    kept = f"LIST_FILTER({sketch}, lambda t: _bound IS NULL OR t <= _bound)"
    return f"ARRAY_SLICE(ARRAY_SORT(LIST_DISTINCT(FLATTEN(ARRAY_AGG({kept})))), 1, {PEOPLE_SKETCH_SIZE})"


def plain_numbers(table: pa.Table) -> pa.Table:
    """DuckDB sums integers into HUGEINT (Arrow decimal); analyses want int64/float64."""
    for i, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):
            target = pa.int64() if f.type.scale == 0 else pa.float64()
            table = table.set_column(i, f.name, table.column(i).cast(target))
    return table


def people_salt(con: duckdb.DuckDBPyConnection) -> str:
    """The workspace's salt for people tokens (the marts' people sketches); Spark builds read the same one."""
    row = con.execute(f"SELECT value FROM {META} WHERE key = '{PEOPLE_SALT}'").fetchone()
    if row is None:
        raise WorkspaceError("workspace has no people salt: load its input again to rebuild it")
    return str(row[0])


def extra_columns(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    contract = set(TABLES[table].column_names)
    return tuple(c for c in columns(con, raw_name(table)) if c not in contract)


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

