from __future__ import annotations

import hashlib

import pytest

from zhongcao.ingest import hash_phone
from zhongcao.ingest.phone import mask_phone, normalise_phone, scrub

DIGEST = hashlib.sha256(b"13812341234").hexdigest()


@pytest.mark.parametrize("raw", ["13812341234", "+86 138-1234-1234", "0086 13812341234", "8613812341234",
                                 "138 1234 1234", "13812341234.0"])
def test_phone_spellings_hash_alike(raw: str) -> None:
    assert normalise_phone(raw) == "13812341234"
    assert hash_phone(raw) == DIGEST


@pytest.mark.parametrize("raw", ["12345", "23812341234", "abc", "138123412345"])
def test_invalid_phone(raw: str) -> None:
    assert normalise_phone(raw) is None
    with pytest.raises(ValueError) as info:
        hash_phone(raw)
    assert raw not in str(info.value) or len(raw) < 6


def test_masking() -> None:
    assert mask_phone("+86 138-1234-1234") == "138****1234"
    assert scrub("call 13812341234 now") == "call 138****1234 now"
