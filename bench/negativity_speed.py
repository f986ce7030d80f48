"""Negativity scoring throughput: texts per second on one process, the shipped model (with its lexicon
features) against SnowNLP's sentiment, the library a user would otherwise pick, on the same texts.

Texts: waimai_10k reviews (short, like comments) when ../shared/data is present, else the comments
of a small simulated world. Each distinct text is scored once per run (no cache helps either side:
the lexicon's cache is cleared before the run)."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

SHARED = Path(os.environ.get("ZHONGCAO_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
REVIEWS = SHARED / "zh-reviews" / "waimai_10k.csv"


def corpus() -> tuple[list[str], str]:
    if REVIEWS.exists():
        with REVIEWS.open(encoding="utf-8-sig") as fh:
            return [r["review"] for r in csv.DictReader(fh) if r["review"]], "waimai_10k reviews"
    import pyarrow.parquet as pq

    from zhongcao.simulate import simulate

    folder = Path(__file__).parent / "_data" / "negativity-comments"
    if not (folder / "comments.parquet").exists():
        simulate("writing-course", folder, users=20000, seed=3)
    texts = pq.ParquetFile(folder / "comments.parquet").read(columns=["text"]).column("text").to_pylist()
    return [t for t in dict.fromkeys(texts) if t], "simulated comments"


def bench_negativity_speed() -> dict[str, Any]:
    from zhongcao.analyses.safety import lexicon, negativity

    texts, source = corpus()
    negativity(["预热"])  # loads the model file
    lexicon._cached.cache_clear()
    start, cpu = time.perf_counter(), time.process_time()
    negativity(texts)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    result: dict[str, Any] = {
        "name": "negativity_speed",
        "what": f"P(negative) for {len(texts)} {source}, one process; SnowNLP(text).sentiments on a tenth of them",
        "texts": len(texts),
        "zhongcao": {"seconds": ours, "texts_per_s": len(texts) / ours, "texts_per_cpu_s": len(texts) / ours_cpu},
    }
    try:
        from snownlp import SnowNLP
    except ModuleNotFoundError:
        result["baseline_snownlp"] = "not installed (pip install snownlp)"
        return result
    sample = texts[: max(1, len(texts) // 10)]
    _ = SnowNLP("预热").sentiments
    start = time.perf_counter()
    for t in sample:
        _ = SnowNLP(t).sentiments
    theirs = time.perf_counter() - start
    result["baseline_snownlp"] = {"seconds": theirs, "texts_per_s": len(sample) / theirs}
    result["speed_ratio_ours_over_baseline"] = (len(texts) / ours) / (len(sample) / theirs)
    return result


if __name__ == "__main__":
    print(bench_negativity_speed())
