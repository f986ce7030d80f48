"""Lazy access to one simulated world's tables and truth."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


class World:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.truth = json.loads((path / "truth.json").read_text(encoding="utf-8"))
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self._cache:
            self._cache[table] = pd.read_parquet(self.path / f"{table}.parquet")
        return self._cache[table]
