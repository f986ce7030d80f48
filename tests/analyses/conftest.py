"""Demo worlds shared by the analyses' recovery tests (simulated and ingested once per session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

WORLDS = ("writing-course", "clip-earbuds", "hiking-shoes")


@pytest.fixture(scope="session")
def demo_worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Each demo world at 15k users, seed 0, ingested once: world → (workspace, truth)."""
    from zhongcao import pipeline
    from zhongcao.engine import Workspace
    from zhongcao.simulate import simulate

    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    root = tmp_path_factory.mktemp("demo_worlds")
    for world in WORLDS:
        data, ws = root / world, root / f"{world}-ws"
        simulate(world, data, users=15_000, seed=0)
        pipeline.ingest(data, ws)
        out[world] = (Workspace(ws), json.loads(Path(data / "truth.json").read_text(encoding="utf-8")))
    return out


@pytest.fixture(scope="session")
def creator_worlds(demo_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> dict[str, tuple[Any, dict[str, Any]]]:
    return demo_worlds


@pytest.fixture(scope="session")
def safety_worlds(demo_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> dict[str, tuple[Any, dict[str, Any]]]:
    return demo_worlds


@pytest.fixture(scope="session")
def trend_worlds(demo_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> dict[str, tuple[Any, dict[str, Any]]]:
    return demo_worlds
