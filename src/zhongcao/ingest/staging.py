"""Staging an input folder: find the table files, read and validate each, check
references between them, and either refuse the input or quarantine the bad rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import tomllib
import weakref
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zhongcao.contract import TABLES, BrandConfig
from zhongcao.errors import ContractError, InputError, Problem, ValidationError, ZhongcaoError
from zhongcao.ingest.importers import detect_file, import_files
from zhongcao.ingest.phone import check_key, keyed, mask_phone, scrub, session_key
from zhongcao.ingest.readers import RawFile, read_file, split_name
from zhongcao.ingest.validate import CAP, Validated, short, validate

REJECTED_SCHEMA = pa.schema([
    ("table", pa.string()), ("file", pa.string()), ("row", pa.int64()),
    ("reasons", pa.string()), ("record", pa.string()),
])
REFERENCE_EXAMPLES = 5
# A Parquet file of a keyless (append-only) table with more rows than this is validated batch by
# batch and spooled to a Parquet file, so it is never whole in memory (a 200M-touch exposures
# file would not fit). Smaller files, and text formats, are read whole.
STREAM_ROWS = 2_000_000
BATCH_ROWS = 1 << 20
# Referenced values counted across batches are merged (summed per value) past this many entries,
# so a file whose every batch holds a million distinct users stays bounded in memory.
REFERENCE_COMPACT = 4_000_000


@dataclass(frozen=True)
class FileInfo:
    path: Path
    sha256: str
    format: str
    encoding: str | None  # None for binary formats (parquet, xlsx)
    rows: int  # data rows in the file, including rejected ones


@dataclass(frozen=True)
class SpooledTable:
    """A large table validated batch by batch: a Parquet file of its good rows, never whole in memory.

    ``owned`` is False when validation changed nothing and ``path`` is the input file itself (the
    workspace then copies it; it moves an owned, spooled file).
    """

    path: Path
    num_rows: int
    column_names: list[str]
    owned: bool = True


@dataclass
class StagedInput:
    folder: Path
    brand: BrandConfig
    tables: dict[str, pa.Table | SpooledTable]
    rejected: pa.Table
    problems: list[Problem]
    files: dict[str, FileInfo]
    spool: Path | None = None  # folder holding the SpooledTable files; removed with this object
    _finalizer: weakref.finalize | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.spool is not None:
            self._finalizer = weakref.finalize(self, shutil.rmtree, self.spool, True)

    def cleanup(self) -> None:
        """Remove spooled files now (the workspace moves the ones it loads)."""
        if self._finalizer is not None:
            self._finalizer()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def load_brand(folder: Path) -> BrandConfig:
    """``brand.toml`` from the folder, or the defaults when there is none."""
    path = Path(folder) / "brand.toml"
    if not path.exists():
        return BrandConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        return BrandConfig.from_mapping(data)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, TypeError) as error:
        raise ContractError(f"{path.name} is not usable: {error}") from error


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# A browser or the OS names a second download or a copy `orders (1).csv`, `orders - 副本.csv`,
# `orders copy.csv`: the table is plain, but the name is not one we read.
_COPY = re.compile(r"^(?P<table>.+?)(?:\s*\(\d+\)|\s*-?\s*(?:副本|copy)(?:\s*\(?\d+\)?)?)$", re.IGNORECASE)


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file (a folder, a pipe, a broken or looping link), or None."""
    try:
        if path.is_symlink():
            target = os.readlink(path)
            try:
                path.resolve(strict=True)
            except FileNotFoundError:
                return f"a readable file (it is a symbolic link to {target!r}, which does not exist)"
            except (RuntimeError, OSError) as error:  # a loop: RuntimeError before Python 3.13, OSError after
                return f"a readable file (it is a symbolic link that loops back on itself: {error})"
        mode = path.stat().st_mode
    except OSError as error:
        return f"a readable file ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a file (it is a folder)"
    if stat.S_ISFIFO(mode):
        return "a regular file (it is a named pipe, FIFO; reading it would wait for a writer forever)"
    return "a regular file (it is a socket or device)"


def _discover(folder: Path, problems: list[Problem], scratch: Path, key: bytes) -> dict[str, Path]:
    found: dict[str, list[Path]] = {}
    exports: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == "brand.toml":
            continue
        split = split_name(path.name)
        table = split[0].lower() if split is not None else None  # ORDERS.CSV is orders.csv
        why = _not_a_file(path)
        if why is not None:
            if table in TABLES:  # meant as a table file: refusing it says why, ignoring it would not
                problems.append(Problem(path.name, None, None, None, why))
            elif split is not None:
                problems.append(Problem(path.name, None, None, None, f"{why}; ignored", "warning"))
            continue
        copy = _COPY.match(split[0]) if split is not None and table not in TABLES else None
        if copy is not None and copy["table"].strip().lower() in TABLES:
            name = copy["table"].strip().lower()
            problems.append(Problem(path.name, None, None, None,
                                    f"a file named after a contract table; this looks like a copy of "
                                    f"{name}.{split[1]} (a browser or the OS added to the name): rename it to "
                                    f"{name}.{split[1]} to load it; ignored", "warning"))
            continue
        if split is not None and table not in TABLES and _is_export(path):
            exports.append(path)
            continue
        if split is None or table not in TABLES:
            problems.append(Problem(path.name, None, None, None,
                                    f"a file named after a contract table ({', '.join(TABLES)}); ignored",
                                    "warning"))
            continue
        found.setdefault(table, []).append(path)
    with keyed(key):  # the importers hash phones and buyer names with the workspace key
        converted_files = _import_exports(exports, scratch, problems)
    for name, converted in converted_files.items():
        found.setdefault(name, []).append(converted)
    for name, paths in found.items():
        if len(paths) > 1:
            problems.append(Problem(", ".join(p.name for p in paths), None, None, None,
                                    f"one file for table {name} (found {len(paths)})"))
    return {name: paths[0] for name, paths in found.items() if len(paths) == 1}


def _is_export(path: Path) -> bool:
    """Whether every table in the file plainly matches one known export kind."""
    try:
        detected = detect_file(path)
    except ZhongcaoError:
        return False
    return bool(detected) and all(kind is not None for _, kind in detected)


def _import_exports(exports: list[Path], scratch: Path, problems: list[Problem]) -> dict[str, Path]:
    """Convert recognised export files into contract tables in ``scratch``; warn what was done."""
    if not exports:
        return {}
    report = import_files(exports, scratch)
    for item in report.files:
        dropped = "; ".join(f"{n} {why}" for why, n in item.dropped.items()) or "none"
        problems.append(Problem(item.source, None, None, None,
                                f"a contract table file; read as {item.kind} export into {item.primary} "
                                f"({item.imported} imported, {item.combined} combined, dropped: {dropped})",
                                "warning"))
    return {name: write.path for name, write in report.tables.items() if write.rows_written}


def _records(raw: RawFile, checked: Validated, positions: np.ndarray) -> list[str]:
    """Raw rows as JSON, with any phone number masked (user_id may hold them too)."""
    assert raw.table is not None
    rows = raw.table.take(pa.array(positions, type=pa.int64())).to_pylist()
    out = []
    for row in rows:
        if checked.phone_column is not None:
            for key in list(row):
                if key.strip().replace("\ufeff", "") == checked.phone_column and row[key] is not None:
                    row[key] = mask_phone(str(row[key]))
        # Any column may hold a number typed by a person (a comment, a name): masked in every table.
        out.append(scrub(json.dumps(row, ensure_ascii=False, default=str)))
    return out


def _rejected(table: str, raw: RawFile, checked: Validated) -> pa.Table:
    positions = np.flatnonzero(checked.bad)
    rows = [int(raw.row_numbers[p]) for p in positions]
    reasons = ["; ".join(checked.reasons.get(int(p), ["invalid"])) for p in positions]
    records = _records(raw, checked, positions) if len(positions) else []
    for row, reason, text in raw.bad_rows:  # rows the reader could not split into fields
        rows.append(row)
        reasons.append(reason)
        records.append(json.dumps({"_raw": scrub(text)}, ensure_ascii=False))
    n = len(rows)
    return pa.table([pa.array([table] * n), pa.array([raw.path.name] * n), pa.array(rows, pa.int64()),
                     pa.array(reasons, pa.string()), pa.array(records, pa.string())], schema=REJECTED_SCHEMA)


def _references(tables: dict[str, pa.Table | SpooledTable], files: dict[str, FileInfo]) -> list[Problem]:
    """Soft foreign keys inside the folder: one warning per broken reference, with examples."""
    problems = []
    for name, table in tables.items():
        if not isinstance(table, pa.Table):
            continue  # spooled tables were checked batch by batch
        for ref in TABLES[name].references:
            target_table = tables.get(ref.table)
            if (not isinstance(target_table, pa.Table) or ref.table == name
                    or ref.column not in table.column_names):
                continue
            values = table.column(ref.column)
            count, examples = _broken(values, target_table.column(ref.target))
            if count:
                problems.append(_reference_problem(files[name].path.name, ref.column, ref.table, ref.target,
                                                   count, len(values), examples))
    return problems


def _missing(distinct: pa.Array, targets: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The values of ``distinct`` (no nulls, no repeats) absent from ``targets``, in their order.

    ``is_in`` hashes its value set on every call, so the set is the referencing side's distinct
    values, usually far fewer than the target's (a few thousand leads against a million users):
    the target column is scanned against them instead of being hashed.
    """
    if not len(distinct):
        return distinct
    if 2 * len(distinct) > len(targets):  # as many values as targets: hashing the targets is cheaper
        return distinct.filter(pc.invert(pc.is_in(distinct, value_set=targets)))
    present = targets.filter(pc.is_in(targets, value_set=distinct))
    if len(pc.unique(present)) == len(distinct):
        return distinct.slice(0, 0)
    return distinct.filter(pc.invert(pc.is_in(distinct, value_set=present)))


def _broken(values: pa.Array | pa.ChunkedArray, targets: pa.Array | pa.ChunkedArray) -> tuple[int, list[object]]:
    missing = _missing(pc.unique(values.drop_null()), targets)
    if not len(missing):
        return 0, []
    count = pc.sum(pc.is_in(values, value_set=missing)).as_py() or 0
    return count, missing.slice(0, REFERENCE_EXAMPLES).to_pylist()


def _reference_problem(file: str, column: str, ref_table: str, target: str, count: int, total: int,
                       examples: list[object]) -> Problem:
    return Problem(file, None, column, short(", ".join(map(str, examples))),
                   f"{column} values present in {ref_table}.{target} ({count} of {total} rows point nowhere)",
                   "warning")


def _streamable(name: str, path: Path) -> bool:
    if TABLES[name].key or split_name(path.name) != (name, "parquet"):
        return False
    try:
        return pq.ParquetFile(path).metadata.num_rows > STREAM_ROWS
    except (pa.ArrowException, OSError):
        return False  # read whole, so the reader words the problem


_MORE = re.compile(r"^(?P<expected>.*) \(and (?P<n>\d+) more rows like this\)$")


class _BatchProblems:
    """Problems of one file validated in batches, capped per column as if validated whole."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.rows: dict[tuple[str | None, str], int] = {}  # (column, expected) -> rows with it
        self.seen: set[tuple[object, ...]] = set()

    def add(self, batch: list[Problem]) -> None:
        for p in batch:
            more = _MORE.match(p.expected) if p.row is None else None
            if p.row is not None or more:
                key = (p.column, more["expected"] if more else p.expected)
                n = self.rows.get(key, 0)
                self.rows[key] = n + (int(more["n"]) if more else 1)
                if p.row is not None and n < CAP:
                    self.problems.append(p)
                continue
            ident = (p.column, p.value, p.expected, p.severity)  # file-level: once, not once per batch
            if ident not in self.seen:
                self.seen.add(ident)
                self.problems.append(p)

    def finish(self, file: str) -> list[Problem]:
        for (column, expected), n in self.rows.items():
            if n > CAP:
                self.problems.append(Problem(file, None, column, None, f"{expected} (and {n - CAP} more rows like this)"))
        return self.problems


class _ReferenceCounts:
    """Rows per referenced value across batches, checked against the target table once, at the end
    (the target may still be being read when the stream starts).

    A dictionary-encoded batch is counted per dictionary entry (a bincount of its indices, no
    string hashed); a plain one with ``value_counts``. The distinct values are hashed once at
    the end, and the target column is scanned against them (:func:`_missing`).
    """

    def __init__(self) -> None:
        self.values: list[pa.Array] = []
        self.counts: list[np.ndarray] = []
        self.size = 0
        self.limit = REFERENCE_COMPACT

    def add(self, values: pa.ChunkedArray) -> None:
        for chunk in values.chunks:
            if pa.types.is_dictionary(chunk.type):
                n = np.bincount(chunk.indices.drop_null().to_numpy(), minlength=len(chunk.dictionary))
                used = np.flatnonzero(n)
                self.values.append(chunk.dictionary.take(pa.array(used)))
                self.counts.append(n[used])
            else:
                vc = pc.value_counts(chunk.drop_null())
                self.values.append(vc.field("values"))
                self.counts.append(vc.field("counts").to_numpy())
            self.size += len(self.values[-1])
        if self.size > self.limit:
            self._compact()

    def _compact(self) -> None:
        """One entry per value; the next merge waits until the entries have doubled."""
        if len(self.values) > 1:
            table = pa.table({"value": pa.chunked_array(self.values, type=self.values[0].type),
                              "n": np.concatenate(self.counts)})
            merged = table.group_by("value", use_threads=False).aggregate([("n", "sum")])
            self.values = [merged.column("value").combine_chunks()]
            self.counts = [merged.column("n_sum").to_numpy()]
            self.size = len(self.values[0])
        self.limit = max(REFERENCE_COMPACT, 2 * self.size)

    def broken(self, targets: pa.Array | pa.ChunkedArray) -> tuple[int, list[object]]:
        if not self.values:
            return 0, []
        values = pa.chunked_array(self.values, type=self.values[0].type)
        missing = _missing(pc.unique(values), targets)
        if not len(missing):
            return 0, []
        hit = pc.is_in(values, value_set=missing).to_numpy(zero_copy_only=False)
        return int(np.concatenate(self.counts)[hit].sum()), missing.slice(0, REFERENCE_EXAMPLES).to_pylist()


def _unchanged(raw: RawFile, checked: Validated) -> bool:
    """Whether validation kept every row and value of the batch as read (types included)."""
    assert raw.table is not None and checked.table is not None
    if checked.bad.any() or checked.table.column_names != raw.table.column_names:
        return False
    return all(checked.table.column(i).equals(raw.table.column(i)) for i in range(raw.table.num_columns))


def _plain_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema])


def _dictionary_columns(path: Path) -> list[str]:
    """Text columns the file stores dictionary-encoded in every row group: read as Arrow
    dictionaries, they are neither decoded row by row nor checked more than once per value."""
    meta = pq.ParquetFile(path).metadata
    found = []
    for i in range(meta.num_columns):
        column = meta.schema.column(i)
        if column.physical_type != "BYTE_ARRAY" or column.max_repetition_level > 0:
            continue
        if all(any("DICTIONARY" in e for e in meta.row_group(g).column(i).encodings)
               for g in range(meta.num_row_groups)):
            found.append(column.path)
    return found


def _read_ahead(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Yield ``batches``, decoding the next one in a thread while the caller validates this one.

    Parquet decoding and Arrow compute release the GIL, so on two cores reading and validating
    overlap. A read error is raised where the batch is consumed.
    """
    done = object()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="zhongcao-read") as pool:
        pending = pool.submit(next, batches, done)
        while (batch := pending.result()) is not done:
            pending = pool.submit(next, batches, done)
            yield batch


def _stream(name: str, path: Path, whole: Mapping[str, Future[_WholeRead]], spool: Path, key: bytes
            ) -> tuple[SpooledTable | None, list[Problem], list[pa.Table], int]:
    """Validate a large Parquet file batch by batch; its good rows become the table to load.

    When validation changes nothing (the usual case for a typed export), the file itself is what
    gets loaded (copied into the workspace): nothing is written here. Otherwise the good rows are
    written to ``spool``. Returns (the table or None when the file is unusable, problems, rejected
    rows, rows read). References are counted per batch and checked once, at the end, against the
    tables of the folder read whole (``whole``: being read in another thread meanwhile).
    """
    spec = TABLES[name]
    problems = _BatchProblems()
    rejected: list[pa.Table] = []
    refs = {r: _ReferenceCounts() for r in spec.references if r.table != name and r.table in whole}
    out = spool / f"{name}.parquet"
    writer: pq.ParquetWriter | None = None
    offset = kept = batches = 0
    columns: list[str] = []
    usable = True
    try:
        dictionaries = _dictionary_columns(path)
        for batch in _read_ahead(pq.ParquetFile(path, read_dictionary=dictionaries).iter_batches(
                batch_size=BATCH_ROWS)):
            raw = RawFile(path=path, format="parquet", table=pa.Table.from_batches([batch]),
                          row_numbers=np.arange(offset + 1, offset + batch.num_rows + 1, dtype=np.int64))
            offset += batch.num_rows
            checked = validate(raw, spec, key)
            problems.add(checked.problems)
            if checked.fatal or checked.table is None:
                usable = False
                break
            good = checked.table.filter(pa.array(~checked.bad)) if checked.bad.any() else checked.table
            if checked.bad.any():
                rejected.append(_rejected(name, raw, checked))
            kept += good.num_rows
            columns = good.column_names
            for ref, counts in refs.items():
                if ref.column in good.column_names:
                    counts.add(good.column(ref.column))
            if writer is None and _unchanged(raw, checked):
                batches += 1
                continue
            if writer is None:  # the first batch validation changed: earlier ones are written as read
                writer = pq.ParquetWriter(out, _plain_schema(good.schema))  # batches' dictionaries differ
                for i, earlier in enumerate(pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS)):
                    if i == batches:
                        break
                    writer.write_table(pa.Table.from_batches([earlier]).cast(writer.schema))
            writer.write_table(good.cast(writer.schema))
    except (pa.ArrowException, OSError) as error:
        problems.add([Problem(path.name, None, None, None,
                              f"a readable Parquet file ({str(error).splitlines()[0]}; truncated?)")])
        usable = False
    finally:
        if writer is not None:
            writer.close()
    found = problems.finish(path.name)
    for ref, counts in refs.items():
        table = whole[ref.table].result().table
        if table is None or ref.target not in table.column_names:
            continue
        count, examples = counts.broken(table.column(ref.target))
        if count:
            found.append(_reference_problem(path.name, ref.column, ref.table, ref.target, count, kept, examples))
    if not usable or not columns:
        return None, found, rejected, offset
    if writer is None:
        return SpooledTable(path, kept, columns, owned=False), found, rejected, offset
    return SpooledTable(out, kept, columns), found, rejected, offset


@dataclass(frozen=True)
class _WholeRead:
    table: pa.Table | None  # the good rows; None when the file cannot be used
    problems: list[Problem]
    rejected: list[pa.Table]
    info: FileInfo


def _whole_references(whole: Mapping[str, Future[_WholeRead]]) -> list[Problem]:
    reads = {name: future.result() for name, future in whole.items()}
    return _references({n: r.table for n, r in reads.items() if r.table is not None},
                       {n: r.info for n, r in reads.items()})


def _read_whole(name: str, path: Path, key: bytes) -> _WholeRead:
    raw = read_file(path)
    checked = validate(raw, TABLES[name], key)
    rows = (raw.table.num_rows if raw.table is not None else 0) + len(raw.bad_rows)
    info = FileInfo(path, _sha256(path), raw.format, raw.encoding, rows)
    if checked.fatal or checked.table is None:
        return _WholeRead(None, checked.problems, [], info)
    table = checked.table.filter(pa.array(~checked.bad)) if checked.bad.any() else checked.table
    bad = [_rejected(name, raw, checked)] if checked.bad.any() or raw.bad_rows else []
    return _WholeRead(table, checked.problems, bad, info)


def read_input(folder: Path, *, quarantine: bool = False, hash_key: bytes | None = None) -> StagedInput:
    """Read, type and check every table file in ``folder``.

    Strict mode raises :class:`ValidationError` with every problem when any error is
    found. Quarantine mode moves the offending rows to ``rejected`` and keeps the rest,
    but still raises for file-level errors, since no row of such a file can be trusted.
    Files not named after a table whose headers plainly match a known export kind
    (``zhongcao.ingest.importers``) are converted on the way in.

    Phone numbers in ids are hashed with ``hash_key`` (HMAC-SHA256; the pipeline passes the
    workspace's key, ``engine.keys``); without one, with a random key drawn once per process.
    Numbers in text are masked.
    """
    key = check_key(hash_key) if hash_key is not None else session_key()
    with tempfile.TemporaryDirectory(prefix="zhongcao-import-") as scratch:
        return _read_input(Path(folder), quarantine, Path(scratch), key)


def _read_input(folder: Path, quarantine: bool, scratch: Path, key: bytes) -> StagedInput:
    if not folder.is_dir():
        raise InputError(f"input folder {folder} does not exist or is not a folder")
    brand = load_brand(folder)
    problems: list[Problem] = []
    paths = _discover(folder, problems, scratch, key)
    if not paths and not any(p.severity == "error" for p in problems):
        ignored = "".join(f"\n  - {p}" for p in problems)
        raise InputError(f"{folder} holds no table files (expected names such as notes.csv or orders.parquet)"
                         + (f"; ignored:{ignored}" if ignored else ""))
    fatal = any(p.severity == "error" for p in problems)  # two files for one table

    ordered = sorted(paths.items(), key=lambda item: list(TABLES).index(item[0]))
    streamed = {name for name, path in ordered if _streamable(name, path)}
    tables: dict[str, pa.Table | SpooledTable] = {}
    rejected: list[pa.Table] = []
    files: dict[str, FileInfo] = {}
    spool = Path(tempfile.mkdtemp(prefix="zhongcao-spool-")) if streamed else None
    # Files read whole are read in a second thread while the large ones stream in this one
    # (Arrow and Parquet release the GIL); a stream checks its references against them at its end.
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="zhongcao-whole") as pool:
            whole = {name: pool.submit(_read_whole, name, path, key) for name, path in ordered if name not in streamed}
            digests = {name: pool.submit(_sha256, path) for name, path in ordered if name in streamed}
            # References between the tables read whole are checked there too, once they are read
            # (the worker takes tasks in order, so they are done by the time this one runs).
            references = pool.submit(_whole_references, whole)
            streams = {name: _stream(name, path, whole, spool, key) for name, path in ordered if name in streamed}
            for name, path in ordered:
                if name in streamed:
                    spooled, found, bad, rows = streams[name]
                    problems.extend(found)
                    rejected.extend(bad)
                    files[name] = FileInfo(path, digests[name].result(), "parquet", None, rows)
                    if spooled is None:
                        fatal = True
                    else:
                        tables[name] = spooled
                    continue
                read = whole[name].result()
                problems.extend(read.problems)
                files[name] = read.info
                rejected.extend(read.rejected)
                if read.table is None:
                    fatal = True
                else:
                    tables[name] = read.table
            problems.extend(references.result())
    except BaseException:
        if spool is not None:  # a reader's exception: nothing of this input survives
            shutil.rmtree(spool, ignore_errors=True)
        raise
    has_errors = any(p.severity == "error" for p in problems)
    if fatal or (has_errors and not quarantine):
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)
        raise ValidationError(problems)
    return StagedInput(
        folder=folder,
        brand=brand,
        tables=tables,
        rejected=pa.concat_tables(rejected) if rejected else REJECTED_SCHEMA.empty_table(),
        problems=problems,
        files=files,
        spool=spool,
    )
