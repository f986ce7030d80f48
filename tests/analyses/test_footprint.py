"""The privacy footprint is enforced, not a docstring (issue #24): each analysis's fit() reads exactly
the marts and user tables it declares (``marts``, ``user_tables``), on the demo worlds."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from zhongcao import pipeline
from zhongcao.analyses.registry import REGISTRY
from zhongcao.contract import BrandConfig
from zhongcao.errors import AnalysisError


class Recorder:
    """A source that passes reads through to a workspace and records what was read."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.marts: set[str] = set()
        self.tables: set[str] = set()

    @property
    def brand(self) -> BrandConfig:
        return self._inner.brand

    def mart(self, name: str) -> pa.Table:
        self.marts.add(name)
        return self._inner.mart(name)

    def staged(self, table: str, columns: tuple[str, ...] | None = None) -> pa.Table:
        self.tables.add(table)
        return self._inner.staged(table, columns)


def test_every_analysis_declares_a_footprint() -> None:
    for name, entry in REGISTRY.items():
        assert entry.marts or entry.user_tables, f"{name} declares neither marts nor user_tables"
        assert len(set(entry.marts)) == len(entry.marts) and len(set(entry.user_tables)) == len(entry.user_tables)


@pytest.mark.slow
def test_fit_reads_exactly_what_each_analysis_declares(demo_worlds: dict[str, Any]) -> None:
    """On each world an analysis reads nothing it does not declare; over the three worlds it reads
    everything it declares (a declared mart no world makes it read would be a stale declaration).
    Each is fitted on its own, so one built on another (budget, regions) reads through it."""
    read: dict[str, tuple[set[str], set[str]]] = {n: (set(), set()) for n in REGISTRY}
    for world, (ws, _truth) in demo_worlds.items():
        run = pipeline.settings(ws, {"mmm.period": "week", "mmm.steps": 400})  # the reads, not the sampler
        # a segment attribute that is named is searched in every person table (auto looks at two)
        named = pipeline.settings(ws, {"segments.attribute": "not_a_column"})
        for name, settings in [*((n, run) for n in REGISTRY), ("segments", named)]:
            entry = REGISTRY[name]
            source = Recorder(ws)
            try:
                settings.create(name).fit(source)
            except AnalysisError:
                pass  # what it read before refusing still counts
            extra_marts = source.marts - set(entry.marts)
            extra_tables = source.tables - set(entry.user_tables)
            assert not extra_marts and not extra_tables, (
                f"{world}: {name} read undeclared marts {sorted(extra_marts)} / user tables {sorted(extra_tables)}")
            read[name][0].update(source.marts)
            read[name][1].update(source.tables)
    for name, entry in REGISTRY.items():
        assert read[name] == (set(entry.marts), set(entry.user_tables)), (
            f"{name} declares {entry.marts} / {entry.user_tables} but read {read[name]} on the demo worlds")
