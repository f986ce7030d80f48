"""Shared statistics helpers: distinct people from people sketches."""

from __future__ import annotations

import random

import pandas as pd

from zhongcao.analyses.stats import distinct_people
from zhongcao.engine.sql import PEOPLE_SKETCH_SIZE, merge_people_sketches


def test_distinct_people_from_sketches_equals_the_union_capped() -> None:
    """Groups of small rows are unioned exactly; a group with a full sketch counts as the cap; people
    in several rows of a group count once (the reason for sketches: rows are per note)."""
    rng = random.Random(1)
    people = [f"{rng.getrandbits(32):08x}" for _ in range(300)]
    rows = []
    for _ in range(500):
        members = rng.sample(people, rng.choice([0, 1, 2, 5, 12, 30, 90]))
        rows.append({"scene": rng.randint(0, 5), "value": rng.choice(["f", "m", "x"]),
                     "people_sketch": sorted(members)[:PEOPLE_SKETCH_SIZE], "members": members})
    few = rng.sample(people, 3)
    for _ in range(40):  # a small group: a handful of people spread over many rows
        rows.append({"scene": 9, "value": "few", "people_sketch": sorted(few), "members": few})
    frame = pd.DataFrame(rows)
    got = distinct_people(frame, ["scene", "value"])
    sizes = set()
    for (scene, value), group in frame.groupby(["scene", "value"]):
        union = set().union(*group["members"])
        assert got[(scene, value)] == min(len(union), PEOPLE_SKETCH_SIZE), (scene, value)
        assert got[(scene, value)] == len(merge_people_sketches(group["people_sketch"]))
        sizes.add(bool(got[(scene, value)] < PEOPLE_SKETCH_SIZE))
    assert sizes == {True, False}  # both kinds of group were exercised
    assert got[(9, "few")] == 3 and frame[frame["scene"] == 9]["people_sketch"].map(len).sum() == 120


def test_a_mart_without_sketches_is_a_clear_error() -> None:
    import pytest

    from zhongcao.errors import AnalysisError

    with pytest.raises(AnalysisError, match=r"older version built it\); ingest the input folder into a new workspace"):
        distinct_people(pd.DataFrame({"scene": [0], "readers": [3]}), ["scene"])
