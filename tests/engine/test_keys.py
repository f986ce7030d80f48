"""The workspace's hash key: drawn once, kept beside the database, shareable only explicitly."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace, read_key_file, write_key_file
from zhongcao.engine.keys import KEY_FILE
from zhongcao.errors import WorkspaceError
from zhongcao.ingest.phone import hash_phone


def _phone_users(folder: Path) -> Path:
    folder.mkdir()
    (folder / "users.csv").write_text("user_id,gender\n13812341234,f\nu2,m\n", encoding="utf-8")
    return folder


def _ids(ws: Path) -> list[str]:
    return Workspace(ws).staged("users", ("user_id",)).column("user_id").to_pylist()


def test_each_workspace_draws_its_own_key_and_keeps_it_private(tmp_path: Path) -> None:
    folder = _phone_users(tmp_path / "in")
    pipeline.ingest(folder, tmp_path / "a")
    pipeline.ingest(folder, tmp_path / "b")
    key_a = read_key_file(tmp_path / "a" / KEY_FILE)
    assert stat.S_IMODE((tmp_path / "a" / KEY_FILE).stat().st_mode) == 0o600
    assert hash_phone("13812341234", key_a) in _ids(tmp_path / "a")
    assert set(_ids(tmp_path / "a")) != set(_ids(tmp_path / "b"))  # unlinkable without a shared key
    assert key_a.hex() not in (tmp_path / "a" / "workspace.duckdb").read_bytes().hex()


def test_a_shared_key_file_makes_two_workspaces_join(tmp_path: Path) -> None:
    folder = _phone_users(tmp_path / "in")
    shared = write_key_file(tmp_path / "partner.key")
    pipeline.ingest(folder, tmp_path / "brand", hash_key_file=shared)
    pipeline.ingest(folder, tmp_path / "agency", hash_key_file=shared)
    assert _ids(tmp_path / "brand") == _ids(tmp_path / "agency")
    assert hash_phone("13812341234", read_key_file(shared)) in _ids(tmp_path / "brand")
    other = write_key_file(tmp_path / "other.key")
    with pytest.raises(WorkspaceError, match="another key"):
        pipeline.ingest(folder, tmp_path / "brand", hash_key_file=other)


def test_a_workspace_from_before_keys_is_refused(tmp_path: Path) -> None:
    folder = _phone_users(tmp_path / "in")
    pipeline.ingest(folder, tmp_path / "ws")
    (tmp_path / "ws" / KEY_FILE).unlink()
    with pytest.raises(WorkspaceError, match="new workspace"):
        pipeline.ingest(folder, tmp_path / "ws")


def test_a_bad_key_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.key").write_text("not hex", encoding="ascii")
    with pytest.raises(WorkspaceError, match=r"bad\.key"):
        read_key_file(tmp_path / "bad.key")
