"""Value parsers for import fields: the contract's own parsers plus a few export-only forms.

Each returns ``(values, bad)``: a pandas Series of parsed values (None/NaN where missing or
unreadable) and a boolean mask of values that were present but could not be read.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from zhongcao.contract import normalise_province
from zhongcao.ingest.parsers import PARSERS, text
from zhongcao.ingest.phone import current_key, hash_phone_series, keyed_hash

Parsed = tuple[pd.Series, np.ndarray]

_NOTE_URL = re.compile(r"(?:explore|discovery/item|item|/)([0-9a-f]{24})(?:[/?#]|$)", re.IGNORECASE)
_NOTE_ID = re.compile(r"^[0-9a-zA-Z]{16,32}$")
_NOTE_TYPES = {"normal": "image", "图文": "image", "图集": "image", "image": "image", "video": "video", "视频": "video"}
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})(\s.*)?$")
_EXPLICIT_YEAR = re.compile(r"^((?:19|20)\d{2})[-/.年]")


def _contract(kind: str, values: pd.Series) -> Parsed:
    array, bad = PARSERS[kind](values)
    if kind == "tags":
        out = pd.Series(array.to_pylist(), index=values.index, dtype=object)
    else:
        out = pd.Series(array.to_pandas(), index=values.index)
    return out, bad


def _province(values: pd.Series) -> Parsed:
    s = text(values)
    distinct = {v: normalise_province(v) or v for v in s.dropna().unique()}
    return s.map(distinct).where(s.notna(), None), np.zeros(len(s), dtype=bool)


def _percent(values: pd.Series) -> Parsed:
    s = text(values)
    has_sign = s.str.contains("%", regex=False, na=False)
    numbers = pd.to_numeric(s.str.replace(r"[%\s,]", "", regex=True), errors="coerce")
    numbers = numbers.where(~(has_sign | (numbers > 1)), numbers / 100)
    return numbers, (s.notna() & numbers.isna()).to_numpy()


def _tags_list(values: pd.Series) -> Parsed:
    s = text(values)
    json_like = s.str.startswith("[", na=False)
    out, bad = _contract("tags", s.where(json_like, None))
    split = s.where(~json_like, None).str.split(r"[,，、#＃]+")
    cleaned = split.map(lambda parts: [p.strip() for p in parts if p.strip()] if isinstance(parts, list) else None)
    return cleaned.where(~json_like, out), bad


def _note_type(values: pd.Series) -> Parsed:
    s = text(values)
    mapped = s.str.lower().map(_NOTE_TYPES)
    return mapped.where(mapped.notna(), None), (s.notna() & mapped.isna()).to_numpy()


def _note_id_from_url(values: pd.Series) -> Parsed:
    s = text(values)
    from_url = s.str.extract(_NOTE_URL, expand=False)
    bare = s.where(s.str.fullmatch(_NOTE_ID, na=False), None)
    out = from_url.where(from_url.notna(), bare)
    return out.where(out.notna(), None), (s.notna() & out.isna()).to_numpy()


def explicit_year(values: pd.Series) -> int | None:
    years = text(values).str.extract(_EXPLICIT_YEAR, expand=False).dropna().astype(int)
    return int(years.max()) if len(years) else None


def reference_year(values: pd.Series) -> int:
    """The year a platform means by `04-07`: the latest explicit year in the same column.

    The platform shows the current year's dates without a year and older ones with it, so
    the newest explicit year is the best evidence of when the page was captured.
    """
    year = explicit_year(values)
    return year if year is not None else pd.Timestamp.now().year


def month_day(values: pd.Series, year: int | None) -> Parsed:
    s = text(values)
    y = year if year is not None else reference_year(values)
    parts = s.str.extract(_MONTH_DAY)
    full = (str(y) + "-" + parts[0].str.zfill(2) + "-" + parts[1].str.zfill(2) + parts[2].fillna(""))
    return _contract("timestamp", s.where(parts[0].isna(), full))


def _phone_hash(values: pd.Series) -> Parsed:
    """Keyed hash of a phone number (the key set by ``phone.keyed``: the workspace's, or a shared one)."""
    hashed, bad = hash_phone_series(text(values))
    return hashed, bad


def _pseudonym(values: pd.Series) -> Parsed:
    """Keyed hash of a buyer account name: a short name would be as easy to enumerate as a phone."""
    s = text(values)
    key = current_key() if s.notna().any() else b""
    distinct = {v: keyed_hash(key, f"buyer:{v}") for v in s.dropna().unique()}
    return s.map(distinct).where(s.notna(), None), np.zeros(len(s), dtype=bool)


def parse(parser: str, values: pd.Series, *, year: int | None = None) -> Parsed:
    """Parse one source column with the named parser (see ``spec.PARSER_NAMES``)."""
    values = values.reset_index(drop=True)
    if parser in PARSERS:
        return _contract(parser, values)
    if parser == "month_day":
        return month_day(values, year)
    return {
        "province": _province, "percent": _percent, "tags_list": _tags_list, "note_type": _note_type,
        "note_id_from_url": _note_id_from_url, "phone_hash": _phone_hash, "pseudonym": _pseudonym,
    }[parser](values)


def lower_bound(values: pd.Series) -> pd.Series:
    """The raw text of counts shown as a lower bound (`10w+`), None elsewhere."""
    s = text(values.reset_index(drop=True))
    return s.where(s.str.endswith("+", na=False), None)
