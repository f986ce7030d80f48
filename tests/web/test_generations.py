"""The dashboard serves the findings of the workspace's current generation, never a stale cache,
and fails before announcing anything it cannot serve."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.errors import WorkspaceError
from zhongcao.web import app as web_app
from zhongcao.web import create_app, load_findings, serve


def one_more_order(tmp_path: Path) -> Path:
    more = tmp_path / "more"
    more.mkdir()
    (more / "orders.csv").write_text("order_id,user_id,ordered_at,platform,amount\n"
                                     "o9,u2,2025-01-03 10:00:00,jd,50.5\n", encoding="utf-8")
    return more


def orders_in(doc: dict[str, Any]) -> int:
    return int(doc["workspace"]["orders"])


def test_the_findings_cache_is_keyed_by_generation_not_by_file_times(tiny_ws: Path, tmp_path: Path) -> None:
    ws = Workspace(tiny_ws)
    doc = load_findings(ws)
    cache = tiny_ws / web_app.FINDINGS_CACHE
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert stored["generation"] == ws.generation and orders_in(stored["document"]) == 4 == orders_in(doc)
    # A cache that is the same generation is used as it is (nothing recomputed)...
    marked = {**stored["document"], "generated_at": "cached"}
    cache.write_text(json.dumps({"generation": ws.generation, "document": marked}), encoding="utf-8")
    assert load_findings(ws)["generated_at"] == "cached"
    # ...one of another generation never is, however new the file (issue #20: a cache written during
    # a load was newer than the database and kept being served after restarts).
    pipeline.ingest(one_more_order(tmp_path), tiny_ws)
    cache.write_text(json.dumps({"generation": "1-stale", "document": marked}), encoding="utf-8")
    future = time.time() + 3600
    os.utime(cache, (future, future))
    fresh = load_findings(ws)
    assert fresh["generated_at"] != "cached" and orders_in(fresh) == 5
    assert json.loads(cache.read_text(encoding="utf-8"))["generation"] == ws.generation


def test_the_dashboard_follows_a_load_that_lands_while_it_runs(tiny_ws: Path, tmp_path: Path) -> None:
    client = TestClient(create_app(tiny_ws))
    assert orders_in(client.get("/api/findings").json()) == 4
    pipeline.ingest(one_more_order(tmp_path), tiny_ws)
    assert orders_in(client.get("/api/findings").json()) == 5
    assert "o9" not in client.get("/").text  # pages rebuilt too (and no raw row in them)


def test_a_422_does_not_echo_a_huge_parameter(tiny_ws: Path) -> None:
    response = TestClient(create_app(tiny_ws)).get("/api/kpis", params={"channel": "x" * 60_000})  # about httpx's longest query
    assert response.status_code == 422
    assert len(response.content) < 2_000 and "60,000 characters" in response.text


def test_serve_fails_before_announcing(tiny_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    announced: list[str] = []
    with pytest.raises(WorkspaceError, match="no workspace"):
        serve(tmp_path / "missing", announce=announced.append)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(web_app.BindError, match=f"cannot listen on 127.0.0.1:{port}"):
            serve(tiny_ws, port=port, announce=announced.append)
    assert announced == []

    import uvicorn

    served: list[int] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: served.append(sockets[0].getsockname()[1]))
    serve(tiny_ws, port=0, announce=announced.append)
    assert announced == [f"http://127.0.0.1:{served[0]}/"]
