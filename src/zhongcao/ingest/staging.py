"""Staging an input folder: find the table files, read and validate each, check
references between them, and either refuse the input or quarantine the bad rows.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhongcao.contract import TABLES, BrandConfig
from zhongcao.errors import ContractError, InputError, Problem, ValidationError, ZhongcaoError
from zhongcao.ingest.importers import detect_file, import_files
from zhongcao.ingest.phone import mask_phone, scrub
from zhongcao.ingest.readers import RawFile, read_file, split_name
from zhongcao.ingest.validate import Validated, short, validate

REJECTED_SCHEMA = pa.schema([
    ("table", pa.string()), ("file", pa.string()), ("row", pa.int64()),
    ("reasons", pa.string()), ("record", pa.string()),
])
REFERENCE_EXAMPLES = 5


@dataclass(frozen=True)
class FileInfo:
    path: Path
    sha256: str
    format: str
    encoding: str | None  # None for binary formats (parquet, xlsx)
    rows: int  # data rows in the file, including rejected ones


@dataclass
class StagedInput:
    folder: Path
    brand: BrandConfig
    tables: dict[str, pa.Table]
    rejected: pa.Table
    problems: list[Problem]
    files: dict[str, FileInfo]

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


def _discover(folder: Path, problems: list[Problem], scratch: Path) -> dict[str, Path]:
    found: dict[str, list[Path]] = {}
    exports: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name == "brand.toml":
            continue
        split = split_name(path.name)
        if split is not None and split[0] not in TABLES and _is_export(path):
            exports.append(path)
            continue
        if split is None or split[0] not in TABLES:
            problems.append(Problem(path.name, None, None, None,
                                    f"a file named after a contract table ({', '.join(TABLES)}); ignored",
                                    "warning"))
            continue
        found.setdefault(split[0], []).append(path)
    for name, converted in _import_exports(exports, scratch, problems).items():
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


def _records(raw: RawFile, checked: Validated, positions: np.ndarray, accepts_phone: bool) -> list[str]:
    """Raw rows as JSON, with any phone number masked (user_id may hold them too)."""
    assert raw.table is not None
    rows = raw.table.take(pa.array(positions, type=pa.int64())).to_pylist()
    out = []
    for row in rows:
        if checked.phone_column is not None:
            for key in list(row):
                if key.strip().replace("\ufeff", "") == checked.phone_column and row[key] is not None:
                    row[key] = mask_phone(str(row[key]))
        text = json.dumps(row, ensure_ascii=False, default=str)
        out.append(scrub(text) if checked.phone_column is not None or accepts_phone else text)
    return out


def _rejected(table: str, raw: RawFile, checked: Validated) -> pa.Table:
    positions = np.flatnonzero(checked.bad)
    rows = [int(raw.row_numbers[p]) for p in positions]
    reasons = ["; ".join(checked.reasons.get(int(p), ["invalid"])) for p in positions]
    records = _records(raw, checked, positions, TABLES[table].accepts_phone) if len(positions) else []
    for row, reason, text in raw.bad_rows:  # rows the reader could not split into fields
        rows.append(row)
        reasons.append(reason)
        records.append(json.dumps({"_raw": scrub(text)}, ensure_ascii=False))
    n = len(rows)
    return pa.table([pa.array([table] * n), pa.array([raw.path.name] * n), pa.array(rows, pa.int64()),
                     pa.array(reasons, pa.string()), pa.array(records, pa.string())], schema=REJECTED_SCHEMA)


def _references(tables: dict[str, pa.Table], files: dict[str, FileInfo]) -> list[Problem]:
    """Soft foreign keys inside the folder: one warning per broken reference, with examples."""
    problems = []
    for name, table in tables.items():
        for ref in TABLES[name].references:
            if ref.table not in tables or ref.table == name or ref.column not in table.column_names:
                continue
            values = table.column(ref.column)
            targets = tables[ref.table].column(ref.target)
            broken = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=targets.unique())))
            count = pc.sum(broken).as_py() or 0
            if count:
                examples = pc.unique(values.filter(broken)).slice(0, REFERENCE_EXAMPLES).to_pylist()
                problems.append(Problem(
                    files[name].path.name, None, ref.column, short(", ".join(map(str, examples))),
                    f"{ref.column} values present in {ref.table}.{ref.target} "
                    f"({count} of {len(values)} rows point nowhere)", "warning"))
    return problems


def read_input(folder: Path, *, quarantine: bool = False) -> StagedInput:
    """Read, type and check every table file in ``folder``.

    Strict mode raises :class:`ValidationError` with every problem when any error is
    found. Quarantine mode moves the offending rows to ``rejected`` and keeps the rest,
    but still raises for file-level errors, since no row of such a file can be trusted.
    Files not named after a table whose headers plainly match a known export kind
    (``zhongcao.ingest.importers``) are converted on the way in.
    """
    with tempfile.TemporaryDirectory(prefix="zhongcao-import-") as scratch:
        return _read_input(Path(folder), quarantine, Path(scratch))


def _read_input(folder: Path, quarantine: bool, scratch: Path) -> StagedInput:
    if not folder.is_dir():
        raise InputError(f"input folder {folder} does not exist or is not a folder")
    brand = load_brand(folder)
    problems: list[Problem] = []
    paths = _discover(folder, problems, scratch)
    if not paths and not any(p.severity == "error" for p in problems):
        raise InputError(f"{folder} holds no table files (expected names such as notes.csv or orders.parquet)")
    fatal = any(p.severity == "error" for p in problems)  # two files for one table

    tables: dict[str, pa.Table] = {}
    rejected: list[pa.Table] = []
    files: dict[str, FileInfo] = {}
    for name, path in sorted(paths.items(), key=lambda item: list(TABLES).index(item[0])):
        raw = read_file(path)
        checked = validate(raw, TABLES[name])
        problems.extend(checked.problems)
        rows = (raw.table.num_rows if raw.table is not None else 0) + len(raw.bad_rows)
        files[name] = FileInfo(path, _sha256(path), raw.format, raw.encoding, rows)
        if checked.fatal or checked.table is None:
            fatal = True
            continue
        tables[name] = checked.table.filter(pa.array(~checked.bad)) if checked.bad.any() else checked.table
        if checked.bad.any() or raw.bad_rows:
            rejected.append(_rejected(name, raw, checked))

    problems.extend(_references(tables, files))
    has_errors = any(p.severity == "error" for p in problems)
    if fatal or (has_errors and not quarantine):
        raise ValidationError(problems)
    return StagedInput(
        folder=folder,
        brand=brand,
        tables=tables,
        rejected=pa.concat_tables(rejected) if rejected else REJECTED_SCHEMA.empty_table(),
        problems=problems,
        files=files,
    )
