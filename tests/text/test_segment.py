"""The compiled segmenter gives exactly rjieba's tokens (jieba accurate mode, no HMM)."""

from __future__ import annotations

import csv

import pytest
import rjieba

from tests.conftest import shared_data
from zhongcao.text.segment import Segmenter

SAMPLES = [
    "我们中出了一个叛徒", "孩子握笔姿势不对，卷面分老被扣", "iPhone15promax 256g 到手价5999元！！",
    "真的好用😂😂 #在线练字课", "a b  c\r\nd\te\u3000f", "用了三个月，回购第3次了", "", "12.5%的折扣 & AT&T",
    "墨小笔控笔训练营yyds", "四姑娘山徒步 citywalk 透气", "𠀀𠀁生僻字", "。。。！！？",
]
EXTRA = ["握笔姿势", "卷面分", "墨小笔", "控笔训练营", "citywalk"]


def reference(texts: list[str], extra: list[str] = (), freq: int = 200_000) -> list[list[str]]:
    seg = rjieba.Jieba()
    for w in extra:
        seg.add_word(w, freq, None)
    return [seg.cut(t, False) for t in texts]


def test_same_tokens_as_rjieba_with_and_without_custom_words() -> None:
    assert Segmenter().cut_many("\x00".join(SAMPLES)) == reference(SAMPLES)
    got = Segmenter(EXTRA).cut_many("\x00".join(SAMPLES))
    assert got == reference(SAMPLES, EXTRA)
    assert "握笔姿势" in got[1] and "卷面分" in got[1]


def test_dropped_tokens_never_come_back_and_texts_line_up() -> None:
    seg = Segmenter(drop=["，", "的", " "])
    docs = seg.cut_many("\x00".join(["我的书，很好", "", "好的 书"]))
    assert docs == [["我", "书", "很", "好"], [], ["好", "书"]]


def test_a_full_table_grows_and_resumes_mid_batch() -> None:
    seg = Segmenter()
    texts = [f"词{i}号 token{i}x" for i in range(3000)]
    seg._used = len(seg._table) // 2 - 100  # as if the vocabulary had nearly filled the table
    size = len(seg._table)
    assert seg.cut_many("\x00".join(texts)) == reference(texts)
    assert len(seg._table) > size


def test_real_reviews_tokenise_exactly_like_rjieba() -> None:
    path = shared_data("zh-reviews", "online_shopping_10_cats.csv")
    with path.open(encoding="utf-8-sig") as fh:
        texts = [r["review"].replace("\x00", " ") for r in csv.DictReader(fh) if r["review"]]
    ours = Segmenter().cut_many("\x00".join(texts))
    theirs = reference(texts)
    same = sum(a == b for a, b in zip(ours, theirs, strict=True))
    print(f"reviews tokenised identically: {same} / {len(texts)}")
    assert same == len(texts)


@pytest.mark.parametrize("text", ["", "\x00", "\x00\x00"])
def test_empty_texts(text: str) -> None:
    assert Segmenter().cut_many(text) == [[] for _ in range(text.count("\x00") + 1)]


def test_hmm_mode_gives_jiebas_own_tokens_on_real_reviews() -> None:
    # Python jieba (not rjieba) is the reference for HMM mode: rjieba joins `60-70` where jieba does not.
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    path = shared_data("zh-reviews", "online_shopping_10_cats.csv")
    with path.open(encoding="utf-8-sig") as fh:
        texts = [r["review"].replace("\x00", " ") for r in csv.DictReader(fh) if r["review"]][::20]
    texts += [*SAMPLES[:10], "小红书上的穿搭博主推荐的平替好物，氛围感拉满"]
    ours = Segmenter(hmm=True).cut_many("\x00".join(texts))
    same = sum(a == jieba.lcut(t, HMM=True) for a, t in zip(ours, texts, strict=True))
    print(f"HMM mode: {same} / {len(texts)} texts tokenised exactly like jieba.lcut(HMM=True)")
    assert same == len(texts)
