"""Attributes keyed by person, wherever the brand keeps them: users, lead forms, survey answers, orders.

A segment is any attribute a person has: a panel column (``users``), an answer on a lead form
(``leads.child_age``, ``leads.budget``), a survey answer (``surveys.segment``) or an order attribute
(``orders.member_level``). Tables with several rows per person (leads, surveys, orders) give each
person the value of their latest answered row. This needs user rows (``Workspace.staged``): the
extra columns differ from brand to brand, so no fixed mart can hold them; only the per-person value
lives in memory while the segment counts are built, and nothing per person is kept.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from zhongcao.contract import TABLES
from zhongcao.errors import AnalysisError

# Where a person's attributes live, searched in this order, with the column that orders a person's rows.
PERSON_TABLES: tuple[tuple[str, str | None], ...] = (
    ("users", None), ("leads", "created_at"), ("surveys", "answered_at"), ("orders", "ordered_at"),
)
# Extra columns that describe a row, not a person: CRM free text and reasons, the lift-study arm.
NOT_ATTRIBUTES = frozenset({"holdout_group", "phone", "remark", "lost_reason", "segment_text"})
MAX_VALUES = 12  # an attribute with more distinct values is an identifier or free text, not a segment
MIN_ANSWERED = 0.5  # share of a table's rows that must carry the attribute (a reason only lost leads have is not one)


def _extra_columns(frame: pd.DataFrame, table: str) -> list[str]:
    contract = set(TABLES[table].column_names)
    return [str(c) for c in frame.columns if c not in contract and c not in NOT_ATTRIBUTES]


def label(value: object) -> str:
    """A stable text label: 1.0 and 1 are the same grade whichever file format carried it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def person_values(staged: Any, table: str, column: str, order: str | None) -> pd.DataFrame:
    """(user_id, value): each person's value of ``table.column`` (their latest answered row)."""
    cols = ("user_id", column) if order is None else ("user_id", column, order)
    frame = staged(table, cols).to_pandas().dropna(subset=["user_id", column])
    if order is not None:
        frame = frame.sort_values(order, kind="stable").drop_duplicates("user_id", keep="last")
    return frame.assign(value=frame[column].map(label))[["user_id", "value"]].reset_index(drop=True)


def find(staged: Any, attribute: str) -> tuple[str, pd.DataFrame]:
    """The first person table that has ``attribute`` as a column, and each person's value there."""
    seen: list[str] = []
    for table, order in PERSON_TABLES:
        try:
            names = staged(table).schema.names
        except Exception:  # an optional table the workspace does not have
            continue
        seen += [f"{table}.{c}" for c in names if c not in TABLES[table].column_names]
        if attribute in names:
            return table, person_values(staged, table, attribute, order)
    raise AnalysisError(f"no users, leads, surveys or orders column {attribute!r}; "
                        f"extra columns are {sorted(seen) or 'none'}")


def candidates(staged: Any, min_group: int, tables: tuple[str, ...] = ("users", "leads")) -> list[tuple[str, str]]:
    """Extra columns usable as segments, in search order: (table, column).

    A candidate has 2–``MAX_VALUES`` distinct values, is answered on at least ``MIN_ANSWERED`` of its
    table's rows and has two or more values with ``min_group`` people or more. ``auto`` looks at the
    panel (users) and lead forms; survey and order attributes are used when named.
    """
    out = []
    for table, order in PERSON_TABLES:
        if table not in tables:
            continue
        try:
            frame = staged(table).to_pandas()
        except Exception:
            continue
        for column in _extra_columns(frame, table):
            values = frame[column]
            if values.notna().mean() < MIN_ANSWERED or not 2 <= values.nunique() <= MAX_VALUES:
                continue
            people = person_values(staged, table, column, order)
            if (people["value"].value_counts() >= min_group).sum() >= 2:
                out.append((table, column))
    return out
