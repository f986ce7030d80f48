"""What a workspace holds, in a few cheap aggregate queries: the facts analyses' prerequisites test.

``workspace_facts`` answers "which tables, which columns with values, how many platforms, do
buyer ids repeat, how many weeks of spend …" without building any mart, so ``zhongcao check``
can run it on a freshly staged folder. Each measure is one scalar query over the staged views;
the names are the vocabulary of ``analyses.prerequisites`` (which documents each one). The same
text runs on Spark's staged views when Spark builds a mart folder (``facts_from``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from zhongcao.engine.sql import quote, staging_name
from zhongcao.engine.workspace import Workspace

# measure -> (tables it needs, scalar SQL over the staged views). A measure whose tables are
# empty is 0 without running its query.
MEASURES: dict[str, tuple[tuple[str, ...], str]] = {
    "order_platforms": (("orders",), "SELECT COUNT(DISTINCT platform) FROM stg_orders WHERE amount > 0"),
    "buyers": (("orders",), "SELECT COUNT(DISTINCT user_id) FROM stg_orders"),
    "repeat_buyers": (("orders",), "SELECT COUNT(*) FROM (SELECT user_id FROM stg_orders GROUP BY user_id "
                                   "HAVING COUNT(*) >= 2)"),
    "order_weeks": (("orders",), "SELECT COUNT(DISTINCT DATE_TRUNC('week', ordered_at)) FROM stg_orders"),
    "region_orders": (("orders",), "SELECT COUNT(*) FROM stg_orders WHERE region IS NOT NULL"),
    "spend_total": (("spend",), "SELECT COALESCE(SUM(CAST(amount AS DECIMAL(38, 4))), 0) FROM stg_spend"),
    "spend_channels": (("spend",), "SELECT COUNT(DISTINCT channel) FROM stg_spend WHERE amount > 0"),
    "spend_weeks": (("spend",), "SELECT COUNT(DISTINCT DATE_TRUNC('week', date)) FROM stg_spend WHERE amount > 0"),
    "engaged_channels": (("exposures",), "SELECT COUNT(DISTINCT channel) FROM stg_exposures"),
    "searches": (("exposures",), "SELECT COUNT(*) FROM stg_exposures WHERE action = 'search' AND query IS NOT NULL"),
    "activity_days": ((), ""),  # filled below: distinct days with spend, orders, leads or touches
    "brand_mentions": (("notes",), ""),  # filled below: notes and comments naming the brand
    "won_leads": (("leads",), "SELECT COUNT(*) FROM stg_leads WHERE status = 'won'"),
    "lost_leads": (("leads",), "SELECT COUNT(*) FROM stg_leads WHERE status = 'lost'"),
    "lead_buyers": (("leads", "orders"), "SELECT COUNT(DISTINCT l.user_id) FROM stg_leads l "
                                         "WHERE l.user_id IN (SELECT user_id FROM stg_orders)"),
    "touched_conversions": (("exposures",), """
        SELECT (SELECT COUNT(DISTINCT user_id) FROM stg_orders WHERE user_id IN (SELECT user_id FROM stg_exposures))
             + (SELECT COUNT(DISTINCT user_id) FROM stg_leads
                WHERE status = 'won' AND user_id IN (SELECT user_id FROM stg_exposures))"""),
    "notes_with_text": (("notes",), "SELECT COUNT(*) FROM stg_notes WHERE LENGTH(TRIM(COALESCE(body, ''))) > 0"),
    "note_weeks": (("notes",), "SELECT COUNT(DISTINCT DATE_TRUNC('week', published_at)) FROM stg_notes"),
    "notes_with_region": (("notes",), "SELECT COUNT(*) FROM stg_notes WHERE region IS NOT NULL"),
    "sponsored_notes": (("notes",), "SELECT COUNT(*) FROM stg_notes WHERE sponsored"),
    "creators_listed": (("creators",), "SELECT COUNT(*) FROM stg_creators WHERE followers > 0"),
    "creators_quoted": (("creators",), "SELECT COUNT(*) FROM stg_creators WHERE quote > 0"),
    "panel_users": (("users",), "SELECT COUNT(*) FROM stg_users"),
    "users_with_region": (("users",), "SELECT COUNT(*) FROM stg_users WHERE region IS NOT NULL"),
    "holdout_users": (("users",), "SELECT COUNT(*) FROM stg_users WHERE holdout_group IS NOT NULL"),
    "survey_answers": (("surveys",), "SELECT COUNT(*) FROM stg_surveys"),
}
_DAYS = {"spend": "date", "orders": "ordered_at", "leads": "created_at", "exposures": "ts"}


def workspace_facts(workspace: Workspace, brand_name: str = "") -> dict[str, Any]:
    """``{"rows": {table: n}, "columns": {table: [columns with a value]}, "measures": {name: number}}``.

    ``brand_name`` adds ``brand_mentions``: notes and comments that name the brand (or carry it in
    ``notes.brand``), which the brand-safety analysis watches.
    """
    rows = workspace.row_counts()
    con = workspace.connect()
    try:
        return facts_from(lambda sql: tuple(con.execute(sql).fetchone()),
                          lambda t: [r[0] for r in con.execute(f"DESCRIBE {staging_name(t)}").fetchall()],
                          rows, brand_name)
    finally:
        con.close()


def facts_from(one_row: Callable[[str], Sequence[Any]], columns_of: Callable[[str], list[str]], rows: dict[str, int],
               brand_name: str = "") -> dict[str, Any]:
    """The facts on any engine: ``one_row(sql)`` runs one query in DuckDB's dialect over the staged views
    (the Spark builder transpiles it) and returns its single row; ``columns_of(table)`` names a
    staged view's columns. The same MEASURES text on both engines, so a Spark-built mart folder
    answers the prerequisites as a workspace does."""

    def number(sql: str) -> float:
        return float(one_row(sql)[0] or 0)

    columns = {t: _filled_columns(one_row, columns_of, t) if n else [] for t, n in rows.items()}
    measures: dict[str, float] = {}
    for name, (tables, sql) in MEASURES.items():
        if not sql:
            continue
        measures[name] = number(sql) if all(rows.get(t, 0) for t in tables) else 0.0
    days = [f"SELECT CAST({quote(col)} AS DATE) AS d FROM {staging_name(t)}" for t, col in _DAYS.items()
            if rows.get(t, 0)]
    measures["activity_days"] = number(f"SELECT COUNT(DISTINCT d) FROM ({' UNION ALL '.join(days)}) AS days") \
        if days else 0.0
    measures["brand_mentions"] = _mentions(number, rows, brand_name)
    return {"rows": rows, "columns": columns, "measures": measures}


def _filled_columns(one_row: Callable[[str], Sequence[Any]], columns_of: Callable[[str], list[str]],
                    table: str) -> list[str]:
    names = columns_of(table)
    if not names:
        return []
    counts = one_row(f"SELECT {', '.join(f'COUNT({quote(n)})' for n in names)} FROM {staging_name(table)}")
    return [n for n, c in zip(names, counts, strict=True) if c]


def literal(text: str) -> str:
    """A SQL string literal in DuckDB's dialect (quotes doubled; transpiling escapes it for Spark)."""
    return "'" + text.replace("'", "''") + "'"


def _mentions(number: Callable[[str], float], rows: dict[str, int], brand: str) -> float:
    if not brand or not (rows.get("notes") or rows.get("comments")):
        return 0.0
    name, like = literal(brand), literal(f"%{brand}%")
    total = 0.0
    if rows.get("notes"):
        total += number(f"SELECT COUNT(*) FROM stg_notes WHERE brand = {name} OR title LIKE {like} OR body LIKE {like}")
    if rows.get("comments"):
        total += number(f"SELECT COUNT(*) FROM stg_comments WHERE text LIKE {like}")
    return total


__all__ = ["MEASURES", "facts_from", "workspace_facts"]
