"""Scene mining at scale: N notes + 5N comments, ours (text layer + TF-IDF + NMF) vs scikit-learn LDA.

The corpus is built by resampling a simulated hiking-shoes world's notes and comments (each
synthetic note = a real simulated note's text plus five comments drawn from the pool), so the
vocabulary and its sparsity are those of real-looking notes. Both methods get the same tokens;
tokenising is timed once, separately, and added to both totals.

    python -m bench.scenes --notes 20000        # the issue's target is --notes 1000000 (5M comments)
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench.harness import as_dict, measure
from zhongcao import pipeline
from zhongcao.analyses.scenes.discovery import binary_matrix, fit_scenes, npmi_coherence, scene_documents
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate
from zhongcao.text import Lexicon

N_SCENES = 8


def corpus(notes: int, seed: int = 0) -> tuple[list[str], Lexicon]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = simulate("hiking-shoes", Path(tmp) / "in", users=20_000, seed=seed)
        pipeline.ingest(folder, Path(tmp) / "ws")
        ws = Workspace(Path(tmp) / "ws")
        text = ws.mart("note_text").to_pandas()
        comments = ws.mart("scene_note_comments").to_pandas()["text"].astype(str).to_numpy()
        lexicon = Lexicon.from_brand(ws.brand)
    base = (text["title"] + " " + text["body"]).to_numpy()
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(base), notes)
    extra = comments[rng.integers(0, len(comments), (notes, 5))]
    return [base[p] + " " + " ".join(c) for p, c in zip(picks, extra, strict=True)], lexicon


def bench_scenes(notes: int) -> dict[str, Any]:
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    texts, lexicon = corpus(notes)
    tok = measure(lambda: scene_documents(texts, lexicon))
    docs = tok.result
    ours = measure(lambda: fit_scenes(docs, N_SCENES))

    def lda() -> tuple[Any, Any]:
        vec = CountVectorizer(analyzer=lambda d: d, min_df=5, max_df=0.3, max_features=20_000)
        x = vec.fit_transform(docs)
        model = LatentDirichletAllocation(n_components=N_SCENES, learning_method="online", batch_size=4096,
                                          max_iter=10, random_state=0, n_jobs=1).fit(x)
        return model, vec.get_feature_names_out()

    base = measure(lda)
    binary, index = binary_matrix(docs[:50_000])
    ours_coh = float(np.mean([npmi_coherence(ours.result.top_terms(k, 10), binary, index)
                              for k in range(ours.result.components.shape[0])]))
    model, vocab = base.result
    lda_coh = float(np.mean([npmi_coherence([str(vocab[i]) for i in np.argsort(-c)[:10]], binary, index)
                             for c in model.components_]))
    ours_total = tok.seconds + ours.seconds
    base_total = tok.seconds + base.seconds
    return {
        "name": "scenes",
        "what": f"scene mining on {notes:,} notes + {5 * notes:,} comments ({N_SCENES} scenes): tokenise + TF-IDF + NMF "
                "vs tokenise + counts + scikit-learn LDA (online, 10 passes) on the same tokens",
        "users": 0, "input_rows": notes * 6, "notes": notes, "comments": 5 * notes,
        "tokenise": as_dict(tok),
        "zhongcao": {"seconds": ours_total, "peak_rss_mb": max(tok.peak_rss_mb, ours.peak_rss_mb),
                     "model_seconds": ours.seconds, "npmi": ours_coh},
        "baseline_pandas": {"seconds": base_total, "peak_rss_mb": max(tok.peak_rss_mb, base.peak_rss_mb),
                            "model_seconds": base.seconds, "npmi": lda_coh, "what": "scikit-learn LDA"},
        "time_ratio_baseline_over_ours": base_total / ours_total,
        "model_time_ratio": base.seconds / ours.seconds,
        "same_numbers": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=1_000_000)
    args = parser.parse_args()
    e = bench_scenes(args.notes)
    print({k: e[k] for k in ("what", "tokenise", "zhongcao", "baseline_pandas", "time_ratio_baseline_over_ours",
                             "model_time_ratio")})


if __name__ == "__main__":
    main()
