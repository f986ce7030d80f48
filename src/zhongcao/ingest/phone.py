"""Phone numbers and other identifiers: normalise, hash with a key, mask.

Brands often key leads and orders by the buyer's mobile number, and people type numbers into
comments, searches, creator names and note text. Zhongcao stores none of them:

- An identifier (a ``*_id`` column, a phone column) that is a mobile number is replaced by
  HMAC-SHA256 of its 11 digits under the workspace's secret key, so the same person gets the
  same id in every table and every later load, while nobody without the key can enumerate the
  11-digit space to reverse it (an unkeyed SHA-256 of 11 digits falls in about 1.6 hours on one
  core). An id that merely *contains* a number is replaced by the HMAC of the whole value.
- Free text (titles, bodies, comments, queries, names, any other text column, extra columns) has
  every number masked in place: ``138****8000``.

The key is a parameter here (the ingest layer does not know where workspaces keep it); the
engine keeps it with the workspace (``engine/keys.py``). Problems and rejected rows show masked
forms only.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zhongcao.contract import Table
from zhongcao.errors import InputError

PHONE_HEADERS: tuple[str, ...] = ("phone", "mobile", "手机号", "手机号码", "手机", "电话", "电话号码", "联系电话")
"""Header spellings treated as a phone column (compared case-insensitively)."""

KEY_BYTES = 32
PHONE_SHARE = 0.8  # an unrecognised column whose values are at least this share of phones is a phone column

_SEPARATORS = re.compile(r"[\s\-()（）.]")
_PREFIX = re.compile(r"^(?:\+86|0086|86(?=1\d{10}$))")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A mobile number inside text: optional country prefix, separators between the 3-4-4 groups, and
# no digit right before or after (a longer digit run is an order number, not a phone).
_ANYWHERE = re.compile(r"(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?1[3-9]\d[\s.-]?\d{4}[\s.-]?\d{4}(?!\d)")
# The same for Arrow (RE2 has no look-around): used only to find the rows worth a Python pass.
_RE2 = r"(?:^|[^0-9])(?:(?:\+?86|0086)[\s-]?)?1[3-9][0-9][\s.-]?[0-9]{4}[\s.-]?[0-9]{4}(?:$|[^0-9])"

_KEY: contextvars.ContextVar[bytes | None] = contextvars.ContextVar("zhongcao_hash_key", default=None)


_SESSION_KEY = secrets.token_bytes(KEY_BYTES)


def session_key() -> bytes:
    """A random key drawn once per process, for library callers that load without a workspace key:
    ids are hashed consistently within the process and cannot be enumerated, but will not join
    with another process's. The pipeline always passes the workspace's own key."""
    return _SESSION_KEY


def check_key(key: bytes) -> bytes:
    if not isinstance(key, bytes) or len(key) < 16:
        raise InputError("a hash key must be at least 16 bytes (zhongcao draws 32 random bytes per workspace)")
    return key


@contextmanager
def keyed(key: bytes | None) -> Iterator[None]:
    """Make ``key`` the hash key of code that does not take one as a parameter (the importers)."""
    token = _KEY.set(None if key is None else check_key(key))
    try:
        yield
    finally:
        _KEY.reset(token)


def current_key() -> bytes:
    key = _KEY.get()
    if key is None:
        raise InputError("phone numbers and buyer names are hashed with the workspace's key: pass the workspace "
                         "(--workspace WS) or a shared key file (--hash-key-file FILE)")
    return key


def keyed_hash(key: bytes, message: str) -> str:
    """HMAC-SHA256 hex of ``message`` under ``key``."""
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_phone(raw: str | None) -> str | None:
    """The 11-digit mainland mobile number in ``raw``, or None when it is not one."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text.endswith(".0"):  # a number that went through a spreadsheet as a float
        text = text[:-2]
    text = _PREFIX.sub("", _SEPARATORS.sub("", text))
    return text if _MOBILE.match(text) else None


def hash_phone(raw: str, key: bytes) -> str:
    """HMAC-SHA256 hex of the normalised 11-digit number; ValueError when ``raw`` is not a mobile number."""
    digits = normalise_phone(raw)
    if digits is None:
        raise ValueError(f"not a mainland mobile number: {mask_phone(raw)!r}")
    return keyed_hash(check_key(key), digits)


def mask_phone(raw: str | None) -> str:
    """A form safe to show in reports: first 3 and last 4 digits, the rest as ``*``."""
    if raw is None:
        return ""
    digits = normalise_phone(raw) or re.sub(r"\D", "", str(raw))
    if len(digits) >= 8:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits) if digits else "***"


def mask_handle(account: object) -> str:
    """An account as a handle safe to list: a phone masked, a long id (a hash) cut to its first 8
    characters, anything else its first and last characters around ``***``."""
    text = scrub(str(account))
    if text != str(account) or normalise_phone(text) is not None:
        return mask_phone(str(account))
    if len(text) >= 16:
        return text[:8] + "…"
    return (text[:2] + "***" + text[-1:]) if len(text) > 3 else "***"


def hash_phone_series(values: pd.Series, key: bytes | None = None) -> tuple[pd.Series, np.ndarray]:
    """Hash a column of phone numbers; returns (hashes with None for null/invalid, bad mask).

    Hashing needs Python per value, so it runs once per distinct number, not per row. Without
    ``key`` the one set by :func:`keyed` is used.
    """
    key = check_key(key) if key is not None else current_key()
    present = values.notna().to_numpy()
    text = values.astype("string")
    distinct = pd.unique(text[present])
    table: dict[object, str | None] = {}
    for value in distinct:
        digits = normalise_phone(value)
        table[value] = None if digits is None else keyed_hash(key, digits)
    hashed = text.map(table).astype(object).where(present, None)
    bad = present & hashed.isna().to_numpy()
    return hashed, bad


def scrub(text: str) -> str:
    """Mask anything that looks like a mobile number inside free text (raw rows, messages)."""
    return _ANYWHERE.sub(lambda m: mask_phone(m.group(0)), text)


# ------------------------------------------------------------------------------ Arrow columns
def _plain(array: pa.Array) -> pa.Array:
    return array.dictionary_decode() if pa.types.is_dictionary(array.type) else array


def _candidates(strings: pa.Array) -> np.ndarray:
    """Rows that may hold a number (a vectorised RE2 pass; Python then looks only at these)."""
    if not len(strings):
        return np.zeros(0, dtype=bool)
    hit = pc.match_substring_regex(strings, _RE2)
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _map_strings(array: pa.Array, fix: dict[str, str]) -> pa.Array:
    """``array`` with the values in ``fix`` replaced (once per distinct value)."""
    if not fix:
        return array
    if pa.types.is_dictionary(array.type):
        d = array.dictionary
        return pa.DictionaryArray.from_arrays(array.indices, _map_strings(d, fix))
    keys = pa.array(list(fix), type=array.type)
    index = pc.index_in(array, keys)
    replaced = pc.take(pa.array(list(fix.values()), type=array.type), index)
    return pc.coalesce(replaced, array)


def _distinct_hits(array: pa.Array) -> list[str]:
    strings = array.dictionary if pa.types.is_dictionary(array.type) else array
    if not pa.types.is_string(strings.type) and not pa.types.is_large_string(strings.type):
        return []
    hits = strings.filter(pa.array(_candidates(strings)))
    return [v for v in pc.unique(hits).to_pylist() if v is not None]


def protect_ids(array: pa.Array, key: bytes) -> tuple[pa.Array, int]:
    """An id column with every value that is (or holds) a mobile number replaced by its keyed hash.

    A whole number hashes as its 11 digits (as a phone column would: the ids stay joinable across
    tables and spellings); an id with a number inside hashes whole. Returns (array, values changed).
    """
    key = check_key(key)
    fix: dict[str, str] = {}
    for value in _distinct_hits(array):
        digits = normalise_phone(value)
        if digits is not None:
            fix[value] = keyed_hash(key, digits)
        elif _ANYWHERE.search(value):
            fix[value] = keyed_hash(key, "id:" + value)
    for value in _whole_numbers(array, fix):  # "+86 138 …", "13812341234.0": found by normalising
        fix[value] = keyed_hash(key, str(normalise_phone(value)))
    return _map_strings(array, fix), len(fix)


def _whole_numbers(array: pa.Array, known: dict[str, str]) -> list[str]:
    """Distinct values that normalise to a number but that the substring pass did not catch."""
    strings = array.dictionary if pa.types.is_dictionary(array.type) else array
    if not pa.types.is_string(strings.type) or not len(strings):
        return []
    short = pc.fill_null(pc.and_(pc.greater_equal(pc.utf8_length(strings), 11),
                                 pc.less_equal(pc.utf8_length(strings), 20)), False)
    values = pc.unique(strings.filter(short)).to_pylist()
    return [v for v in values if v is not None and v not in known and normalise_phone(v) is not None]


def mask_text(array: pa.Array) -> tuple[pa.Array, int]:
    """A text column (or a list-of-text column) with every mobile number inside it masked."""
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        flat = array.flatten()
        masked, n = mask_text(flat)
        if not n:
            return array, 0
        values = masked.to_pylist()
        rows, out = array.to_pylist(), []
        i = 0
        for row in rows:
            if row is None:
                out.append(None)
                continue
            out.append(values[i:i + len(row)])
            i += len(row)
        return pa.array(out, type=array.type), n
    fix = {v: scrub(v) for v in _distinct_hits(array)}
    fix = {k: v for k, v in fix.items() if k != v}
    return _map_strings(array, fix), len(fix)


def phone_share(array: pa.Array) -> float:
    """The share of a column's present values (all rows, not the first ones) that are mobile numbers."""
    text = _plain(array)
    if pa.types.is_integer(text.type) or pa.types.is_floating(text.type):
        text = numeric_phones(text)
        if text is None:
            return 0.0
    if not pa.types.is_string(text.type) and not pa.types.is_large_string(text.type):
        return 0.0
    present = len(text) - text.null_count
    if not present:
        return 0.0
    candidates = [v for v in _distinct_hits(text) if normalise_phone(v) is not None]
    candidates += _whole_numbers(text, dict.fromkeys(candidates, ""))
    if not candidates:
        return 0.0
    hits = pc.sum(pc.is_in(text, value_set=pa.array(candidates, type=text.type))).as_py() or 0
    return hits / present


def protect_columns(typed: dict[str, pa.Array], table: Table, key: bytes) -> list[tuple[str, str]]:
    """Hash numbers in the table's id columns and mask them in its text columns, in place.

    Id columns are the contract's ``*_id`` text columns (user, creator, note, comment, lead,
    order): hashing keeps them joinable. Every other text or tags column is free text: masked.
    Returns (column, what was done) for a warning; it names counts, never values.
    """
    done = []
    for column in table.columns:
        values = typed.get(column.name)
        if values is None or column.type not in ("str", "tags"):
            continue
        if column.type == "str" and column.name.endswith("_id"):
            typed[column.name], n = protect_ids(values, key)
            if n:
                done.append((column.name, f"pseudonymous ids ({n} distinct value(s) held a phone number; "
                                          "they were hashed with the workspace key)"))
        else:
            typed[column.name], n = mask_text(values)
            if n:
                done.append((column.name, f"text without phone numbers ({n} distinct value(s) held one; masked)"))
    return done


def numeric_phones(array: pa.Array) -> pa.Array | None:
    """An integer or float column holding any mobile number, as text (to be masked); else None."""
    if not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
        return None
    inside = pc.and_(pc.greater_equal(array, 13_000_000_000), pc.less(array, 20_000_000_000))
    if not pc.any(pc.fill_null(inside, False)).as_py():
        return None
    if pa.types.is_floating(array.type):
        array = pc.cast(pc.round(array), pa.int64(), safe=False)
    return pc.cast(array, pa.string())
