"""Foreign worlds: simulated brands whose words come from real text and whose data take other shapes.

``simulate_foreign(shared, out, category=..., users=..., seed=...)`` writes the same tables, brand.toml
and truth.json as :func:`zhongcao.simulate.simulate`, through the same engine, but:

- every word is drawn at run time from the shared data folder (``zh-reviews``, ``xhs``; vocab.py), never
  from the repository, and the seed picks which words carry each planted truth (build.py);
- the data take shapes the demo worlds do not: the segment attribute is a lead-form answer on ``leads``
  (``users`` has no extra column), organic notes carry no ``brand`` (odd seeds: no ``brand`` column at all;
  even seeds: only sponsored notes name their brand), the brand is named in the text by its name, its
  declared Latin alias in any case, or a variant (name + 家), notes have no ``topic`` column, some
  lead-form answers are blank, and bought comments come over 30 hours instead of 6 (reshape.py).

See docs/simulation.md (Foreign worlds).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zhongcao.errors import ContractError
from zhongcao.simulate.foreign.vocab import CATEGORIES

FOREIGN_INDEX = 100  # world index of the first category in the simulator's seeds (demo worlds use 0–2)


def simulate_foreign(shared: Path, out: Path, *, category: str, users: int = 15_000, seed: int = 0,
                     progress: Callable[[str, float], None] | None = None) -> Path:
    """Generate a foreign world of ``category`` (a key of ``CATEGORIES``) into ``out``; returns ``out``."""
    from zhongcao.simulate import core
    from zhongcao.simulate.foreign import build, reshape, vocab

    if category not in CATEGORIES:
        raise ContractError(f"unknown foreign category {category!r}; choose one of {', '.join(CATEGORIES)}")
    if users < 1_000:
        raise ContractError("simulate needs at least 1,000 users")
    v = vocab.load(Path(shared), category, seed)
    p = build.plan(v, seed)
    spec = build.spec(v, p, seed)
    out = Path(out)
    core.run(spec, FOREIGN_INDEX + list(CATEGORIES).index(category), out, users, seed,
             progress or (lambda _s, _f: None))
    reshape.reshape(out, spec, p, seed)
    return out


__all__ = ["CATEGORIES", "simulate_foreign"]
