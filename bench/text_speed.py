"""Text layer throughput: MB of Chinese text per second on one core, ours vs jieba on the same text, with
rjieba's segmentation alone (no normalising, filtering or splitting) beside it, measured interleaved.

Ours runs as the analyses run it: jieba's dictionary plus the base social-commerce lexicon, words learned
from the corpus itself (``zhongcao.text.discover`` on its first 2 MB), hygiene, head compounds and jieba's
HMM. On a shared machine the absolute rates move with the load (printed); the ratios to rjieba and jieba,
timed in turn in the same process, are what to compare across runs."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

from zhongcao.text import Lexicon, tokenise
from zhongcao.text.discover import discover_words
from zhongcao.text.lexicon import base_lexicon

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


def _cpu(f: Any) -> float:
    start = time.process_time()
    f()
    return time.process_time() - start


def bench_text_speed(rounds: int = 3) -> dict[str, Any]:
    """Ours, rjieba and jieba timed in turn, ``rounds`` times (interleaved, so load on a shared machine hits all
    three alike); the median CPU-time rate of each, and the load average while it ran."""
    import statistics

    import jieba
    import rjieba

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
    joined = "\x00".join(texts)
    jieba.setLogLevel(60)
    jieba.initialize()
    sample = texts[: max(1, len(texts) // 20)]  # jieba is slow: time a twentieth and scale
    sample_mb = sum(len(t.encode()) for t in sample) / 1e6
    load = [os.getloadavg()[0]]
    ours, rj, jb = [], [], []
    for _ in range(rounds):
        ours.append(mb / _cpu(lambda: tokenise(texts, lexicon)))
        rj.append(mb / _cpu(lambda: rjieba.cut(joined, False)))
        jb.append(sample_mb / _cpu(lambda: [jieba.lcut(t) for t in sample]))
        load.append(os.getloadavg()[0])
    med = statistics.median
    return {
        "name": "text_speed",
        "what": f"tokenise {mb:.1f} MB of {source} in one process with the base lexicon ({len(base_lexicon())} words), "
                f"{len(learned)} learned words, head compounds and HMM; rjieba.cut (no HMM, segmentation alone: no "
                f"normalising, filtering or splitting) on the same text and jieba.lcut (HMM) on a twentieth of it, "
                f"the three timed in turn {rounds} times; MB per CPU-second (one core), medians",
        "learned_words": len(learned),
        "mb": mb,
        "load_average_1min": load,
        "cpus": os.cpu_count(),
        "zhongcao": {"mb_per_cpu_s": med(ours), "rounds": ours},
        "segmenter_only_rjieba": {"mb_per_cpu_s": med(rj), "rounds": rj},
        "baseline_jieba": {"mb_per_cpu_s": med(jb), "rounds": jb},
        "ratio_ours_over_rjieba": med(ours) / med(rj),
        "time_ratio_baseline_over_ours": med(ours) / med(jb),
        "target_mb_per_s": 20.0,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench_text_speed(), indent=1, ensure_ascii=False))
