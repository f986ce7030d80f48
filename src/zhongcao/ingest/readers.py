"""Reading one input file into a raw Arrow table, whatever its format and encoding.

Text formats (csv, csv.gz, jsonl, xlsx) come back as all-string columns named by their
raw headers, so nothing is guessed here: typing is the validator's job, against the
contract. Parquet comes back with its own types, so a correctly typed file can pass
through validation without being parsed again.

Nothing in this module raises on bad input: every failure becomes a :class:`Problem`
naming the file (and the row, when there is one), because a brand's analyst must be
told what to fix, not shown a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from zhongcao.contract import FILE_SUFFIXES
from zhongcao.errors import Problem

# Longest suffix first so `x.csv.gz` is not taken for `x.csv`.
_SUFFIXES = sorted(FILE_SUFFIXES, key=len, reverse=True)


@dataclass
class RawFile:
    """One file as read: raw headers, raw values, and what went wrong on the way."""

    path: Path
    format: str
    encoding: str | None = None
    table: pa.Table | None = None  # None when the file could not be read at all
    row_numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Rows the reader could not split into fields: (1-based data row, reason, raw text).
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def fail(self, expected: str, row: int | None = None) -> RawFile:
        self.problems.append(Problem(self.path.name, row, None, None, expected))
        self.table = None
        return self


class _DecodeFailure(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def split_name(name: str) -> tuple[str, str] | None:
    """(table name, format) for a file name such as ``notes.csv.gz``; None if not a table file."""
    lower = name.lower()
    for suffix in _SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix.lstrip(".")
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030 (a superset of GBK).

    Both decodes are strict: a lenient decode would silently turn a broken file into
    mojibake that then flows into every analysis.
    """
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as utf8_error:
        offset = utf8_error.start
        if utf8_error.end >= len(data) and "end of data" in str(utf8_error.reason):
            raise _DecodeFailure(
                f"complete UTF-8 text (the file ends in the middle of a character at byte offset {offset}; "
                "truncated?)"
            ) from None
        if not _damaged_utf8(data[:offset]):
            try:
                return data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                pass
        raise _DecodeFailure(
            f"text encoded as UTF-8 or GBK/GB18030 (undecodable byte {data[offset:offset + 1]!r} "
            f"at byte offset {offset})"
        ) from None


def _damaged_utf8(prefix: bytes) -> bool:
    """Whether the valid UTF-8 before a bad byte is plainly Chinese UTF-8 text.

    GBK byte pairs sometimes form valid 2-byte UTF-8 (Cyrillic, Latin-1 letters) but
    hardly ever a run of 3-byte CJK characters with nothing else non-ASCII. When the
    prefix is such a run, the file is damaged UTF-8, and decoding it as GB18030 would
    quietly turn it into mojibake.
    """
    if prefix.isascii():
        return False
    text = prefix.decode("utf-8")
    if re.search(r"[^\x00-\x7f\u3000-\u9fff\uff00-\uffef]", text):
        return False
    return len(re.findall(r"[\u4e00-\u9fff]", text[:100_000])) >= 4


def _gunzip(data: bytes) -> tuple[bytes, bool]:
    """Decompress every gzip member; returns (bytes so far, complete?)."""
    out: list[bytes] = []
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out.append(inflater.decompress(data))
        except zlib.error:
            return b"".join(out), False
        if not inflater.eof:
            return b"".join(out), False
        data = inflater.unused_data
    return b"".join(out), True


def read_file(path: Path) -> RawFile:
    """Read ``path`` according to its suffix."""
    split = split_name(path.name)
    fmt = split[1] if split else path.suffix.lstrip(".")
    raw = RawFile(path=path, format=fmt)
    try:
        if fmt == "parquet":
            return _read_parquet(raw)
        if fmt == "xlsx":
            return _read_xlsx(raw)
        data = path.read_bytes()
        if fmt == "csv.gz":
            data, complete = _gunzip(data)
            if not complete:
                lines = max(data.count(b"\n") - 1, 0)
                return raw.fail(f"a complete gzip file (the stream ends early after about {lines} data rows; "
                                "truncated?)")
        try:
            text, raw.encoding = decode(data)
        except _DecodeFailure as failure:
            return raw.fail(failure.message)
        del data
        return _read_jsonl(raw, text) if fmt == "jsonl" else _read_csv(raw, text)
    except OSError as error:
        return raw.fail(f"a readable file ({error.strerror or error})")


DELIMITERS = (",", "\t", ";", "|")
TITLE_ROWS = 5  # title lines looked for above the header


def _delimiter(line: str) -> str:
    """The separator a header line uses: the most frequent of comma, tab, semicolon and bar (comma on
    a tie). Excel in many locales saves CSV with semicolons."""
    return max(DELIMITERS, key=lambda d: (line.count(d), d == ","))


def _filled(line: str, delimiter: str) -> list[str]:
    try:
        fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]
    return [f for f in fields if f.strip()]


def _title_lines(lines: list[str]) -> int:
    """How many leading lines are a title above the header (a merged banner such as '2025年订单报表',
    saved as one filled cell): lines with at most one filled field, followed by a line with several."""
    for n in range(min(TITLE_ROWS, len(lines) - 1)):
        line = lines[n].rstrip("\r")
        if len(_filled(line, _delimiter(line))) > 1:
            return 0
        following = lines[n + 1].rstrip("\r")
        if len(_filled(following, _delimiter(following))) > 1:
            return n + 1
    return 0


def _read_csv(raw: RawFile, text: str) -> RawFile:
    head = text[:65536]
    lines = head.split("\n", TITLE_ROWS + 1)
    titles = _title_lines(lines)
    if titles:
        shown = next((f for line in lines[:titles] for f in _filled(line.rstrip("\r"), ",")), None)
        above = "line above it looks like a title and was" if titles == 1 else f"{titles} lines above it look like a title and were"
        raw.problems.append(Problem(raw.path.name, None, None, shown,
                                    f"the header on the first line (line {titles + 1} is the header; the "
                                    f"{above} skipped)", "warning"))
        head = "\n".join(lines[titles:])
    first_line = head.split("\n", 1)[0].rstrip("\r")
    delimiter = _delimiter(first_line)
    if delimiter in ";|":
        raw.problems.append(Problem(raw.path.name, None, None, None,
                                    f"comma-separated values (the header is separated by {delimiter!r}; "
                                    "read that way)", "warning"))
    try:
        header = next(csv.reader(io.StringIO(head), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return raw.fail("a header row (the file is empty)")
    names = [f"c{i}" for i in range(len(header))]
    bad: list[tuple[int, str, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        # `number` counts records including the header, so the data row is number - 1.
        number = (row.number - 1) if row.number is not None else -1
        reason = f"{len(header)} fields (found {row.actual_columns}; row cut short or unterminated quote?)"
        bad.append((number, reason, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(use_threads=False, skip_rows=1 + titles, column_names=names,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 null_values=[""], strings_can_be_null=True),
        )
    except pa.ArrowInvalid as error:
        return raw.fail(f"well-formed CSV ({str(error).splitlines()[0]})")
    unclosed_seen = any(b[2].count('"') % 2 for b in bad)  # the reader already rejected the cut row
    if text.count('"') % 2 and table.num_rows and not unclosed_seen:
        # Quotes always come in pairs in well-formed CSV (an escaped quote is doubled), so an
        # odd count means a quote opened and never closed: the file was cut inside a value.
        # The reader swallowed the rest of the file into that value, so the last record is it.
        last = table.slice(table.num_rows - 1).to_pylist()[0]
        raw_text = ",".join("" if v is None else str(v) for v in last.values())
        table = table.slice(0, table.num_rows - 1)
        # It is the last record of the file, so every kept and skipped row comes before it.
        reason = "a closing quote (the last row ends inside a quoted value; file cut short?)"
        bad.append((table.num_rows + len(bad) + 1, reason, raw_text))
    raw.table = table.rename_columns(header)
    raw.bad_rows = bad
    raw.row_numbers = _renumber(table.num_rows, [b[0] for b in bad])
    return raw


def _renumber(n: int, skipped: list[int]) -> np.ndarray:
    """1-based data row numbers of the rows kept, given the data rows the reader skipped."""
    gaps = np.unique(np.asarray([r for r in skipped if r > 0], dtype=np.int64))
    every = np.arange(1, n + len(gaps) + 1, dtype=np.int64)
    return np.setdiff1d(every, gaps, assume_unique=True)[:n]


def _cell(value: object) -> str | None:
    """One scalar from JSON or a spreadsheet as the text a CSV would have held."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _from_records(raw: RawFile, header: list[str], rows: list[list[str | None]], numbers: list[int]) -> RawFile:
    columns = [pa.array([r[i] if i < len(r) else None for r in rows], type=pa.string())
               for i in range(len(header))]
    raw.table = pa.Table.from_arrays(columns, names=header) if header else pa.table({})
    raw.row_numbers = np.asarray(numbers, dtype=np.int64)
    return raw


def _json_array(raw: RawFile, text: str) -> list[tuple[int, str, object]] | None:
    """The records of a JSON array saved under a .jsonl name, with a warning; None if it is not one."""
    if not text.lstrip().startswith("["):
        return None
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raw.fail(f"JSON Lines, one object per line (the file starts with '[' like a JSON array, but is not "
                 f"valid JSON: {error.msg} at line {error.lineno})")
        return []
    if not isinstance(records, list):
        return None
    raw.problems.append(Problem(raw.path.name, None, None, None,
                                "JSON Lines, one object per line (the file is one JSON array; read as such, "
                                "row N is the array's Nth element)", "warning"))
    return [(i, json.dumps(r, ensure_ascii=False)[:200], r) for i, r in enumerate(records, start=1)]


def _read_jsonl(raw: RawFile, text: str) -> RawFile:
    header: dict[str, int] = {}
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    array = _json_array(raw, text)
    if array is not None and not array and raw.problems and raw.problems[-1].severity == "error":
        return raw
    lines = array if array is not None else (
        (number, line, None) for number, line in enumerate(text.splitlines(), start=1) if line.strip())
    for number, line, parsed in lines:
        try:
            record = parsed if array is not None else json.loads(line)
        except json.JSONDecodeError as error:
            raw.bad_rows.append((number, f"one JSON object per line ({error.msg}; line cut short?)", line))
            continue
        if not isinstance(record, dict):
            raw.bad_rows.append((number, "one JSON object per line" if array is None else "a JSON object", line))
            continue
        values: list[str | None] = [None] * len(header)
        for key, value in record.items():
            if key not in header:
                header[key] = len(header)
                values.append(None)
            values[header[key]] = _cell(value)
        rows.append(values)
        numbers.append(number)
    if not header:
        return raw.fail("at least one JSON object (the file has none)")
    return _from_records(raw, list(header), rows, numbers)


def _sheet_rows(sheet: object) -> Iterator[tuple[int, list[str | None]]]:
    """(1-based sheet row, cells as text) for each row of a sheet with anything in it."""
    for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        cells = [_cell(v) for v in values]
        if any(c is not None and c.strip() for c in cells):
            yield index, cells


def _filled_cells(cells: list[str | None]) -> int:
    return sum(1 for c in cells if c is not None and c.strip())


def _trimmed_header(cells: list[str | None]) -> list[str]:
    header = [c or "" for c in cells]
    while header and not header[-1]:  # trailing empty header cells are formatting, not columns
        header.pop()
    return header


def _read_xlsx(raw: RawFile) -> RawFile:
    """Every sheet with data is read: sheets under the first one's header are appended to it (rows
    numbered on, in sheet order), a sheet with another header is reported, never silently dropped."""
    import openpyxl  # imported lazily: it is slow to import and only spreadsheets need it

    try:
        book = openpyxl.load_workbook(raw.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        return raw.fail(f"a readable .xlsx workbook ({type(error).__name__}: {error}; truncated?)")
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    read: list[str] = []
    try:
        for sheet in book.worksheets:
            found = list(_sheet_rows(sheet))
            if not found:
                continue
            # A title (a merged banner such as '2025年订单报表') fills one cell above the header.
            titles = next((i for i, (_, cells) in enumerate(found[:TITLE_ROWS + 1]) if _filled_cells(cells) > 1), 0)
            if titles:
                title = next(c for c in found[0][1] if c and c.strip())
                raw.problems.append(Problem(raw.path.name, None, None, title,
                                            f"the header on the first row of sheet {sheet.title!r} (row "
                                            f"{found[titles][0]} is the header; the row above it looks like "
                                            "a title and was skipped)", "warning"))
                found = found[titles:]
            sheet_header = _trimmed_header(found[0][1])
            if header is None:
                header, offset = sheet_header, found[0][0]
            elif [h.strip() for h in sheet_header] != [h.strip() for h in header]:
                raw.problems.append(Problem(raw.path.name, None, None, sheet.title,
                                            f"one table per workbook: sheet {sheet.title!r} ({len(found) - 1} rows) "
                                            f"has another header ({', '.join(sheet_header[:6])}) than sheet "
                                            f"{read[0]!r}, so it was not read; save it as its own file",
                                            "warning"))
                continue
            else:
                offset = found[0][0] - (numbers[-1] if numbers else 0)
            read.append(f"{sheet.title} ({len(found) - 1} rows)")
            for index, cells in found[1:]:
                rows.append(cells)
                numbers.append(index - offset)
    finally:
        book.close()
    if header is None:
        return raw.fail("a header row (every sheet of the workbook is empty)")
    if len(read) > 1:
        raw.problems.append(Problem(raw.path.name, None, None, None,
                                    f"one sheet per workbook; read {len(read)} sheets with the same header: "
                                    f"{', '.join(read)}; rows are numbered on from one sheet to the next",
                                    "warning"))
    return _from_records(raw, header, rows, numbers)


def _read_parquet(raw: RawFile) -> RawFile:
    try:
        table = pq.read_table(raw.path)
    except (pa.ArrowException, OSError) as error:
        return raw.fail(f"a readable Parquet file ({str(error).splitlines()[0]}; truncated?)")
    raw.table = table
    raw.row_numbers = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return raw
