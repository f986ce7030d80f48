"""The minimum group: the one suppression rule every published aggregate passes through.

A published number never describes fewer than ``min_group_size`` people (default
``DEFAULT_MIN_GROUP_SIZE`` = 50). :func:`suppress` is the single place that decides it: analyses
apply it to their result tables, the findings and the report show what it left, the dashboard
applies it to every filtered number and series, and exports are the same rows. A group of zero
people describes nobody and is shown as 0.

Suppression alone can be undone by subtraction (a total minus its shown parts gives the hidden
part), so series are coarsened rather than punched: :func:`coarsen_periods` picks the smallest
calendar period (day, week, month, quarter, year) at which *every* period meets the minimum, so no
period is hidden and none can be recovered from the total. The dashboard's filters follow a rule
of the same kind (``web/cells.py``, docs/dashboard.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE

FLAG = "suppressed"
PERIODS: tuple[tuple[str, str | None], ...] = (
    ("day", "D"), ("week", "W-SUN"), ("month", "M"), ("quarter", "Q"), ("year", "Y"), ("all", None))

Rows = TypeVar("Rows", pd.DataFrame, list[dict[str, Any]])


def too_small(people: float | None, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> bool:
    """Whether a group of ``people`` may not be published: more than none, fewer than the minimum.

    An unknown size (None, NaN) is too small: what cannot be counted is not published.
    """
    if people is None or people != people:  # NaN
        return True
    return 0 < people < min_group_size


def suppress(rows: Rows, *, size: str | Callable[[Mapping[str, Any]], float | None],
             blank: Sequence[str], min_group_size: int = DEFAULT_MIN_GROUP_SIZE, flag: str = FLAG,
             complement: bool = False) -> Rows:
    """``rows`` with ``blank`` emptied (None) where the group is too small, and a ``flag`` column.

    ``size`` names the column counting the row's people (or computes it from the row). Works on a
    DataFrame or a list of dicts and returns the same kind. With ``complement`` the rows are the
    parts of a total published elsewhere: when what was hidden adds up to fewer than the minimum
    (the total minus the shown rows would reveal it), the smallest shown rows are hidden too until
    it does not (complementary suppression).
    """
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
    measure = (lambda r: r.get(size)) if isinstance(size, str) else size
    records = rows.to_dict(orient="records") if isinstance(rows, pd.DataFrame) else list(rows)
    sizes = [_number(measure(r)) for r in records]
    marked = [too_small(n, min_group_size) for n in sizes]
    if complement:
        def hidden() -> float:
            return sum(n or 0 for n, m in zip(sizes, marked, strict=True) if m)

        while 0 < hidden() < min_group_size:
            shown = [i for i, m in enumerate(marked) if not m and (sizes[i] or 0) > 0]
            if not shown:
                break
            marked[min(shown, key=lambda i: sizes[i] or 0)] = True
    if isinstance(rows, pd.DataFrame):
        frame = rows.copy()
        small = marked
        for column in blank:
            if column in frame.columns:
                frame[column] = frame[column].astype(object).where(~pd.Series(small, index=frame.index), None)
        frame[flag] = pd.Series(small, index=frame.index, dtype=bool)
        return frame
    out = []
    for row, small in zip(records, marked, strict=True):
        out.append({**{k: (None if small and k in blank else v) for k, v in row.items()}, flag: small})
    return out  # type: ignore[return-value]


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, list | tuple | set):
        return float(len(value))
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def coarsen_periods(daily: pd.DataFrame, *, day: str, sums: Sequence[str], people: Sequence[str],
                    min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> tuple[pd.DataFrame, str]:
    """Daily rows summed to the smallest calendar period at which every period meets the minimum.

    ``people`` are the columns that count people (orders, leads: each at least one person per
    unit); a period passes when each of them is 0 or at least ``min_group_size``. Returns the
    rows (``day`` holds the period's first day, ``period`` its name) and the period chosen; when
    not even a year passes, one row for the whole span ("all").
    """
    frame = daily.copy()
    frame[day] = pd.to_datetime(frame[day])
    for name, freq in PERIODS:
        if freq is None:
            out = pd.DataFrame([{day: frame[day].min() if len(frame) else pd.NaT,
                                 **{c: float(frame[c].sum()) for c in sums}}])
        else:
            start = frame[day].dt.to_period(freq).dt.start_time
            out = frame.assign(**{day: start}).groupby(day, as_index=False)[list(sums)].sum()
        if name == "all":  # even the whole span is small in some count: that count is not published
            for c in people:
                if too_small(float(out[c].iloc[0]), min_group_size):
                    out[c] = None
            return out.assign(period=name).reset_index(drop=True), name
        if all(not too_small(float(v), min_group_size) for c in people for v in out[c]):
            return out.assign(period=name).reset_index(drop=True), name
    raise AssertionError("unreachable: the whole span is the last period")
