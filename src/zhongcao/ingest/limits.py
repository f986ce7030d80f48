"""Limits on what one value may be: cell size, NUL bytes, plausible dates and amounts.

None of these make a row wrong by the contract, so they are warnings, grouped per file, column and
kind (a count and one example each), never one line per row:

- a text cell longer than ``MAX_CELL_CHARS`` (Excel's own limit for one cell) is cut to it. A
  10 MB note body once cost the text analyses minutes and 2 GB of memory (trends 32 s, brand
  safety 207 s on a 10-row folder); no note, comment or name is that long;
- NUL bytes are removed from text (no export writes them on purpose; C libraries stop at them);
- dates before ``EARLIEST`` or more than a year ahead, amounts above ``MAX_MONEY`` CNY and counts
  above ``MAX_COUNT`` are kept as written and reported: they are usually a unit or format slip
  (milliseconds read as seconds, 分 as 元, an Excel serial date) that would otherwise skew every sum.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhongcao.contract import Column
from zhongcao.errors import Problem

MAX_CELL_CHARS = 32_767
EARLIEST = date(2000, 1, 1)
AHEAD = timedelta(days=366)
MAX_MONEY = 1e9
MAX_COUNT = 1e11
EXAMPLE_CHARS = 40


def _first(mask: pa.Array) -> int:
    return int(np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))[0])


def _example(values: pa.Array, position: int) -> str:
    value = values[position].as_py()
    text = str(value)
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1] + "…"


def _warn(file: str, column: str, rows: np.ndarray, position: int, count: int, example: str, what: str
          ) -> Problem:
    return Problem(file, None, column, example,
                   f"{what}: {count:,} value(s) (e.g. row {int(rows[position])})", "warning")


def clean_text(values: pa.Array, column: str, file: str, rows: np.ndarray) -> tuple[pa.Array, list[Problem]]:
    """Text without NUL bytes and cut to ``MAX_CELL_CHARS``, and a warning per kind of change."""
    if pa.types.is_dictionary(values.type):
        dictionary = values.dictionary
        if not (pc.any(pc.match_substring(dictionary, "\x00")).as_py()
                or pc.any(pc.greater(pc.utf8_length(dictionary), MAX_CELL_CHARS)).as_py()):
            return values, []  # the usual case, checked once per distinct value
        values = values.dictionary_decode()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return values, []
    problems = []
    nul = pc.match_substring(values, "\x00")
    count = pc.sum(nul).as_py() or 0
    if count:
        at = _first(nul)
        problems.append(_warn(file, column, rows, at, count, _example(values, at).replace("\x00", "\\0"),
                              "text without NUL bytes (removed)"))
        values = pc.replace_substring(values, "\x00", "")
    long = pc.greater(pc.utf8_length(values), MAX_CELL_CHARS)
    count = pc.sum(long).as_py() or 0
    if count:
        at = _first(long)
        size = values[at].as_py()
        problems.append(_warn(file, column, rows, at, count, f"{len(size):,} characters",
                              f"a cell of at most {MAX_CELL_CHARS:,} characters (cut to that length)"))
        values = pc.if_else(long, pc.utf8_slice_codeunits(values, 0, MAX_CELL_CHARS), values)
    return values, problems


def implausible(values: pa.Array, column: Column, file: str, rows: np.ndarray, today: date | None = None
                ) -> list[Problem]:
    """A warning when typed values fall outside the plausible range of their kind (kept as written)."""
    today = today or datetime.now().date()
    latest = today + AHEAD
    if column.type == "timestamp":
        low = pa.scalar(datetime.combine(EARLIEST, datetime.min.time()), pa.timestamp("us"))
        high = pa.scalar(datetime.combine(latest, datetime.min.time()), pa.timestamp("us"))
        what = f"a plausible time ({EARLIEST:%Y} to {latest:%Y-%m-%d}; kept as written)"
    elif column.type == "date":
        low, high = pa.scalar(EARLIEST, pa.date32()), pa.scalar(latest, pa.date32())
        what = f"a plausible date ({EARLIEST:%Y} to {latest:%Y-%m-%d}; kept as written)"
    elif column.type == "money":
        low, high = pa.scalar(-MAX_MONEY), pa.scalar(MAX_MONEY)
        what = f"a plausible amount (at most {MAX_MONEY:,.0f} CNY a row; kept as written)"
    elif column.type == "count":
        low, high = None, pa.scalar(int(MAX_COUNT))
        what = f"a plausible count (at most {MAX_COUNT:,.0f}; kept as written)"
    else:
        return []
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    outside = pc.greater(values, high)
    if low is not None:
        outside = pc.or_kleene(outside, pc.less(values, low))
    count = pc.sum(outside).as_py() or 0
    if not count:
        return []
    at = _first(outside)
    return [_warn(file, column.name, rows, at, count, _example(values, at), what)]
