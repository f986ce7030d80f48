from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pyarrow as pa
import pytest

from zhongcao.ingest import hash_phone, read_input
from zhongcao.ingest.phone import (
    mask_handle,
    mask_phone,
    mask_text,
    normalise_phone,
    phone_share,
    protect_ids,
    scrub,
)

KEY = b"k" * 32
DIGEST = hmac.new(KEY, b"13812341234", hashlib.sha256).hexdigest()


@pytest.mark.parametrize("raw", ["13812341234", "+86 138-1234-1234", "0086 13812341234", "8613812341234",
                                 "138 1234 1234", "13812341234.0"])
def test_phone_spellings_hash_alike(raw: str) -> None:
    assert normalise_phone(raw) == "13812341234"
    assert hash_phone(raw, KEY) == DIGEST


def test_the_hash_is_keyed_so_the_number_space_cannot_be_enumerated() -> None:
    """An unkeyed SHA-256 of 11 digits is reversed by trying every number; a keyed one is not."""
    assert hash_phone("13812341234", KEY) != hashlib.sha256(b"13812341234").hexdigest()
    assert hash_phone("13812341234", KEY) != hash_phone("13812341234", b"x" * 32)
    with pytest.raises(Exception, match="16 bytes"):
        hash_phone("13812341234", b"short")


@pytest.mark.parametrize("raw", ["12345", "23812341234", "abc", "138123412345"])
def test_invalid_phone(raw: str) -> None:
    assert normalise_phone(raw) is None
    with pytest.raises(ValueError) as info:
        hash_phone(raw, KEY)
    assert raw not in str(info.value) or len(raw) < 6


def test_masking() -> None:
    assert mask_phone("+86 138-1234-1234") == "138****1234"
    assert scrub("call 13812341234 now") == "call 138****1234 now"
    assert scrub("order 2025013812341234999") == "order 2025013812341234999"  # a longer digit run is no phone


def test_ids_holding_phones_are_hashed_whatever_their_share() -> None:
    """A user-id column where few values are phones must still not store those (the old rule
    hashed a column only when 80% of its first 200 values were phones)."""
    ids = pa.array(["u1", "u2", "138 1234 1234", "u4", "mobile:13912345678", None] + [f"u{i}" for i in range(300)])
    out, n = protect_ids(ids, KEY)
    values = out.to_pylist()
    assert n == 2 and values[0] == "u1" and values[5] is None
    assert values[2] == DIGEST  # joins with the same number written in a phone column
    assert "13912345678" not in str(values) and len(values[4]) == 64
    dictionary = pa.array(["13812341234", "u1", "13812341234"]).dictionary_encode()
    assert protect_ids(dictionary, KEY)[0].to_pylist() == [DIGEST, "u1", DIGEST]


def test_text_columns_keep_their_words_and_lose_their_numbers() -> None:
    text = pa.array(["加我 138-1234-1234 领券", "没有号码", None, "+86 13912345678"])
    out, n = mask_text(text)
    assert out.to_pylist() == ["加我 138****1234 领券", "没有号码", None, "139****5678"] and n == 2
    tags = pa.array([["a", "13812341234"], None, ["b"]])
    assert mask_text(tags)[0].to_pylist() == [["a", "138****1234"], None, ["b"]]


def test_a_column_is_judged_by_all_its_rows() -> None:
    column = pa.array([None] * 500 + ["13812341234"] * 500)
    assert phone_share(column) == 1.0
    assert phone_share(pa.array([13812341234, 13912345678, 5])) == pytest.approx(2 / 3)


def test_handles_never_show_a_number() -> None:
    assert mask_handle("13812341234") == "138****1234"
    assert mask_handle("a" * 64) == "aaaaaaaa…"
    assert "13812341234" not in mask_handle("fan13812341234")


def test_phones_planted_everywhere_are_hashed_or_masked_at_ingest(tmp_path: Path) -> None:
    """comments.user_id (a table with no phone column), an extra column whose first rows are empty,
    a user-id column under 80% phones, free text and a creator name: nothing raw is kept."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "comment_id,note_id,user_id,created_at,text\n"
        "m1,n1,13812341234,2025-03-01,好用\n"
        "m2,n1,u2,2025-03-01,加微信 139-1234-5678\n", encoding="utf-8")
    (folder / "creators.csv").write_text(
        "creator_id,name\nc1,小红 13712345678\nc2,小绿\n", encoding="utf-8")
    blank = "\n".join(f"u{i},f," for i in range(300))
    (folder / "users.csv").write_text(
        f"user_id,gender,wechat\n{blank}\nu300,f,13612345678\n", encoding="utf-8")
    staged = read_input(folder, hash_key=KEY)
    stored = repr({name: t.to_pylist() for name, t in staged.tables.items()}) + "".join(map(str, staged.problems))
    for digits in ("13812341234", "13912345678", "1234-5678", "13712345678", "13612345678"):
        assert digits not in stored
    assert staged.tables["comments"].column("user_id").to_pylist()[0] == DIGEST
    assert "139****5678" in stored and "137****5678" in stored
