"""Type parsers: one pure function per contract type, vectorised over a pandas Series.

Each parser takes raw text values (None for missing) and returns ``(array, bad)``:
the typed Arrow array, null where the input was missing or unparseable, and a numpy
mask of the values that were present but could not be parsed. The validator turns
that mask into problems; the parsers themselves never report, so they stay testable
and fast. Per-value Python work happens only on the few values the fast path rejects.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zhongcao.contract import TIMEZONE

Parsed = tuple[pa.Array, np.ndarray]

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "count": pa.int64(),
    "float": pa.float64(),
    "money": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "date": pa.date32(),
    "tags": pa.list_(pa.string()),
}

EXPECTED: dict[str, str] = {
    "str": "text",
    "int": "integer",
    "count": "integer ≥ 0 (also 1.2万, 3亿, 10w+, 1,234, 1.2k)",
    "float": "number",
    "money": "amount in CNY such as 1234.50 (also ¥1,234 or 1234元)",
    "bool": "true/false (also 1/0, yes/no, Y/N, 是/否, 已报备/未报备)",
    "timestamp": "ISO 8601 timestamp (also 2025/3/1 12:00, epoch seconds or milliseconds)",
    "date": "date such as 2025-03-01 (also 2025/3/1)",
    "tags": "tags such as #a#b or a JSON list of strings",
}

# Spreadsheet exports write these for "no value"; in a typed column they mean null.
NULL_TOKENS = frozenset({"", "-", "--", "—", "null", "none", "nan", "n/a", "na", "\\n", "无"})

_UNITS = {"万": 1e4, "w": 1e4, "亿": 1e8, "k": 1e3, "千": 1e3}
_NUMBER_WITH_UNIT = r"^([+-]?\d+(?:\.\d+)?)\s*(万|w|亿|k|千)?\s*\+?$"

_TRUE = {"true", "1", "yes", "y", "t", "是", "已报备", "报备", "有", "对"}
_FALSE = {"false", "0", "no", "n", "f", "否", "未报备", "非报备", "没有", "不是"}


def text(values: pd.Series) -> pd.Series:
    """Trimmed text with null tokens as None; the common first step of every typed parser."""
    s = values.astype(object).where(values.notna(), None)
    s = s.str.strip()
    return s.where(~s.str.lower().isin(NULL_TOKENS) & s.notna(), None)


def _present(s: pd.Series) -> np.ndarray:
    return s.notna().to_numpy()


def parse_str(values: pd.Series) -> Parsed:
    s = values.astype(object).where(values.notna(), None).str.strip()
    s = s.where(s.str.len() > 0, None)
    return pa.array(s, type=pa.string(), from_pandas=True), np.zeros(len(s), dtype=bool)


def _numbers_with_units(s: pd.Series, strip: str) -> pd.Series:
    """Numbers written with Chinese display units (1.2万, 10w+, 1.5k, 1,234); NaN if not a number."""
    cleaned = s.str.replace(strip, "", regex=True).str.lower()
    out = pd.to_numeric(cleaned, errors="coerce")
    slow = cleaned.notna() & out.isna()
    if slow.any():
        parts = cleaned[slow].str.extract(_NUMBER_WITH_UNIT)
        scaled = pd.to_numeric(parts[0], errors="coerce") * parts[1].map(_UNITS).fillna(1.0)
        out = out.astype(float)
        out[slow] = scaled
    return out.astype(float)


def _integers(numbers: pd.Series, present: np.ndarray, exact: np.ndarray) -> Parsed:
    """Integral values as int64; a value is bad if missing, or fractional where it must be exact."""
    arr = numbers.to_numpy(dtype=float)
    finite = np.isfinite(arr)
    fractional = finite & (arr != np.round(arr)) & exact
    ok = finite & ~fractional & (np.abs(arr) < 2**62)
    ints = np.where(ok, np.round(np.where(ok, arr, 0)), 0).astype(np.int64)
    return pa.array(ints, mask=~ok, type=pa.int64()), present & ~ok


def parse_int(values: pd.Series) -> Parsed:
    s = text(values)
    numbers = pd.to_numeric(s.str.replace(r"[,，\s]", "", regex=True), errors="coerce").astype(float)
    present = _present(s)
    return _integers(numbers, present, np.ones(len(s), dtype=bool))


def parse_count(values: pd.Series) -> Parsed:
    s = text(values)
    present = _present(s)
    numbers = _numbers_with_units(s, r"[,，\s]")
    # `1.2万` is exact to the display's precision only, so it is rounded; a bare `1.5` is an error.
    has_unit = s.str.contains(r"[万w亿k千]", case=False, regex=True, na=False).to_numpy(dtype=bool)
    array, bad = _integers(numbers, present, ~has_unit)
    negative = present & ~bad & (numbers.to_numpy(dtype=float) < 0)
    if negative.any():
        array = pc.if_else(pa.array(negative), pa.scalar(None, pa.int64()), array)
    return array, bad | negative


def parse_float(values: pd.Series) -> Parsed:
    s = text(values)
    numbers = pd.to_numeric(s.str.replace(r"[,，\s]", "", regex=True), errors="coerce").astype(float)
    ok = np.isfinite(numbers.to_numpy())
    return pa.array(numbers.to_numpy(), mask=~ok, type=pa.float64()), _present(s) & ~ok


def parse_money(values: pd.Series) -> Parsed:
    s = text(values)
    numbers = _numbers_with_units(s, r"(?i)[¥￥,，\s元]|rmb|cny")
    ok = np.isfinite(numbers.to_numpy())
    return pa.array(numbers.to_numpy(), mask=~ok, type=pa.float64()), _present(s) & ~ok


def parse_bool(values: pd.Series) -> Parsed:
    s = text(values)
    lower = s.str.lower()
    is_true = lower.isin(_TRUE).to_numpy()
    is_false = lower.isin(_FALSE).to_numpy()
    ok = is_true | is_false
    return pa.array(is_true, mask=~ok, type=pa.bool_()), _present(s) & ~ok


_TZ_SUFFIX = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)$"
_LOOSE = (r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
          r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:[.,](\d{1,6}))?)?秒?)?$")


def _to_shanghai_naive(stamps: pd.Series) -> pd.Series:
    return stamps.dt.tz_convert(TIMEZONE).dt.tz_localize(None)


def _epoch(numbers: pd.Series) -> pd.Series:
    """Epoch numbers (UTC) to Shanghai wall time; the unit is read from the magnitude."""
    magnitude = numbers.abs()
    unit_ns = np.select([magnitude >= 1e17, magnitude >= 1e14, magnitude >= 1e11], [1, 1e3, 1e6], 1e9)
    ns = pd.Series(np.where(magnitude >= 1e8, numbers * unit_ns, np.nan), index=numbers.index)
    stamps = pd.to_datetime(ns, unit="ns", utc=True, errors="coerce")
    return _to_shanghai_naive(stamps)


def _loose(s: pd.Series) -> pd.Series:
    """`2025/3/1 12:00`, `2025年3月1日`, `20250301`: the forms ISO parsing misses."""
    compact = s.str.extract(r"^((?:19|20)\d{2})(\d{2})(\d{2})$")
    parts = s.str.extract(_LOOSE)
    for i in range(3):
        parts[i] = parts[i].where(parts[i].notna(), compact[i])
    frame = pd.DataFrame({
        "year": pd.to_numeric(parts[0], errors="coerce"),
        "month": pd.to_numeric(parts[1], errors="coerce"),
        "day": pd.to_numeric(parts[2], errors="coerce"),
        "hour": pd.to_numeric(parts[3], errors="coerce").fillna(0),
        "minute": pd.to_numeric(parts[4], errors="coerce").fillna(0),
        "second": pd.to_numeric(parts[5], errors="coerce").fillna(0),
        "microsecond": pd.to_numeric(parts[6].str.ljust(6, "0"), errors="coerce").fillna(0),
    })
    return pd.to_datetime(frame, errors="coerce")


def _timestamps(s: pd.Series) -> pd.Series:
    """Naive Shanghai wall time (datetime64) for every parseable value, NaT elsewhere."""
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    present = s.notna()
    aware = present & s.str.contains(_TZ_SUFFIX, regex=True, na=False).astype(bool)
    numeric = present & ~aware & s.str.fullmatch(r"\d{9,19}(?:\.\d+)?", na=False).astype(bool)
    naive = present & ~aware & ~numeric
    if naive.any():
        out[naive] = pd.to_datetime(s[naive], format="ISO8601", errors="coerce")
    if aware.any():
        zoned = s[aware].str.replace(r"\s*(UTC|GMT)$", "+00:00", regex=True)
        out[aware] = _to_shanghai_naive(pd.to_datetime(zoned, format="ISO8601", utc=True, errors="coerce"))
    if numeric.any():
        out[numeric] = _epoch(pd.to_numeric(s[numeric], errors="coerce"))
    retry = present & out.isna()
    if retry.any():
        out[retry] = _loose(s[retry])
    return out


def _stamp_array(stamps: pd.Series, present: np.ndarray, target: pa.DataType) -> Parsed:
    ok = stamps.notna().to_numpy()
    array = pa.array(stamps.astype("datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)
    return array.cast(target), present & ~ok


def parse_timestamp(values: pd.Series) -> Parsed:
    s = text(values)
    return _stamp_array(_timestamps(s), _present(s), pa.timestamp("us"))


def parse_date(values: pd.Series) -> Parsed:
    s = text(values)
    compact = s.str.fullmatch(r"(?:19|20)\d{6}", na=False).astype(bool)
    stamps = _timestamps(s.where(~compact, s.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)))
    return _stamp_array(stamps.dt.normalize(), _present(s), pa.date32())


def parse_tags(values: pd.Series) -> Parsed:
    """`#a#b`, `a#b`, `#a #b` and JSON lists to list<string>; empty tags are dropped."""
    s = text(values)
    present = _present(s)
    is_json = s.str.startswith("[", na=False).to_numpy(dtype=bool)
    pieces = pc.split_pattern_regex(pa.array(s.where(~is_json, None), type=pa.string()), r"[#＃]")
    flat = pc.utf8_trim_whitespace(pc.list_flatten(pieces))
    parents = pc.list_parent_indices(pieces).to_numpy()
    keep = pc.greater(pc.utf8_length(flat), 0).to_numpy(zero_copy_only=False)
    counts = np.bincount(parents[keep], minlength=len(s))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    tags = pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(keep)), mask=pa.array(~present))
    bad = np.zeros(len(s), dtype=bool)
    if is_json.any():
        lists: list[list[str] | None] = tags.to_pylist()
        for i in np.flatnonzero(is_json):
            try:
                parsed = json.loads(s.iloc[i])
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, list):
                lists[i] = [str(t).strip().lstrip("#") for t in parsed if str(t).strip().lstrip("#")]
            else:
                lists[i], bad[i] = None, True
        tags = pa.array(lists, type=pa.list_(pa.string()))
    return tags, bad


PARSERS: dict[str, Callable[[pd.Series], Parsed]] = {
    "str": parse_str,
    "int": parse_int,
    "count": parse_count,
    "float": parse_float,
    "money": parse_money,
    "bool": parse_bool,
    "timestamp": parse_timestamp,
    "date": parse_date,
    "tags": parse_tags,
}
