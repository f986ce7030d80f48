"""Scene discovery: unsupervised topics (NMF on TF-IDF) over notes and their comments.

Pure functions on token lists, so the same maths runs on simulated notes, real note exports
and the benchmark. A *scene* is an NMF component: a non-negative weight per term (its term
vector, used to label it and to measure how far it is from the brand's selling points) and a
non-negative weight per note (used to assign notes to scenes).

NMF rather than LDA: on short, hashtag-heavy notes NMF on TF-IDF gives sharper, more coherent
topics and is several times faster (bench/scenes.py measures it against scikit-learn's LDA on
the same tokens).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from zhongcao.analyses.audience.terms import term_sets
from zhongcao.text import Lexicon, entity_type

# Names (brand, competitor, product) say whose note it is, not what life scene it shows.
_NOT_SCENE_TERMS = frozenset({"brand", "competitor", "product"})


@dataclass(frozen=True)
class SceneModel:
    """A fitted scene model: vocabulary, term weights per scene, scene weights per document."""

    vocabulary: np.ndarray  # terms, shape (V,)
    components: np.ndarray  # scene × term weights, shape (K, V)
    doc_weights: np.ndarray  # document × scene weights, shape (D, K)
    tfidf: sp.csr_matrix  # document × term TF-IDF, shape (D, V)

    def top_terms(self, k: int, n: int = 10) -> list[str]:
        order = np.argsort(-self.components[k])[:n]
        return [str(self.vocabulary[i]) for i in order if self.components[k, i] > 0]

    def assignment(self, min_share: float = 0.25) -> np.ndarray:
        """Each document's dominant scene, or -1 when no scene holds ``min_share`` of its weight."""
        w = self.doc_weights
        total = w.sum(axis=1)
        best = w.argmax(axis=1)
        share = np.divide(w.max(axis=1), total, out=np.zeros_like(total), where=total > 0)
        return np.where(share >= min_share, best, -1)

    def term_vector(self, words: Sequence[str]) -> np.ndarray:
        """An indicator vector over the vocabulary (words absent from it are ignored)."""
        index = {t: i for i, t in enumerate(self.vocabulary)}
        v = np.zeros(len(self.vocabulary))
        for w in words:
            i = index.get(w.lower())
            if i is not None:
                v[i] = 1.0
        return v


def scene_documents(texts: Sequence[str], lexicon: Lexicon | None, *, phrase_min_count: int = 20) -> list[list[str]]:
    """Each text's scene terms: the text layer's terms (tokens, phrases, hashtags without '#'),
    minus brand, competitor and product names and symbols."""
    out = []
    for terms in term_sets(texts, lexicon, phrase_min_count=phrase_min_count):
        doc = []
        for t in terms:
            t = t.lstrip("#")
            if len(t) < 2 or not any(ch.isalnum() for ch in t):
                continue
            if entity_type(t, lexicon) in _NOT_SCENE_TERMS:
                continue
            doc.append(t)
        out.append(list(dict.fromkeys(doc)))
    return out


def fit_scenes(docs: Sequence[Sequence[str]], n_scenes: int, *, min_df: int = 5, max_df: float = 0.3,
               seed: int = 0, max_features: int = 20_000, fit_rows: Sequence[int] | None = None) -> SceneModel:
    """NMF with ``n_scenes`` components on the TF-IDF of pre-tokenised documents.

    Terms in more than ``max_df`` of the documents (生活碎片, 分享: the platform's filler
    hashtags) and in fewer than ``min_df`` documents are left out of the vocabulary. With
    ``fit_rows`` the vocabulary and the scenes are learned from those documents only (one per
    template series, so a creator's copies do not make a scene) and every document is then scored.
    """
    vec = TfidfVectorizer(analyzer=_identity, min_df=min_df, max_df=max_df, max_features=max_features,
                          sublinear_tf=True, norm="l2")
    rows = list(range(len(docs))) if fit_rows is None else list(fit_rows)
    x_fit = vec.fit_transform([docs[i] for i in rows])
    k = max(1, min(n_scenes, x_fit.shape[1] - 1, x_fit.shape[0] - 1))
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400, l1_ratio=0.0)
    w = nmf.fit_transform(x_fit)
    x = x_fit if fit_rows is None else vec.transform(docs)
    if fit_rows is not None:
        w = nmf.transform(x)
    return SceneModel(vec.get_feature_names_out(), nmf.components_, w, x.tocsr())


def scene_label(terms: Sequence[str]) -> str:
    """Two terms that say different things (not 价格·价格低): the first, and the next that neither holds nor is held by it."""
    if not terms:
        return ""
    first = terms[0]
    other = next((t for t in terms[1:] if first not in t and t not in first), None)
    return f"{first}·{other}" if other else first


def _identity(doc: Sequence[str]) -> Sequence[str]:
    return doc


def match_brand_scenes(model: SceneModel, brand_scenes: Mapping[str, Sequence[str]]) -> dict[int, str]:
    """Scene index → the brand's name for it, where a brand scene's words weigh most in that scene.

    Each brand scene goes to the discovered scene whose normalised term vector gives its words
    the largest total weight, if that weight is positive; one name per scene (the heavier wins).
    """
    comp = model.components / np.maximum(model.components.sum(axis=1, keepdims=True), 1e-12)
    best: dict[int, tuple[float, str]] = {}
    for name, words in brand_scenes.items():
        v = model.term_vector([name, *words])
        if not v.any():
            continue
        score = comp @ v
        k = int(np.argmax(score))
        if score[k] > 0 and score[k] > best.get(k, (0.0, ""))[0]:
            best[k] = (float(score[k]), name)
    return {k: name for k, (_, name) in best.items()}


def cosine_distance(a: np.ndarray, b: np.ndarray) -> float:
    """1 − cosine similarity; 1.0 when either vector is zero (nothing in common)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return 1.0
    return float(1.0 - (a @ b) / (na * nb))


def npmi_coherence(terms: Sequence[str], docs: Sequence[Sequence[str]] | sp.csr_matrix,
                   index: Mapping[str, int] | None = None, eps: float = 1e-12) -> float:
    """Mean normalised PMI over pairs of ``terms``, with document co-occurrence as the window.

    NPMI(a, b) = log(P(a,b) / (P(a) P(b))) / −log P(a,b), in [−1, 1]; a pair that never
    co-occurs scores −1 (the usual convention). ``docs`` is a list of token lists or a binary
    document × term matrix with ``index`` mapping terms to its columns.
    """
    if isinstance(docs, sp.spmatrix):
        if index is None:
            raise ValueError("a document × term matrix needs the term index")
        cols = [index[t] for t in terms if t in index]
        sub = (docs[:, cols] > 0).astype(np.float64).tocsc()
        n = docs.shape[0]
    else:
        sets = [set(d) for d in docs]
        n = len(sets)
        cols = list(range(len(terms)))
        sub = sp.csc_matrix(np.array([[t in s for t in terms] for s in sets], dtype=np.float64))
    if n == 0 or len(cols) < 2:
        return math.nan
    p = np.asarray(sub.sum(axis=0)).ravel() / n
    co = (sub.T @ sub).toarray() / n
    scores = []
    for i, j in combinations(range(len(cols)), 2):
        pij = co[i, j]
        if pij <= 0 or p[i] <= 0 or p[j] <= 0:
            scores.append(-1.0)
            continue
        if pij >= 1 - eps:
            scores.append(1.0)
            continue
        scores.append(math.log(pij / (p[i] * p[j])) / -math.log(pij))
    return float(np.mean(scores))


def binary_matrix(docs: Sequence[Sequence[str]]) -> tuple[sp.csr_matrix, dict[str, int]]:
    """Document × term presence matrix and its term index (for coherence on a corpus)."""
    index: dict[str, int] = {}
    rows, cols = [], []
    for r, d in enumerate(docs):
        for t in set(d):
            cols.append(index.setdefault(t, len(index)))
            rows.append(r)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(index)))
    return m, index
