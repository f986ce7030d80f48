"""The one tokenise function. The segmentation library is an implementation detail behind it.

rjieba (Rust port of jieba: same dictionary, same tokens, far faster; see bench/text_speed.py)
segments in its dictionary mode (no HMM guessing of unknown words: the lexicon and the phrase
pass supply domain terms); a custom lexicon is taught to the segmenter once per lexicon and cached.

Speed comes from batching: a few thousand texts are joined with a separator character that
jieba always emits as a token of its own, normalised and segmented in one call each, filtered
with one C-level pass, and split back into documents with ``str.split``. Per-text Python work
is limited to texts carrying hashtags.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from itertools import filterfalse

import rjieba

from zhongcao.text.lexicon import Lexicon
from zhongcao.text.normalise import HASHTAG, hashtags, normalise

# Lexicon words must win over the dictionary's split (握笔姿势, not 握笔 / 姿势).
_LEXICON_FREQ = 200_000
_DOC = "\x00"  # between texts of a batch; jieba yields it as a single token
_TOK = "\x01"  # joins kept tokens so one split recovers the texts
_BATCH = 20_000  # texts per segmenter call: large enough to amortise calls, small enough for memory


@cache
def stopwords() -> frozenset[str]:
    text = resources.files("zhongcao.text").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


# jieba yields whitespace one character at a time (and "\r\n" whole), so a set lookup replaces isspace().
_SPACE = frozenset(chr(c) for c in range(0x3001) if chr(c).isspace()) | {"\r\n", "\ufeff", "\u200b"}
_PUNCT = frozenset(
    "，。！？、；：“”‘’（）《》【】「」『』…—～·,.!?;:'\"()[]{}<>/\\|@$%^&*+=_-`~"
    "\ufe0f\u200d"
) | _SPACE


@cache
def _segmenter(lexicon: Lexicon | None) -> rjieba.Jieba:
    seg = rjieba.Jieba()
    if lexicon is not None:
        for word in lexicon.words():
            # Spaces would split the word again; product names like "墨小笔 控笔训练营" enter as parts.
            if " " not in word:
                seg.add_word(word, _LEXICON_FREQ, None)
    return seg


@cache
def _drop(keep_stopwords: bool) -> frozenset[str]:
    return _PUNCT if keep_stopwords else stopwords() | _PUNCT


def tokenise(texts: str | Iterable[str | None], lexicon: Lexicon | None = None, *,
             keep_stopwords: bool = False) -> list[list[str]]:
    """Tokens of each text: normalised, lexicon-aware, stop words and punctuation dropped.

    Hashtags come out whole (``#在线练字课``) after the words they contain; emoji as their own tokens. Empty or missing
    texts give an empty list, so the output always lines up with the input.
    """
    items = [texts] if isinstance(texts, str) else list(texts)
    seg = _segmenter(lexicon)
    drop = _drop(keep_stopwords)
    out: list[list[str]] = []
    for start in range(0, len(items), _BATCH):
        out += _tokenise_batch(items[start:start + _BATCH], seg, drop)
    return out


def _tokenise_batch(items: list[str | None], seg: rjieba.Jieba, drop: frozenset[str]) -> list[list[str]]:
    texts = [t if isinstance(t, str) else "" for t in items]
    joined = _DOC.join(texts)
    if joined.count(_DOC) != len(texts) - 1 or _TOK in joined:
        # A text carries a separator character itself: blank those out so the batch still splits right.
        texts = [t.replace(_DOC, " ").replace(_TOK, " ") for t in texts]
        joined = _DOC.join(texts)
    norm = normalise(joined)
    if "#" in norm:
        # A hashtag is kept whole (#在线练字课) and its words are segmented like any text.
        norm = HASHTAG.sub(r" \1 ", norm)
    kept = filterfalse(drop.__contains__, seg.cut(norm, False))
    docs = [p.strip(_TOK).split(_TOK) if p.strip(_TOK) else [] for p in _TOK.join(kept).split(_DOC)]
    for i, text in enumerate(texts):
        if "#" in text:
            docs[i] += hashtags(normalise(text))
    return docs
