"""A demo world with one input table removed at a time: every analysis runs or says what would unlock it.

One small world (clip-earbuds, 5,000 users: it has every table, orders on several platforms,
leads, spend and comments) keeps this affordable: each variant is ingested and assessed, and
every analysis whose prerequisites are met is fitted, except the marketing-mix model and the
budget plan, which read only spend and orders (their removal is covered here by the
prerequisites; their fits on full worlds by tests/analyses/mmm and budget).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.test_real_exports import assert_sound
from zhongcao import pipeline
from zhongcao.analyses.registry import REGISTRY
from zhongcao.contract import TABLES
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate

CHEAP = [n for n in REGISTRY if n not in ("mmm", "budget")]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("partial") / "input"
    simulate("clip-earbuds", folder, users=5000, seed=0)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("removed", list(TABLES))
def test_one_table_removed(world: Path, tmp_path: Path, removed: str) -> None:
    folder = tmp_path / "input"
    shutil.copytree(world, folder)
    files = [p for p in folder.iterdir() if p.name.split(".")[0] == removed]
    assert files, f"the world has no {removed} file"
    for p in files:
        p.unlink()
    ws = Workspace(tmp_path / "ws")
    pipeline.ingest(folder, ws.path)
    assessed = pipeline.capabilities(ws)
    doc: dict[str, Any] = pipeline.findings(ws, CHEAP)
    assert_sound(doc)
    for name in ("mmm", "budget"):  # not fitted here: only their prerequisites are checked
        if removed in ("spend", "orders"):
            assert not assessed[name].runs and assessed[name].missing
    caps = doc["capabilities"]
    # Each analysis needing the removed table is listed with an instruction naming it.
    for name, cap in caps.items():
        needs_it = any(getattr(r, "table", None) == removed for r in REGISTRY[name].requires)
        if needs_it:
            assert cap["status"] == "missing", (name, cap)
            assert any(f"{removed}.csv" in u["en"] for u in cap["unlock"]), (name, cap["unlock"])
        if cap["status"] in ("runs", "partial"):
            assert doc["analyses"][name]["error"] is None
