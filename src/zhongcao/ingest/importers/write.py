"""Assembling converted files into contract tables and writing them into an input folder.

Tables are written as UTF-8 CSV (``<table>.csv``) with canonical values (ISO timestamps,
plain numbers, ``#``-joined tags), so `zhongcao ingest` reads them without guessing and a
person can open them. Rows with the same key are combined: the first non-empty value of
each column wins and disagreements are counted. An existing table in the folder is merged
only when asked (``merge=True``); otherwise the import refuses, so nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zhongcao.contract import TABLES
from zhongcao.errors import InputError
from zhongcao.ingest.importers.convert import FILE, ROW, Converted
from zhongcao.ingest.readers import read_file, split_name

EXISTING = -1  # _file index of rows that were already in the input folder
SIDE = -2  # _file index of side-table rows (creators behind notes), not accounted per source row


@dataclass
class TableWrite:
    table: str
    path: Path
    rows_before: int  # rows already in the folder's file
    rows_written: int
    combined: int = 0  # incoming source rows folded into another row with the same key
    conflicts: Counter[str] = field(default_factory=Counter)  # column -> keys whose values disagreed
    dropped: Counter[str] = field(default_factory=Counter)  # side-table rows dropped, by reason


def merge_key(table: str) -> list[str]:
    """Key rows are combined on; spend has no key, so only identical lines are folded."""
    return list(TABLES[table].key) if TABLES[table].key else []


def _text(value: object, kind: str | None) -> str | None:
    if value is None or (not isinstance(value, list | np.ndarray) and pd.isna(value)):
        return None
    if kind == "tags" or isinstance(value, list | np.ndarray):
        return "#".join(str(v) for v in value) if len(value) else None
    if kind in ("int", "count"):
        return str(round(float(value)))
    if kind == "bool" or isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if kind == "date":
        return (value.date() if isinstance(value, pd.Timestamp) else value).isoformat()
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else f"{float(value):.10g}"
    return str(value)


def as_text_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    types = {c.name: c.type for c in TABLES[table].columns}
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        if name in (ROW, FILE):
            out[name] = frame[name]
            continue
        out[name] = [_text(v, types.get(name)) for v in frame[name].tolist()]
    return out


def _existing(folder: Path, table: str, merge: bool) -> tuple[Path, pd.DataFrame | None]:
    target = folder / f"{table}.csv"
    present = [p for p in sorted(folder.iterdir()) if p.is_file() and (split_name(p.name) or ("",))[0] == table]
    if not present:
        return target, None
    if not merge:
        raise InputError(f"{folder / present[0].name} already exists; pass merge=True (--merge) to combine the "
                         f"import with it by {'+'.join(merge_key(table)) or 'identical rows'}, or import into "
                         "another folder")
    if present != [target]:
        raise InputError(f"cannot merge into {', '.join(p.name for p in present)}: merging needs the table as "
                         f"{target.name} (convert it, or import into another folder)")
    raw = read_file(target)
    if raw.table is None:
        raise InputError(f"{target} could not be read for merging: {'; '.join(map(str, raw.problems))}")
    frame = raw.table.to_pandas().astype(object)
    frame.columns = [c.replace("\ufeff", "").strip() for c in frame.columns]
    return target, frame.where(frame.notna(), None)


def _combine(frame: pd.DataFrame, key: list[str], write: TableWrite) -> pd.DataFrame:
    """One row per key: first non-empty value per column; disagreements counted per column."""
    if frame.empty:
        return frame
    if not key:
        data = [c for c in frame.columns if c not in (ROW, FILE)]
        duplicated = frame.duplicated(subset=data, keep="first")
        write.combined += int(duplicated[frame[FILE] >= 0].sum())
        return frame[~duplicated]
    has_key = frame[key].notna().all(axis=1)
    keyed = frame[has_key]
    grouped = keyed.groupby(key, sort=False)
    sizes = grouped[key[0]].transform("size")
    repeated = keyed[sizes > 1]
    firsts = repeated.groupby(key, sort=False)[FILE].first()
    write.combined += int((repeated[FILE] >= 0).sum() - (firsts >= 0).sum())
    if not repeated.empty:
        for name in repeated.columns:
            if name in key or name in (ROW, FILE):
                continue
            distinct = repeated.groupby(key, sort=False)[name].nunique(dropna=True)
            if (distinct > 1).any():
                write.conflicts[name] += int((distinct > 1).sum())
    combined = grouped.first().reset_index() if not repeated.empty else keyed
    return pd.concat([combined[frame.columns], frame[~has_key]], ignore_index=True)


def gather(folder: Path, converted: list[Converted], *, merge: bool) -> dict[str, tuple[pd.DataFrame, TableWrite]]:
    """Per table, every incoming row (as canonical text) after the folder's existing rows, uncombined."""
    pieces: dict[str, list[pd.DataFrame]] = {}
    for item in converted:
        for table, frame in item.tables.items():
            text = as_text_frame(table, frame)
            if FILE not in text:  # a side table: its rows are not accounted per source row
                text[FILE], text[ROW] = SIDE, np.arange(1, len(text) + 1)
            pieces.setdefault(table, []).append(text)
    out: dict[str, tuple[pd.DataFrame, TableWrite]] = {}
    for table in (t for t in TABLES if t in pieces):
        path, existing = _existing(folder, table, merge)
        frames = pieces[table]
        rows_before = 0
        if existing is not None:
            rows_before = len(existing)
            existing[FILE], existing[ROW] = EXISTING, np.arange(1, len(existing) + 1)
            frames = [existing, *frames]
        frame = pd.concat(frames, ignore_index=True).astype(object)
        out[table] = frame.where(frame.notna(), None), TableWrite(table, path, rows_before, 0)
    return out


def combine(table: str, frame: pd.DataFrame, write: TableWrite) -> pd.DataFrame:
    return _combine(frame, merge_key(table), write)


def required_missing(table: str, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per required column, rows still without a value after combining."""
    missing = {}
    for column in TABLES[table].columns:
        if column.required:
            values = frame[column.name] if column.name in frame else pd.Series(None, index=frame.index)
            mask = values.isna().to_numpy()
            if mask.any():
                missing[column.name] = mask
    return missing


def write_table(frame: pd.DataFrame, write: TableWrite) -> None:
    data = frame.drop(columns=[ROW, FILE])
    contract = [c for c in TABLES[write.table].column_names if c in data]
    data = data[contract + [c for c in data.columns if c not in contract]]
    data = data.dropna(axis=1, how="all") if write.rows_before == 0 else data
    tmp = write.path.with_suffix(".csv.tmp")
    data.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(write.path)  # an interrupted import never leaves half a table
    write.rows_written = len(data)
