"""Who may change a workspace, and who is reading it.

One writer at a time: a load (or a mart built on first use, or a repair) holds an exclusive
``flock`` on ``WS/.lock`` and writes its pid, start time and purpose into it, so a second writer
is told who holds it. The kernel drops a flock when its process dies, however it dies (kill -9
included), so a lock file left by a dead process is stale by construction: the next writer takes
it over and says so. The file itself is never deleted (deleting a lock file another process is
about to lock would let two writers in).

Readers hold a shared ``flock`` on ``WS/.readers`` while a connection is open. Nothing a reader's
snapshot references is ever deleted by a load (segments are immutable and only added), but
garbage collection of files no database lists (the debris of an interrupted load) also waits
until no reader holds it, so even a future compaction cannot pull a file from under a reader.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zhongcao.errors import WorkspaceBusyError

WRITER_FILE = ".lock"
READERS_FILE = ".readers"
# A load waits this long for a short writer (a repair or a mart built on first use) to finish; it
# never waits for another load, which may take minutes: the user is told at once who holds it.
SHORT_WAIT_S = 60.0
SHORT_PURPOSES = frozenset({"recovery", "mart"})


@dataclass(frozen=True)
class Holder:
    """What a writer wrote into the lock file."""

    pid: int | None
    since: str | None
    purpose: str

    @staticmethod
    def parse(text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return Holder(int(data["pid"]), str(data["since"]), str(data.get("purpose", "load")))
        except (ValueError, KeyError, TypeError):
            return None

    def running(self) -> bool:
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, owned by someone else
            return True
        return True


def _describe(purpose: str) -> str:
    return {"load": "loaded", "recovery": "repaired", "mart": "updated (a mart built on first use)"}.get(
        purpose, purpose)


class WriterLock:
    """The exclusive writer lock of one workspace; use as ``with WriterLock(path, "load") as lock:``.

    ``stale`` is the holder a dead process left in the file (taken over), or None.
    """

    def __init__(self, root: Path, purpose: str = "load", *, wait: float | None = None) -> None:
        self.root = Path(root)
        self.purpose = purpose
        self.wait = wait
        self.stale: Holder | None = None
        self._fd: int | None = None

    @property
    def path(self) -> Path:
        return self.root / WRITER_FILE

    def acquire(self) -> WriterLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline: float | None = None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as error:
                    if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        raise
                holder = Holder.parse(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
                wait = self.wait if self.wait is not None else (
                    SHORT_WAIT_S if holder is not None and holder.purpose in SHORT_PURPOSES else 0.0)
                deadline = deadline if deadline is not None else time.monotonic() + wait
                if time.monotonic() >= deadline:
                    raise _busy(self.root, holder)
                time.sleep(0.1)
            previous = Holder.parse(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
            if previous is not None:  # the flock was free, yet a holder is written: it died holding it
                self.stale = previous
            since = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
            record = json.dumps({"pid": os.getpid(), "since": since, "purpose": self.purpose}).encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, record, 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # a released lock names no one: a later reader of it sees no stale holder
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _busy(root: Path, holder: Holder | None) -> WorkspaceBusyError:
    if holder is None:
        return WorkspaceBusyError(f"workspace {root} is being changed by another process; try again when it is done")
    return WorkspaceBusyError(
        f"workspace {root} is being {_describe(holder.purpose)} by pid {holder.pid} since {holder.since}; "
        "try again when it is done", pid=holder.pid, since=holder.since)


def holder(root: Path) -> Holder | None:
    """The live writer of the workspace, or None when no process holds the lock."""
    path = Path(root) / WRITER_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return Holder.parse(os.pread(fd, 4096, 0).decode("utf-8", "replace")) or Holder(None, None, "load")
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def reading(root: Path) -> Iterator[None]:
    """Hold the shared readers' lock for the block (nothing is collected from under a reader).

    A workspace this process cannot write to (a read-only copy) is read without it: no one
    collects anything there either.
    """
    try:
        fd = os.open(Path(root) / READERS_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing the descriptor drops its lock


@contextmanager
def no_readers(root: Path) -> Iterator[bool]:
    """Whether no reader holds the workspace now; while True, none can start until the block ends."""
    try:
        fd = os.open(Path(root) / READERS_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        with suppress(OSError):
            os.close(fd)
