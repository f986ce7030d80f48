from __future__ import annotations

import os
import shutil
from pathlib import Path

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
