"""Term quality: the share of reported terms a careful analyst would strike out.

A reported term (a scene's top term, a label part, a segment's pain point, a rising trend term, a
lost lead's competitor term) is **bad** for the first of these reasons that applies:

- ``placeholder``: an export's filler (nan, none, null, undefined, n/a, -), alone or repeated (nannan);
- ``shortcode``: debris of a sticker, emoji shortcode, mention or URL ([笑哭R] → 哭r, :teddy_bear: →
  teddy); with the corpus, a term found mostly inside such debris; without it, a term with a bracket,
  colon, @ or URL marker in it;
- ``cross_script``: Latin and Chinese glued into one term (bear小) that no lexicon knows as a word and
  the corpus does not write as a hashtag (#ootd穿搭 is the author's unit);
- ``fragment``: one Chinese character or one Latin letter; or, with the corpus, a term whose uses
  mostly cross the edge of a known word (书上 in 小红书上, 盒大 in 充电盒大) or, for a term that is not
  itself a word (lexicon, or jieba's dictionary at frequency 100 or more), lie inside one (红书 in 小红书): known words are the base lexicon, the learned
  words and the brand's words, so the test does not trust the segmenter that produced the term;
- ``generic``: a word common to every category (``data/generic.txt``: 一天, 下来, 分享, 真的 …);
- ``template``: carried by fewer than ``min_creators`` distinct creators (one creator's series).

:func:`term_quality` returns the counts per reason, examples and the bad share; every text analysis
computes it for what it reports, and the report's methods section shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from zhongcao.text.lexicon import Lexicon, generic_words
from zhongcao.text.normalise import _DEBRIS, fold

REASONS = ("placeholder", "shortcode", "cross_script", "fragment", "generic", "template")
DEFAULT_MIN_CREATORS = 5
_PLACEHOLDER = re.compile(r"^(?:nan|none|null|undefined|n/a|-+|—+|·+)+$")
_MARKERS = re.compile(r"[\[\]:@]|https?|www\.|\.com")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")
_MAX_USES = 200  # uses of a term examined in the corpus (evenly spread); enough for a share
_MAX_WORD = 8
_DICT_WORD = 100  # jieba's dictionary frequency from which a term is a word of its own (每日 1,941; 小红 absent)


@dataclass(frozen=True)
class TermQuality:
    """How many reported terms are bad, by reason, with a few examples of each."""

    terms: int
    bad: int
    reasons: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def share_bad(self) -> float:
        return self.bad / self.terms if self.terms else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"terms": self.terms, "bad": self.bad, "share_bad": self.share_bad, "reasons": dict(self.reasons),
                "examples": {k: list(v) for k, v in self.examples.items()}}


class TermJudge:
    """Judges terms against a lexicon and (optionally) the corpus they were mined from.

    ``corpus`` is the raw texts; ``creators`` maps a term to its distinct creators (or people); with
    ``authors`` (one per corpus text) a term missing from ``creators`` counts the distinct authors of
    the texts that contain it, independently of any segmentation. Otherwise a term absent from
    ``creators`` is not judged on that ground.
    """

    def __init__(self, lexicon: Lexicon | None = None, corpus: Sequence[str | None] | None = None,
                 creators: Mapping[str, float] | None = None, min_creators: int = DEFAULT_MIN_CREATORS,
                 authors: Sequence[object] | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else Lexicon()
        self.known = self.lexicon.known()
        self.creators = dict(creators or {})
        self.min_creators = min_creators
        texts = [_DEBRIS.sub(" ", fold(t)) for t in corpus] if corpus is not None else None
        self._authors = list(zip(texts, authors, strict=True)) if texts is not None and authors is not None else None
        self._raw = "\x00".join(fold(t) for t in corpus) if corpus is not None else None
        self._clean = "\x00".join(texts) if texts is not None else None

    def creators_of(self, term: str) -> float | None:
        """Distinct creators behind ``term``: as given, else counted in the corpus by author, else None."""
        t = fold(term).lstrip("#").strip()
        n = self.creators.get(term, self.creators.get(t))
        if n is None and self._authors is not None:
            n = float(len({a for text, a in self._authors if t in text}))
            self.creators[t] = n
        return n

    def flaw(self, term: str) -> str | None:
        """The first reason ``term`` is bad, or None for a whole, meaningful term."""
        t = fold(term).lstrip("#").strip()
        if not t or _PLACEHOLDER.match(t):
            return "placeholder"
        if _MARKERS.search(t) or self._mostly_debris(t):
            return "shortcode"
        if _HAN.search(t) and _LATIN.search(t) and t not in self.known and not self._hashtag(t):
            return "cross_script"
        if (len(t) == 1 and (_HAN.match(t) or t.isalpha())) or self._crosses_words(t):
            return "fragment"
        if t in generic_words():
            return "generic"
        n = self.creators_of(term)
        if n is not None and n < self.min_creators:
            return "template"
        return None

    def _uses(self, text: str, t: str) -> list[int]:
        out, i = [], text.find(t)
        while i >= 0:
            out.append(i)
            i = text.find(t, i + 1)
        if len(out) > _MAX_USES:
            step = len(out) / _MAX_USES
            out = [out[int(k * step)] for k in range(_MAX_USES)]
        return out

    def _mostly_debris(self, t: str) -> bool:
        if self._raw is None or self._clean is None:
            return False
        raw = self._raw.count(t)
        return raw > 0 and self._clean.count(t) < 0.5 * raw

    def _hashtag(self, t: str) -> bool:
        """The corpus writes ``t`` as a hashtag (#ootd穿搭) at least half the time: the author's own unit."""
        if self._raw is None:
            return False
        uses = self._raw.count(t)
        return uses > 0 and self._raw.count("#" + t) >= 0.5 * uses

    def _is_word(self, t: str) -> bool:
        if t in self.known:
            return True
        from zhongcao.text.tokenise import segmenter_for

        return segmenter_for(self.lexicon).frequency(t) >= _DICT_WORD

    def _crosses_words(self, t: str) -> bool:
        """Most uses of ``t`` cut through a known word (start or end inside one), or, for a term no lexicon
        knows, lie inside a longer known word."""
        if self._clean is None or not _HAN.search(t):
            return False
        uses = self._uses(self._clean, t)
        if not uses:
            return False
        text, known, n, size = self._clean, self.known, len(t), len(self._clean)
        crossing = 0
        for i in uses:
            end = i + n
            # A known word starting before t and ending inside it, or starting inside it and ending after.
            head = any(text[a:b] in known for a in range(max(0, i - _MAX_WORD + 1), i)
                       for b in range(i + 1, min(end, a + _MAX_WORD + 1)))
            tail = head or any(text[a:b] in known for a in range(i + 1, end)
                               for b in range(end + 1, min(size, a + _MAX_WORD) + 1))
            # A term no lexicon knows is also a fragment when a longer known word holds it (红书 of 小红书).
            inside = not (head or tail) and not self._is_word(t) and any(
                text[a:b] in known for a in range(max(0, end - _MAX_WORD), i + 1)
                for b in range(max(end, a + n + 1), min(size, a + _MAX_WORD) + 1))
            crossing += head or tail or inside
        return crossing > 0.5 * len(uses)


def term_quality(terms: Iterable[str], lexicon: Lexicon | None = None, *,
                 corpus: Sequence[str | None] | None = None, creators: Mapping[str, float] | None = None,
                 min_creators: int = DEFAULT_MIN_CREATORS, authors: Sequence[object] | None = None,
                 judge: TermJudge | None = None, examples: int = 5) -> TermQuality:
    """Term quality of ``terms`` (each judged once; a label ``a·b`` is judged by its parts)."""
    judge = judge or TermJudge(lexicon, corpus, creators, min_creators, authors)
    parts = list(dict.fromkeys(p for t in terms for p in str(t).split("·") if p.strip()))
    reasons: dict[str, int] = dict.fromkeys(REASONS, 0)
    shown: dict[str, list[str]] = {}
    for p in parts:
        why = judge.flaw(p)
        if why is not None:
            reasons[why] += 1
            if len(shown.setdefault(why, [])) < examples:
                shown[why].append(p)
    return TermQuality(len(parts), sum(reasons.values()), reasons, shown)
