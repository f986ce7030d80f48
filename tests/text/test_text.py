"""The text layer: normalisation, lexicon, hashtags/emoji, phrases, entities, bad input."""

from __future__ import annotations

from zhongcao.contract import BrandConfig
from zhongcao.text import Lexicon, detect_phrases, join_phrases, normalise, tag_entities, tokenise

BRAND = BrandConfig(name="墨小笔", known_competitors=("练字宝",), lexicon=("握笔姿势", "卷面分", "线下班"),
                    products=("墨小笔 控笔训练营",))


def test_normalise_width_case_and_traditional() -> None:
    assert normalise("ＡＢＣ１２３！") == "abc123!"
    assert normalise("這個課程對孩子來說") == "这个课程对孩子来说"
    assert normalise(None) == "" and normalise("") == ""


def test_lexicon_words_survive_segmentation() -> None:
    lx = Lexicon.from_brand(BRAND)
    (doc,) = tokenise(["孩子握笔姿势不对，卷面分老被扣，报了线下班"], lx)
    assert {"握笔姿势", "卷面分", "线下班"} <= set(doc)
    (plain,) = tokenise(["孩子握笔姿势不对"])
    assert "握笔姿势" not in plain  # without the lexicon the dictionary splits it


def test_hashtags_and_emoji_are_tokens_and_stopwords_dropped() -> None:
    (doc,) = tokenise(["真的好用😂 #在线练字课 #练字[话题]#"])
    assert "#在线练字课" in doc and "#练字" in doc and "😂" in doc
    assert "的" not in doc and "话题" not in doc
    (wide,) = tokenise(["＃在线练字课 好用"])  # a full-width ＃ is a hashtag once width-folded, like #
    assert wide[-1] == "#在线练字课"


def test_empty_missing_and_mixed_input_line_up() -> None:
    texts = ["", None, "   ", "ＯＫ好評價", "abc", "\ufffd\ufffd乱码", "卷面分\n考试", "坏\ud83d掉了"]
    docs = tokenise(texts, Lexicon.from_brand(BRAND))
    assert len(docs) == len(texts)
    assert docs[0] == [] and docs[1] == [] and docs[2] == []
    assert "ok" in docs[3]
    assert "卷面分" in docs[6] and "考试" in docs[6]
    assert "\ud83d" in docs[7]  # a lone surrogate (broken emoji) is a token, not a crash


def test_entities_from_brand_places_and_service_suffixes() -> None:
    lx = Lexicon.from_brand(BRAND)
    tags = tag_entities(["墨小笔", "练字宝", "成都", "广东", "田字格字帖", "少儿书法馆", "控笔训练营", "孩子"], lx)
    assert tags["墨小笔"] == "brand" and tags["练字宝"] == "competitor"
    assert tags["成都"] == "place" and tags["广东"] == "place"
    assert tags["田字格字帖"] == "service" and tags["少儿书法馆"] == "service"
    assert tags["控笔训练营"] == "product"
    assert "孩子" not in tags


def test_phrases_join_frequent_adjacent_pairs() -> None:
    docs = [["写字", "速度", "慢"]] * 30 + [["写字", "好看"]] * 5 + [["速度", "快"]] * 5 + [["今天", "天气"]] * 3
    phrases = detect_phrases(docs, min_count=20, min_pmi=0.1)
    # 天气 is too rare; 速度 + 慢 is a word and a leftover character (the 充电盒 + 大 kind), not a phrase.
    assert phrases == {("写字", "速度"): "写字速度"}
    assert join_phrases([["写字", "速度", "慢"]], phrases) == [["写字速度", "慢"]]


def test_phrases_join_only_words_that_touch_in_the_text() -> None:
    # Stop words and punctuation are dropped from the tokens, so 耳洞 + 姐妹 look adjacent; in the text
    # "不打耳洞的姐妹" they are not, and "质量差，客服推脱" does not make 质量差客服.
    docs = [["耳洞", "姐妹", "耳夹"]] * 30 + [["质量差", "客服"]] * 30
    texts = ["不打耳洞的姐妹冲，耳夹"] * 30 + ["质量差，客服推脱"] * 30
    assert detect_phrases(docs, min_count=20, min_pmi=0.1) != {}
    assert detect_phrases(docs, min_count=20, min_pmi=0.1, texts=texts) == {}
    texts = ["耳洞姐妹耳夹"] * 30 + ["质量差客服"] * 30
    assert detect_phrases(docs, min_count=20, min_pmi=0.1, texts=texts) == {
        ("耳洞", "姐妹"): "耳洞姐妹", ("姐妹", "耳夹"): "姐妹耳夹", ("质量差", "客服"): "质量差客服"}
    assert join_phrases([["耳洞", "姐妹"]], {("耳洞", "姐妹"): "耳洞姐妹"}, texts=["耳洞的姐妹"]) == [["耳洞", "姐妹"]]


def test_batching_changes_nothing() -> None:
    """tokenise normalises and segments texts joined in batches: each text must come out as if alone."""
    texts = ["ＡＢＣ好評價#練字[话题]#", "孩子握笔姿势不对，卷面分老被扣", None, "", "真的好用😂 #在线练字课", "a\x00b 乱码\ufffd",
             "YYDS　全网最低！", "卷面分\n考试", "#标签", "　"]
    lx = Lexicon.from_brand(BRAND)
    together = tokenise(texts, lx)
    assert together == [tokenise([t], lx)[0] for t in texts]
    joined = "\x00".join(t or "" for t in texts if t is None or "\x00" not in t)
    assert normalise(joined).split("\x00") == [normalise(t) for t in texts if t is None or "\x00" not in t]


def test_discovery_keeps_new_words_not_phrases_around_taught_ones() -> None:
    from zhongcao.text.discover import _new_words

    lex = Lexicon.from_brand(None, extra={"线下班": "service", "早八": "term"}, places=False, base=False)
    # 线下班 + 三个月 is a phrase around a taught word (a simulated template once taught it as one word, and
    # 线下班, a planted competitor, stopped being a token); 早八 + 人 is a new word built on a taught one.
    assert _new_words(["线下班三个月", "早八人"], lex) == [False, True]
