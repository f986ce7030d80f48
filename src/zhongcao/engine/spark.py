"""The same staging and marts on Spark, for workspaces that outgrow one machine.

Nothing here is a second copy of a model: staging SQL comes from the contract and marts from
``sql/marts/*.sql``; SQLGlot transpiles them from DuckDB's dialect to Spark's.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
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


def spark_session(app: str = "zhongcao") -> Any:
    """A local Spark session with the settings the models assume (naive timestamps, UTC clock)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the extra being installed
        raise EngineUnavailableError("Spark is optional: pip install 'zhongcao[spark]' (needs Java 17+)") from exc
    return (
        SparkSession.builder.master("local[2]")
        .appName(app)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


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
