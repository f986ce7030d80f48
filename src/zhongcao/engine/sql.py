"""SQL text for the relational layer, written once and run by DuckDB or Spark.

Staging is generated from the contract (it only renames and casts); marts are SQL files in
``sql/marts/`` whose header states their grain. Spark gets the same text transpiled by SQLGlot,
so there is no second hand-kept copy of any model.
"""

from __future__ import annotations

import graphlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import sqlglot

from zhongcao.contract import TABLES
from zhongcao.contract.tables import ColumnType

SQL_TYPES: dict[ColumnType, str] = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "count": "BIGINT",
    "float": "DOUBLE",
    "money": "DOUBLE",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "tags": "VARCHAR[]",
}

# Categorical keys are compared across files from different exports; one spelling each.
_LOWERED = {"channel", "platform", "action", "status", "note_type", "gender"}


PEOPLE_SALT = "people_salt"  # the one-row view the marts with a people_sketch read their token salt from
# Tokens kept per row in a people_sketch (the mart SQL writes the same 64); the largest minimum group
# testable exactly.
PEOPLE_SKETCH_SIZE = 64
# Attribution lookback windows, in days, the attribution marts are built for (their SQL lists the same).
LOOKBACK_DAYS: tuple[int, ...] = (7, 15, 30, 60)


def people_salt_sql(salt: str) -> str:
    """The ``people_salt`` view's body: the workspace's secret salt for people tokens (32 hex digits)."""
    if not re.fullmatch(r"[0-9a-f]{32}", salt):
        raise ValueError("people salt must be 32 lowercase hex digits")
    return f"SELECT '{salt}' AS salt"


def merge_people_sketches(sketches: Iterable[Sequence[str] | None]) -> list[str]:
    """The sketch of the union of several groups' people, from their sketches (bottom-k: mergeable).

    Each sketch holds the ``PEOPLE_SKETCH_SIZE`` smallest tokens of its people, so the merged
    one holds the smallest tokens of the union: its length is the union's distinct people when
    below the size, and the size means at least that many.
    """
    merged: set[str] = set()
    for sketch in sketches:
        merged.update(sketch or ())
    return sorted(merged)[:PEOPLE_SKETCH_SIZE]


def raw_name(table: str) -> str:
    return f"raw_{table}"


def staging_name(table: str) -> str:
    return f"stg_{table}"


def mart_name(mart: str) -> str:
    return f"mart_{mart}"


def quote(identifier: str) -> str:
    """Quote an identifier; extra columns from exports may hold any characters."""
    return '"' + identifier.replace('"', '""') + '"'


def staging_sql(table: str, extra_columns: tuple[str, ...] = ()) -> str:
    """`SELECT` that renames and casts one raw table into its staged form."""
    spec = TABLES[table]
    parts = []
    for col in spec.columns:
        expr = f"CAST({quote(col.name)} AS {SQL_TYPES[col.type]})"
        if col.name in _LOWERED:
            expr = f"LOWER(TRIM({expr}))"
        parts.append(f"{expr} AS {quote(col.name)}")
    parts += [quote(c) for c in extra_columns]
    return f"SELECT {', '.join(parts)} FROM {raw_name(table)}"


@dataclass(frozen=True)
class Mart:
    """A model with a stated grain: a mart (``sql/marts``) or an intermediate view (``sql/intermediate``)."""

    name: str
    grain: str
    description: str
    sql: str
    key: tuple[str, ...] = ()  # the columns the grain makes unique (``-- key:``; tests/engine checks it on the demo worlds)

    @property
    def reads(self) -> tuple[str, ...]:
        """Staging tables the model reads, through any intermediate views (clean-room docs)."""
        direct = set(re.findall(r"\bstg_(\w+)", self.sql))
        for name in _intermediates_in(self.sql):
            direct |= set(intermediates()[name].reads)
        return tuple(sorted(direct))

    @property
    def uses(self) -> frozenset[str]:
        """Intermediate views the model reads, directly or through other intermediate views."""
        found: set[str] = set()
        for name in _intermediates_in(self.sql):
            found |= {name, *intermediates()[name].uses}
        return frozenset(found)


def _intermediates_in(sql: str) -> set[str]:
    """Names of the intermediate views (``int_<name>``) a model's SQL reads."""
    return set(re.findall(r"\bint_(\w+)", sql))


_HEADER = re.compile(r"^--\s*(mart|intermediate|grain|key|description):\s*(.+)$", re.MULTILINE)


def _load(folder_name: str, kind: str) -> dict[str, Mart]:
    found: dict[str, Mart] = {}
    folder = resources.files("zhongcao.engine").joinpath("sql", folder_name)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        text = entry.read_text(encoding="utf-8")
        header = dict(_HEADER.findall(text))
        name = entry.name[: -len(".sql")]
        if header.get(kind) != name or "grain" not in header:
            raise RuntimeError(f"{kind} file {entry.name} must start with '-- {kind}: {name}' and '-- grain: …'")
        key = tuple(c.strip() for c in header.get("key", "").split(",") if c.strip())
        found[name] = Mart(name, header["grain"].strip(), header.get("description", "").strip(), text, key)
    return found


@cache
def marts() -> dict[str, Mart]:
    """Every mart shipped with the package, by name."""
    return _load("marts", "mart")


@cache
def intermediates() -> dict[str, Mart]:
    """Views between staging and marts that several marts share (one definition, e.g. a conversion).

    In dependency order (a view after the views it reads), so each engine can create them in turn.
    """
    views = _load("intermediate", "intermediate")
    graph = {name: _intermediates_in(view.sql) & views.keys() for name, view in views.items()}
    return {name: views[name] for name in graphlib.TopologicalSorter(graph).static_order()}


def intermediate_name(name: str) -> str:
    return f"int_{name}"


def to_spark(sql: str) -> str:
    """The same SQL in Spark's dialect."""
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]
