"""Importers hash phones and buyer names with a key (the workspace's, in real use): one fixed test key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zhongcao.ingest.phone import keyed

KEY = bytes(range(32))


@pytest.fixture(autouse=True)
def hash_key() -> Iterator[bytes]:
    with keyed(KEY):
        yield KEY
