"""Aliases of the demo worlds (``demo_worlds`` in tests/conftest.py, simulated and ingested once per session)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def creator_worlds(demo_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> dict[str, tuple[Any, dict[str, Any]]]:
    return demo_worlds


@pytest.fixture(scope="session")
def safety_worlds(demo_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> dict[str, tuple[Any, dict[str, Any]]]:
    return demo_worlds


@pytest.fixture(scope="session")
def trend_worlds(demo_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> dict[str, tuple[Any, dict[str, Any]]]:
    return demo_worlds
