"""The one engine that applies any :class:`SourceKind` to any export file.

Read the file (every sheet of a workbook; a JSON array as well as JSONL), match its headers
to the kind's fields, parse, drop what the kind drops (and the total rows exports add at
the bottom), derive what is missing, and shape the contract tables. Every source row is
accounted for: it reaches a table, or it is dropped with a reason.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zhongcao.contract import TABLES
from zhongcao.errors import InputError
from zhongcao.ingest.coerce import as_text
from zhongcao.ingest.headers import clean_header
from zhongcao.ingest.importers.spec import Output, SourceKind
from zhongcao.ingest.importers.values import infer_years, lower_bound, parse
from zhongcao.ingest.parsers import EXPECTED
from zhongcao.ingest.readers import _cell, decode, read_file

_SQUEEZE = re.compile(r"[\s_\-()（）/:：]+")
# Bottom rows that exports add: 合计/总计/汇总 in one of the first cells.
_TOTAL = re.compile(r"^\s*(合计|总计|汇总|小计|共计|total|sum|grand total)\s*[:：]?\s*$", re.IGNORECASE)
ROW = "_row"  # 1-based data row of the source, carried through to account for every row
FILE = "_file"


def header_key(header: object) -> str:
    return _SQUEEZE.sub("", clean_header(header).casefold())


@dataclass
class SourceFrame:
    """One table of raw text read from a file (a workbook gives one per sheet)."""

    path: Path
    sheet: str | None
    frame: pd.DataFrame  # all text, None for empty cells
    rows: np.ndarray  # 1-based data row numbers
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # rows the reader could not split

    @property
    def label(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


def _frame(columns: list[str], records: list[list[str | None]]) -> pd.DataFrame:
    return pd.DataFrame([r + [None] * (len(columns) - len(r)) for r in records], columns=columns, dtype=object)


def _read_sheets(path: Path) -> list[SourceFrame]:
    import openpyxl  # lazy: slow to import, only workbooks need it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise InputError(f"{path.name}: not a readable .xlsx workbook ({type(error).__name__}: {error})") from error
    frames = []
    try:
        for sheet in book.worksheets:
            header: list[str] | None = None
            records: list[list[str | None]] = []
            numbers: list[int] = []
            for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell(v) for v in values]
                if not any(c is not None and c.strip() for c in cells):
                    continue
                if header is None:
                    header, start = [c or f"column{i + 1}" for i, c in enumerate(cells)], index
                    continue
                records.append(cells[: len(header)])
                numbers.append(index - start)
            if header is not None:
                frames.append(SourceFrame(path, sheet.title, _frame(header, records), np.asarray(numbers)))
    finally:
        book.close()
    return frames


def _read_json(path: Path) -> list[SourceFrame]:
    text, _ = decode(path.read_bytes())
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path.name}: not valid JSON ({error.msg} at line {error.lineno})") from error
    if isinstance(data, dict):  # {"notes": [...]} or {"data": [...]}
        data = next((v for v in data.values() if isinstance(v, list)), [data])
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(f"{path.name}: expected a JSON array of objects")
    columns = list(dict.fromkeys(k for r in data for k in r))
    records = [[_cell(r.get(c)) for c in columns] for r in data]
    return [SourceFrame(path, None, _frame(columns, records), np.arange(1, len(records) + 1))]


def read_frames(path: Path) -> list[SourceFrame]:
    """Every table in an export file, as text."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    lower = path.name.lower()
    if lower.endswith(".xlsx"):
        return _read_sheets(path)
    if lower.endswith(".json"):
        return _read_json(path)
    raw = read_file(path)
    if raw.table is None:
        raise InputError("; ".join(str(p) for p in raw.problems) or f"{path.name} could not be read")
    frame = pd.DataFrame({f"__{i}": as_text(raw.table.column(i).combine_chunks()).to_pandas()
                          for i in range(raw.table.num_columns)})
    frame.columns = raw.table.column_names
    frame = frame.astype(object).where(frame.notna(), None)
    unreadable = [(row, reason) for row, reason, _ in raw.bad_rows]
    return [SourceFrame(path, None, frame, raw.row_numbers, unreadable)]


# ---------------------------------------------------------------- detection


@dataclass(frozen=True)
class Match:
    kind: SourceKind
    score: float  # share of the kind's signature groups present
    missing: tuple[str, ...]  # signature headers not found (first spelling of each group)
    unmatched: tuple[str, ...]  # file headers no field of the kind reads

    @property
    def complete(self) -> bool:
        return not self.missing


def match(kind: SourceKind, headers: list[str]) -> Match:
    keys = {header_key(h) for h in headers}
    missing = tuple(group[0] for group in kind.signature if not any(header_key(g) in keys for g in group))
    known = {header_key(n) for f in kind.fields for n in f.names} | {header_key(h) for h in kind.ignored}
    unmatched = tuple(h for h in headers if header_key(h) not in known)
    score = 1 - len(missing) / max(len(kind.signature), 1)
    return Match(kind, score - 0.001 * len(unmatched) / max(len(headers), 1), missing, unmatched)


def rank(kinds: dict[str, SourceKind], headers: list[str]) -> list[Match]:
    return sorted((match(k, headers) for k in kinds.values()), key=lambda m: -m.score)


def detect(kinds: dict[str, SourceKind], headers: list[str]) -> SourceKind | None:
    """The one kind whose whole signature the headers carry, or None when none or several do."""
    complete = [m for m in rank(kinds, headers) if m.complete]
    if not complete:
        return None
    # A kind whose signature is a strict superset of another's is the more specific match.
    best = max(complete, key=lambda m: (len(m.kind.signature), -len(m.unmatched)))
    rivals = [m for m in complete if m is not best and len(m.kind.signature) == len(best.kind.signature)
              and len(m.unmatched) == len(best.unmatched)]
    return None if rivals else best.kind


def no_match_message(label: str, kinds: dict[str, SourceKind], headers: list[str]) -> str:
    ranked = rank(kinds, headers)[:3]
    lines = [f"{label} matches no known source kind. Closest:"]
    for m in ranked:
        share = 1 - len(m.missing) / max(len(m.kind.signature), 1)
        lines.append(f"  - {m.kind.name} ({share:.0%} of its signature): missing "
                     f"{', '.join(m.missing) or 'nothing'}; columns it does not read: "
                     f"{', '.join(m.unmatched[:12]) or 'none'}")
    lines.append("docs/importing.md lists every kind with its headers; name the kind explicitly if the headers "
                 "differ only in spelling.")
    return "\n".join(lines)


# ---------------------------------------------------------------- conversion


@dataclass
class Converted:
    """A file's rows as contract tables, plus what happened to each source column and row."""

    label: str
    kind: str
    rows_read: int
    tables: dict[str, pd.DataFrame]  # table -> typed columns, plus _file/_row on primary tables
    primary: str
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (source header, table.column)
    derived: list[tuple[str, str]] = field(default_factory=list)  # (table.column, rule)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (source header, why)
    dropped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # values left empty, assumptions made


def _output_columns(output: Output, available: set[str]) -> dict[str, str]:
    return {col: name for col, name in output.columns.items() if name in available}


def _made(path: Path) -> pd.Timestamp | None:
    """When the file was made, as far as the file system knows (its modification time, local)."""
    try:
        return pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC").tz_convert("Asia/Shanghai").tz_localize(None)
    except OSError:
        return None


def convert(source: SourceFrame, kind: SourceKind, *, year: int | None = None, file_index: int = 0,
            shared_year: int | None = None) -> Converted:
    """One file's rows as contract tables. ``year`` is ``--year``; ``shared_year`` the latest year
    written out in the dates of the files imported together (see ``values.infer_years``)."""
    frame = source.frame.reset_index(drop=True)
    headers = [clean_header(h) for h in frame.columns]
    keys = [header_key(h) for h in headers]
    primary = next(o for o in kind.outputs if o.primary)
    result = Converted(source.label, kind.name, len(frame) + len(source.unreadable), {}, primary.table)
    for _row, reason in source.unreadable:
        result.dropped[f"unreadable row: {reason}"] += 1

    fields: dict[str, pd.Series] = {}
    bad_required: dict[str, np.ndarray] = {}
    used: set[int] = set()
    required_fields = {name for col, name in primary.columns.items()
                       if col in TABLES[primary.table].column_names and TABLES[primary.table].column(col).required}
    targets = {name: f"{o.table}.{col}" for o in kind.outputs for col, name in o.columns.items()}
    for spec in kind.fields:
        if spec.name in fields:
            continue  # an earlier spelling (or an earlier field with the same name) already filled it
        index = next((keys.index(header_key(n)) for n in spec.names if header_key(n) in keys), None)
        if index is None:
            continue
        used.add(index)
        raw = frame.iloc[:, index]
        row_year: int | pd.Series | None = year
        if spec.parser == "month_day":
            ids = _raw_field(frame, keys, kind, "note_id")
            row_year, why = infer_years(raw, ids, _made(source.path), given=year, shared=shared_year)
            result.notes.append(f"{headers[index]}: dates without a year read as {why}")
        values, bad = parse(spec.parser, raw, year=row_year)
        if spec.scale != 1.0:
            values = pd.to_numeric(values, errors="coerce") * spec.scale
        if spec.name in kind.zero_is_missing:
            zeros = pd.to_numeric(values, errors="coerce").eq(0)
            if zeros.any():
                values = values.where(~zeros, None)
                result.notes.append(f"{headers[index]}: {int(zeros.sum()):,} zero(s) read as missing (this export "
                                    "writes 0 for no data)")
        fields[spec.name] = values
        result.mapped.append((headers[index], targets.get(spec.name, spec.name)))
        if spec.keep_raw:
            fields[f"{spec.name}_raw"] = lower_bound(raw)
        if bad.any():
            if spec.name in required_fields:
                bad_required[spec.name] = bad
            else:
                example = raw.reset_index(drop=True)[bad].iloc[0]
                result.notes.append(f"{headers[index]}: {int(bad.sum())} value(s) not understood as "
                                    f"{EXPECTED.get(spec.parser, spec.parser)} (e.g. {example!r}); left empty")
    for i, header in enumerate(headers):
        if i not in used:
            why = kind.ignored.get(header) or next((v for k, v in kind.ignored.items() if header_key(k) == keys[i]),
                                                  "no contract column for it")
            result.ignored.append((header, why))

    parsed = pd.DataFrame(fields, index=frame.index)
    parsed[ROW] = source.rows[: len(frame)]
    parsed[FILE] = file_index
    keep = np.ones(len(parsed), dtype=bool)

    first_cells = frame.iloc[:, : min(3, frame.shape[1])].apply(
        lambda col: col.astype(str).str.fullmatch(_TOTAL.pattern, case=False, na=False))
    totals = first_cells.any(axis=1).to_numpy()
    result.dropped["a total/summary row (合计/总计) added by the export"] += int(totals.sum())
    keep &= ~totals
    for name, bad in bad_required.items():
        hit = keep & bad
        result.dropped[f"{targets.get(name, name)}: value not readable"] += int(hit.sum())
        keep &= ~bad

    for derive in kind.derived:
        computed = derive.compute(parsed)
        if derive.only_if_missing and derive.name in parsed:
            parsed[derive.name] = parsed[derive.name].where(parsed[derive.name].notna(), computed)
        else:
            parsed[derive.name] = computed
        result.derived.append((targets.get(derive.name, derive.name), derive.rule))
    for drop in kind.drops:
        hit = keep & drop.when(parsed).fillna(False).to_numpy(dtype=bool)
        result.dropped[drop.reason] += int(hit.sum())
        keep &= ~hit
    parsed = parsed[keep]

    for output in kind.outputs:
        rows = parsed if output.where is None else parsed[output.where(parsed).fillna(False).to_numpy(dtype=bool)]
        if output.explode is not None:
            if output.explode not in rows:
                continue
            rows = _exploded(rows, output.explode)
            for col, name in output.ids.items():
                rows[col] = rows[name].astype("string") + "#" + rows[f"{output.explode}_n"].astype(str)
        columns = _output_columns(output, set(rows.columns))
        table = pd.DataFrame({col: rows[name] for col, name in columns.items()}, index=rows.index)
        for col, value in output.constants.items():
            if col not in table:
                table[col] = value
                result.derived.append((f"{output.table}.{col}", f"constant {value!r}"))
        for name in (f"{n}_raw" for n in columns.values()):
            if name in rows and rows[name].notna().any():
                table[name.removesuffix("_raw").split(".")[-1] + "_raw"] = rows[name]
        if output.primary:
            table[ROW], table[FILE] = rows[ROW], rows[FILE]
        elif output.aggregate:
            table = _aggregate(output.table, table)
        previous = result.tables.get(output.table)
        result.tables[output.table] = table if previous is None else pd.concat([previous, table], ignore_index=True)
    result.dropped = Counter({k: v for k, v in result.dropped.items() if v})
    return result


def _raw_field(frame: pd.DataFrame, keys: list[str], kind: SourceKind, name: str) -> pd.Series | None:
    """The raw column a kind reads into field ``name`` (the first spelling present), if any."""
    for spec in kind.fields:
        if spec.name == name:
            for n in spec.names:
                if header_key(n) in keys:
                    return frame.iloc[:, keys.index(header_key(n))]
    return None


def _exploded(rows: pd.DataFrame, field: str) -> pd.DataFrame:
    """One row per element of the list in ``field``; ``<field>_n`` is its 1-based position."""
    out = rows[rows[field].map(lambda v: isinstance(v, list) and len(v) > 0)].explode(field)
    out[f"{field}_n"] = out.groupby(level=0).cumcount() + 1
    return out.reset_index(drop=True)


def _aggregate(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    key = list(TABLES[table].key)
    if frame.empty or not key:
        return frame
    numeric = [c for c in frame.columns if c not in key and pd.api.types.is_numeric_dtype(frame[c])]
    others = [c for c in frame.columns if c not in key and c not in numeric]
    grouped = frame.groupby(key, sort=False, dropna=True)
    out = grouped[numeric].sum(min_count=1) if numeric else grouped.size().to_frame("_n")[[]]
    if others:
        out = out.join(grouped[others].first())
    return out.reset_index()
