"""Near-duplicate text detection: banded MinHash over character shingles, vectorised with numpy.

Templated comments (刷评) and copied brand copy differ by an emoji, a particle or a typo, so
exact matching misses them. Each text becomes a set of character n-grams; ``num_perm`` MinHash
values estimate Jaccard similarity, and ``bands`` × ``rows`` LSH puts texts sharing any band in
one bucket. Groups are the connected components of the text–bucket graph (scipy), so the whole
pass has no Python loop over pairs. Identical normalised texts are hashed once (``np.unique``),
which is what makes millions of short comments cheap: real comment streams repeat a lot.

With the default ``bands=4`` of 8 rows two texts land together with probability
``1 - (1 - s^8)^4``: about 0.97 at Jaccard 0.9, 0.52 at 0.8, 0.02 at 0.5 (templated comments
differ by emoji and particles, which are stripped, so they sit near 1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_MERSENNE = np.uint64((1 << 61) - 1)
# Emoji, punctuation and spaces carry no template identity; strip them before shingling.
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_MAX_CHARS = 96  # long bodies: the head identifies a template and bounds the work per text


def normalise_for_hash(text: str) -> str:
    return _NOISE.sub("", text.lower())[:_MAX_CHARS]


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Pad texts into an (n, L) array of code points and their lengths."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    width = max(int(lengths.max(initial=0)), 1)
    joined = "".join(t.ljust(width, "\0") for t in texts)
    arr = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).reshape(len(texts), width)
    return arr.astype(np.uint64), lengths


def minhash_signatures(texts: Sequence[str], *, num_perm: int = 32, shingle: int = 2, seed: int = 0,
                       chunk: int = 20_000) -> np.ndarray:
    """(n, num_perm) MinHash signatures of already normalised texts (shorter texts: one shingle)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, int(_MERSENNE), num_perm, dtype=np.uint64)
    b = rng.integers(0, int(_MERSENNE), num_perm, dtype=np.uint64)
    out = np.empty((len(texts), num_perm), dtype=np.uint64)
    for start in range(0, len(texts), chunk):
        part = texts[start:start + chunk]
        codes, lengths = _codes(part)
        n, width = codes.shape
        k = max(width - shingle + 1, 1)
        h = np.zeros((n, k), dtype=np.uint64)
        for j in range(shingle):  # polynomial hash of each n-gram (code points < 2^21)
            col = codes[:, j:j + k] if j + k <= width else np.zeros((n, k), np.uint64)
            h = h * np.uint64(2_097_152) + col
        valid = np.arange(k)[None, :] < np.maximum(lengths - shingle + 1, 1)[:, None]
        sig = np.full((n, num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
        for p in range(num_perm):  # a universal hash per permutation; wraps mod 2^64, then mod p
            v = (h * a[p] + b[p]) % _MERSENNE
            sig[:, p] = np.where(valid, v, np.iinfo(np.uint64).max).min(axis=1)
        out[start:start + len(part)] = sig
    return out


def near_duplicate_groups(texts: Sequence[str], *, num_perm: int = 32, bands: int = 4, shingle: int = 2,
                          seed: int = 0) -> np.ndarray:
    """A group label per text: texts with the same label are near duplicates (LSH candidates).

    Empty texts get their own singleton groups.
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if num_perm % bands:
        raise ValueError("num_perm must be a multiple of bands")
    norm = np.asarray([normalise_for_hash(t or "") for t in texts], dtype=object)
    uniq, inverse = np.unique(norm, return_inverse=True)
    sig = minhash_signatures(list(uniq), num_perm=num_perm, shingle=shingle, seed=seed)
    rows = num_perm // bands
    keys = []
    for band in range(bands):  # one bucket key per band: a hash of that band's rows
        block = sig[:, band * rows:(band + 1) * rows]
        key = np.zeros(len(uniq), dtype=np.uint64)
        for r in range(rows):
            key = key * np.uint64(1_000_003) + block[:, r]
        keys.append(key ^ np.uint64(band))
    all_keys = np.concatenate(keys)
    _, bucket = np.unique(all_keys, return_inverse=True)
    m = len(uniq)
    doc = np.tile(np.arange(m), bands)
    empty = np.asarray([len(u) == 0 for u in uniq])
    keep = ~empty[doc]
    graph = coo_matrix((np.ones(int(keep.sum()), dtype=np.int8), (doc[keep], m + bucket[keep])),
                       shape=(m + int(bucket.max()) + 1, m + int(bucket.max()) + 1))
    _, labels = connected_components(graph, directed=False)
    return labels[:m][inverse].astype(np.int64)


def group_sizes(labels: np.ndarray) -> np.ndarray:
    """Size of each text's near-duplicate group."""
    if len(labels) == 0:
        return np.zeros(0, dtype=np.int64)
    _, inv, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return counts[inv]
