"""`zhongcao marts`: build staging and every mart from an input location and write a mart folder.

Two engines run the same SQL (``sql/``): DuckDB on this machine (the input folder goes through
``ingest`` and a workspace, as ``zhongcao ingest`` does) or Spark on a cluster (``engine.spark``:
Spark reads the input itself and writes the marts in parallel; nothing is collected to the
driver). Either way the result is a ``MartFolder``: Parquet per mart plus a manifest.

The people-sketch salt stays where the marts are built (the workspace, or the Spark job's
memory): it is never written to the manifest or to a mart.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

import zhongcao
from zhongcao.engine.facts import workspace_facts
from zhongcao.engine.keys import keep_key, read_key_file, workspace_key
from zhongcao.engine.mart_folder import MART_DIR, MartFolder, mart_entry, write_manifest
from zhongcao.engine.sql import marts
from zhongcao.engine.workspace import Workspace
from zhongcao.errors import ValidationError, WorkspaceError

ENGINES = ("duckdb", "spark")


def build_marts(
    source: str | Path,
    out: Path,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    spark: Any = None,
    quarantine: bool = False,
    workspace: Path | None = None,
    min_group_size: int | None = None,
    export: bool = False,
    hash_key_file: Path | None = None,
) -> MartFolder:
    """Build every mart from ``source`` on ``engine`` and write them, with a manifest, into ``out``.

    ``spark`` is an existing SparkSession (a notebook's); otherwise ``master`` and ``conf`` start
    one (``--master``/``--conf`` as spark-submit takes them; ``SPARK_*`` settings in the environment
    apply too). ``workspace`` keeps the DuckDB engine's workspace (and so its salt) for later
    builds; by default it is a temporary folder, removed after. With ``export`` the clean-room
    policy (``engine.clean_room``) is applied, with ``min_group_size`` (default 50), and checked.
    Phones are hashed with ``hash_key_file`` (a key shared with a partner), else the kept workspace's
    key, else a key drawn for this build; it stays where the marts are built, like the people salt.
    """
    if engine not in ENGINES:
        raise WorkspaceError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "duckdb" and (master or spark is not None or conf):
        raise WorkspaceError("--master, --conf and a SparkSession are for --engine spark")
    out = Path(out)
    if (out / MART_DIR).exists():
        shutil.rmtree(out / MART_DIR)
    out.mkdir(parents=True, exist_ok=True)
    if engine == "duckdb":
        about, entries = _build_duckdb(Path(source), out, quarantine, workspace, hash_key_file)
    else:
        from zhongcao.engine.spark import build_marts_spark

        key = read_key_file(hash_key_file) if hash_key_file is not None else None
        about, entries = build_marts_spark(str(source), out, master=master, conf=conf, spark=spark,
                                           quarantine=quarantine, hash_key=key)
    about = {"engine": engine, **about, "code_version": zhongcao.__version__,
             "built_at": datetime.now(UTC).isoformat(timespec="seconds"), "min_group_size": None,
             "exported": False}
    write_manifest(out, entries, **about)
    if export:
        from zhongcao.engine.clean_room import export_policy

        export_policy(out, min_group_size=min_group_size)
    return MartFolder(out)


def _build_duckdb(source: Path, out: Path, quarantine: bool, workspace: Path | None, key_file: Path | None
                  ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    from zhongcao.ingest import read_input

    if not source.is_dir():
        raise WorkspaceError(f"--engine duckdb reads a local input folder; {source} is not one")
    scratch = Path(tempfile.mkdtemp(prefix="zhongcao-marts-")) if workspace is None else None
    ws = Workspace(workspace or scratch / "ws")  # type: ignore[operator]
    try:
        key, new_key = workspace_key(ws.path, key_file)
        staged = read_input(source, quarantine=quarantine, hash_key=key)
        if staged.errors and not quarantine:  # read_input raises on errors; kept for a reader that does not
            raise ValidationError(staged.errors)
        fingerprint = input_fingerprint(sorted((t, f.sha256) for t, f in staged.files.items()))
        brand = staged.brand.to_mapping()
        summary = ws.load(staged, quarantine=quarantine)
        if new_key and workspace is not None:
            keep_key(ws.path, key)
        entries: dict[str, dict[str, Any]] = {}
        with ws.held():
            for name in marts():
                table = sorted_rows(ws.mart(name))
                folder = out / MART_DIR / name
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(table, folder / "part-00000.parquet")
                entries[name] = mart_entry(name, table.schema, table.num_rows)
            rows = ws.row_counts()
            # What the analyses' prerequisites test (whole-input scalars: row counts, columns with values,
            # platforms, repeat buyers …), so a folder of marts says what it can answer as a workspace does.
            facts = workspace_facts(ws, staged.brand.name if staged.brand.name != "unnamed brand" else "")
        about = {"input": str(source), "input_fingerprint": fingerprint, "facts": facts,
                 "fingerprint_of": "SHA-256 of each input file's content", "brand": brand, "input_rows": rows,
                 "rejected_rows": summary.rejected}
        return about, entries
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def sorted_rows(table: pa.Table) -> pa.Table:
    """A mart's rows in one order on every engine (all columns ascending, nulls last), so analyses
    whose results depend on the order of tied rows give the same findings from any build."""
    con = duckdb.connect()
    try:
        con.register("_mart", table)
        return con.execute("SELECT * FROM _mart ORDER BY ALL NULLS LAST").fetch_arrow_table()
    finally:
        con.close()


def input_fingerprint(parts: list[tuple[str, ...]]) -> str:
    """One SHA-256 over the sorted parts that identify the input (content hashes, or path/size/time)."""
    digest = hashlib.sha256()
    for part in sorted(parts):
        digest.update("\x1f".join(map(str, part)).encode("utf-8") + b"\x1e")
    return digest.hexdigest()
