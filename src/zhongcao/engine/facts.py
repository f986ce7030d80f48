"""What a workspace holds, in a few cheap aggregate queries: the facts analyses' prerequisites test.

``workspace_facts`` answers "which tables, which columns with values, how many platforms, do
buyer ids repeat, how many weeks of spend …" without building any mart, so ``zhongcao check``
can run it on a freshly staged folder. Each measure is one scalar query over the staged views;
the names are the vocabulary of ``analyses.prerequisites`` (which documents each one).
"""

from __future__ import annotations

from typing import Any

import duckdb

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
    "spend_total": (("spend",), "SELECT COALESCE(SUM(amount), 0) FROM stg_spend"),
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
        columns = {t: _filled_columns(con, t) if n else [] for t, n in rows.items()}
        measures: dict[str, float] = {}
        for name, (tables, sql) in MEASURES.items():
            if not sql:
                continue
            measures[name] = _scalar(con, sql) if all(rows.get(t, 0) for t in tables) else 0.0
        days = [f"SELECT CAST({quote(col)} AS DATE) AS d FROM {staging_name(t)}" for t, col in _DAYS.items()
                if rows.get(t, 0)]
        measures["activity_days"] = _scalar(con, f"SELECT COUNT(DISTINCT d) FROM ({' UNION ALL '.join(days)})") \
            if days else 0.0
        measures["brand_mentions"] = _mentions(con, rows, brand_name)
    finally:
        con.close()
    return {"rows": rows, "columns": columns, "measures": measures}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> float:
    value = con.execute(sql, params or []).fetchone()[0]
    return float(value or 0)


def _filled_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    names = [r[0] for r in con.execute(f"DESCRIBE {staging_name(table)}").fetchall()]
    if not names:
        return []
    counts = con.execute(f"SELECT {', '.join(f'COUNT({quote(n)})' for n in names)} "
                         f"FROM {staging_name(table)}").fetchone()
    return [n for n, c in zip(names, counts, strict=True) if c]


def _mentions(con: duckdb.DuckDBPyConnection, rows: dict[str, int], brand: str) -> float:
    if not brand or not (rows.get("notes") or rows.get("comments")):
        return 0.0
    like = f"%{brand}%"
    total = 0.0
    if rows.get("notes"):
        total += _scalar(con, "SELECT COUNT(*) FROM stg_notes WHERE brand = ? OR title LIKE ? OR body LIKE ?",
                         [brand, like, like])
    if rows.get("comments"):
        total += _scalar(con, "SELECT COUNT(*) FROM stg_comments WHERE text LIKE ?", [like])
    return total


__all__ = ["MEASURES", "workspace_facts"]
