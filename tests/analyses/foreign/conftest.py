"""Foreign worlds shared by the recovery tests: words drawn from ../shared/data at run time, other data shapes.

Three worlds of different category, size and shape (seed parity: even seeds keep ``brand`` on sponsored
notes only, odd seeds have no ``brand`` column at all). Each is simulated and ingested once per session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_data

FOREIGN_WORLDS: tuple[tuple[str, int, int], ...] = (
    ("haircare", 0, 15_000),
    ("clothing", 1, 12_000),
    ("electronics", 3, 18_000),
)


def world_id(world: tuple[str, int, int]) -> str:
    return f"{world[0]}-seed{world[1]}-{world[2] // 1000}k"


@pytest.fixture(scope="session")
def foreign_worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, dict[str, Any]]]:
    """world id → (workspace, truth) for every world of :data:`FOREIGN_WORLDS`."""
    from zhongcao import pipeline
    from zhongcao.engine import Workspace
    from zhongcao.simulate.foreign import simulate_foreign

    shared = shared_data("zh-reviews").parent  # skips with a reason when the shared data are absent
    shared_data("xhs")
    root = tmp_path_factory.mktemp("foreign_worlds")
    out: dict[str, tuple[Any, dict[str, Any]]] = {}
    for world in FOREIGN_WORLDS:
        name = world_id(world)
        category, seed, users = world
        data = simulate_foreign(shared, root / name, category=category, users=users, seed=seed)
        pipeline.ingest(data, root / f"{name}-ws")
        out[name] = (Workspace(root / f"{name}-ws"), json.loads(Path(data / "truth.json").read_text(encoding="utf-8")))
    return out
