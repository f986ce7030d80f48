"""The one tokenise function. The segmentation library is an implementation detail behind it.

rjieba (Rust port of jieba: same dictionary, same tokens, far faster; see bench/text_speed.py)
segments in its dictionary mode (no HMM guessing of unknown words: the lexicon and the phrase
pass supply domain terms, and it is what keeps the layer above 20 MB/s per core); a custom
lexicon is taught to the segmenter once per lexicon and cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import rjieba

from zhongcao.text.lexicon import Lexicon
from zhongcao.text.normalise import HASHTAG, hashtags, normalise

# Lexicon words must win over the dictionary's split (握笔姿势, not 握笔 / 姿势).
_LEXICON_FREQ = 200_000


@cache
def stopwords() -> frozenset[str]:
    text = resources.files("zhongcao.text").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


_PUNCT = frozenset(
    "，。！？、；：“”‘’（）《》【】「」『』…—～·,.!?;:'\"()[]{}<>/\\|@$%^&*+=_-`~ \t\r\n\u3000"
    "\ufe0f\u200d"
)


@cache
def _segmenter(lexicon: Lexicon | None) -> rjieba.Jieba:
    seg = rjieba.Jieba()
    if lexicon is not None:
        for word in lexicon.words():
            # Spaces would split the word again; product names like "墨小笔 控笔训练营" enter as parts.
            if " " not in word:
                seg.add_word(word, _LEXICON_FREQ, None)
    return seg


def _drop() -> frozenset[str]:
    return stopwords() | _PUNCT


def tokenise(texts: str | Iterable[str | None], lexicon: Lexicon | None = None, *,
             keep_stopwords: bool = False) -> list[list[str]]:
    """Tokens of each text: normalised, lexicon-aware, stop words and punctuation dropped.

    Hashtags come out whole (``#在线练字课``) after the words they contain; emoji as their own tokens. Empty or missing
    texts give an empty list, so the output always lines up with the input.
    """
    items = [texts] if isinstance(texts, str) else list(texts)
    seg = _segmenter(lexicon)
    drop = _PUNCT if keep_stopwords else _drop()
    out: list[list[str]] = []
    for text in items:
        norm = normalise(text)
        if not norm:
            out.append([])
        elif "#" in norm:
            # A hashtag is kept whole (#在线练字课) and its words are segmented like any text.
            tags = hashtags(norm)
            plain = HASHTAG.sub(r" \1 ", norm)
            out.append([t for t in seg.cut(plain, False) if t not in drop and not t.isspace()] + tags)
        else:
            # The hot path: one C call to segment, one comprehension to filter.
            out.append([t for t in seg.cut(norm, False) if t not in drop and not t.isspace()])
    return out
