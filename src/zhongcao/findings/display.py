"""The display catalogue: zh/en labels for the codes findings carry, and numbers formatted by kind.

Findings keep machine codes in their rows (``red``, ``deeply_interested``, ``lost_share``) so that
findings.json stays stable and joinable; everything a reader sees passes through here
(``catalogue/display.toml``): column headers and chart series (``column``), codes found in rows
(``value``), method names (``method``) and cell values formatted by the column's kind (``cell``).
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any, Literal

from zhongcao.findings.model import LANGS, Text
from zhongcao.findings.text import _codes, catalogue, money

Kind = Literal["money", "count", "pct", "ratio", "number", "date", "text"]
KINDS: tuple[str, ...] = ("money", "count", "pct", "ratio", "number", "date", "text")
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
"""A raw snake_case code (``lost_share``): never shown to a reader as it is."""


@cache
def _display() -> dict[str, Any]:
    return catalogue("display")


def has_column(name: str) -> bool:
    return name in _display()["columns"]


def column(name: str) -> Text:
    """A column's header in zh and en (an unknown one is shown humanised, never as snake_case)."""
    entry = _display()["columns"].get(name)
    if entry is None:
        text = name.replace("_", " ")
        return Text(zh=text, en=text[:1].upper() + text[1:])
    return Text(zh=entry[0], en=entry[1])


def kind(name: str) -> Kind:
    entry = _display()["columns"].get(name)
    return entry[2] if entry is not None else "number"  # type: ignore[no-any-return]


def has_value(code: Any) -> bool:
    return isinstance(code, str) and code in _codes()


def value(code: Any) -> Text:
    """A code found in rows (platform, channel, stage, model, attribute, …) in zh and en; anything
    else (names, provinces, free text) as it is."""
    entry = _codes().get(code) if isinstance(code, str) else None
    if entry is None and isinstance(code, str) and "·" in code and code.split("·", 1)[1] in _codes():
        return step(code)  # a journey step, 3·brand_zone
    if entry is None:
        text = "" if code is None else str(code)
        if is_code(text):  # a code the catalogue does not know (a brand's own panel attribute): never raw
            text = text.replace("_", " ")
        return Text(zh=text, en=text)
    return Text(zh=entry[0], en=entry[1])


def method(name: str) -> Text:
    entry = _display()["methods"].get(name)
    return Text(zh=entry[0], en=entry[1]) if entry else Text(zh=name, en=name)


def segment(attribute: str, val: Any) -> Text:
    """A segment as a reader says it: 年龄段 18-24 / Age band 18-24; 女性 / Women; a region by its name."""
    if attribute == "region":
        return value(val)
    if has_value(val):
        return value(val)
    a, v = value(attribute), value(val)
    return Text(zh=f"{a.zh} {v.zh}", en=f"{a.en} {v.en}")


def step(text: Any) -> Text:
    """A journey step ``3·brand_zone`` as ``3·品牌专区`` / ``3·Brand zone``."""
    prefix, sep, code = str(text).partition("·")
    if not sep:
        return value(text)
    label = value(code)
    return Text(zh=f"{prefix}·{label.zh}", en=f"{prefix}·{label.en}")


def is_code(text: Any) -> bool:
    return isinstance(text, str) and bool(_CODE.match(text))


def cell(val: Any, kind_: str, lang: str) -> str:
    """One value formatted for a table cell: money with ¥ (万/亿 in zh), counts without decimals,
    shares as percentages, ratios with 2 decimals; codes through their labels; blank when missing."""
    if val is None or (isinstance(val, float) and not math.isfinite(val)):
        return ""
    if isinstance(val, bool):
        return value("true" if val else "false").get(lang)
    if isinstance(val, int | float):
        x = float(val)
        if kind_ == "money":
            return money(x, lang)
        if kind_ == "count":
            return f"{x:,.0f}"
        if kind_ == "pct":
            return f"{100 * x:.1f}%"
        if kind_ == "ratio":
            return f"{x:,.2f}"
        if float(x).is_integer():
            return f"{x:,.0f}"
        return f"{x:,.2f}" if abs(x) >= 1 else f"{x:.3f}"
    if isinstance(val, list | tuple):
        return "、".join(cell(v, "text", lang) for v in val) if lang == "zh" else ", ".join(
            cell(v, "text", lang) for v in val)
    if isinstance(val, dict):  # a segment {attribute: [values]}: 女性 · 年龄段 25-29/18-24
        parts = [segment(str(k), "/".join(map(str, v)) if isinstance(v, list | tuple) else v).get(lang)
                 for k, v in val.items()]
        return " · ".join(parts)
    return value(val).get(lang)


def both(text: Text) -> dict[str, str]:
    return {lang: text.get(lang) for lang in LANGS}
