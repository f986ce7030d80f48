"""Scenes mined from 2,000 real note summaries are coherent: NPMI against random term sets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.conftest import shared_data
from zhongcao.analyses.scenes.discovery import binary_matrix, fit_scenes, npmi_coherence, scene_documents
from zhongcao.text import Lexicon


def test_real_note_scenes_beat_random_term_sets() -> None:
    path = shared_data("xhs", "clustered_summaries_post_text.csv")
    notes = pd.read_csv(path)
    docs = scene_documents(notes["summary"].astype(str).tolist(), Lexicon.from_brand(None))
    model = fit_scenes(docs, 10, min_df=5, max_df=0.3)
    binary, index = binary_matrix(docs)
    vocab = list(model.vocabulary)
    rng = np.random.default_rng(0)
    mined, random = [], []
    print(f"\n{len(docs)} real notes, vocabulary {len(vocab)}")
    for k in range(model.components.shape[0]):
        terms = model.top_terms(k, 10)
        c = npmi_coherence(terms, binary, index)
        baseline = [npmi_coherence(list(rng.choice(vocab, size=len(terms), replace=False)), binary, index)
                    for _ in range(20)]
        mined.append(c)
        random.append(float(np.mean(baseline)))
        print(f"scene {k}: NPMI {c:+.3f} vs random {np.mean(baseline):+.3f}  {' '.join(terms)}")
    print(f"mean NPMI mined {np.mean(mined):+.3f}, random {np.mean(random):+.3f}")
    assert np.mean(mined) > np.mean(random) + 0.3
    assert sum(m > r for m, r in zip(mined, random, strict=True)) >= 0.8 * len(mined)
