"""The trained negativity model: character n-grams and the lexicon's readings, one logistic regression.

Features of a text (folded as the lexicon folds it, digits read as 0):

* character 1–3-grams present in it (binary), each scaled by 1/√(number of n-gram positions) so a
  long review and a short comment weigh alike. Character n-grams need no segmenter, so the model
  does not move when the text layer's tokenizer changes, and they see 不新鲜 or 没有异味 whole;
* the lexicon's parts (``MODEL_FEATURES``: praise, blame, score, negations, complaints, stickers),
  each as sign·log(1+|x|).

Negation reaches the n-grams too: a negated phrase is replaced by one symbol before they are
taken (不难吃 → ⊕, 一点都不好吃 → ⊖, ``lexicon.masked``), so 难吃 inside 不难吃 is not read as blame.

scikit-learn fits it (``LogisticRegression``, liblinear, classes balanced). The shipped model
(``negativity_model.json``) keeps only n-grams whose weight matters (``export``), with the
intercept, the lexicon weights and the decision threshold; scoring it needs no scikit-learn fit,
only a fixed-vocabulary ``CountVectorizer``. ``build.py`` rebuilds it from the shippable corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any, Self

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from zhongcao.analyses.safety import lexicon
from zhongcao.errors import AnalysisError

MODEL_FILE = "negativity_model.json"
_DIGITS = re.compile(r"\d+")
NGRAMS = (1, 3)


def prepare(text: str) -> str:
    """The n-grams' view: folded, negated phrases masked (lexicon.masked: 不难吃 → ⊕), digits as 0."""
    return _DIGITS.sub("0", lexicon.masked(text))


def prepare_unmasked(text: str) -> str:
    return _DIGITS.sub("0", lexicon.fold(text))


def _vectorizer(vocabulary: dict[str, int] | None = None, min_df: int = 2, mask: bool = True) -> CountVectorizer:
    return CountVectorizer(analyzer="char", ngram_range=NGRAMS, binary=True,
                           preprocessor=prepare if mask else prepare_unmasked,
                           vocabulary=vocabulary, min_df=1 if vocabulary is not None else min_df,
                           dtype=np.float64)


def _scale(counts: sparse.csr_matrix, texts: Sequence[str], mask: bool = True) -> sparse.csr_matrix:
    """Divide each row by √(n-gram positions): a property of the text alone, so pruning the
    vocabulary later does not change the weight of the n-grams that stay."""
    view = prepare if mask else prepare_unmasked
    n = np.fromiter((len(view(t)) for t in texts), dtype=float, count=len(texts))
    positions = sum(np.clip(n - k + 1, 0, None) for k in range(NGRAMS[0], NGRAMS[1] + 1))
    return sparse.diags(1.0 / np.sqrt(np.maximum(positions, 1.0))) @ counts


# The lexicon's parts the model reads. Not its sarcasm count: the training reviews (2008) use 呵呵 as
# friendly laughter, so the count would learn the opposite of today's usage; the markers still
# weigh in the lexicon's score and blame sums, and flip the praise of a sarcastic text there.
MODEL_FEATURES = tuple(f for f in lexicon.FEATURES if f != "sarcasm")
_COLUMNS = [lexicon.FEATURES.index(f) for f in MODEL_FEATURES]


def lexicon_columns(texts: Sequence[str]) -> np.ndarray:
    x = lexicon.features(texts)[:, _COLUMNS]
    return np.sign(x) * np.log1p(np.abs(x))


class NegativityModel:
    """Fit on texts and labels (1 = positive, 0 = negative); ``negative_proba`` is P(negative).

    Parameters
    ----------
    c:
        Inverse regularisation of the logistic regression.
    min_df:
        An n-gram enters the vocabulary when at least this many training texts carry it.
    use_lexicon:
        Whether the lexicon's readings are features beside the n-grams.
    mask_negation:
        Whether the n-grams read negated phrases as one symbol (lexicon.masked) rather than as text.
    threshold:
        P(negative) at or above which a text is negative.
    """

    def __init__(self, c: float = 4.0, min_df: int = 2, use_lexicon: bool = True, mask_negation: bool = True,
                 threshold: float = 0.5) -> None:
        self.c = c
        self.min_df = min_df
        self.use_lexicon = use_lexicon
        self.mask_negation = mask_negation
        self.threshold = threshold

    @staticmethod
    def _design(texts: Sequence[str], vectorizer: CountVectorizer, mask: bool = True) -> sparse.csr_matrix:
        """Scaled n-grams, then the lexicon columns (``fit_design`` drops them when unused)."""
        grams = _scale(vectorizer.transform(texts), texts, mask)
        return sparse.hstack([grams, sparse.csr_matrix(lexicon_columns(texts))], format="csr")

    def fit(self, texts: Sequence[str], labels: Sequence[int] | np.ndarray,
            sample_weight: np.ndarray | None = None) -> Self:
        texts = [str(t) for t in texts]
        vectorizer = _vectorizer(min_df=self.min_df, mask=self.mask_negation).fit(texts)
        return self.fit_design(self._design(texts, vectorizer, self.mask_negation), labels, vectorizer, sample_weight)

    def fit_design(self, x: sparse.csr_matrix, labels: Sequence[int] | np.ndarray, vectorizer: CountVectorizer,
                   sample_weight: np.ndarray | None = None) -> Self:
        """Fit on a design matrix already built by ``design`` (cross-validation reuses one per fold)."""
        y = np.asarray(labels)
        if set(y.tolist()) != {0, 1}:
            raise AnalysisError("training needs both positive (1) and negative (0) examples")
        self.vectorizer_ = vectorizer
        n = len(vectorizer.vocabulary_)
        if not self.use_lexicon:
            x = x[:, :n]
        # liblinear (its shuffling seeded): deterministic, and the fastest of scikit-learn's solvers on these sparse designs.
        self.model_ = LogisticRegression(C=self.c, solver="liblinear", class_weight="balanced", random_state=0)
        self.model_.fit(x, y, sample_weight=sample_weight)
        # Class 1 is positive: negate so that the weights push towards "negative".
        coef = -self.model_.coef_[0]
        self.ngram_weights_ = coef[:n]
        self.lexicon_weights_ = coef[n:] if self.use_lexicon else np.zeros(0)
        self.intercept_ = -float(self.model_.intercept_[0])
        return self

    def negative_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        logit = _scale(self.vectorizer_.transform(texts), texts, self.mask_negation) @ self.ngram_weights_ + self.intercept_
        if self.use_lexicon:
            logit = logit + lexicon_columns(texts) @ self.lexicon_weights_
        return 1.0 / (1.0 + np.exp(-logit))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """1 = positive, 0 = negative (the labels' convention)."""
        return (self.negative_proba(texts) < self.threshold).astype(int)

    def export(self, keep: int = 60000, **provenance: Any) -> dict[str, Any]:
        """The compact form: the ``keep`` n-grams of largest |weight| (the rest weigh almost nothing)."""
        terms = np.empty(len(self.vectorizer_.vocabulary_), dtype=object)
        for term, j in self.vectorizer_.vocabulary_.items():
            terms[j] = term
        order = np.argsort(-np.abs(self.ngram_weights_), kind="stable")[:keep]
        order = order[np.argsort(terms[order], kind="stable")]  # sorted by n-gram: stable diffs between builds
        return {
            "format": 1, "ngrams": list(NGRAMS), "mask_negation": self.mask_negation, "threshold": self.threshold,
            "intercept": round(self.intercept_, 6), "lexicon_features": list(MODEL_FEATURES) if self.use_lexicon else [],
            "lexicon_weights": [round(float(w), 6) for w in self.lexicon_weights_],
            "weights": {str(terms[j]): round(float(self.ngram_weights_[j]), 5) for j in order},
            **provenance,
        }

    @classmethod
    def from_export(cls, data: dict[str, Any]) -> NegativityModel:
        if data.get("format") != 1 or tuple(data["ngrams"]) != NGRAMS:
            raise AnalysisError(f"{MODEL_FILE}: unknown model format; rebuild it (python -m zhongcao.analyses.safety.build)")
        m = cls(use_lexicon=bool(data["lexicon_features"]), mask_negation=bool(data["mask_negation"]),
                threshold=float(data["threshold"]))
        if m.use_lexicon and tuple(data["lexicon_features"]) != MODEL_FEATURES:
            raise AnalysisError(f"{MODEL_FILE}: its lexicon features differ from this code's; rebuild it")
        terms = list(data["weights"])
        m.vectorizer_ = _vectorizer(vocabulary={t: j for j, t in enumerate(terms)}, mask=m.mask_negation)
        m.ngram_weights_ = np.asarray([data["weights"][t] for t in terms], dtype=float)
        m.lexicon_weights_ = np.asarray(data["lexicon_weights"], dtype=float)
        m.intercept_ = float(data["intercept"])
        m.provenance_ = {k: v for k, v in data.items() if k not in ("weights", "lexicon_weights")}
        return m


@cache
def shipped() -> NegativityModel:
    """The model built by ``build.py`` from the shippable corpus (see SOURCES.md beside it)."""
    path = resources.files("zhongcao.analyses.safety").joinpath(MODEL_FILE)
    if not path.is_file():
        raise AnalysisError(f"{MODEL_FILE} is missing from the package; rebuild it (python -m zhongcao.analyses.safety.build)")
    return NegativityModel.from_export(json.loads(path.read_text("utf-8")))
