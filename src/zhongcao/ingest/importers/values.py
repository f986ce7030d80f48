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


def month_day(values: pd.Series, year: int | pd.Series | None) -> Parsed:
    """``04-07`` (with an optional time) in the given year, one for all rows or one per row."""
    s = text(values)
    y = year if year is not None else reference_year(values)
    parts = s.str.extract(_MONTH_DAY)
    years = y.reset_index(drop=True).astype("Int64").astype(str) if isinstance(y, pd.Series) else str(y)
    full = (years + "-" + parts[0].str.zfill(2) + "-" + parts[1].str.zfill(2) + parts[2].fillna(""))
    return _contract("timestamp", s.where(parts[0].isna(), full))


_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
FIRST_YEAR = 2013  # the platform's first notes; an id decoding to earlier is not a creation time


def id_times(ids: pd.Series) -> pd.Series:
    """Creation times carried by 24-hex-digit ids (MongoDB ObjectIds, as Xiaohongshu note ids are:
    the first 8 hex digits are Unix seconds), in Asia/Shanghai; NaT for any other id."""
    s = text(ids.reset_index(drop=True)).str.strip().str.lower()
    ok = s.str.fullmatch(_OBJECT_ID, na=False)
    seconds = s.where(ok).str[:8].map(lambda h: int(h, 16) if isinstance(h, str) else None)
    times = pd.to_datetime(pd.to_numeric(seconds, errors="coerce"), unit="s", utc=True)
    return times.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)


def infer_years(dates: pd.Series, ids: pd.Series | None, made: pd.Timestamp | None, *, given: int | None = None,
                shared: int | None = None) -> tuple[int | pd.Series, str]:
    """The year of dates shown without one (``04-07``), and exactly where it came from.

    In order: ``--year``; the latest year written out in such dates in the files imported
    together (the platform writes the year only for earlier years); the creation time in each
    row's note id, when ids are ObjectIds and mostly agree with the month and day shown; the
    time the file was made (its modification time). A date that would fall after the file was
    made moves back a year: nothing is dated after its own export.
    """
    s = text(dates.reset_index(drop=True))
    parts = s.str.extract(_MONTH_DAY)
    undated = parts[0].notna()
    if given is not None:
        return given, f"{given}, given with --year"
    if shared is not None:
        years: int | pd.Series = shared
        why = f"{shared}, the latest year written out in the dates of the files imported together"
    else:
        times = id_times(ids) if ids is not None else pd.Series(pd.NaT, index=s.index)
        usable = times.notna() & (times.dt.year >= FIRST_YEAR) & (times <= (made or pd.Timestamp.now()))
        agree = _agreement(parts, times, undated & usable)
        if undated.any() and (usable[undated]).mean() >= 0.9:
            fallback = times[usable].dt.year.max()
            if agree >= 0.5:  # the dates are the notes' own: take the year that puts each next to its id time
                years = _nearest_year(parts, times).where(usable, fallback).astype(int)
                how = (f"from each row's note id (its first 8 hex digits are the creation time; {agree:.0%} of rows "
                       "match the month and day shown)")
            else:  # a later event (one crawl): the first year in which every date falls on or after its note
                latest = int(_on_or_after(parts[usable], times[usable]).max())
                years = pd.Series(latest, index=s.index)
                how = ("the first year in which every date falls on or after its note's creation time (in the "
                       "note ids): these are not the notes' own dates")
            first, last = int(years[undated].min()), int(years[undated].max())
            span = str(first) if first == last else f"{first}–{last}"
            return years, f"{span}, {how}"
        if made is None:
            return pd.Timestamp.now().year, f"{pd.Timestamp.now().year}, the current year (no other evidence)"
        years = made.year
        why = (f"{made.year}, from the file's modification time ({made:%Y-%m-%d}); pass --year if the file was "
               "copied later than it was exported")
    if made is not None and not isinstance(years, pd.Series):
        month = pd.to_numeric(parts[0], errors="coerce")
        day = pd.to_numeric(parts[1], errors="coerce")
        later = undated & ((month > made.month) | ((month == made.month) & (day > made.day)))
        if later.any():
            years = pd.Series(years, index=s.index).where(~later, years - 1)
            why += f"; {int(later.sum())} date(s) after {made:%m-%d} read as the year before (not after the file)"
    return years, why


def _nearest_year(parts: pd.DataFrame, times: pd.Series) -> pd.Series:
    """Per row, the year (of the id's year ± 1) that puts the month-day closest to the id's time."""
    best = pd.Series(np.nan, index=parts.index)
    gap = pd.Series(np.inf, index=parts.index)
    for shift in (-1, 0, 1):
        y = times.dt.year + shift
        stamp = pd.to_datetime(y.astype("Int64").astype(str) + "-" + parts[0].str.zfill(2) + "-"
                               + parts[1].str.zfill(2), errors="coerce")
        d = (stamp - times).abs().dt.total_seconds()
        closer = d < gap
        best, gap = best.where(~closer, y), gap.where(~closer, d)
    return best.fillna(times.dt.year)


def _on_or_after(parts: pd.DataFrame, times: pd.Series) -> pd.Series:
    y = times.dt.year
    stamp = pd.to_datetime(y.astype("Int64").astype(str) + "-" + parts[0].str.zfill(2) + "-" + parts[1].str.zfill(2),
                           errors="coerce")
    return y.where(stamp >= times.dt.normalize(), y + 1)


def _agreement(parts: pd.DataFrame, times: pd.Series, rows: pd.Series) -> float:
    """Share of rows whose month-day lies within 3 days of their id's creation time."""
    if not rows.any():
        return 0.0
    y = _nearest_year(parts[rows], times[rows])
    stamp = pd.to_datetime(y.astype("Int64").astype(str) + "-" + parts.loc[rows, 0].str.zfill(2) + "-"
                           + parts.loc[rows, 1].str.zfill(2), errors="coerce")
    return float(((stamp - times[rows].dt.normalize()).abs() <= pd.Timedelta(days=3)).mean())


def _text_list(values: pd.Series) -> Parsed:
    """Texts joined by ``##`` (crawler exports put a note's comments in one cell) → a list."""
    s = text(values)
    split = s.str.split(r"#{2,}")
    return split.map(lambda parts: [p.strip() for p in parts if p.strip()] if isinstance(parts, list) else None), \
        np.zeros(len(s), dtype=bool)


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


def parse(parser: str, values: pd.Series, *, year: int | pd.Series | None = None) -> Parsed:
    """Parse one source column with the named parser (see ``spec.PARSER_NAMES``)."""
    values = values.reset_index(drop=True)
    if parser in PARSERS:
        return _contract(parser, values)
    if parser == "month_day":
        return month_day(values, year)
    return {
        "province": _province, "percent": _percent, "tags_list": _tags_list, "note_type": _note_type,
        "note_id_from_url": _note_id_from_url, "phone_hash": _phone_hash, "pseudonym": _pseudonym,
        "text_list": _text_list,
    }[parser](values)


def lower_bound(values: pd.Series) -> pd.Series:
    """The raw text of counts shown as a lower bound (`10w+`), None elsewhere."""
    s = text(values.reset_index(drop=True))
    return s.where(s.str.endswith("+", na=False), None)
