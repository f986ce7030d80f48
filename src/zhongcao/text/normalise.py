"""Normalisation before tokenising: width, case, a cheap traditional → simplified map, hashtags.

Full-width letters, digits and punctuation become half-width (NFKC); Latin is lower-cased so
`YYDS` and `yyds` count as one term. Traditional characters common in reviews are mapped to
simplified ones with one ``str.translate`` (a full OpenCC conversion is far slower and rarely
changes a marketing term). Emoji pass through untouched: the tokeniser keeps them as tokens.
"""

from __future__ import annotations

import re
import unicodedata

# The most frequent traditional characters in consumer text and their simplified forms. A
# table lookup costs nothing; phrase-level conversion (OpenCC) would dominate run time.
_TRAD = (
    "們這個來說時會對還實點開關學經國發現過機長當頭後樣問題買賣錢價質種優點東車門見體電話視讓給從與"
    "於麼為書寫筆練課師聽讀夠歡熱愛顏後鞋帶線網購物廣東區縣員號碼費運輸專業產處應該聯繫層響頁應"
)
_SIMP = (
    "们这个来说时会对还实点开关学经国发现过机长当头后样问题买卖钱价质种优点东车门见体电话视让给从与"
    "于么为书写笔练课师听读够欢热爱颜后鞋带线网购物广东区县员号码费运输专业产处应该联系层响页应"
)
_TO_SIMPLIFIED = str.maketrans(_TRAD, _SIMP)

# `#练字#`, `#练字[话题]#` and `#练字` (until a space, `#`, `[` or punctuation) are hashtags.
HASHTAG = re.compile(r"#([^\s#\[\]，。！？,.!?]{1,30})(?:\[话题\])?#?")
# Only texts that need it pay for NFKC and the character map (both cost more than a search).
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
_TRAD_RE = re.compile("[" + _TRAD + "]")


def normalise(text: str | None) -> str:
    """Width-fold, lower-case and simplify one text; ``None`` and non-strings become ``""``."""
    if not isinstance(text, str) or not text:
        return ""
    if text.isascii():
        return text.lower()
    if _FULLWIDTH.search(text):
        # NFKC folds full-width forms (ＡＢＣ１２３，！) to their half-width equivalents.
        text = unicodedata.normalize("NFKC", text)
    if _TRAD_RE.search(text):
        text = text.translate(_TO_SIMPLIFIED)
    if "[话题]" in text:
        text = text.replace("[话题]", " ")
    return text.lower()


def hashtags(text: str) -> list[str]:
    """The hashtags in a (normalised) text, each as ``#tag``."""
    return ["#" + m.group(1) for m in HASHTAG.finditer(text)]
