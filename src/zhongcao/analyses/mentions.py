"""Is a note about the brand? Read from its text, not only from a ``brand`` column.

Platform exports carry a ``brand`` only on reported cooperation notes (报备); an organic note names the
brand in its text, by its name, a Latin alias, a product or a variant (name + 家, 小 + name, the
traditional script). :class:`BrandMatcher` recognises all of them:

- names: brand.toml ``name`` and ``aliases``, and each ``products`` entry whole (with or without its
  spaces); learned words (the workspace's new-word discovery) that contain a name are variants of it;
- text is folded first (``zhongcao.text.normalise``: width, case, traditional → simplified, platform
  stickers and hashtag markers blanked), so 場油, ＲＡＴＡ and #rata[话题]# all read as the brand;
- a Chinese name matches as a substring; a Latin name only as a whole word (``rata`` is not inside
  ``karate``); a Latin name shorter than three letters is ignored (too many words contain it).

A note is about the brand when its ``brand`` column names the brand or an alias, or its title, body or
tags name it. Genuine use, soft ads and fake engagement (``analyses/creators``) and the lost-lead
analysis's own-brand test use this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from zhongcao.contract import BrandConfig
from zhongcao.text import normalise

_UNNAMED = "unnamed brand"


class BrandMatcher:
    """Recognises a brand's names in text. ``learned``: the workspace's learned words (variants)."""

    def __init__(self, brand: BrandConfig, learned: Iterable[str] = ()) -> None:
        base = [brand.name] if brand.name and brand.name != _UNNAMED else []
        base += list(brand.aliases)
        names = {normalise(n).strip() for n in base if n and n.strip()}
        for product in brand.products:
            names |= {normalise(product).strip(), normalise(product.replace(" ", "")).strip()}
        names.discard("")
        variants = {normalise(w).strip() for w in learned if any(n in normalise(w) for n in names if len(n) >= 2)}
        self.names = tuple(sorted(names | variants, key=lambda n: (-len(n), n)))
        latin = [n for n in self.names if n.isascii()]
        cjk = [n for n in self.names if not n.isascii() and len(n) >= 2]
        parts = [re.escape(n) for n in cjk]
        parts += [rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])" for n in latin if len(n) >= 3]
        self._pattern = re.compile("|".join(parts)) if parts else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def mentions(self, texts: Sequence[str | None]) -> np.ndarray:
        """Per text: whether it names the brand."""
        if self._pattern is None:
            return np.zeros(len(texts), dtype=bool)
        pattern = self._pattern
        return np.array([bool(t) and pattern.search(normalise(str(t))) is not None for t in texts], dtype=bool)

    def names_in(self, value: object) -> bool:
        """Whether a ``brand`` column value is one of the brand's names."""
        return isinstance(value, str) and normalise(value).strip() in self.names


def note_text(notes: pd.DataFrame) -> list[str]:
    """Title, body and tags of each note as one text."""
    title = notes["title"].fillna("").astype(str) if "title" in notes else pd.Series("", index=notes.index)
    body = notes["body"].fillna("").astype(str) if "body" in notes else pd.Series("", index=notes.index)
    tags = notes["tags"].map(_tags) if "tags" in notes else pd.Series("", index=notes.index)
    return (title + " " + body + " " + tags).tolist()


def _tags(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    try:
        return " ".join(str(v) for v in value)  # type: ignore[union-attr]
    except TypeError:
        return str(value)


def about_brand(notes: pd.DataFrame, matcher: BrandMatcher) -> pd.Series:
    """Per note: about the brand by its ``brand`` column or by naming the brand in its text."""
    column = notes["brand"].map(matcher.names_in) if "brand" in notes else pd.Series(False, index=notes.index)
    return pd.Series(column.to_numpy(bool) | matcher.mentions(note_text(notes)), index=notes.index)


def matcher_for(source: object) -> BrandMatcher:
    """The matcher of a workspace (or any mart source): its brand.toml and learned words."""
    from zhongcao.analyses.vocabulary import learned_words

    brand: BrandConfig = source.brand  # type: ignore[attr-defined]
    try:
        learned: tuple[str, ...] = learned_words(source)
    except Exception:  # a source without text marts learns nothing; the names alone still match
        learned = ()
    return BrandMatcher(brand, learned)
