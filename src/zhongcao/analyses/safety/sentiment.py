"""A transparent Chinese negativity model: a shipped lexicon (negativity.toml) plus negation rules.

zh-reviews (the only labelled Chinese sentiment data at hand) is research-only, so nothing is
trained on it; it is used only to evaluate (tests/analyses/safety). Scoring: the text is scanned
left to right for the longest lexicon word at each position; each hit adds its weight (negative
words subtract); a negator ending within three characters before a hit flips it; an intensifier
right before it multiplies it by 1.5; a clause after 但/但是/可是/不过 counts double (the verdict
usually follows the turn). ``negativity`` = −score; a text is negative when the score is below 0.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

_TURN = re.compile(r"但是|但|可是|不过|然而")
_CLAUSE = re.compile(r"[，。！？、；,.!?;\s]")


@dataclass(frozen=True)
class Lexicon:
    weights: dict[str, float]
    negators: tuple[str, ...]
    intensifiers: tuple[str, ...]
    pattern: re.Pattern[str]


@cache
def lexicon() -> Lexicon:
    raw = tomllib.loads(resources.files("zhongcao.analyses.safety").joinpath("negativity.toml").read_text("utf-8"))
    weights: dict[str, float] = {}
    for sign, key in ((-1.0, "negative"), (1.0, "positive")):
        for w, words in raw[key].items():
            for word in words:
                weights.setdefault(word, sign * float(w))
    words = sorted(weights, key=len, reverse=True)  # regex alternation tries longer words first
    return Lexicon(weights, tuple(raw["negators"]), tuple(raw["intensifiers"]),
                   re.compile("|".join(re.escape(w) for w in words)))


def score(text: str) -> float:
    lx = lexicon()
    text = text or ""
    turn = _TURN.search(text)
    total = 0.0
    for m in lx.pattern.finditer(text):
        w = lx.weights[m.group()]
        before = _CLAUSE.split(text[max(0, m.start() - 3):m.start()])[-1]  # negation stops at punctuation
        if any(before.endswith(n) or n in before for n in lx.negators) and not m.group().startswith(("不", "没", "别")):
            w = -w
        if any(before.endswith(i) for i in lx.intensifiers):
            w *= 1.5
        if turn is not None and m.start() >= turn.end():
            w *= 2.0
        total += w
    return total


def scores(texts: Iterable[str]) -> np.ndarray:
    return np.fromiter((score(t) for t in texts), dtype=float)


def is_negative(texts: Iterable[str]) -> np.ndarray:
    return scores(texts) < 0
