"""The same staging and marts on Spark, for workspaces that outgrow one machine.

Nothing here is a second copy of a model: staging SQL comes from the contract and marts from
``sql/marts/*.sql``; SQLGlot transpiles them from DuckDB's dialect to Spark's.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from zhongcao.contract import TABLES
from zhongcao.engine.sql import (
    PEOPLE_SALT,
    intermediate_name,
    intermediates,
    mart_name,
    marts,
    people_salt_sql,
    raw_name,
    staging_name,
    staging_sql,
    to_spark,
)
from zhongcao.errors import EngineUnavailableError

DEFAULTS = {
    # the models assume naive timestamps on a UTC clock, as DuckDB's
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def spark_session(app: str = "zhongcao", master: str | None = None, conf: Mapping[str, str] | None = None) -> Any:
    """A Spark session with the settings the models assume.

    ``master`` is any URL spark-submit takes (``local[*]``, ``spark://host:7077``, ``yarn``,
    ``k8s://…``); without one, ``spark.master`` from ``conf``, then the environment (``MASTER``,
    spark-defaults.conf in ``SPARK_CONF_DIR``, ``PYSPARK_SUBMIT_ARGS``) decide, as for
    spark-submit, and ``local[2]`` is the fallback. ``conf`` settings override the defaults.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the extra being installed
        raise EngineUnavailableError("Spark is optional: pip install 'zhongcao[spark]' (needs Java 17+)") from exc
    settings = {**DEFAULTS, "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                **dict(conf or {})}
    # Executors run ingest's validation in Python: the interpreter the driver names (PySpark reads
    # PYSPARK_PYTHON, not spark.pyspark.python, when the session starts from Python), by default this one.
    os.environ.setdefault("PYSPARK_PYTHON", settings.get("spark.pyspark.python", sys.executable))
    master = master or settings.pop("spark.master", None) or os.environ.get("MASTER")
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    elif "--master" not in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        builder = builder.master("local[2]")
    if (master or "").startswith("local") or not master:
        settings.setdefault("spark.sql.shuffle.partitions", "4")  # small local runs: few tasks
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def build_marts_spark(source: str, out: Path, *, master: str | None = None, conf: Mapping[str, str] | None = None,
                      spark: Any = None, quarantine: bool = False, hash_key: bytes | None = None
                      ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Build every mart on Spark from ``source`` and write them under ``out`` (see ``engine.spark_build``).

    An existing session (``spark``, e.g. a notebook's) is used as it is, with the model settings
    applied to it; otherwise one is started and stopped after.
    """
    from zhongcao.engine.spark_build import build

    session = spark if spark is not None else spark_session("zhongcao-marts", master, conf)
    try:
        for key, value in DEFAULTS.items():
            session.conf.set(key, value)
        return build(session, source, str(Path(out).resolve()), quarantine, hash_key or secrets.token_bytes(32))
    finally:
        if spark is None:
            session.stop()


def run_models(spark: Any, raw: Mapping[str, pa.Table], salt: str | None = None) -> dict[str, pa.Table]:
    """Stage the raw tables and build every mart on Spark; returns staging and mart tables by name.

    ``salt`` is the secret behind the cubes' people tokens (32 hex digits; a fresh one if None):
    pass a workspace's own (``engine.workspace.people_salt``) to build the same sketches.
    """
    spark.sql(people_salt_sql(salt or secrets.token_hex(16))).createOrReplaceTempView(PEOPLE_SALT)
    for table in TABLES:
        data = raw.get(table)
        if data is None:
            raise ValueError(f"raw table {table!r} missing (pass an empty table with the contract columns)")
        frame = spark.createDataFrame(data.to_pandas()) if data.num_rows else _empty(spark, data)
        frame.createOrReplaceTempView(raw_name(table))
    out: dict[str, pa.Table] = {}
    for table in TABLES:
        extras = tuple(c for c in raw[table].column_names if c not in TABLES[table].column_names)
        view = spark.sql(to_spark(staging_sql(table, extras)))
        view.createOrReplaceTempView(staging_name(table))
        out[staging_name(table)] = _to_arrow(view)
    for view in intermediates().values():
        spark.sql(to_spark(view.sql)).createOrReplaceTempView(intermediate_name(view.name))
    for mart in marts().values():
        result = spark.sql(to_spark(mart.sql))
        out[mart_name(mart.name)] = _to_arrow(result)
    return out


def _empty(spark: Any, data: pa.Table) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return spark.createDataFrame([], from_arrow_schema(data.schema))


def _to_arrow(frame: Any) -> pa.Table:
    return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
