"""Vocabulary of a foreign world, drawn at run time from real text outside the repository.

Nothing here is a word list: every word and clause a foreign world writes comes from the files in the
shared data folder (``zh-reviews``: labelled e-commerce and food-delivery reviews; ``xhs``: real
Xiaohongshu notes, tags and comments), read when the world is generated. Which words become a
world's pain points, scenes, products or unplanned use is drawn by the seed, so nobody writing the
analyses knows them in advance.

Words are picked by contrast, with jieba's part-of-speech tags (no HMM: dictionary words only, so a
picked word is a word of the language, not a segmentation accident):

- *category nouns*: nouns (n, nz) that the category's reviews use far more than other categories';
- *complaint nouns*: nouns of the category's negative reviews far more than of its positive ones;
- *platform tags*: hashtags of the real notes (Chinese, 2–4 characters, past the most common ones).
"""

from __future__ import annotations

import csv
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from zhongcao.errors import ContractError

# Category → (reviews file, review categories in it or None for the whole file, creator category).
CATEGORIES: dict[str, tuple[str, tuple[str, ...] | None, str]] = {
    "clothing": ("online_shopping_10_cats.csv", ("衣服",), "时尚"),
    "haircare": ("online_shopping_10_cats.csv", ("洗发水",), "美妆个护"),
    "electronics": ("online_shopping_10_cats.csv", ("平板", "手机", "计算机"), "数码"),
    "food-delivery": ("waimai_10k.csv", None, "美食"),
    "fruit": ("online_shopping_10_cats.csv", ("水果",), "美食"),
}
SAMPLE = 1500  # reviews tagged per category (HMM-free jieba tagging: about a second)
BACKGROUND = 250  # reviews tagged per other category, the contrast for "distinctive"
_SPLIT = re.compile(r"[，。！？!?,.；;、~～\s…]+")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_TAG = re.compile(r"#([^#\s\[\]]{2,12})")
_STICKER = re.compile(r"\[[\u4e00-\u9fffA-Za-z]{1,5}R?\]")


@dataclass(frozen=True)
class Vocabulary:
    category: str
    creator_category: str
    nouns: tuple[str, ...]  # distinctive nouns of the category, most distinctive first
    complaint_nouns: tuple[str, ...]  # nouns of its negative reviews
    positive: tuple[str, ...]  # clauses of positive reviews (4–24 characters)
    negative: tuple[str, ...]  # clauses of negative reviews
    complaints: tuple[str, ...]  # whole short negative reviews (6–40 characters)
    foreign_nouns: tuple[str, ...]  # distinctive nouns of another category (an unplanned use)
    tags: tuple[str, ...]  # platform hashtags of the real notes
    titles: tuple[str, ...]  # real note titles
    sentences: tuple[str, ...]  # clauses of real note bodies
    comments: tuple[str, ...]  # real comments
    stickers: tuple[str, ...]  # platform stickers seen in the real notes
    chars: str  # characters of the category's nouns, for invented brand names


def _reviews(shared: Path, file: str, cats: tuple[str, ...] | None) -> dict[str, list[tuple[int, str]]]:
    path = shared / "zh-reviews" / file
    if not path.exists():
        raise ContractError(f"foreign worlds read real reviews from {path}; it is missing (pass the shared data folder)")
    out: dict[str, list[tuple[int, str]]] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            cat = row.get("cat") or file
            if cats is not None and cat not in cats and file == "online_shopping_10_cats.csv":
                cat = "other:" + cat
            label, text = row.get("label"), (row.get("review") or "").strip()
            if text and label in ("0", "1"):
                out.setdefault(cat, []).append((int(label), text))
    return out


def _clean(text: str) -> str:
    return text.replace("{", "").replace("}", "").replace("\ufeff", "").strip()


def clauses(texts: list[str], lo: int = 4, hi: int = 24) -> list[str]:
    out = []
    for t in texts:
        out += [c for c in (_clean(x) for x in _SPLIT.split(t)) if lo <= len(c) <= hi]
    return list(dict.fromkeys(out))


def _nouns(texts: list[str]) -> Counter[str]:
    import jieba.posseg as pseg  # a dependency of the text layer; loaded only when a foreign world is built

    docs: Counter[str] = Counter()
    for t in texts:
        docs.update({w for w, flag in pseg.lcut(t, HMM=False)
                     if flag in ("n", "nz") and 2 <= len(w) <= 4 and _CJK.match(w)})
    return docs


def _contrast(fg: Counter[str], n_fg: int, bg: Counter[str], n_bg: int, min_docs: int) -> list[str]:
    score = {w: math.log((c + 0.5) / n_fg) - math.log((bg.get(w, 0) + 0.5) / n_bg)
             for w, c in fg.items() if c >= min_docs}
    return [w for w, s in sorted(score.items(), key=lambda x: (-x[1], x[0])) if s > math.log(3.0)]


def _xhs(shared: Path) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    folder = shared / "xhs"
    csv.field_size_limit(1 << 30)
    tags: Counter[str] = Counter()
    titles, sentences, comments, stickers = [], [], [], []
    with (folder / "matching_records_filtered_500.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            tags.update(t.strip() for t in (row.get("post_tag") or "").split(",") if t.strip())
            titles.append(_clean(row.get("post_title") or ""))
            body = row.get("post_content") or ""
            stickers += _STICKER.findall(body + (row.get("post_comment_content") or ""))
            sentences += clauses([_TAG.sub("", body)], 6, 30)
            comments += [_clean(c) for c in (row.get("post_comment_content") or "").split("##") if 2 <= len(c) <= 30]
    with (folder / "clustered_summaries_post_text.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            tags.update(_TAG.findall(row.get("summary") or ""))
    common = {t for t, _ in tags.most_common(15)}  # 穿搭, 日常 …: the platform's default tags, no scene
    picked = [t for t, c in tags.most_common() if c >= 3 and t not in common and _CJK.match(t) and 2 <= len(t) <= 4]
    return (picked, [t for t in titles if 4 <= len(t) <= 30], sentences, list(dict.fromkeys(comments)),
            sorted(set(stickers)))


def load(shared: Path, category: str, seed: int) -> Vocabulary:
    """The vocabulary of ``category`` (a key of :data:`CATEGORIES`) from the shared data folder."""
    if category not in CATEGORIES:
        raise ContractError(f"unknown foreign category {category!r}; choose one of {', '.join(CATEGORIES)}")
    shared = Path(shared)
    file, cats, creator_category = CATEGORIES[category]
    rnd = random.Random(f"vocab:{category}:{seed}")
    by_cat = _reviews(shared, file, cats)
    if file != "online_shopping_10_cats.csv":  # food delivery: the other file's categories are the contrast
        by_cat.update({"other:" + k: v for k, v in _reviews(shared, "online_shopping_10_cats.csv", None).items()})
    mine = [r for k, v in by_cat.items() if not k.startswith("other:") for r in v]
    others = {k: v for k, v in by_cat.items() if k.startswith("other:")}
    rnd.shuffle(mine)
    sample = mine[:SAMPLE]
    pos = [t for label, t in sample if label == 1]
    neg = [t for label, t in sample if label == 0]
    bg: list[str] = []
    for k in sorted(others):
        rows = list(others[k])
        rnd.shuffle(rows)
        bg += [t for _, t in rows[:BACKGROUND]]
    fg_n, bg_n = _nouns(pos + neg), _nouns(bg)
    nouns = _contrast(fg_n, len(pos) + len(neg), bg_n, len(bg), 6)
    complaint = _contrast(_nouns(neg), len(neg), _nouns(pos), len(pos), 4)
    # An unplanned use borrows the nouns of one other category (a fruit for a jacket, a hotel for a phone).
    other = rnd.choice(sorted(others))
    other_rows = [t for _, t in others[other]]
    rnd.shuffle(other_rows)
    other_bg = [t for _, t in mine[:BACKGROUND * 2]]
    foreign = _contrast(_nouns(other_rows[:600]), min(600, len(other_rows)), _nouns(other_bg), len(other_bg), 5)
    tags, titles, sentences, comments, stickers = _xhs(shared)
    chars = "".join(dict.fromkeys("".join(nouns[:60])))
    return Vocabulary(category, creator_category, tuple(nouns), tuple(w for w in complaint if w not in nouns[:5]),
                      tuple(clauses(pos)), tuple(clauses(neg)),
                      tuple(dict.fromkeys(c for c in (_clean(t) for t in neg) if 6 <= len(c) <= 40)),
                      tuple(w for w in foreign if w not in fg_n),
                      tuple(tags), tuple(titles), tuple(sentences), tuple(comments), tuple(stickers), chars)


__all__ = ["CATEGORIES", "Vocabulary", "clauses", "load"]
