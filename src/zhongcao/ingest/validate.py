"""Validating one raw file against its contract table.

The result holds every row, typed, with a mask of the rows that broke the contract and
the reasons why, so the caller can either refuse the whole input (strict mode) or keep
the good rows and quarantine the rest. Checks are vectorised; Python loops run only
over the bad rows, to word their problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zhongcao.contract import Column, Table, normalise_platform, normalise_province
from zhongcao.errors import Problem
from zhongcao.ingest.coerce import as_text, coerce, trim_text
from zhongcao.ingest.headers import HeaderMap, clean_header, map_headers
from zhongcao.ingest.limits import clean_text, implausible
from zhongcao.ingest.parsers import ARROW_TYPES, EXPECTED
from zhongcao.ingest.phone import (
    PHONE_SHARE,
    hash_phone_series,
    mask_phone,
    mask_text,
    numeric_phones,
    phone_share,
    protect_columns,
    scrub,
)
from zhongcao.ingest.readers import RawFile

CAP = 1000  # problems listed per file and column; one summary problem counts the rest
REGION_WARNINGS = 20  # distinct unknown region spellings warned about per file
VALUE_CHARS = 80

# Spellings of a choice seen in exports (Chinese labels, other case) → the contract value.
CHOICE_SYNONYMS = {"女": "f", "男": "m", "female": "f", "male": "m", "图文": "image", "视频": "video",
                   "normal": "image"}


def short(value: object) -> str | None:
    if value is None:
        return None
    text = scrub(str(value))  # a problem never shows a phone number, whichever column held it
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


@dataclass
class Validated:
    table: pa.Table | None  # every row, typed; None when the file cannot be used at all
    bad: np.ndarray  # rows with at least one error
    reasons: dict[int, list[str]]  # row position -> why it is bad
    problems: list[Problem]
    fatal: bool  # a file-level error: no row of this file can be trusted
    phone_column: str | None = None  # raw header of a phone column, masked in any output
    extras: list[str] = field(default_factory=list)


class _Issues:
    """Collects problems (capped per column) and the per-row reasons for quarantine."""

    def __init__(self, file: str, rows: np.ndarray) -> None:
        self.file, self.rows = file, rows
        self.problems: list[Problem] = []
        self.reasons: dict[int, list[str]] = {}
        self.bad = np.zeros(len(rows), dtype=bool)

    def file_level(self, expected: str, column: str | None = None, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, None, column, None, expected, severity))  # type: ignore[arg-type]

    def rows_bad(self, mask: np.ndarray, column: str, raw: pa.Array | None, expected: str,
                 value_of: dict[int, str] | None = None) -> None:
        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        shown = positions[:CAP]
        values = raw.take(pa.array(shown)).to_pylist() if raw is not None else [None] * len(shown)
        for position, value in zip(shown, values, strict=True):
            text = value_of.get(int(position)) if value_of else short(value)
            self.problems.append(Problem(self.file, int(self.rows[position]), column, text, expected))
        if len(positions) > CAP:
            self.problems.append(Problem(self.file, None, column, None,
                                         f"{expected} (and {len(positions) - CAP} more rows like this)"))
        reason = f"{column}: expected {expected}"
        for position in positions:
            self.reasons.setdefault(int(position), []).append(reason)
        self.bad[positions] = True


def _present(array: pa.Array) -> np.ndarray:
    return pc.is_valid(array).to_numpy(zero_copy_only=False)


def _choices(array: pa.Array, column: Column) -> pa.Array:
    """Map other spellings of a choice (`Video`, `视频`, `女`) to the contract's value."""
    assert column.choices is not None
    allowed = pa.array(column.choices)
    if pc.all(pc.or_kleene(pc.is_in(array, allowed), pc.is_null(array))).as_py():
        return array
    lowered = pc.utf8_lower(array)
    synonyms = {k: v for k, v in CHOICE_SYNONYMS.items() if v in column.choices}
    if synonyms:
        keys = pa.array(list(synonyms))
        mapped = pc.take(pa.array(list(synonyms.values())), pc.index_in(lowered, keys))
        lowered = pc.coalesce(mapped, lowered)
    return pc.if_else(pc.is_in(array, allowed), array, lowered)


def _regions(array: pa.Array, issues: _Issues, column: str) -> pa.Array:
    """Canonical province names, mapped once per distinct spelling; unknown ones kept and warned."""
    distinct = pc.unique(array).drop_null().to_pylist()
    canonical = [normalise_province(v) or v for v in distinct]
    unknown = [v for v in distinct if normalise_province(v) is None]
    for value in unknown[:REGION_WARNINGS]:
        issues.problems.append(Problem(issues.file, None, column, short(value),
                                       "a Chinese province (kept as written)", "warning"))
    if len(unknown) > REGION_WARNINGS:
        issues.file_level(f"a Chinese province ({len(unknown) - REGION_WARNINGS} more unknown spellings "
                          "kept as written)", column, "warning")
    if not distinct:
        return array
    return pc.take(pa.array(canonical, type=pa.string()), pc.index_in(array, pa.array(distinct)))


def _platforms(array: pa.Array, issues: _Issues, column: str) -> pa.Array:
    """Canonical platform codes (天猫 → tmall, 京东 → jd; contract/platforms.py); unknown ones kept, one warning."""
    distinct = pc.unique(array).drop_null().to_pylist()
    if not distinct:
        return array
    canonical = [normalise_platform(v) or str(v).strip().lower() for v in distinct]
    unknown = [v for v in distinct if normalise_platform(v) is None]
    if unknown:
        issues.file_level(f"a known platform code ({len(unknown)} unknown spelling(s) kept as written, "
                          f"e.g. {short(unknown[0])!r}; docs/data-contract.md lists the codes)", column, "warning")
    return pc.take(pa.array(canonical, type=pa.string()), pc.index_in(array, pa.array(distinct)))


def _bounds(array: pa.Array, column: Column) -> tuple[np.ndarray, str]:
    bad = np.zeros(len(array), dtype=bool)
    parts = []
    if column.minimum is not None:
        bad |= pc.fill_null(pc.less(array, column.minimum), False).to_numpy(zero_copy_only=False)
        parts.append(f"≥ {column.minimum:g}")
    if column.maximum is not None:
        bad |= pc.fill_null(pc.greater(array, column.maximum), False).to_numpy(zero_copy_only=False)
        parts.append(f"≤ {column.maximum:g}")
    return bad, f"a value {' and '.join(parts)}"


def _phone(raw_phone: pa.Array, issues: _Issues, key: bytes) -> tuple[pa.Array, np.ndarray]:
    hashed, bad = hash_phone_series(as_text(raw_phone).to_pandas(), key)
    masked = {int(i): mask_phone(v) for i, v in zip(np.flatnonzero(bad)[:CAP],
              raw_phone.take(pa.array(np.flatnonzero(bad)[:CAP])).to_pylist(), strict=True)}
    issues.rows_bad(bad, "phone", None, "an 11-digit mainland mobile number (+86 and separators allowed)",
                    value_of=masked)
    return pa.array(hashed, type=pa.string(), from_pandas=True), bad


def _duplicates(typed: dict[str, pa.Array], table: Table, issues: _Issues) -> None:
    if not table.key or any(k not in typed for k in table.key):
        return
    if len(table.key) == 1:  # the usual case: one hash pass in Arrow finds there is nothing to word
        key = typed[table.key[0]]
        if pc.count_distinct(key, mode="only_valid").as_py() == len(key) - key.null_count:
            return
    frame = pd.DataFrame({k: typed[k].to_pandas() for k in table.key})
    frame = frame[frame.notna().all(axis=1)]
    dup = frame[frame.duplicated(keep=False)]
    if dup.empty:
        return
    label = "+".join(table.key)
    groups = dup.groupby(list(table.key), sort=False).indices
    for n, (key, positions) in enumerate(groups.items()):
        index = dup.index.to_numpy()[positions]
        rows = [int(issues.rows[i]) for i in index]
        if n < CAP:
            key_text = "+".join(map(str, key)) if isinstance(key, tuple) else str(key)
            shown = ", ".join(map(str, rows[:20])) + (" …" if len(rows) > 20 else "")
            issues.problems.append(Problem(issues.file, rows[0], label, short(key_text),
                                           f"a unique {label} (the same key is on rows {shown})"))
        for i in index:
            issues.reasons.setdefault(int(i), []).append(f"{label}: duplicate key")
        issues.bad[index] = True
    if len(groups) > CAP:
        issues.file_level(f"a unique {label} (and {len(groups) - CAP} more duplicated keys)", label)


def _phones_by_content(source: pa.Table, found: HeaderMap) -> None:
    """Treat an extra column whose values are mostly mobile numbers as a phone column.

    A header we do not recognise (联系方式, tel, …) must not smuggle raw phone numbers
    into the kept extras; the first such column becomes the phone column, any other
    is dropped like one. Every row is judged (a column whose first rows are empty is no
    safer); a column with fewer numbers keeps its other values and has the numbers masked.
    """
    for name, index in list(found.extras.items()):
        if phone_share(source.column(index).combine_chunks()) >= PHONE_SHARE:
            del found.extras[name]
            if found.phone is None:
                found.phone = index


Failures = list[tuple[np.ndarray, str]]  # (rows that fail, what was expected); the first: unparseable


def _checked(raw_values: pa.Array, column: Column, from_text: bool, issues: _Issues) -> tuple[pa.Array, Failures]:
    """One column typed as the contract says, and the rows failing each of its checks."""
    values, bad = coerce(raw_values, column, from_text=from_text)
    failures = [(bad, EXPECTED[column.type])]
    if column.name == "region" and column.type == "str":
        values = _regions(values, issues, column.name)
    if column.name == "platform" and column.type == "str":
        values = _platforms(values, issues, column.name)
    if column.choices:
        values = _choices(values, column)
        outside = _present(values) & ~pc.is_in(values, pa.array(column.choices)).to_numpy(zero_copy_only=False)
        failures.append((outside, f"one of {'|'.join(column.choices)}"))
    if column.minimum is not None or column.maximum is not None:
        outside, expected = _bounds(values, column)
        failures.append((outside & ~bad, expected))
    return values, failures


def _checked_dictionary(raw_values: pa.DictionaryArray, column: Column, from_text: bool, issues: _Issues
                        ) -> tuple[pa.Array, Failures]:
    """A dictionary-encoded text column checked once per distinct value, not once per row.

    Large Parquet files are read with their dictionaries kept (21M touches: 1.6 s of decoding
    down to 0.6 s), so a channel or user id is parsed, mapped and judged once. The column stays
    dictionary-encoded; it is decoded only when checking turned a value into a null.
    """
    values, failures = _checked(raw_values.dictionary, column, from_text, issues)
    indices = raw_values.indices
    valid = indices.is_valid().to_numpy(zero_copy_only=False)
    rows = indices.fill_null(0).to_numpy(zero_copy_only=False)
    failures = [(mask[rows] & valid, expected) for mask, expected in failures]
    if values is raw_values.dictionary:
        return raw_values, failures
    typed = pa.DictionaryArray.from_arrays(indices, values)
    return (typed.dictionary_decode() if values.null_count else typed), failures


def _extra(values: pa.Array, from_text: bool) -> pa.Array:
    """An extra column as kept: text trimmed, and any phone number in it masked (numbers too)."""
    values = trim_text(as_text(values)) if from_text else values
    as_phone_text = numeric_phones(values)
    if as_phone_text is not None:
        values = as_phone_text
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type) or pa.types.is_dictionary(values.type):
        values, _ = mask_text(values)
    return values


def validate(raw: RawFile, table: Table, hash_key: bytes) -> Validated:
    """One file checked against ``table``; phone numbers hashed with ``hash_key`` (the workspace's)."""
    file = raw.path.name
    issues = _Issues(file, raw.row_numbers)
    issues.problems.extend(raw.problems)
    if raw.table is None:
        return Validated(None, issues.bad, {}, issues.problems, True)
    source = raw.table.combine_chunks()
    from_text = raw.format != "parquet"
    headers = [clean_header(h) for h in source.column_names]
    found = map_headers(table, headers)
    _phones_by_content(source, found)
    phone_header = headers[found.phone] if found.phone is not None else None

    fatal = False
    for name, spellings in found.duplicates:
        issues.file_level(f"one column for {name} (found {', '.join(spellings)})", name)
        fatal = True
    if found.phone is not None and not table.accepts_phone:
        issues.file_level("no phone numbers in this table (column dropped)", phone_header, "warning")
    use_phone = found.phone is not None and table.accepts_phone
    for name in table.required_columns:
        if name not in found.columns and not (name == "user_id" and use_phone):
            column = table.column(name)
            also = f" (also accepted: {', '.join(column.aliases)})" if column.aliases else ""
            issues.file_level(f"required column {name}{also}", name)
            fatal = True
    if fatal:
        return Validated(None, issues.bad, {}, issues.problems, True, phone_header)

    typed: dict[str, pa.Array] = {}
    unparsed: dict[str, np.ndarray] = {}  # values present but unparseable: not also "missing"
    for column in table.columns:
        if column.name not in found.columns:
            typed[column.name] = pa.nulls(source.num_rows, ARROW_TYPES[column.type])
            continue
        raw_values = source.column(found.columns[column.name]).combine_chunks()
        if column.type == "str" and pa.types.is_dictionary(raw_values.type):
            values, failures = _checked_dictionary(raw_values, column, from_text, issues)
        else:
            values, failures = _checked(raw_values, column, from_text, issues)
        for mask, expected in failures:
            issues.rows_bad(mask, column.name, raw_values, expected)
        unparsed[column.name] = failures[0][0]
        typed[column.name] = values
    for column, what in protect_columns(typed, table, hash_key):
        issues.file_level(what, column, "warning")
    if use_phone:
        assert found.phone is not None
        hashed, phone_bad = _phone(source.column(found.phone).combine_chunks(), issues, hash_key)
        typed["user_id"] = pc.coalesce(as_text(typed["user_id"]), hashed)
        unparsed["user_id"] = unparsed.get("user_id", np.zeros(len(phone_bad), dtype=bool)) | phone_bad
    for column in table.columns:
        if column.required:
            missing = ~_present(typed[column.name])
            if column.name in unparsed:
                missing &= ~unparsed[column.name]
            issues.rows_bad(missing, column.name, None, "a value (required)")
    for column in table.columns:  # limits: warnings, never a rejected row (see `limits`)
        if column.name not in found.columns:
            continue
        if column.type == "str":
            typed[column.name], cleaned = clean_text(typed[column.name], column.name, file, issues.rows)
            issues.problems += cleaned
        else:
            issues.problems += implausible(typed[column.name], column, file, issues.rows)
    _duplicates(typed, table, issues)

    names = list(typed)
    arrays = list(typed.values())
    for extra, index in found.extras.items():
        if table.keeps_extra:
            values = source.column(index).combine_chunks()
            names.append(extra)
            values, cleaned = clean_text(trim_text(as_text(values)) if from_text else values, extra, file, issues.rows)
            issues.problems += cleaned
            arrays.append(_extra(values, False))  # cut and cleaned above; phones masked here
        else:
            issues.file_level(f"only {table.name} contract columns (extra column dropped)", extra, "warning")
    for row, reason, text in raw.bad_rows:
        issues.problems.append(Problem(file, row, None, short(scrub(text)), reason))
    return Validated(pa.Table.from_arrays(arrays, names=names), issues.bad, issues.reasons,
                     issues.problems, False, phone_header, [n for n in names if n not in typed])
