"""The transparent second opinion: a hand-written lexicon (negativity.toml) and rules a reader can check.

A text is folded (NFKC, lower case), its platform stickers (``[哭惹R]``, ``[泪]``) are read first and
blanked, then it is scanned left to right for the longest lexicon entry at each position (neutral
words such as 特别 or 快递 are matched too, so 别 and 快 inside them never count). Each sentiment hit
adds its weight (negative words subtract) with these rules:

* **negation**: a negator (不, 没有, 一点也不 …) ending at most ``negation_window`` characters before a
  hit, in the same clause, flips it: 不好吃 and 一点也不新鲜 are negative, 不难吃 and 没有异味 positive,
  and a negated negative word (并不难吃, 不是不好) turns positive.
* an intensifier right before a hit multiplies it by 1.5, a diminisher (有点, 稍微) by 0.5;
* a hit after a turn (但是, 不过, 结果 …) counts double: the verdict usually follows the turn;
* **sarcasm**: each marker (呵呵, 真是服了, 好一个 …) is negative, and in a text that carries one every
  praise word counts as negative (呵呵，服务真好);
* **complaints**: an expression of the ``[complaint]`` table (不新鲜, 有虫子, 变质, 过敏, 退货 …) that is
  not negated is a complaint of its aspect (食品安全, 物流, 客服, 质量, 过敏, 退货) and weighs −2.

``read`` returns the score and its parts, which are also features of the trained model.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np

from zhongcao.text.normalise import fold as fold_text

_CLAUSE = re.compile(r"[，。！？、；：,.!?;:~…\s]")
_STICKER = re.compile(r"\[([^\[\]\s]{1,12})\]")
_COMPLAINT_WEIGHT = -2.0
_SARCASM_WEIGHT = -2.0
_STICKER_WEIGHT = 2.0
_NEGATED_PRAISE, _NEGATED_BLAME = "⊖", "⊕"  # the n-gram model's view of 不好用 / 不难吃 (see ``_mask``)

# Feature order of ``features`` (and of the trained model's lexicon columns).
FEATURES = ("positive", "negative", "score", "negated", "complaints", "sarcasm", "stickers_positive",
            "stickers_negative")


def fold(text: str) -> str:
    """NFKC (full-width → half-width), lower case and simplified characters (the text layer's fold:
    a complaint written in traditional script is the same complaint): the lexicon and the n-gram
    model read this form."""
    return fold_text(unicodedata.normalize("NFKC", str(text or "")))


@dataclass(frozen=True)
class Lexicon:
    weights: dict[str, float]          # sentiment words, complaint expressions and sarcasm markers
    kind: dict[str, str]               # entry -> word / complaint:<aspect> / sarcasm / negator / intensifier / ...
    window: int
    pattern: re.Pattern[str]
    stickers: dict[str, float]
    turns: re.Pattern[str]
    modifiers: dict[str, float]        # intensifier -> 1.5, diminisher -> 0.5 (好 and 实在 are also words)


@cache
def lexicon() -> Lexicon:
    raw = tomllib.loads(resources.files("zhongcao.analyses.safety").joinpath("negativity.toml").read_text("utf-8"))
    weights: dict[str, float] = {}
    kind: dict[str, str] = {}
    for sign, key in ((-1.0, "negative"), (1.0, "positive")):
        for w, words in raw[key].items():
            for word in words:
                word = fold(word)
                if word not in weights:
                    weights[word], kind[word] = sign * float(w), "word"
    for aspect, words in raw["complaint"].items():
        for word in map(fold, words):
            # A complaint expression keeps a stronger lexicon weight if it has one; its kind names the aspect.
            weights[word] = min(weights.get(word, 0.0), _COMPLAINT_WEIGHT)
            kind[word] = f"complaint:{aspect}"
    for word in map(fold, raw["sarcasm"]["markers"]):
        weights[word], kind[word] = _SARCASM_WEIGHT, "sarcasm"
    # Modifiers: a word that is also a sentiment word (好, 实在) stays one; the scan decides by context.
    for key in ("negators", "intensifiers", "diminishers", "neutral"):
        for word in map(fold, raw[key]):
            kind.setdefault(word, key[:-1] if key != "neutral" else "neutral")
    stickers = {fold(w): sign * _STICKER_WEIGHT for sign, key in ((1.0, "positive"), (-1.0, "negative"))
                for w in raw["stickers"][key]}
    modifiers = {fold(w): 1.5 for w in raw["intensifiers"]} | {fold(w): 0.5 for w in raw["diminishers"]}
    entries = sorted(kind, key=len, reverse=True)  # regex alternation tries longer entries first
    turns = sorted(map(fold, raw["turns"]), key=len, reverse=True)
    return Lexicon(weights, kind, int(raw["negation_window"]), re.compile("|".join(map(re.escape, entries))),
                   stickers, re.compile("|".join(map(re.escape, turns))), modifiers)


@dataclass
class Reading:
    """What the lexicon saw in one text."""

    score: float = 0.0
    positive: float = 0.0
    negative: float = 0.0
    negated: int = 0
    sarcasm: int = 0
    stickers_positive: int = 0
    stickers_negative: int = 0
    complaints: tuple[str, ...] = ()   # aspects of the complaint expressions found, in order
    masked: str = ""                   # the folded text with each negated phrase replaced (see ``read``)

    def vector(self) -> list[float]:
        return [self.positive, self.negative, self.score, float(self.negated), float(len(self.complaints)),
                float(self.sarcasm), float(self.stickers_positive), float(self.stickers_negative)]


def _sticker(inner: str, table: dict[str, float]) -> float:
    if inner in table:
        return table[inner]
    if inner.endswith("r") and inner[:-1] in table:  # Xiaohongshu writes its stickers [哭惹R]
        return table[inner[:-1]]
    return 0.0


def read(text: str) -> Reading:
    lx = lexicon()
    text = fold(text)
    out = Reading()
    if not text.strip():
        return out

    def blank(m: re.Match[str]) -> str:
        w = _sticker(m.group(1), lx.stickers)
        if w > 0:
            out.stickers_positive += 1
        elif w < 0:
            out.stickers_negative += 1
        return "，" * len(m.group(0)) if w else m.group(0)  # same length: spans index the folded text

    original = text
    text = _STICKER.sub(blank, text)
    turn = lx.turns.search(text)
    turn_at = turn.end() if turn is not None else len(text) + 1
    hits = list(lx.pattern.finditer(text))
    contributions: list[tuple[float, str]] = []
    last_negator = last_modifier = negator_start = -10**9
    modifier = 1.0
    negated_spans: list[tuple[int, int, str]] = []
    for i, m in enumerate(hits):
        word, start = m.group(), m.start()
        kind = lx.kind[word]
        if kind == "negator":
            negator_start, last_negator = start, m.end()
            continue
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        before_word = nxt is not None and nxt.start() == m.end() and nxt.group() in lx.weights
        if word in lx.modifiers and (kind != "word" or before_word):  # 好贵: 好 intensifies, 真好: 好 is praise
            last_modifier, modifier = m.end(), lx.modifiers[word]
            continue
        if word not in lx.weights:  # a neutral word: it only keeps shorter entries from matching inside it
            continue
        w = lx.weights[word]
        negated = (kind != "sarcasm" and start - last_negator <= lx.window
                   and _CLAUSE.search(text, last_negator, start) is None)
        if negated:
            w = -w
            out.negated += 1
            negated_spans.append((negator_start, m.end(), _NEGATED_PRAISE if w < 0 else _NEGATED_BLAME))
        if start - last_modifier <= 1:
            w *= modifier
        if start >= turn_at:
            w *= 2.0
        if kind == "sarcasm":
            out.sarcasm += 1
        elif kind.startswith("complaint:") and not negated:
            out.complaints += (kind.split(":", 1)[1],)
        contributions.append((w, kind))
    for _ in range(out.stickers_positive):
        contributions.append((_STICKER_WEIGHT, "sticker"))
    for _ in range(out.stickers_negative):
        contributions.append((-_STICKER_WEIGHT, "sticker"))
    for w, kind in contributions:
        if out.sarcasm and w > 0 and kind == "word":
            w = -w  # mock praise
        if w > 0:
            out.positive += w
        else:
            out.negative -= w
    out.score = out.positive - out.negative
    out.masked = _mask(original, negated_spans)
    return out


def _mask(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace each negated phrase (negator through word: 不难吃, 没有异味) by one symbol of its meaning,
    so that the n-gram model does not read 难吃 or 异味 inside it as blame."""
    parts, at = [], 0
    for start, end, symbol in spans:
        if start < at:  # two hits under one negator: the first span already covers the negator
            start = at
        parts += [text[at:start], symbol]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def scores(texts: Iterable[str]) -> np.ndarray:
    """Lexicon score per text (negative below 0, 0 when the lexicon sees nothing)."""
    return np.fromiter((read(t).score for t in texts), dtype=float)


@lru_cache(maxsize=65536)  # comment sections repeat themselves; training reads each text once per fit
def _cached(text: str) -> tuple[tuple[float, ...], str]:
    r = read(text)
    return tuple(r.vector()), r.masked


def _vector(text: str) -> tuple[float, ...]:
    return _cached(text)[0]


def masked(text: str) -> str:
    """The folded text with its negated phrases replaced by ⊖ (negated praise) or ⊕ (negated blame)."""
    return _cached(str(text))[1]


def features(texts: Iterable[str]) -> np.ndarray:
    """The lexicon's parts per text, one row each, columns in ``FEATURES`` order."""
    rows = [_vector(str(t)) for t in texts]
    return np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))


def complaint_aspects(text: str) -> tuple[str, ...]:
    """Aspects of the complaint expressions in a text (not negated), in order of appearance."""
    return read(text).complaints


def complaint_expressions() -> tuple[str, ...]:
    """Every complaint expression of the lexicon (folded), longest first."""
    lx = lexicon()
    return tuple(sorted((w for w, k in lx.kind.items() if k.startswith("complaint:")), key=len, reverse=True))
