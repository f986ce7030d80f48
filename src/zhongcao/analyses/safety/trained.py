"""A trainable negativity classifier for brands that hold labelled text of their own.

The shipped default is ``model.py`` (trained on shippable text only, used by ``sentiment.py``).
This class is the method a brand trains on its own labels (customer-service tags, review stars):
character 1–3-grams hashed into a fixed space (no vocabulary to ship, robust to unseen product
words), TF-IDF weighting learned from the training texts, and a logistic regression.
tests/analyses/safety evaluates the method leave-one-category-out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

from zhongcao.errors import AnalysisError


def char_ngrams(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed character 1–3-gram counts: stateless, so folds can share one matrix."""
    hashing = HashingVectorizer(analyzer="char", ngram_range=(1, 3), n_features=2**20, alternate_sign=False,
                                norm=None)
    return hashing.transform([str(t) for t in texts])


class TrainedSentiment:
    """Fit on (texts, labels with 1 = positive, 0 = negative); predict labels or P(negative)."""

    def __init__(self, c: float = 8.0, max_iter: int = 2000) -> None:
        self.c = c
        self.max_iter = max_iter

    def fit(self, texts: Sequence[str] | sparse.csr_matrix, labels: Sequence[int] | np.ndarray) -> Self:
        counts = texts if sparse.issparse(texts) else char_ngrams(texts)  # type: ignore[arg-type]
        y = np.asarray(labels)
        if len(set(y.tolist())) != 2:
            raise AnalysisError("training needs both positive (1) and negative (0) examples")
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        self.model_ = LogisticRegression(C=self.c, max_iter=self.max_iter).fit(self.tfidf_.transform(counts), y)
        return self

    def negative_proba(self, texts: Sequence[str] | sparse.csr_matrix) -> np.ndarray:
        counts = texts if sparse.issparse(texts) else char_ngrams(texts)  # type: ignore[arg-type]
        positive = list(self.model_.classes_).index(1)
        return 1.0 - self.model_.predict_proba(self.tfidf_.transform(counts))[:, positive]

    def predict(self, texts: Sequence[str] | sparse.csr_matrix) -> np.ndarray:
        return (self.negative_proba(texts) < 0.5).astype(int)
