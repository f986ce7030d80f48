from __future__ import annotations

import pytest

from tests.simulate.simworld import World
from zhongcao.simulate import simulate

USERS = 10_000


@pytest.fixture(scope="session")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    base = tmp_path_factory.mktemp("worlds")
    out = {}
    for name in ("writing-course", "clip-earbuds", "hiking-shoes"):
        out[name] = World(simulate(name, base / name, users=USERS, seed=7))
    return out
