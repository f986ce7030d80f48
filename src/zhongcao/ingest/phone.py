"""Phone numbers: normalise, hash, mask.

Brands often key leads and orders by the buyer's mobile number. Zhongcao never stores
it: at ingestion the number is normalised to its 11 digits and replaced by the SHA-256
hex of those digits, so the same person gets the same ``user_id`` in every table and
in every later import, while the raw number appears in no output (problems and the
rejected table show a masked form such as ``138****1234``).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

PHONE_HEADERS: tuple[str, ...] = ("phone", "mobile", "手机号", "手机号码", "手机", "电话", "电话号码", "联系电话")
"""Header spellings treated as a phone column (compared case-insensitively)."""

_SEPARATORS = re.compile(r"[\s\-()（）.]")
_PREFIX = re.compile(r"^(?:\+86|0086|86(?=1\d{10}$))")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str | None) -> str | None:
    """The 11-digit mainland mobile number in ``raw``, or None when it is not one."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text.endswith(".0"):  # a number that went through a spreadsheet as a float
        text = text[:-2]
    text = _PREFIX.sub("", _SEPARATORS.sub("", text))
    return text if _MOBILE.match(text) else None


def hash_phone(raw: str) -> str:
    """SHA-256 hex of the normalised 11-digit number; ValueError when ``raw`` is not a mobile number."""
    digits = normalise_phone(raw)
    if digits is None:
        raise ValueError(f"not a mainland mobile number: {mask_phone(raw)!r}")
    return hashlib.sha256(digits.encode("ascii")).hexdigest()


def mask_phone(raw: str | None) -> str:
    """A form safe to show in reports: first 3 and last 4 digits, the rest as ``*``."""
    if raw is None:
        return ""
    digits = normalise_phone(raw) or re.sub(r"\D", "", str(raw))
    if len(digits) >= 8:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits) if digits else "***"


def hash_phone_series(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Hash a column of phone numbers; returns (hashes with None for null/invalid, bad mask).

    Hashing needs Python per value, so it runs once per distinct number, not per row.
    """
    present = values.notna().to_numpy()
    text = values.astype("string")
    distinct = pd.unique(text[present])
    table: dict[object, str | None] = {}
    for value in distinct:
        digits = normalise_phone(value)
        table[value] = None if digits is None else hashlib.sha256(digits.encode("ascii")).hexdigest()
    hashed = text.map(table).astype(object).where(present, None)
    bad = present & hashed.isna().to_numpy()
    return hashed, bad


_ANYWHERE = re.compile(r"(?<!\d)(?:\+?86[\s-]?|0086[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")


def scrub(text: str) -> str:
    """Mask anything that looks like a mobile number inside free text (raw rows, messages)."""
    return _ANYWHERE.sub(lambda m: mask_phone(m.group(0)), text)
