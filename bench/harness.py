"""Measure a callable's wall time and peak resident memory, in this process.

Peak memory is sampled from the OS (RSS) by a background thread, so it includes native
allocations (DuckDB, Arrow) that tracemalloc cannot see. Figures are reported next to a
baseline measured in the same run, as ratios: absolute seconds vary between machines.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float  # peak resident set during the call, minus the resident set before it
    result: Any = None


def measure(fn: Callable[[], Any], interval: float = 0.02) -> Measurement:
    gc.collect()
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = base
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, proc.memory_info().rss)
            time.sleep(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    try:
        result = fn()
    finally:
        elapsed = time.perf_counter() - start
        done.set()
        thread.join()
    peak = max(peak, proc.memory_info().rss)
    return Measurement(elapsed, (peak - base) / 2**20, result)


def machine() -> dict[str, Any]:
    versions = {}
    for pkg in ("zhongcao", "duckdb", "pyarrow", "pandas", "numpy", "sqlglot"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                check=False).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "versions": versions,
        "commit": commit,
    }


def write_results(path: Path, entries: list[dict[str, Any]]) -> None:
    doc = {"machine": machine(), "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "benchmarks": entries}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")


def as_dict(m: Measurement) -> dict[str, float]:
    d = asdict(m)
    d.pop("result")
    return d
