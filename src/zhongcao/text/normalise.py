"""Normalisation before tokenising: width, case, a cheap traditional → simplified map, hashtags.

Full-width letters, digits, punctuation and the ideographic space become half-width; Latin is
lower-cased so `YYDS` and `yyds` count as one term. Traditional characters common in reviews are
mapped to simplified ones (a full OpenCC conversion is far slower and rarely changes a marketing
term). Emoji pass through untouched: the tokeniser keeps them as tokens.

Every step maps one character to one character (or replaces a fixed marker), so normalising texts
joined by a separator equals joining the normalised texts: the tokeniser normalises a whole batch
with one call. The fold is one array lookup over the text's code points; it is an explicit table,
not NFKC, which also rewrites ligatures, circled digits and the like and costs far more.
"""

from __future__ import annotations

import re

import numpy as np

# The most frequent traditional characters in consumer text and their simplified forms.
_TRAD = (
    "們這個來說時會對還實點開關學經國發現過機長當頭後樣問題買賣錢價質種優點東車門見體電話視讓給從與"
    "於麼為書寫筆練課師聽讀夠歡熱愛顏後鞋帶線網購物廣東區縣員號碼費運輸專業產處應該聯繫層響頁應"
)
_SIMP = (
    "们这个来说时会对还实点开关学经国发现过机长当头后样问题买卖钱价质种优点东车门见体电话视让给从与"
    "于么为书写笔练课师听读够欢热爱颜后鞋带线网购物广东区县员号码费运输专业产处应该联系层响页应"
)
_FOLD: dict[str, str] = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FOLD["\u3000"] = " "
_FOLD.update(zip(_TRAD, _SIMP, strict=True))
# The fold as an array over all code points (4 MB): one vectorised lookup per text (or batch of texts).
_FOLD_ARRAY = np.arange(0x110000, dtype=np.uint32)
for _src, _dst in _FOLD.items():
    _FOLD_ARRAY[ord(_src)] = ord(_dst)

# Joins the texts of one tokeniser batch; jieba's rules make it a token of its own.
BATCH_SEPARATOR = "\x00"

# `#练字#`, `#练字[话题]#` and `#练字` (until a space, `#`, `[` or punctuation) are hashtags. The
# NUL is the tokeniser's batch separator: a hashtag never runs across texts.
HASHTAG = re.compile(r"#([^\s#\[\]，。！？,.!?\x00]{1,30})(?:\[话题\])?#?")


def code_points(text: str) -> np.ndarray:
    """A text's code points as uint32; a lone surrogate (a broken emoji from a JSON export) is kept."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def normalise(text: str | None) -> str:
    """Width-fold, lower-case and simplify one text; ``None`` and non-strings become ``""``."""
    if not isinstance(text, str) or not text:
        return ""
    text = text.lower()  # before the fold: the folded characters have no case (Ａ → ａ → a)
    if text.isascii():
        return text
    text = _FOLD_ARRAY[code_points(text)].tobytes().decode("utf-32-le", "surrogatepass")
    if "[话题]" in text:
        text = text.replace("[话题]", " ")
    return text


def hashtags(text: str) -> list[str]:
    """The hashtags in a (normalised) text, each as ``#tag``."""
    return ["#" + m.group(1) for m in HASHTAG.finditer(text)]
