from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate


def _world(name: str, tmp: Path) -> tuple[Workspace, dict[str, Any]]:
    out = simulate(name, tmp / "in", users=20_000, seed=0)
    pipeline.ingest(out, tmp / "ws")
    return Workspace(tmp / "ws"), json.loads((Path(out) / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def hiking(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict[str, Any]]:
    return _world("hiking-shoes", tmp_path_factory.mktemp("hiking"))


@pytest.fixture(scope="session")
def earbuds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict[str, Any]]:
    return _world("clip-earbuds", tmp_path_factory.mktemp("earbuds"))


@pytest.fixture(scope="session")
def writing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict[str, Any]]:
    return _world("writing-course", tmp_path_factory.mktemp("writing"))
