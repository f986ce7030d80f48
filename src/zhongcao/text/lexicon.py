"""The custom lexicon: the brand's words, product and competitor names, places, service types.

Every entry carries an entity type so the same object both teaches the tokeniser new words
and tags tokens afterwards (brand, product, competitor, place, service, term).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from zhongcao.contract import BrandConfig
from zhongcao.contract.geo import PROVINCES

EntityType = str  # "brand" | "product" | "competitor" | "place" | "service" | "term"

# Words that name a kind of offer rather than a brand: a kids' course competes with copybooks
# (字帖) and offline classes (线下班) as much as with other courses. Suffix rules catch the
# long tail (少儿书法馆, 周末练字班, 控笔字帖) without listing every variant.
SERVICE_SUFFIX = re.compile(
    r"(字帖|帖|班|课|网课|课程|馆|书院|培训|机构|训练营|私教|辅导|家教|app|小程序|教程|工作室|门店|专柜)$"
)


@dataclass(frozen=True)
class Lexicon:
    """Word → entity type. Build one with :meth:`from_brand`; it is hashable for caching."""

    entries: tuple[tuple[str, EntityType], ...] = ()
    key: str = field(default="", compare=False)

    @classmethod
    def from_brand(cls, brand: BrandConfig | None = None, extra: Mapping[str, EntityType] | None = None,
                   places: bool = True) -> Lexicon:
        words: dict[str, EntityType] = {}
        if places:
            for p in PROVINCES:
                for w in (p.name, p.full, *p.cities):
                    words[w] = "place"
        if brand is not None:
            for w in brand.lexicon:
                words[w.lower()] = "term"
            for w in brand.known_competitors:
                words[w.lower()] = "competitor"
            for w in brand.products:
                for part in w.split():
                    words.setdefault(part.lower(), "product")
            if brand.name and brand.name != "unnamed brand":
                words[brand.name.lower()] = "brand"
        for w, kind in (extra or {}).items():
            words[w.lower()] = kind
        entries = tuple(sorted((w, k) for w, k in words.items() if w.strip()))
        return cls(entries, key=str(hash(entries)))

    def with_words(self, words: Mapping[str, EntityType]) -> Lexicon:
        merged = dict(self.entries)
        merged.update({w.lower(): k for w, k in words.items() if w.strip()})
        entries = tuple(sorted(merged.items()))
        return Lexicon(entries, key=str(hash(entries)))

    @cached_property
    def types(self) -> dict[str, EntityType]:
        return dict(self.entries)

    def words(self) -> Iterable[str]:
        return (w for w, _ in self.entries)


def entity_type(token: str, lexicon: Lexicon | None = None) -> EntityType | None:
    """The entity type of a token: the lexicon's type, else ``service`` by suffix, else None."""
    if lexicon is not None:
        kind = lexicon.types.get(token)
        if kind is not None and kind != "term":
            return kind
    if len(token) >= 2 and SERVICE_SUFFIX.search(token):
        return "service"
    return None


def tag_entities(tokens: Iterable[str], lexicon: Lexicon | None = None) -> dict[str, EntityType]:
    """Token → entity type for every token that names a brand, product, competitor, place or service."""
    out: dict[str, EntityType] = {}
    for t in tokens:
        if t in out:
            continue
        kind = entity_type(t, lexicon)
        if kind is not None:
            out[t] = kind
    return out
