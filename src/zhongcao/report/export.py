"""Tables as CSV or Excel files that are safe to open: no cell is ever a live formula.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some read a leading tab
or carriage return the same way) as a formula: a creator named ``=HYPERLINK("http://…")`` or
``=cmd|' /C calc'!A0`` would run on the reader's machine. Every text cell of every export (the
dashboard's downloads, the evidence export of the CLI) goes through :func:`neutralise`, which
puts an apostrophe in front of such text, as OWASP recommends; numbers stay numbers.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet will run: text starting like a formula gets a leading ``'``.

    Lists and dicts (evidence cells such as a theme's terms) are written as text first: a flat list as
    its items joined, anything structured (a segment ``{attribute: [values]}``) as JSON, not a Python repr.
    """
    if isinstance(value, list | tuple | dict):
        flat = not isinstance(value, dict) and not any(isinstance(v, list | tuple | dict) for v in value)
        value = ", ".join(map(str, value)) if flat else json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str):
        stripped = value.lstrip(" ")
        if stripped.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def safe_frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows as a frame of neutralised cells, with ``columns`` (also neutralised) in order."""
    data = [[neutralise(r.get(c)) for c in columns] for r in rows]
    return pd.DataFrame(data, columns=[str(neutralise(c)) for c in columns])


def table_bytes(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str, sheet: str = "rows") -> bytes:
    """The rows as ``csv`` (UTF-8 with a BOM, so Excel reads Chinese) or ``xlsx``, every cell neutralised."""
    frame = safe_frame(rows, columns)
    if fmt == "csv":
        # CRLF rows: the csv writer then quotes any field holding a bare "\r" as well as "\n" (with "\n"
        # alone, "a\r=1+1" went out unquoted and a reader split it into a new cell starting "=").
        return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"unknown export format {fmt!r}; choose csv or xlsx")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=(str(neutralise(sheet)).lstrip("'")[:31] or "rows"))
        for row in writer.sheets[next(iter(writer.sheets))].iter_rows():
            for cell in row:  # openpyxl would read a text cell starting with "=" as a formula
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    return buffer.getvalue()
