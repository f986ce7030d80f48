"""The lexicon: the social-commerce base lexicon, the brand's words, learned words and banned words.

Three layers of words teach the tokeniser (``zhongcao.text.tokenise``):

1. the **base lexicon** shipped in ``data/lexicon.txt`` (platform words, creator and shopping slang,
   skin and body types, fashion, outdoor, food, home appliances, scenes, efficacy and category words),
   written for this project with its source recorded in the file and in ``data/SOURCES.md``;
2. the **learned words** of a workspace (``zhongcao.text.discover``), found in its own notes,
   comments and searches;
3. the **brand's words** from brand.toml (``lexicon``, products, competitors, the brand name) and
   province and city names, each with an entity type so the same object also tags tokens afterwards
   (brand, product, competitor, place, service, term).

brand.toml's ``ban_words`` removes words from all three layers and from jieba's dictionary: a banned
word is never one token (the characters around it are segmented as if it did not exist).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from zhongcao.contract import BrandConfig
from zhongcao.contract.geo import PROVINCES

EntityType = str  # "brand" | "product" | "competitor" | "place" | "service" | "term"

# Words that name a kind of offer rather than a brand: a kids' course competes with copybooks
# (字帖) and offline classes (线下班) as much as with other courses. Suffix rules catch the
# long tail (少儿书法馆, 周末练字班, 控笔字帖) without listing every variant.
SERVICE_SUFFIX = re.compile(
    r"(字帖|帖|班|课|网课|课程|馆|书院|培训|机构|训练营|私教|辅导|家教|app|小程序|教程|工作室|门店|专柜)$"
)


BASE_FREQ = 30_000  # a base-lexicon word without its own frequency (jieba's scale; its total is ~60M)
LEARNED_FREQ = 30_000  # a learned word: enough to beat the dictionary's split of it, not to swallow neighbours


def _read_data(name: str) -> str:
    return resources.files("zhongcao.text").joinpath(f"data/{name}").read_text(encoding="utf-8")


@cache
def base_lexicon() -> dict[str, int]:
    """The shipped social-commerce lexicon: word → frequency (``data/lexicon.txt``)."""
    return {w: f for w, (f, _) in _lexicon_entries().items()}


@cache
def _lexicon_entries() -> dict[str, tuple[int, str]]:
    """word → (frequency, section) of ``data/lexicon.txt``."""
    words: dict[str, tuple[int, str]] = {}
    freq, section = BASE_FREQ, ""
    for line in _read_data("lexicon.txt").splitlines():
        if line.startswith("## "):
            parts = line.split()
            section = parts[1]
            freq = int(parts[2]) if len(parts) > 2 else BASE_FREQ
            continue
        if not line.strip() or line.startswith("# "):
            continue
        for item in line.split():
            word, _, own = item.partition(":")  # `word:12000` gives one word its own frequency
            words[word.lower()] = (int(own) if own.isdigit() else freq, section)
    return words


# Single characters that head product names (modifier + head: 腮红刷, 钢化膜, 双眼皮贴, 电动牙刷头). Left out:
# characters that are more often grammar or praise after a noun (被 passive, 棒 "great", 粉 "fan of", 器/仪,
# which jieba's dictionary already joins where they name a device).
COMPOUND_HEADS = "刷笔巾贴片膏霜露乳液油蛋夹盘梳垫罩膜裙衣裤袜鞋靴帽包毛绒衫卷杯壶锅碗盒机灯枕毯架箱柜桌椅伞镜戒环钉扣袋瓶罐头"
# Lexicon sections of words that describe rather than name (绝绝子, 显瘦, 好用): never the modifier of a compound.
_NOT_NOUN_SECTIONS = frozenset({"slang", "slang-more", "efficacy"})


@cache
def compound_nouns() -> tuple[str, ...]:
    """Words that may take a head character (:data:`COMPOUND_HEADS`): jieba's nouns (tags n, ng, nz) and the base
    lexicon's naming words, two or more Chinese characters each."""
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    out = [p[0] for p in (line.split(" ") for line in text.splitlines())
           if len(p) == 3 and p[2] in ("n", "ng", "nz")]
    out += [w for w, (_, section) in _lexicon_entries().items() if section not in _NOT_NOUN_SECTIONS]
    return tuple(w for w in dict.fromkeys(out) if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w))


@cache
def generic_words() -> frozenset[str]:
    """Words common to notes of every category (``data/generic.txt``): never a label or a top term."""
    return frozenset(w.lower() for line in _read_data("generic.txt").splitlines() if not line.startswith("#")
                     for w in line.split())


@dataclass(frozen=True)
class Lexicon:
    """Word → entity type, plus learned and banned words. Build one with :meth:`from_brand`; hashable for caching.

    ``base`` says whether the shipped social-commerce lexicon is part of it (the default).
    """

    entries: tuple[tuple[str, EntityType], ...] = ()
    key: str = field(default="", compare=False)
    learned: tuple[str, ...] = ()
    banned: tuple[str, ...] = ()
    base: bool = True

    @classmethod
    def from_brand(cls, brand: BrandConfig | None = None, extra: Mapping[str, EntityType] | None = None,
                   places: bool = True, learned: Iterable[str] = (), base: bool = True) -> Lexicon:
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
        banned = tuple(sorted({w.lower() for w in (brand.ban_words if brand is not None else ()) if w.strip()}))
        entries = tuple(sorted((w, k) for w, k in words.items() if w.strip() and w not in banned))
        learned_t = tuple(sorted({w.lower() for w in learned if w.strip()} - set(banned)))
        return cls(entries, key=str(hash((entries, learned_t, banned, base))), learned=learned_t, banned=banned,
                   base=base)

    def with_words(self, words: Mapping[str, EntityType]) -> Lexicon:
        merged = dict(self.entries)
        merged.update({w.lower(): k for w, k in words.items() if w.strip() and w.lower() not in self.banned})
        entries = tuple(sorted(merged.items()))
        return Lexicon(entries, key=str(hash((entries, self.learned, self.banned, self.base))), learned=self.learned,
                       banned=self.banned, base=self.base)

    def with_learned(self, words: Iterable[str]) -> Lexicon:
        """This lexicon with ``words`` as its learned words (banned ones left out)."""
        learned = tuple(sorted({w.lower() for w in words if w.strip()} - set(self.banned)))
        return Lexicon(self.entries, key=str(hash((self.entries, learned, self.banned, self.base))), learned=learned,
                       banned=self.banned, base=self.base)

    def known(self) -> frozenset[str]:
        """Every word this lexicon makes one token: the base lexicon, learned words and the brand's words."""
        return self._known

    @cached_property
    def _known(self) -> frozenset[str]:
        base = set(base_lexicon()) if self.base else set()
        return frozenset((base | set(self.learned) | {w for w, _ in self.entries}) - set(self.banned))

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
