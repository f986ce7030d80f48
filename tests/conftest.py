from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(os.environ.get("ZHONGCAO_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A copy of the hand-checked tiny input folder (tests may modify it)."""
    dest = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", dest)
    return dest


@pytest.fixture
def tiny_ws(tiny_dir: Path, tmp_path: Path) -> Path:
    from zhongcao import pipeline

    ws = tmp_path / "ws"
    pipeline.ingest(tiny_dir, ws)
    return ws


def shared_data(*parts: str) -> Path:
    """A file under ../shared/data, or skip with a reason when the folder is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (set ZHONGCAO_SHARED_DATA)")
    return path


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
DEMO_WORLDS = ("clip-earbuds", "hiking-shoes", "writing-course")
DEMO_USERS = 5000


@dataclass(frozen=True)
class DemoWorld:
    name: str
    workspace: Path
    report: Path
    findings: Path
    doc: dict[str, Any]


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], DemoWorld]:
    """A demo world simulated (5k users) and run once per test session, shared by every test that asks
    for the same one (the report, consistency, dashboard and browser tests)."""
    built: dict[str, DemoWorld] = {}

    def build(name: str) -> DemoWorld:
        if name not in built:
            from zhongcao import pipeline
            from zhongcao.simulate import simulate

            root = tmp_path_factory.mktemp(f"demo-{name}")
            simulate(name, root / "input", users=DEMO_USERS, seed=3)
            result = pipeline.run(root / "input", root, workspace=root / "workspace")
            built[name] = DemoWorld(name, root / "workspace", result.report_path, result.findings_path,
                                    json.loads(result.findings_path.read_text(encoding="utf-8")))
        return built[name]

    return build
