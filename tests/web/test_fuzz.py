"""Fuzz the API from its own OpenAPI spec (schemathesis): valid and invalid requests, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

EXAMPLES = 25  # per operation and mode: the whole fuzz stays well under a minute


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_no_request_from_the_spec_causes_a_server_error(app: Any, world: Any, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ids = [f["id"] for f in world.doc["findings"]]
    statuses: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        # Real finding ids too, so the rows endpoint is exercised beyond its 404.
        path = {"finding_id": ids[0]} if "{finding_id}" in operation.path and mode is GenerationMode.POSITIVE else None
        fuzz(operation, path, mode, statuses.setdefault(operation.label, set()))
    assert statuses, "no operations were fuzzed"
    assert all(code < 500 for codes in statuses.values() for code in codes)


def fuzz(operation: Any, path: dict[str, str] | None, mode: GenerationMode, seen: set[int]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode, path_parameters=path))
    def check(case: Any) -> None:
        response = case.call()
        seen.add(response.status_code)
        assert response.status_code < 500, (case.path, case.query, response.text[:500])

    try:
        check()
    except Unsatisfiable:
        # No parameters means no invalid request to make (health, options, findings).
        assert mode is GenerationMode.NEGATIVE
