"""Importing what brands actually have: platform report exports, creator lists, crawler
exports and e-commerce order files, turned into contract tables in an input folder.

Each source is a declared :class:`SourceKind` (``kinds.py``): header signatures for
detection, source column → field with a parser, derived fields and drop rules. One engine
(``convert.py``) applies any of them; ``import_files`` writes the tables (UTF-8 CSV) and
returns an :class:`ImportReport` that accounts for every source row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zhongcao.errors import InputError
from zhongcao.ingest.importers.convert import (
    FILE,
    ROW,
    Converted,
    SourceFrame,
    convert,
    detect,
    header_key,
    match,
    no_match_message,
    rank,
    read_frames,
)
from zhongcao.ingest.importers.kinds import KINDS, ORDER_RULE
from zhongcao.ingest.importers.spec import Derive, Drop, Field, Output, SourceKind
from zhongcao.ingest.importers.values import explicit_year
from zhongcao.ingest.importers.write import (
    SIDE,
    TableWrite,
    combine,
    gather,
    merge_key,
    required_missing,
    write_table,
)

__all__ = ["KINDS", "ORDER_RULE", "Derive", "Drop", "Field", "FileReport", "ImportReport", "Output",
           "SourceKind", "TableWrite", "detect_file", "import_files", "rank"]


@dataclass
class FileReport:
    """What happened to one file (or one sheet of a workbook)."""

    source: str
    kind: str
    detected: bool  # the kind came from the headers, not from the caller
    rows_read: int
    imported: int = 0  # source rows now in the primary table
    combined: int = 0  # source rows folded into another row with the same key
    dropped: Counter[str] = field(default_factory=Counter)
    mapped: list[tuple[str, str]] = field(default_factory=list)
    derived: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    primary: str = ""

    @property
    def accounted(self) -> bool:
        return self.imported + self.combined + sum(self.dropped.values()) == self.rows_read


@dataclass
class ImportReport:
    into: Path
    files: list[FileReport]
    tables: dict[str, TableWrite]
    skipped: list[str] = field(default_factory=list)  # sheets that match no kind, with why

    @property
    def accounted(self) -> bool:
        return all(f.accounted for f in self.files)


def detect_file(path: Path) -> list[tuple[SourceFrame, SourceKind | None]]:
    """Each table in the file with the kind its headers unambiguously match (None if none)."""
    return [(frame, detect(KINDS, list(frame.frame.columns))) for frame in read_frames(Path(path))]


def _shared_year(frames: list[SourceFrame]) -> int | None:
    """The year for dates shown without one, from the latest explicit year in any such column.

    One import often mixes files from the same crawl; a file whose dates all lack a year
    takes it from its siblings rather than from today's date.
    """
    years = []
    for frame in frames:
        keys = {header_key(h): h for h in frame.frame.columns}
        for kind in KINDS.values():
            for spec in kind.fields:
                if spec.parser == "month_day":
                    years += [y for n in spec.names if (h := keys.get(header_key(n))) is not None
                              if (y := explicit_year(frame.frame[h])) is not None]
    return max(years) if years else None


def _choose(frame: SourceFrame, kind: str | None) -> tuple[SourceKind | None, bool]:
    headers = [str(h) for h in frame.frame.columns]
    if kind is not None:
        chosen = KINDS[kind]
        if match(chosen, headers).complete:
            return chosen, False
    found = detect(KINDS, headers)
    return found, True


def import_files(files: Sequence[Path], into: Path, *, kind: str | None = None, merge: bool = False,
                 year: int | None = None, write: bool = True) -> ImportReport:
    """Convert export files into contract tables in ``into`` and account for every row.

    ``kind`` names the source kind for every file (``None``: detect it from the headers; a
    workbook sheet that does not match the named kind is detected on its own). ``merge``
    combines with tables already in ``into`` by key; without it an existing table is an
    error. ``year`` is the year of dates shown without one (``04-07``). Raises
    :class:`InputError` for a file that matches no kind, listing the closest kinds.
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown source kind {kind!r}; choose one of {', '.join(KINDS)}")
    into = Path(into)
    sources = [(path, read_frames(Path(path))) for path in files]
    shared = None if year is not None else _shared_year([f for _, frames in sources for f in frames])
    converted: list[Converted] = []
    reports: list[FileReport] = []
    skipped: list[str] = []
    for path, frames in sources:
        used = 0
        for frame in frames:
            chosen, detected = _choose(frame, kind)
            if chosen is None:
                skipped.append(no_match_message(frame.label, KINDS, [str(h) for h in frame.frame.columns]))
                continue
            used += 1
            item = convert(frame, chosen, year=year, file_index=len(converted), shared_year=shared)
            converted.append(item)
            reports.append(FileReport(item.label, chosen.name, detected, item.rows_read, dropped=item.dropped,
                                      mapped=item.mapped, derived=item.derived, ignored=item.ignored,
                                      notes=item.notes, primary=item.primary))
        if not used:
            raise InputError("\n".join(skipped[-len(frames):]) if frames else f"{path}: no table found")
    into.mkdir(parents=True, exist_ok=True)
    tables = gather(into, converted, merge=merge)
    written: dict[str, TableWrite] = {}
    for table, (before, report) in tables.items():
        after = combine(table, before, report)
        missing = required_missing(table, after)
        reason = pd.Series(None, index=after.index, dtype=object)
        for column, mask in missing.items():
            reason = reason.where(reason.notna() | ~mask,
                                  f"{table}.{column} missing (required by the contract; not in the export)")
        kept = after[reason.isna().to_numpy()]
        _account(table, before, after, reason, reports)
        side = after[FILE] == SIDE
        for why, n in reason[side.to_numpy()].value_counts().items():
            report.dropped[str(why)] += int(n)
        if write and len(kept):
            write_table(kept, report)
        written[table] = report
    return ImportReport(into, reports, written, skipped)


def _account(table: str, before: pd.DataFrame, after: pd.DataFrame, reason: pd.Series,
             reports: list[FileReport]) -> None:
    """Per file: rows imported, folded into a row with the same key, or dropped (with why)."""
    primary = [i for i, r in enumerate(reports) if r.primary == table]
    if not primary:
        return
    key = merge_key(table) or [FILE, ROW]
    ids = lambda f: pd.MultiIndex.from_frame(f[key].astype(str))  # noqa: E731
    dropped_keys = dict(zip(ids(after[reason.notna().to_numpy()]), reason.dropna(), strict=True))
    kept_rows = set(zip(after[FILE], after[ROW], strict=True))
    mine = before[before[FILE].isin(primary)]
    for (index, row), key_value in zip(zip(mine[FILE], mine[ROW], strict=True), ids(mine), strict=True):
        report = reports[index]
        if key_value in dropped_keys:
            report.dropped[dropped_keys[key_value]] += 1
        elif (index, row) in kept_rows:
            report.imported += 1
        else:
            report.combined += 1
