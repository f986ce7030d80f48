from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate


def _unique_columns(folder: Path) -> None:
    # While the users contract gains holdout_group the simulator may write it twice; keep the first.
    for path in folder.glob("*.parquet"):
        table = pq.ParquetFile(path).read()
        seen: set[str] = set()
        keep = [i for i, n in enumerate(table.column_names) if not (n in seen or seen.add(n))]
        if len(keep) < table.num_columns:
            pq.write_table(table.select(keep), path)


@pytest.fixture(scope="package")
def writing_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Workspace, dict]:
    root = tmp_path_factory.mktemp("writing")
    simulate("writing-course", root / "input", users=20000, seed=0)
    _unique_columns(root / "input")
    pipeline.ingest(root / "input", root / "ws")
    truth = json.loads((root / "input" / "truth.json").read_text(encoding="utf-8"))
    return root / "input", Workspace(root / "ws"), truth
