"""The workspace's hash key: the secret that phone numbers and buyer names are hashed with.

Ids that are phone numbers become HMAC-SHA256(key, 11 digits) at ingestion (``ingest.phone``).
The key is drawn once per workspace (32 random bytes) and kept in ``WS/hash.key`` (hex, mode
0600); it is never written into the database, the marts, findings, reports, exports or logs.

Two parties who want to join their data on hashed phones (a brand and an agency, two workspaces
of one brand) must hash with the same key: one of them creates a key file (``zhongcao keygen
--out partner.key``), hands it over out of band, and both ingest with ``--hash-key-file
partner.key`` (or ``ZHONGCAO_HASH_KEY_FILE=partner.key``). A new workspace adopts the file's key;
a workspace that already has a different key refuses it (its ids would stop joining).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from zhongcao.errors import WorkspaceError

KEY_FILE = "hash.key"
KEY_ENV = "ZHONGCAO_HASH_KEY_FILE"
KEY_BYTES = 32
_DB_FILE = "workspace.duckdb"


def read_key_file(path: Path | str) -> bytes:
    """A key file: 64 hex digits (whitespace ignored)."""
    path = Path(path)
    try:
        text = "".join(path.read_text(encoding="ascii").split())
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise WorkspaceError(f"hash key file {path} is not usable: expected 64 hex digits "
                             f"(zhongcao keygen --out FILE writes one) ({type(error).__name__})") from error
    if len(key) < 16:
        raise WorkspaceError(f"hash key file {path} holds {len(key)} bytes; a key needs at least 16 (32 is usual)")
    return key


def write_key_file(path: Path | str, key: bytes | None = None) -> Path:
    """Write ``key`` (or a fresh random one) as hex, readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write((key or secrets.token_bytes(KEY_BYTES)).hex() + "\n")
    os.replace(tmp, path)
    return path


def workspace_key(workspace: Path | str, key_file: Path | str | None = None) -> tuple[bytes, bool]:
    """(the workspace's key, whether it is new). A new key comes from ``key_file`` (or
    ``$ZHONGCAO_HASH_KEY_FILE``) when one is given, else is drawn at random; the caller keeps it with
    :func:`keep_key` once the first load succeeded (a failed first load leaves no folder behind)."""
    workspace = Path(workspace)
    given = key_file or os.environ.get(KEY_ENV) or None
    shared = read_key_file(given) if given else None
    own = workspace / KEY_FILE
    if own.is_file():
        key = read_key_file(own)
        if shared is not None and not secrets.compare_digest(shared, key):
            raise WorkspaceError(f"{workspace} already hashes ids with another key than {given}: its ids would stop "
                                 "joining; ingest into a new workspace to use the shared key")
        return key, False
    if (workspace / _DB_FILE).is_file():
        raise WorkspaceError(f"{workspace} was built before ids were hashed with a workspace key (its phone hashes "
                             "can be reversed by trying every number): ingest its input into a new workspace")
    return (shared if shared is not None else secrets.token_bytes(KEY_BYTES)), True


def keep_key(workspace: Path | str, key: bytes) -> None:
    """Store a new workspace's key beside its database."""
    write_key_file(Path(workspace) / KEY_FILE, key)
