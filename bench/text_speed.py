"""Text layer throughput: MB of Chinese text per second on one core, ours vs jieba on the same text, with
rjieba's segmentation alone (no normalising, filtering or splitting) beside it.

Ours runs as the analyses run it: jieba's dictionary plus the base social-commerce lexicon, words learned
from the corpus itself (``zhongcao.text.discover`` on its first 2 MB), hygiene and jieba's HMM."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

from zhongcao.text import Lexicon, tokenise
from zhongcao.text.discover import discover_words

SHARED = Path(os.environ.get("ZHONGCAO_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
REVIEWS = SHARED / "zh-reviews" / "online_shopping_10_cats.csv"


def corpus(min_mb: float = 10.0) -> tuple[list[str], str]:
    """Real reviews when ../shared/data is present, else simulated note bodies; at least ``min_mb`` MB."""
    if REVIEWS.exists():
        with REVIEWS.open(encoding="utf-8-sig") as fh:
            texts = [r["review"] for r in csv.DictReader(fh) if r["review"]]
        source = "online_shopping_10_cats reviews"
    else:
        import pyarrow.parquet as pq

        from zhongcao.simulate import simulate

        folder = Path(__file__).parent / "_data" / "text-notes"
        if not (folder / "notes.parquet").exists():
            simulate("writing-course", folder, users=20000, seed=3)
        notes = pq.ParquetFile(folder / "notes.parquet").read(columns=["body"]).column("body").to_pylist()
        texts = [t for t in notes if t]
        source = "simulated note bodies"
    size = sum(len(t.encode()) for t in texts) / 1e6
    reps = max(1, int(min_mb / size + 0.999))
    return texts * reps, source


def bench_text_speed() -> dict[str, Any]:
    import jieba

    texts, source = corpus()
    mb = sum(len(t.encode()) for t in texts) / 1e6
    head, size = [], 0
    for t in texts:
        head.append(t)
        size += len(t.encode())
        if size > 2e6:
            break
    learned = discover_words(head)["word"].tolist()
    lexicon = Lexicon().with_learned(learned)
    tokenise(["预热"], lexicon)
    start, cpu = time.perf_counter(), time.process_time()
    tokenise(texts, lexicon)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    # rjieba alone: one call on the joined text, no normalising, filtering or splitting (its Python strings only).
    import rjieba

    joined = "\x00".join(texts)
    cpu = time.process_time()
    rjieba.cut(joined, False)
    seg_cpu = time.process_time() - cpu
    jieba.initialize()
    sample = texts[: max(1, len(texts) // 10)]  # jieba is slow: time a tenth and scale
    sample_mb = sum(len(t.encode()) for t in sample) / 1e6
    start = time.perf_counter()
    for t in sample:
        jieba.lcut(t)
    theirs = time.perf_counter() - start
    return {
        "name": "text_speed",
        "what": f"tokenise {mb:.1f} MB of {source} in one process (one core) with the base lexicon, "
                f"{len(learned)} learned words and HMM, against jieba.lcut (HMM) on a tenth of it; "
                "per-core rates use CPU time; segmenter_only_rjieba is rjieba.cut alone on the same text",
        "learned_words": len(learned),
        "mb": mb,
        "zhongcao": {"seconds": ours, "mb_per_s": mb / ours, "cpu_seconds": ours_cpu, "mb_per_cpu_s": mb / ours_cpu},
        "segmenter_only_rjieba": {"cpu_seconds": seg_cpu, "mb_per_cpu_s": mb / seg_cpu},
        "baseline_jieba": {"seconds": theirs, "mb_per_s": sample_mb / theirs},
        "time_ratio_baseline_over_ours": (mb / ours) / (sample_mb / theirs),
        "target_mb_per_s": 20.0,
    }


if __name__ == "__main__":
    print(bench_text_speed())
