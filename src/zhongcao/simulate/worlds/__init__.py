"""The three demo worlds; each module exposes ``SPEC``."""

from __future__ import annotations

from zhongcao.simulate.spec import WorldSpec


def spec_for(world: str) -> WorldSpec:
    if world == "writing-course":
        from zhongcao.simulate.worlds.writing_course import SPEC
    elif world == "clip-earbuds":
        from zhongcao.simulate.worlds.clip_earbuds import SPEC
    else:
        from zhongcao.simulate.worlds.hiking_shoes import SPEC
    return SPEC
