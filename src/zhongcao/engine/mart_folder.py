"""A folder of marts (Parquet) and their manifest: what `zhongcao marts` writes and `--marts DIR` reads.

Layout::

    DIR/manifest.json            grain, columns and rows of each mart; engine, input fingerprint,
                                 minimum group size, code version, brand settings, input row counts
    DIR/marts/<name>/*.parquet   one folder per mart (DuckDB writes one file, Spark one per task)

``MartFolder`` is a ``Workspace`` whose marts are those files, read through an in-memory DuckDB
(so ``mart``, ``mart_query`` and ``held`` behave as on a workspace, for the analyses and the
dashboard). It holds no user rows: it has no ``staged``, so an analysis that needs them says so
(``needs_user_rows``), and it never holds the people-sketch salt.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from zhongcao.contract import TABLES, BrandConfig
from zhongcao.engine.sql import mart_name, marts
from zhongcao.engine.workspace import Workspace, memory_limit
from zhongcao.engine.workspace.models import plain_numbers
from zhongcao.errors import WorkspaceError

MANIFEST = "manifest.json"
MART_DIR = "marts"
FORMAT = "zhongcao-marts/1"


class MartFolder(Workspace):
    """Marts handed over as files (``zhongcao marts`` output, or a clean room's export)."""

    # Analyses look for ``staged`` to read user rows; a mart folder has none, so it is not there and
    # they fall back to marts or report that they need a workspace.
    staged = None  # type: ignore[assignment]

    def __init__(self, path: Path | str) -> None:
        super().__init__(path)
        self._manifest: dict[str, Any] | None = None

    @property
    def db_path(self) -> Path:  # what the dashboard's findings cache compares its age with
        return self.path / MANIFEST

    def exists(self) -> bool:
        return self.db_path.is_file()

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            if not self.exists():
                raise WorkspaceError(f"no mart folder at {self.path} (no {MANIFEST}; write one with `zhongcao marts`)")
            data = json.loads(self.db_path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise WorkspaceError(f"{self.db_path}: not a zhongcao mart manifest (format {data.get('format')!r})")
            self._manifest = data
        return self._manifest

    def tables(self) -> dict[str, list[str]]:
        """What this source holds: the marts present, and no input tables (no user rows)."""
        return {"marts": sorted(self.manifest["marts"]), "tables": []}

    def facts(self) -> dict[str, Any]:
        """What the input held, as the analyses' prerequisites read it (``engine.facts``), recorded in the
        manifest when the marts were built; a manifest without them tells only the input row counts."""
        recorded = self.manifest.get("facts")
        if isinstance(recorded, dict):
            return recorded
        return {"rows": self.row_counts(), "columns": {}, "measures": {}}

    @property
    def generation(self) -> str | None:
        """The build these marts came from (a new build is a new generation for the dashboard's cache)."""
        return f"{self.manifest.get('input_fingerprint')}@{self.manifest.get('built_at')}"

    def has(self, name: str) -> bool:
        return name in self.manifest["marts"]

    @property
    def brand(self) -> BrandConfig:
        return BrandConfig.from_mapping(self.manifest.get("brand") or {})

    def row_counts(self) -> dict[str, int]:
        return {t: int(self.manifest.get("input_rows", {}).get(t, 0)) for t in TABLES}

    def rejected_rows(self) -> pa.Table:
        return pa.table({"table": pa.array([], pa.string())})

    def load(self, *args: object, **kwargs: object) -> Any:
        raise WorkspaceError(f"{self.path} is a folder of marts: load input into a workspace instead")

    def mart(self, name: str) -> pa.Table:
        if name not in marts():
            raise WorkspaceError(f"unknown mart {name!r}; marts are {sorted(marts())}")
        if not self.has(name):
            raise WorkspaceError(f"mart folder {self.path} has no mart {name!r} (it holds {sorted(self.manifest['marts'])})")
        with self._connect() as con:
            return plain_numbers(con.execute(f"SELECT * FROM {mart_name(name)}").fetch_arrow_table())

    def _has_mart(self, name: str) -> bool:
        return self.has(name)

    def _build_missing(self, name: str) -> None:
        raise WorkspaceError(f"mart folder {self.path} has no mart {name!r}")

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        held = getattr(self._local, "con", None)
        if held is not None:
            yield held
            return
        con = duckdb.connect(config={"memory_limit": memory_limit()})
        try:
            for name in self.manifest["marts"]:
                files = str(self.path / MART_DIR / name / "*.parquet").replace("'", "''")
                con.execute(f"CREATE VIEW {mart_name(name)} AS SELECT * FROM read_parquet('{files}')")
            yield con
        finally:
            con.close()

    def connect(self) -> duckdb.DuckDBPyConnection:
        raise WorkspaceError("a mart folder has no database to connect to; read marts with .mart(name)")


def write_manifest(folder: Path, entries: Mapping[str, Mapping[str, Any]], **about: Any) -> dict[str, Any]:
    """Write ``manifest.json``: per mart its grain, columns and rows, and what built them (``about``)."""
    manifest = {"format": FORMAT, **about, "marts": {name: dict(entry) for name, entry in entries.items()}}
    text = json.dumps(manifest, ensure_ascii=False, indent=1, default=str)
    if "people_salt" in text or any(k in about for k in ("salt", "people_salt")):
        raise WorkspaceError("refusing to write the people-sketch salt into a manifest")
    (folder / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def mart_entry(name: str, schema: pa.Schema, rows: int) -> dict[str, Any]:
    spec = marts()[name]
    return {"grain": spec.grain, "rows": rows, "path": f"{MART_DIR}/{name}",
            "columns": [{"name": f.name, "type": str(f.type)} for f in schema]}
