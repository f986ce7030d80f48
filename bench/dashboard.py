"""Dashboard first paint and filtered queries, against recomputing the same numbers with pandas.

What a marketer would otherwise do for each filter change is reload the exports and recompute
(pandas over orders joined to the users panel). Ours answers from precomputed marts. Measured
in the same run on the same world:

- ``first_paint_s``: the page plus the live view's first data (GET /, /api/kpis, /api/rows), in
  process; and, when the system Chromium is present, the browser's first contentful paint and
  the time until the live KPI tiles are filled (served by uvicorn on 127.0.0.1).
- ``filtered_kpis``: one filtered /api/kpis request vs the pandas recomputation of the same
  orders and sales (the numbers are compared).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from bench.harness import as_dict, measure

warnings.filterwarnings("ignore", message=".*httpx.*")
CHROMIUM = Path("/usr/bin/chromium")


def pandas_filtered(folder: Path, platform: str, segment: tuple[str, str]) -> dict[str, float]:
    """The baseline: read the exports, join the panel, filter, sum."""
    orders = pd.read_parquet(folder / "orders.parquet", columns=["user_id", "platform", "amount"])
    users = pd.read_parquet(folder / "users.parquet", columns=["user_id", segment[0]])
    users[segment[0]] = users[segment[0]].astype(str).str.lower()
    joined = orders.merge(users, on="user_id", how="left")
    picked = joined[(joined["platform"].str.lower() == platform) & (joined[segment[0]] == segment[1])]
    return {"orders": float(len(picked)), "gmv": float(picked["amount"].sum())}


def _browser_paint(app: Any) -> dict[str, float] | None:
    if not CHROMIUM.exists():
        return None
    import uvicorn
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(bypass_csp=True)
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("document.querySelector('[data-live=orders]').textContent !== '—'")
            filled = time.perf_counter() - start
            fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {"first_contentful_paint_s": (fcp or 0) / 1000, "live_tiles_filled_s": filled}


def bench_dashboard(folder: Path, users: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from zhongcao import pipeline
    from zhongcao.web import create_app

    rows = sum(len(pd.read_parquet(p, columns=[])) for p in folder.glob("*.parquet"))
    tmp = Path(tempfile.mkdtemp())
    try:
        pipeline.ingest(folder, tmp / "ws")
        startup = measure(lambda: create_app(tmp / "ws"))  # computes and caches findings.json once
        app = startup.result
        client = TestClient(app)

        def first_paint() -> int:
            sizes = [len(client.get(url).content) for url in ("/", "/api/kpis", "/api/rows")]
            return sum(sizes)

        paint = measure(first_paint)
        opts = client.get("/api/options").json()
        platform = "tmall" if "tmall" in opts["platforms"] else opts["platforms"][0]
        segment = next(s for s in opts["segments"] if s.startswith("gender:f")) if any(
            s.startswith("gender:f") for s in opts["segments"]) else opts["segments"][0]
        params = {"platform": platform, "segment": segment}
        mine = measure(lambda: client.get("/api/kpis", params=params).json()["kpis"])
        attribute, value = segment.split(":", 1)
        base = measure(lambda: pandas_filtered(folder, platform, (attribute, value)))
        same = all(abs((mine.result[k] or 0) - base.result[k]) <= 1e-6 * max(1.0, abs(base.result[k]))
                   for k in ("orders", "gmv"))
        browser = _browser_paint(app)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "name": "dashboard",
        "what": "dashboard first paint (page + live view data) and one filtered KPI request from precomputed "
                "marts, against pandas recomputing the same filtered orders and sales from the exports",
        "users": users,
        "input_rows": rows,
        "startup_s": startup.seconds,
        "first_paint_s": paint.seconds,
        "first_paint_bytes": paint.result,
        "first_paint_under_1s": paint.seconds < 1.0,
        "browser": browser,
        "filters": params,
        "zhongcao": as_dict(mine),
        "baseline_pandas": as_dict(base),
        "time_ratio_baseline_over_ours": base.seconds / mine.seconds,
        "memory_ratio_ours_over_baseline": mine.peak_rss_mb / max(base.peak_rss_mb, 1.0),
        "same_numbers": same,
    }


if __name__ == "__main__":
    import argparse
    import json

    from bench.run import world

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1_000_000)
    args = parser.parse_args()
    print(json.dumps(bench_dashboard(world("hiking-shoes", args.users), args.users), indent=1, ensure_ascii=False))
