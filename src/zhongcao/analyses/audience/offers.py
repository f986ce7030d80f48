"""Which terms can name an offer lost leads turn to, whatever the category.

A brand's rivals are rarely all in brand.toml, and organic notes carry no ``brand`` column, so the
candidates are discovered from the corpus itself:

- entities the lexicon types (brand.toml ``known_competitors``, products, other brands of the ``brand``
  column) and service words by suffix (字帖, 线下班, 训练营 …);
- the workspace's learned words (new-word discovery: cohesive, freely combining units such as new
  brand and product names);
- new words the segmenter's HMM keeps whole although no dictionary knows them (``实区``, ``棉别实``):
  names are what dictionaries lack.

Places, generic words and anything :func:`is_word_term` rejects are never candidates; whether a
candidate is the brand itself is decided by :class:`zhongcao.analyses.mentions.BrandMatcher`.
Everyday vocabulary (verbs of a slogan, 推荐, 好用) is in the dictionaries and so is never a candidate
unless the lexicon types it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from zhongcao.text import Lexicon, entity_type
from zhongcao.text.lexicon import base_lexicon

OFFER_TYPES = frozenset({"competitor", "service", "product", "brand"})


@cache
def dictionary_words() -> frozenset[str]:
    """Every word of jieba's dictionary (the segmenter's own), lower-cased."""
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0].lower() for line in text.splitlines() if line)


def is_offer_candidate(term: str, lexicon: Lexicon) -> bool:
    """Typed entities, learned words and words no dictionary knows (see the module docstring)."""
    t = term.lstrip("#").lower()
    kind = entity_type(t, lexicon)
    if kind == "place":
        return False
    if kind in OFFER_TYPES:
        return True
    if t in lexicon.learned:
        return True
    return len(t) >= 2 and t not in dictionary_words() and t not in base_lexicon() and not t.isdigit()
