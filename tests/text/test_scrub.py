"""The compiled hygiene (``scrub.normalise_cps``) is ``normalise`` exactly: same code points on every text."""

from __future__ import annotations

import csv
import random

import numpy as np
import pytest

from tests.conftest import shared_data
from zhongcao.text.normalise import BATCH_SEPARATOR, code_points, normalise
from zhongcao.text.scrub import normalise_cps

# Each alternative of normalise._DEBRIS, its near misses and its edges (case, width, script, boundaries).
DEBRIS = [
    "[笑哭R]", "[话题]", "[ab cd]", "[" + "字" * 12 + "]", "[" + "字" * 13 + "]", "[]", "[[a]]", ":teddy_bear:",
    ":a:", ":ab:cd:", ":" + "a" * 41 + ":", "http://a.cn/x", "https://b.com，好", "https://", "http:/", "www.x",
    "www.", "abc.com/p?q", "a.b.cn.net", "a.community", "..com", "-.org", "x.co", "@某某 你好", "@", "@@a",
    "@" + "名" * 30, "nan", "None", "NULL", "n/a", "null,", "undefined", "xnan", "nanx", "_none", "nan_", "☆★",
    "·", "⭐︎", "#话题[话题]#", "Ｙｙｄｓ", "ＨＴＴＰ：／／Ａ.ＣＮ", "繁體字", "\u3000", "\r\n", "\t", "\x85", "\xa0",
    "🤣", "𠀀", "\ud83d", "İ", "ß", "h", "w", "n", "u", "[", "]", ":", "#", ".", "-", "词", "好", "a", "1", " ",
    "的", "。", "！",
]


def same(text: str) -> bool:
    return np.array_equal(normalise_cps(text), code_points(normalise(text)))


@pytest.mark.parametrize("text", DEBRIS)
def test_each_piece_of_debris_alone(text: str) -> None:
    assert same(text)


def test_random_compositions_of_debris() -> None:
    rng = random.Random(18)
    texts = ["".join(rng.choice(DEBRIS) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    bad = [t for t in texts if not same(t)]
    assert not bad, bad[:5]
    assert same(BATCH_SEPARATOR.join(texts))


@pytest.mark.parametrize(("parts", "column"), [
    (("zh-reviews", "online_shopping_10_cats.csv"), "review"),
    (("xhs", "clustered_summaries_post_text.csv"), "summary"),
    (("xhs", "matching_records_filtered_500.csv"), "post_content"),
    (("xhs", "matching_records_filtered_500.csv"), "post_comment_content"),
])
def test_real_texts_as_one_batch(parts: tuple[str, str], column: str) -> None:
    with shared_data(*parts).open(encoding="utf-8-sig") as fh:
        texts = [r[column] for r in csv.DictReader(fh) if r[column]]
    joined = BATCH_SEPARATOR.join(t.replace(BATCH_SEPARATOR, " ") for t in texts)
    ours, theirs = normalise_cps(joined), code_points(normalise(joined))
    assert len(ours) < len(code_points(joined))  # debris was there and went: the comparison is not vacuous
    assert np.array_equal(ours, theirs)
