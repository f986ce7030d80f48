"""Normalisation before tokenising: width, case, a cheap traditional → simplified map, hashtags.

Full-width letters, digits, punctuation and the ideographic space become half-width; Latin is
lower-cased so `YYDS` and `yyds` count as one term. Traditional characters common in reviews are
mapped to simplified ones (a full OpenCC conversion is far slower and rarely changes a marketing
term). Emoji pass through untouched: the tokeniser keeps them as tokens.

Every step maps one character to one character (or deletes a fixed marker), so normalising texts
joined by a separator equals joining the normalised texts: the tokeniser normalises a whole batch
with one call. The width fold is an explicit table, not NFKC: NFKC also rewrites ligatures,
circled digits and the like, and it costs three times as much on the hot path.
"""

from __future__ import annotations

import re

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
# One scan finds every character that needs folding; most of a Chinese text passes untouched.
_FOLD_RE = re.compile("[\uff01-\uff5e\u3000" + _TRAD + "]")

# `#练字#`, `#练字[话题]#` and `#练字` (until a space, `#`, `[` or punctuation) are hashtags. The
# control characters are the tokeniser's batch separators: a hashtag never runs across texts.
HASHTAG = re.compile(r"#([^\s#\[\]，。！？,.!?\x00\x01]{1,30})(?:\[话题\])?#?")


def _fold_char(m: re.Match[str]) -> str:
    return _FOLD[m.group()]


def normalise(text: str | None) -> str:
    """Width-fold, lower-case and simplify one text; ``None`` and non-strings become ``""``."""
    if not isinstance(text, str) or not text:
        return ""
    if text.isascii():
        return text.lower()
    text = _FOLD_RE.sub(_fold_char, text)
    if "[话题]" in text:
        text = text.replace("[话题]", " ")
    return text.lower()


def hashtags(text: str) -> list[str]:
    """The hashtags in a (normalised) text, each as ``#tag``."""
    return ["#" + m.group(1) for m in HASHTAG.finditer(text)]
