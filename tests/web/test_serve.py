"""serve starts from what `run` already computed: the findings.json next to the workspace is reused when
it records the workspace's generation, and anything computed reports its progress."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.web import create_app


def test_the_findings_run_wrote_are_reused_when_they_match_the_workspace(tiny_ws: Path) -> None:
    ws = Workspace(tiny_ws)
    doc = pipeline.findings(ws)
    assert doc["generation"] == ws.generation
    written = tiny_ws.parent / "findings.json"
    written.write_text(json.dumps({**doc, "generated_at": "written by run"}), encoding="utf-8")
    steps: list[str] = []
    client = TestClient(create_app(tiny_ws, progress=steps.append))
    assert client.get("/api/findings").json()["generated_at"] == "written by run"
    assert steps == ["reuse"]  # nothing computed


def test_a_findings_json_of_another_generation_is_recomputed_with_progress(tiny_ws: Path, tmp_path: Path) -> None:
    doc = pipeline.findings(Workspace(tiny_ws))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**doc, "generation": "1-elsewhere", "generated_at": "stale"}), encoding="utf-8")
    steps: list[str] = []
    client = TestClient(create_app(tiny_ws, findings_json=other, progress=steps.append))
    assert client.get("/api/findings").json()["generated_at"] != "stale"
    assert "analysis:kpi" in steps and "reuse" not in steps


def test_the_favicon_is_answered(tiny_ws: Path) -> None:
    response = TestClient(create_app(tiny_ws)).get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg")
