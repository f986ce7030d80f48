"""How a source kind is declared: data, not code.

A :class:`SourceKind` says which export it reads (header signature), which source
columns become which fields (:class:`Field`: header spellings → field name, parser),
how the fields become contract tables (:class:`Output`), which fields are derived when
the export lacks them (:class:`Derive`) and which rows are dropped and why
(:class:`Drop`). One generic engine (``convert.py``) applies any kind; nothing here
knows about a particular file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

Frame = pd.DataFrame
Rule = Callable[[Frame], pd.Series]

PARSER_NAMES = (
    "str", "int", "count", "float", "money", "bool", "timestamp", "date", "tags",  # contract types
    "province",  # a province or city spelling → canonical province name
    "percent",  # 68.6% or 0.686 → 0.686
    "tags_list",  # tags separated by commas, spaces, # or a JSON list
    "note_type",  # normal/图文/video/视频 → image/video
    "note_id_from_url",  # https://www.xiaohongshu.com/explore/<id>?… → <id>
    "month_day",  # 04-07 (this year, as the platform shows it) or 2023-12-16 → date
    "phone_hash",  # a mobile number → HMAC-SHA256 (workspace key) of its 11 digits; never kept raw
    "pseudonym",  # any buyer identifier (nickname, member name) → HMAC-SHA256, so no name is written
    "text_list",  # texts joined by ## in one cell (a crawler's comments under a note) → a list
)


@dataclass(frozen=True)
class Field:
    """One source column: its header spellings, the field it fills and how to parse it.

    ``scale`` multiplies parsed numbers (a header such as ``图文报价(万)`` is in units of
    10,000 CNY). The first spelling found in a file wins, so list the preferred one first.
    ``keep_raw`` keeps the raw text of lower-bound counts (``10w+``) in ``<name>_raw``.
    """

    names: tuple[str, ...]
    name: str
    parser: str = "str"
    scale: float = 1.0
    keep_raw: bool = False

    def __post_init__(self) -> None:
        if self.parser not in PARSER_NAMES:
            raise ValueError(f"field {self.name}: unknown parser {self.parser!r}")


@dataclass(frozen=True)
class Derive:
    """A field computed from others when the export lacks it (or leaves it empty)."""

    name: str
    rule: str  # one line, shown in the import report and docs/importing.md
    compute: Rule
    only_if_missing: bool = True  # False: always recompute (a rule, not a fallback)


@dataclass(frozen=True)
class Drop:
    """Rows a kind drops on purpose, with the reason counted in the import report."""

    reason: str
    when: Rule  # boolean mask over the parsed fields


@dataclass(frozen=True)
class Output:
    """One contract table made from the parsed fields.

    ``columns`` maps contract (or kept extra) column → field; ``constants`` fills columns
    with one value. ``primary`` outputs account for every source row (imported or
    dropped with a reason); the others are side tables (the creators behind crawled notes)
    reduced to one row per key. ``where`` keeps only some rows (a spend line only where an
    amount was spent); ``aggregate`` sums numeric columns per key (daily rows → one note);
    ``explode`` makes one row per element of a list field.
    """

    table: str
    columns: Mapping[str, str]
    constants: Mapping[str, object] = field(default_factory=dict)
    primary: bool = True
    where: Rule | None = None
    aggregate: bool = False
    # One row per element of a list field (a note's comments in one cell): the element replaces
    # the field, and ``ids`` builds a key column as ``<field>#<position>`` (1-based).
    explode: str | None = None
    ids: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceKind:
    name: str
    description: str
    fields: tuple[Field, ...]
    outputs: tuple[Output, ...]
    signature: tuple[tuple[str, ...], ...]  # each entry: one of these headers must be present
    derived: tuple[Derive, ...] = ()
    drops: tuple[Drop, ...] = ()
    ignored: Mapping[str, str] = field(default_factory=dict)  # source header → why it is not imported
    # Fields where the export writes 0 for "no data" (新红's CPE/CPM: 77.5% zeros): read as missing.
    zero_is_missing: tuple[str, ...] = ()
    sample: str = ""  # a sample header line for the docs
    file_formats: str = "csv, xlsx, jsonl, json"

    def field_names(self) -> set[str]:
        return {f.name for f in self.fields} | {d.name for d in self.derived}
