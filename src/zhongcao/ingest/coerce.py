"""Turning one raw Arrow column into its contract type.

Parquet columns that already have the contract's Arrow type pass through untouched
(a 20M-row exposures file must not be re-parsed); compatible Arrow types are cast;
only text, or types that cannot be cast safely, go through the pandas parsers.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhongcao.contract import TIMEZONE, Column
from zhongcao.ingest.parsers import ARROW_TYPES, PARSERS

Coerced = tuple[pa.Array, np.ndarray]


def _no_bad(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


def _plain(array: pa.Array) -> pa.Array:
    """Dictionary, large and view strings as plain Arrow values, so later checks see one type."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):
        array = array.cast(pa.string())
    if pa.types.is_large_list(array.type) or pa.types.is_list_view(array.type):
        array = array.cast(pa.list_(array.type.value_type))
    return array


def trim_text(array: pa.Array) -> pa.Array:
    """Trim text and turn empty strings into nulls (CSV has no other way to write null)."""
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), pa.scalar(None, pa.string()), trimmed)


def _timestamp(array: pa.Array) -> pa.Array:
    """Any Arrow timestamp as naive Shanghai wall time in microseconds."""
    if array.type.tz is not None:
        array = pc.local_timestamp(array.cast(pa.timestamp(array.type.unit, tz=TIMEZONE)))
    return array.cast(pa.timestamp("us"), safe=False)


def _arrow_cast(array: pa.Array, column: Column) -> pa.Array | None:
    """A cast of an already-typed column, or None when the values must be parsed as text."""
    kind, t = column.type, array.type
    try:
        if kind == "str" and (pa.types.is_integer(t) or pa.types.is_boolean(t)):
            return array.cast(pa.string())
        if kind in ("int", "count") and pa.types.is_integer(t):
            return array.cast(pa.int64())
        if kind in ("float", "money") and (pa.types.is_integer(t) or pa.types.is_floating(t)
                                           or pa.types.is_decimal(t)):
            return array.cast(pa.float64())
        if kind == "timestamp" and pa.types.is_timestamp(t):
            return _timestamp(array)
        if kind == "timestamp" and pa.types.is_date(t):
            return array.cast(pa.timestamp("us"))
        if kind == "date" and pa.types.is_date(t):
            return array.cast(pa.date32())
        if kind == "date" and pa.types.is_timestamp(t):
            return _timestamp(array).cast(pa.date32())
        if kind == "bool" and pa.types.is_integer(t) and pc.all(pc.is_in(array, pa.array([0, 1]))).as_py():
            return array.cast(pa.bool_())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return None


def coerce(array: pa.Array, column: Column, *, from_text: bool) -> Coerced:
    """(typed array, mask of values present but unparseable) for one contract column."""
    array = _plain(array)
    target = ARROW_TYPES[column.type]
    if array.type == target:
        if column.type == "str" and from_text:
            return trim_text(array), _no_bad(len(array))
        return array, _no_bad(len(array))  # already typed: the fast path for big parquet files
    if pa.types.is_null(array.type):
        return pa.nulls(len(array), target), _no_bad(len(array))
    cast = _arrow_cast(array, column)
    if cast is not None:
        return cast, _no_bad(len(array))
    if pa.types.is_floating(array.type) and column.type in ("str", "int", "count"):
        # Ids and counts that went through a float column (1.0, 2.0) are still integers.
        floats = array.to_numpy(zero_copy_only=False)
        integral = np.isnan(floats) | (floats == np.round(floats))
        if integral.all():
            ints = array.cast(pa.int64(), safe=False)
            return (ints.cast(pa.string()) if column.type == "str" else ints), _no_bad(len(array))
    if pa.types.is_list(array.type) and column.type == "tags":
        return array.cast(target), _no_bad(len(array))
    return PARSERS[column.type](as_text(array).to_pandas())


def as_text(array: pa.Array) -> pa.Array:
    """Any Arrow column as strings, the way a CSV export would have written it."""
    array = _plain(array)
    if pa.types.is_string(array.type):
        return array
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # Nested values (structs, lists) have no Arrow string cast; JSON is their text form.
        values = [None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                  for v in array.to_pylist()]
        return pa.array(values, type=pa.string())
