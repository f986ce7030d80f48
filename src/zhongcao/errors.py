"""Every error Zhongcao raises, in one tree.

The library raises; only the CLI and the web layer turn errors into exit codes or HTTP
statuses. Anything a user can cause derives from :class:`ZhongcaoError`::

    ZhongcaoError
    ├── ContractError            brand.toml or a table declaration is not usable
    │   └── SettingsError        a run setting is unknown or out of range
    ├── InputError               an input folder or file cannot be read at all
    │   └── ValidationError      rows break the contract; carries every Problem found
    ├── WorkspaceError           the workspace is missing, locked or inconsistent
    │   ├── WorkspaceBusyError   another process is loading (or repairing) the workspace
    │   └── DuplicateKeyError    incoming keys already exist in the workspace
    ├── EngineUnavailableError   an optional engine (Spark) is not installed
    └── AnalysisError            an analysis cannot run on the data it was given
        └── InsufficientDataError  too few rows, periods or users for a sound answer
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what was expected."""

    file: str
    row: int | None  # 1-based data row (header excluded); None for file-level problems
    column: str | None
    value: str | None
    expected: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{got}; expected {self.expected}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class ZhongcaoError(Exception):
    """Base of every error a user can cause."""


class ContractError(ZhongcaoError):
    """brand.toml or a table declaration is not usable."""


class SettingsError(ContractError):
    """A run setting (brand.toml ``[settings]`` / ``[analyses.<name>]``, or ``--param``) is unknown or out of range."""


class InputError(ZhongcaoError):
    """An input folder or file cannot be read at all."""


class ValidationError(InputError):
    """Rows break the contract. ``problems`` lists every one, not just the first."""

    def __init__(self, problems: list[Problem], max_shown: int = 20) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        shown = "\n".join(f"  - {p}" for p in errors[:max_shown])
        more = f"\n  … and {len(errors) - max_shown} more" if len(errors) > max_shown else ""
        super().__init__(f"{len(errors)} problem(s) in the input; nothing was loaded:\n{shown}{more}")


class WorkspaceError(ZhongcaoError):
    """The workspace is missing, locked or inconsistent."""


class WorkspaceBusyError(WorkspaceError):
    """Another process holds the workspace's writer lock (``pid`` and ``since`` say who and since when)."""

    def __init__(self, message: str, pid: int | None = None, since: str | None = None) -> None:
        super().__init__(message)
        self.pid = pid
        self.since = since


class DuplicateKeyError(WorkspaceError):
    """Incoming rows carry keys that the workspace already holds."""

    def __init__(self, table: str, keys: list[str], total: int) -> None:
        self.table = table
        self.keys = keys
        self.total = total
        sample = ", ".join(keys[:10])
        super().__init__(
            f"{total} {table} key(s) already exist in the workspace "
            f"(e.g. {sample}); nothing was loaded (use --quarantine to load the rest)"
        )


class EngineUnavailableError(ZhongcaoError):
    """An optional engine is not installed (e.g. `pip install zhongcao[spark]`)."""


class AnalysisError(ZhongcaoError):
    """An analysis cannot run on the data it was given."""


class InsufficientDataError(AnalysisError):
    """Too few rows, periods or users for a sound answer."""
