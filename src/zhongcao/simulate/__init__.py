"""Demo-world simulator with planted truths.

``simulate(world, out)`` writes one Parquet file per contract table, ``brand.toml`` and
``truth.json`` (what was planted, for recovery tests). See docs/simulation.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zhongcao.errors import ContractError
from zhongcao.simulate.scenario import GeoHoldout, Scenario

WORLDS: tuple[str, ...] = ("writing-course", "clip-earbuds", "hiking-shoes")


def simulate(world: str, out: Path, *, users: int = 20_000, seed: int = 0,
             progress: Callable[[str, float], None] | None = None, confounded: str | None = None,
             geo_holdout: GeoHoldout | None = None) -> Path:
    """Generate ``world`` for ``users`` panel users into ``out``; returns ``out``.

    ``confounded``: a channel whose budget follows a hidden demand driver; ``geo_holdout``: a
    channel switched off in some provinces for a window (``scenario.py``; both in truth.json).
    """
    from zhongcao.simulate import core
    from zhongcao.simulate.worlds import spec_for

    if world not in WORLDS:
        raise ContractError(f"unknown world {world!r}; choose one of {', '.join(WORLDS)}")
    if users < 1_000:
        raise ContractError("simulate needs at least 1,000 users")
    scenario = Scenario(confounded, geo_holdout)
    scenario.check()
    return core.run(spec_for(world), WORLDS.index(world), Path(out), users, seed, progress or (lambda _s, _f: None),
                    scenario)


__all__ = ["WORLDS", "GeoHoldout", "simulate"]
