"""Matching a file's headers to the contract's column names.

Real exports label columns in Chinese, with stray spaces, a BOM on the first header
or a different case (``Note_ID``). Each header is matched, in this order, to a
contract name or alias exactly (after trimming), then case-insensitively, then with
inner spaces and underscores removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhongcao.contract import Table
from zhongcao.ingest.phone import PHONE_HEADERS

_SQUEEZE = re.compile(r"[\s_\-]+")


def clean_header(header: object) -> str:
    """Trim whitespace and any BOM (spreadsheets leave one on the first header)."""
    return str(header if header is not None else "").replace("\ufeff", "").strip()


def _keys(text: str) -> tuple[str, str]:
    folded = text.casefold()
    return folded, _SQUEEZE.sub("", folded)


@dataclass
class HeaderMap:
    """Where each contract column, the phone column and each extra column sit in the file."""

    columns: dict[str, int] = field(default_factory=dict)  # contract name -> file column index
    phone: int | None = None
    extras: dict[str, int] = field(default_factory=dict)  # cleaned header -> file column index
    # (contract name, headers) for contract columns named twice, e.g. `note_id` and `笔记ID`.
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)


def map_headers(table: Table, headers: list[str]) -> HeaderMap:
    lookup: dict[str, str] = {}
    for column in table.columns:
        for spelling in (column.name, *column.aliases):
            for key in _keys(clean_header(spelling)):
                lookup.setdefault(key, column.name)
    phone_keys = {k for h in PHONE_HEADERS for k in _keys(h)}

    result = HeaderMap()
    seen: dict[str, list[str]] = {}
    for index, header in enumerate(headers):
        clean = clean_header(header)
        folded, squeezed = _keys(clean)
        name = lookup.get(folded) or lookup.get(squeezed)
        if name is not None:
            seen.setdefault(name, []).append(clean)
            result.columns.setdefault(name, index)
        elif folded in phone_keys or squeezed in phone_keys:
            if result.phone is None:
                result.phone = index
        elif clean:
            # Keep the first of two identical extra headers; a second copy adds nothing.
            result.extras.setdefault(clean, index)
    result.duplicates = [(name, spellings) for name, spellings in seen.items() if len(spellings) > 1]
    return result
