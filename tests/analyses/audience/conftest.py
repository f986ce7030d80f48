from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate


@pytest.fixture(scope="package")
def writing_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Workspace, dict]:
    root = tmp_path_factory.mktemp("writing")
    simulate("writing-course", root / "input", users=20000, seed=0)
    pipeline.ingest(root / "input", root / "ws")
    truth = json.loads((root / "input" / "truth.json").read_text(encoding="utf-8"))
    return root / "input", Workspace(root / "ws"), truth
