"""Prose from templates: catalogues of zh/en strings per analysis, and number formatting."""

from __future__ import annotations

import math
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from zhongcao.findings.model import Text


@cache
def catalogue(analysis: str) -> dict[str, dict[str, dict[str, str]]]:
    """`catalogue/<analysis>.toml`: template id → field (title/summary/action/…) → lang → text."""
    path = resources.files("zhongcao.findings").joinpath("catalogue", f"{analysis}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


OMIT_WHEN_ZERO = ("suppressed",)
"""Placeholders whose sentence is left out when the value is 0: "0 groups were suppressed" is not news."""
_SENTENCE = {"zh": re.compile(r"[^。；]*[。；]?"), "en": re.compile(r"[^.;]*(?:[.;](?:\s+|$)|$)")}


def render(analysis: str, template: str, part: str, **values: Any) -> Text:
    entry = catalogue(analysis)[template][part]
    texts = {}
    for lang in ("zh", "en"):
        text = entry[lang]
        for key in OMIT_WHEN_ZERO:
            if key in values and _is_zero(values[key]) and "{" + key + "}" in text:
                text = "".join(s for s in _SENTENCE[lang].findall(text) if "{" + key + "}" not in s).rstrip()
        texts[lang] = text.format(**_localised(values, lang))
    return Text(zh=texts["zh"], en=texts["en"])


def _is_zero(value: Any) -> bool:
    number = value.n if isinstance(value, Count) else value
    return isinstance(number, int | float) and not isinstance(number, bool) and number == 0


def _localised(values: dict[str, Any], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Text):
            out[key] = value.get(lang)
        elif isinstance(value, Money):
            out[key] = money(value.amount, lang)
        elif isinstance(value, Count):
            out[key] = count(value.n, lang)
        elif isinstance(value, Pct):
            out[key] = pct(value.share, value.digits)
        elif isinstance(value, str) and value in _codes():
            out[key] = _codes()[value][0 if lang == "zh" else 1]  # a platform, channel, stage … code: its name
        else:
            out[key] = value
    return out


@cache
def _codes() -> dict[str, list[str]]:
    """Codes a template may be handed as they are (``red``, ``kol``, a province): shown by their display
    names (a province by its English name in English)."""
    from zhongcao.contract.geo import PROVINCES

    values: dict[str, list[str]] = {p.name: [p.name, p.english] for p in PROVINCES}
    values.update(catalogue("display")["values"])
    return values


class Money:
    def __init__(self, amount: float) -> None:
        self.amount = amount


class Count:
    def __init__(self, n: float) -> None:
        self.n = n


class Pct:
    def __init__(self, share: float, digits: int = 0) -> None:
        self.share = share
        self.digits = digits


def count(n: float, lang: str) -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "—"
    if lang == "zh":
        if abs(n) >= 1e8:
            return f"{n / 1e8:.2f}亿"
        if abs(n) >= 1e4:
            return f"{n / 1e4:.1f}万"
        return f"{n:,.0f}"
    if abs(n) >= 1e9:
        return f"{n / 1e9:.2f}B"
    if abs(n) >= 1e6:
        return f"{n / 1e6:.2f}M"
    if abs(n) >= 1e4:
        return f"{n / 1e3:.1f}K"
    return f"{n:,.0f}"


def money(amount: float, lang: str) -> str:
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    if abs(amount) < 100:
        return f"¥{amount:,.2f}"
    return "¥" + count(amount, lang)


def pct(share: float, digits: int = 0) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{100 * share:.{digits}f}%"


def number(x: float, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"
