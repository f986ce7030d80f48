"""The one tokenise function. The segmentation engine is an implementation detail behind it.

Segmentation is jieba's accurate mode with its HMM for unknown words (``jieba.cut(text, HMM=True)``,
token for token; tests compare them) over jieba's dictionary plus the shipped social-commerce
lexicon, the workspace's learned words and the brand's words (``zhongcao.text.lexicon``), run by our
compiled segmenter (``zhongcao.text.segment``), which also keeps head compounds whole (a noun followed by
a character that heads product names: 腮红刷, 钢化膜, 双眼皮贴; rule 4 there). Text is folded and cleaned first
(``zhongcao.text.normalise``: stickers, shortcodes, mentions, URLs and placeholders never become
tokens). A lexicon is taught to the segmenter once and cached.

Speed comes from batching: a few thousand texts are joined with a separator character, normalised
in one compiled pass over their code points (``zhongcao.text.scrub``, the same function as ``normalise``;
tests compare them), and segmented, filtered and split back into texts in one compiled pass that
returns token ids; a token becomes a Python string once, the first time it is seen. Per-text Python
work is limited to texts carrying hashtags.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from zhongcao.text.lexicon import COMPOUND_HEADS, LEARNED_FREQ, Lexicon, base_lexicon, compound_nouns
from zhongcao.text.normalise import BATCH_SEPARATOR, HASHTAG, hashtags

if TYPE_CHECKING:
    from zhongcao.text.segment import Segmenter

# Lexicon words must win over the dictionary's split (握笔姿势, not 握笔 / 姿势).
_LEXICON_FREQ = 200_000
_DOC = BATCH_SEPARATOR
_HASH = ord("#")
_BATCH = 20_000  # texts per segmenter call: large enough to amortise calls, small enough for memory


@cache
def stopwords() -> frozenset[str]:
    text = resources.files("zhongcao.text").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


# Whitespace comes out one character at a time (and "\r\n" whole), so a set lookup replaces isspace().
_SPACE = frozenset(chr(c) for c in range(0x3001) if chr(c).isspace()) | {"\r\n", "\ufeff", "\u200b"}
_PUNCT = frozenset(
    "，。！？、；：“”‘’（）《》【】「」『』…—～·,.!?;:'\"()[]{}<>/\\|@$%^&*+=_-`~"
    "\ufe0f\u200d#"
) | _SPACE


@lru_cache(maxsize=8)  # each holds a 48 MB table; tests and the demo use a handful of lexicons
def _segmenter(lexicon: Lexicon | None, keep_stopwords: bool) -> Segmenter:
    # Imported here: numba costs ~0.1 s, which every CLI command would pay at start-up otherwise.
    from zhongcao.text.segment import Segmenter

    lexicon = lexicon if lexicon is not None else Lexicon()
    banned = set(lexicon.banned)
    # Spaces would split a word again; product names like "墨小笔 控笔训练营" enter as parts.
    weighted = [(w, f) for w, f in base_lexicon().items() if lexicon.base and w not in banned and " " not in w]
    weighted += [(w, LEARNED_FREQ) for w in lexicon.learned if " " not in w]
    weighted += [(w, 0) for w in banned]  # frequency 0: not a word, even in jieba's dictionary
    words = [w for w in lexicon.words() if " " not in w]
    drop = _PUNCT if keep_stopwords else stopwords() | _PUNCT
    nouns = [w for w in compound_nouns() if w not in banned] if lexicon.base else []
    return Segmenter(words, _LEXICON_FREQ, drop, weighted=weighted, hmm=True, compounds=nouns, heads=COMPOUND_HEADS)


def segmenter_for(lexicon: Lexicon | None = None) -> Segmenter:
    """The cached segmenter of a lexicon (stop words kept), e.g. to look up a word's dictionary frequency."""
    return _segmenter(lexicon, True)


def segment_all(text: str, lexicon: Lexicon | None = None) -> list[list[str]]:
    """Every token of each normalised text in ``text`` (texts joined by the batch separator), nothing dropped:
    the tokens of a text concatenate back to it. For word discovery, which needs token boundaries."""
    from zhongcao.text.segment import Segmenter

    seg = _segmenter(lexicon, True)
    nouns = compound_nouns() if (lexicon is None or lexicon.base) else ()
    full = Segmenter(weighted=seg.weighted, hmm=True, compounds=nouns, heads=COMPOUND_HEADS)
    return full.cut_many(text)


def tokenise(texts: str | Iterable[str | None], lexicon: Lexicon | None = None, *,
             keep_stopwords: bool = False) -> list[list[str]]:
    """Tokens of each text: normalised and cleaned, lexicon-aware, stop words and punctuation dropped.

    Without a ``lexicon`` the base social-commerce lexicon still applies (``Lexicon()``). Hashtags come out whole (``#在线练字课``) after the words they contain; emoji as their own tokens. Empty or missing
    texts give an empty list, so the output always lines up with the input.
    """
    items = [texts] if isinstance(texts, str) else list(texts)
    seg = _segmenter(lexicon, keep_stopwords)
    out: list[list[str]] = []
    for start in range(0, len(items), _BATCH):
        out += _tokenise_batch(items[start:start + _BATCH], seg)
    return out


def _tokenise_batch(items: list[str | None], seg: Segmenter) -> list[list[str]]:
    texts = [t if isinstance(t, str) else "" for t in items]
    joined = _DOC.join(texts)
    if joined.count(_DOC) != len(texts) - 1:
        # A text carries the separator itself: blank it out so the batch still splits right.
        texts = [t.replace(_DOC, " ") for t in texts]
        joined = _DOC.join(texts)
    from zhongcao.text.scrub import normalise_cps  # here, not at the top: numba, as in _segmenter

    cps = normalise_cps(joined)  # normalise(joined), compiled
    if not (cps == _HASH).any():
        return seg.token_lists(*seg.ids_many(cps))
    # A hashtag is kept whole (#在线练字课) after its words, which are segmented like any text;
    # each text's tags come from its part of the batch, already normalised.
    norm = cps.tobytes().decode("utf-32-le", "surrogatepass")
    docs = seg.cut_many(HASHTAG.sub(r" \1 ", norm))
    for i, part in enumerate(norm.split(_DOC)):
        if "#" in part:
            docs[i] += hashtags(part)
    return docs
