"""Normalisation and hygiene before tokenising: width, case, traditional → simplified, platform debris.

Full-width letters, digits, punctuation and the ideographic space become half-width; Latin is
lower-cased so `YYDS` and `yyds` count as one term; traditional characters become simplified ones
through OpenCC's character table (``data/t2s.txt``, Apache-2.0, first candidate; a phrase-level
OpenCC conversion is far slower and rarely changes a marketing term). These steps map one character
to one character: the fold is one array lookup over the text's code points (an explicit table, not
NFKC, which also rewrites ligatures, circled digits and the like and costs far more).

Hygiene then blanks what a platform export carries but no person wrote as a word: platform stickers
(``[笑哭R]``, ``[话题]``), emoji shortcodes (``:teddy_bear:``), @mentions, URLs, placeholders left by
exports (``nan``, ``None``, ``null``, ``undefined``) and decorative symbols (☆ ★ ♡ ✔ ➤ …). Each is
replaced by a space, so the words on either side never glue together. Unicode emoji pass through:
the tokeniser keeps them as tokens, and the analyses leave symbols out of their term lists.

Every step works within a text: normalising texts joined by :data:`BATCH_SEPARATOR` equals joining
the normalised texts, so the tokeniser normalises a whole batch with one call.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import numpy as np

# Joins the texts of one tokeniser batch; jieba's rules make it a token of its own.
BATCH_SEPARATOR = "\x00"

_FOLD: dict[str, str] = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FOLD["\u3000"] = " "


@cache
def traditional_map() -> dict[str, str]:
    """Traditional → simplified characters (OpenCC's TSCharacters, one-to-one, first candidate)."""
    text = resources.files("zhongcao.text").joinpath("data/t2s.txt").read_text(encoding="utf-8")
    return {line[0]: line[1] for line in text.splitlines() if len(line) == 2 and not line.startswith("#")}


def _fold_array() -> np.ndarray:
    fold = np.arange(0x110000, dtype=np.uint32)
    for src, dst in traditional_map().items():
        fold[ord(src)] = ord(dst)
    for src, dst in _FOLD.items():
        fold[ord(src)] = ord(dst)
    return fold


# The fold as an array over all code points (4 MB): one vectorised lookup per text (or batch of texts).
_FOLD_ARRAY = _fold_array()

# Decorative symbols people use as bullets and frames, never as words (emoji are kept as tokens).
_DECOR = "☆★♡♥❤❥✿❀❁✾✽•●○◎◆◇■□▲△▼▽►◄▶◀→←↑↓⇒⇨➤➡⬅⬆⬇※〓✔✓✗✘☑☐✦✧✩✪✫✬✭✮✯✰❖❋❊⭐︎⊙◉♪♫♬☀☁☂☃☼〰〽▪▫◾◽➕➖✚•·°¤§¶†‡❗❕❓❔"
# One pass over the text: each alternative is debris that becomes a space. Stickers are short bracketed
# names ([笑哭R], [doge], [话题]); shortcodes are :name: in ASCII; a mention runs to the next space or
# punctuation; placeholders are whole ASCII words. None of them crosses the batch separator.
# zhongcao.text.scrub matches the same alternatives compiled, for the tokeniser: change both together
# (tests/text/test_scrub.py compares them).
_DEBRIS = re.compile(
    r"\[[^\[\]\s\x00]{1,12}\]"
    r"|:[a-z0-9_+\-]{2,40}:"
    r"|(?:https?://|www\.)[^\s\x00，。！？]+"
    r"|[a-z0-9.\-]+\.(?:com|cn|net|org)(?:/[^\s\x00，。！？]*)?"
    r"|@[^\s@\x00，。！？,.!?:：;；、#\[\]]{1,24}"
    r"|(?<![a-z0-9_])(?:nan|none|null|undefined|n/a)(?![a-z0-9_])"
    r"|[" + re.escape(_DECOR) + r"]+"
)

# `#练字#`, `#练字[话题]#` and `#练字` (until a space, `#`, `[` or punctuation) are hashtags. The
# NUL is the tokeniser's batch separator: a hashtag never runs across texts.
HASHTAG = re.compile(r"#([^\s#\[\]，。！？,.!?\x00]{1,30})(?:\[话题\])?#?")


def code_points(text: str) -> np.ndarray:
    """A text's code points as uint32; a lone surrogate (a broken emoji from a JSON export) is kept."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def fold(text: str | None) -> str:
    """Width-fold, lower-case and simplify one text (one character to one character); ``None`` → ``""``."""
    if not isinstance(text, str) or not text:
        return ""
    text = text.lower()  # before the fold: the folded characters have no case (Ａ → ａ → a)
    if text.isascii():
        return text
    return _FOLD_ARRAY[code_points(text)].tobytes().decode("utf-32-le", "surrogatepass")


def clean(text: str) -> str:
    """Blank platform debris in a folded text: stickers, shortcodes, mentions, URLs, placeholders, decoration."""
    return _DEBRIS.sub(" ", text)


def normalise(text: str | None) -> str:
    """Fold (width, case, traditional) and clean one text; ``None`` and non-strings become ``""``."""
    return clean(fold(text))


def hashtags(text: str) -> list[str]:
    """The hashtags in a (normalised) text, each as ``#tag``."""
    return ["#" + m.group(1) for m in HASHTAG.finditer(text)]
