"""`zhongcao marts --engine spark`: Spark reads the input, validates it, builds and writes the marts.

Nothing is collected to the driver but a table's header, a few hundred problems at most, and
row counts. Each input table is a file or a folder of part files named after the contract table
(``exposures.parquet``, ``exposures/`` holding ``*.parquet``, ``orders.csv``, ``leads.jsonl`` …),
read by Spark from any path it can read (a local folder, ``hdfs://``, ``s3a://`` or ``oss://`` with
the Hadoop settings the cluster already has).

Validation is ingest's own: every partition goes through ``ingest.validate`` on the executors
(``mapInArrow``), so types, required values, choices, phone hashing and the error report (file,
row, column, value, expected) are the same as ``zhongcao ingest``; keys are then checked across
partitions by the engine. Rows are numbered per file as ingest numbers them (1-based data rows).
Executors need zhongcao importable (``pip install zhongcao`` on the cluster's Python, or ship it
with ``--conf spark.submit.pyFiles=…``).
"""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from zhongcao.contract import TABLES, BrandConfig, Table
from zhongcao.engine.facts import facts_from
from zhongcao.engine.mart_folder import MART_DIR, mart_entry
from zhongcao.engine.sql import (
    PEOPLE_SALT,
    SQL_TYPES,
    intermediate_name,
    intermediates,
    marts,
    people_salt_sql,
    quote,
    raw_name,
    staging_name,
    staging_sql,
    to_spark,
)
from zhongcao.errors import ContractError, Problem, ValidationError

FORMATS = {"parquet": "parquet", "csv": "csv", "jsonl": "json", "json": "json", "ndjson": "json"}
PROBLEM_CAP = 1000  # problems brought to the driver per table, as ingest caps them per column
_PROBLEM = pa.struct([("row", pa.int64()), ("column", pa.string()), ("value", pa.string()),
                      ("expected", pa.string()), ("severity", pa.string())])


def discover(spark: Any, source: str) -> tuple[dict[str, tuple[str, str]], str | None, list[tuple[str, ...]]]:
    """Input tables under ``source`` (table → (path, Spark format)), brand.toml's text, and a
    fingerprint listing (name, size, modification time) of every file, via Hadoop's file system."""
    jvm = spark._jvm
    conf = spark._jsc.hadoopConfiguration()
    root = jvm.org.apache.hadoop.fs.Path(source)
    fs = root.getFileSystem(conf)
    tables: dict[str, tuple[str, str]] = {}
    brand: str | None = None
    listing: list[tuple[str, ...]] = []
    for status in fs.listStatus(root):
        name = status.getPath().getName()
        if name.startswith((".", "_")):
            continue
        if name == "brand.toml":
            brand = "\n".join(r.value for r in spark.read.text(status.getPath().toString()).collect())
            continue
        stem, _, ext = name.partition(".")
        fmt = FORMATS.get(ext.lower()) if ext else None
        if status.isDirectory():  # a folder of part files: its format from the files inside
            parts = [p for p in fs.listStatus(status.getPath()) if not p.getPath().getName().startswith((".", "_"))]
            exts = {p.getPath().getName().partition(".")[2].lower() for p in parts}
            fmt = next((FORMATS[e] for e in exts if e in FORMATS), None)
            listing += [(f"{name}/{p.getPath().getName()}", str(p.getLen()), str(p.getModificationTime()))
                        for p in parts]
        else:
            listing.append((name, str(status.getLen()), str(status.getModificationTime())))
        if stem in TABLES and fmt is not None:
            tables[stem] = (status.getPath().toString(), fmt)
    return tables, brand, listing


def read_table(spark: Any, path: str, fmt: str) -> Any:
    """The raw table as Spark reads it: text formats as strings (ingest parses them), Parquet typed."""
    reader = spark.read
    if fmt == "csv":
        reader = reader.option("header", True).option("inferSchema", False).option("multiLine", True) \
            .option("escape", '"').option("encoding", "UTF-8")
        return reader.csv(path)
    if fmt == "json":
        frame = reader.option("primitivesAsString", True).json(path)
        return frame.select([frame[c].cast("string").alias(c) for c in frame.columns])
    return reader.parquet(path)


def numbered(frame: Any) -> Any:
    """Add ``_file`` (the file's name) and ``_row`` (1-based data row within its file, as ingest counts).

    A partition reads its files' splits in order and a file's splits come in partition order, so
    a row's number is its position in its partition plus the rows of its file in earlier partitions
    (a small table of counts per file and partition, computed first).
    """
    from pyspark.sql import functions as F

    base = frame.withColumn("_path", F.col("_metadata.file_path")).withColumn("_id", F.monotonically_increasing_id())
    base = base.withColumn("_part", F.spark_partition_id())
    counts = base.groupBy("_path", "_part").agg(F.min("_id").alias("_first"), F.count("*").alias("_n")).collect()
    offsets = []
    for path in {r["_path"] for r in counts}:
        before = 0
        for r in sorted((r for r in counts if r["_path"] == path), key=lambda r: r["_part"]):
            offsets.append((path, r["_part"], r["_first"], before))
            before += r["_n"]
    spark = frame.sparkSession
    table = spark.createDataFrame(offsets, "_path string, _part int, _first long, _before long")
    out = base.join(F.broadcast(table), ["_path", "_part"])
    out = out.withColumn("_row", F.col("_id") - F.col("_first") + F.col("_before") + 1)
    out = out.withColumn("_file", F.element_at(F.split(F.col("_path"), "/"), -1))
    return out.drop("_path", "_part", "_id", "_first", "_before")


def validated(spark: Any, table: Table, path: str, fmt: str, hash_key: bytes) -> tuple[Any, list[Problem], list[str]]:
    """Run ingest's validation on every partition; returns (typed rows with ``_bad``, problems, extras)."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    from zhongcao.ingest.headers import clean_header, map_headers
    from zhongcao.ingest.parsers import ARROW_TYPES

    frame = read_table(spark, path, fmt)
    headers = [clean_header(h) for h in frame.columns]
    found = map_headers(table, headers)
    name = path.rstrip("/").rsplit("/", 1)[-1]
    problems = _header_problems(table, found, headers, name)
    if any(p.severity == "error" for p in problems):
        return None, problems, []
    extras = list(found.extras) if table.keeps_extra else []
    extra_types = {f.name: f.dataType for f in frame.schema.fields}
    fields = [pa.field(c.name, ARROW_TYPES[c.type]) for c in table.columns]
    if fmt == "parquet":
        from pyspark.sql.pandas.types import to_arrow_type

        fields += [pa.field(e, to_arrow_type(extra_types[frame.columns[found.extras[e]]])) for e in extras]
    else:
        fields += [pa.field(e, pa.string()) for e in extras]
    fields += [pa.field("_file", pa.string()), pa.field("_row", pa.int64()), pa.field("_bad", pa.bool_()),
               pa.field("_problems", pa.list_(_PROBLEM))]
    schema = pa.schema(fields)
    text_format = {"parquet": "parquet", "csv": "csv", "json": "jsonl"}[fmt]
    run = _partition_validator(table.name, text_format, schema, hash_key)
    checked = numbered(frame).mapInArrow(run, from_arrow_schema(schema))
    checked = checked.persist()
    # Key problems are the engine's: a key seen twice may sit in two partitions.
    worded = checked.filter(F.size("_problems") > 0).select("_file", "_problems").limit(PROBLEM_CAP).collect()
    for r in worded:
        for p in r["_problems"]:
            if not p["expected"].startswith("a unique "):
                problems.append(Problem(r["_file"], p["row"], p["column"], p["value"], p["expected"],
                                        p["severity"]))  # type: ignore[arg-type]
    checked, key_problems = _unique_keys(checked, table)
    problems += key_problems
    return checked, list(dict.fromkeys(problems)), extras


def _header_problems(table: Table, found: Any, headers: list[str], name: str) -> list[Problem]:
    out = []
    for column, spellings in found.duplicates:
        out.append(Problem(name, None, column, None, f"one column for {column} (found {', '.join(spellings)})"))
    use_phone = found.phone is not None and table.accepts_phone
    for column in table.required_columns:
        if column not in found.columns and not (column == "user_id" and use_phone):
            spec = table.column(column)
            also = f" (also accepted: {', '.join(spec.aliases)})" if spec.aliases else ""
            out.append(Problem(name, None, column, None, f"required column {column}{also}"))
    return out


def _partition_validator(table_name: str, fmt: str, schema: pa.Schema, hash_key: bytes) -> Any:
    # The hash key travels to the executors inside the task's closure, like the people salt: it
    # stays where the marts are built and is written to no mart and no manifest.
    """The function each executor runs over its batches: ingest.validate, batch by batch and file by file."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import numpy as np
        import pyarrow.compute as pc

        from zhongcao.contract import TABLES as CONTRACT
        from zhongcao.ingest.readers import RawFile
        from zhongcao.ingest.validate import validate

        for batch in batches:
            data = pa.Table.from_batches([batch])
            for file in pc.unique(data.column("_file")).to_pylist():
                part = data.filter(pc.equal(data.column("_file"), file))
                rows = part.column("_row").to_numpy()
                raw = RawFile(Path(file), fmt, table=part.drop_columns(["_file", "_row"]),
                              row_numbers=np.asarray(rows, dtype=np.int64))
                checked = validate(raw, CONTRACT[table_name], hash_key)
                n = part.num_rows
                worded: list[list[dict[str, object]]] = [[] for _ in range(n)]
                position = {int(r): i for i, r in enumerate(rows)}
                for p in checked.problems:  # file-level ones go on the batch's first row
                    i = position.get(p.row, 0) if p.row is not None else 0
                    worded[i].append({"row": p.row, "column": p.column, "value": p.value, "expected": p.expected,
                                      "severity": p.severity})
                if checked.table is None:
                    continue
                cols = {}
                for f in schema:
                    if f.name in checked.table.column_names:
                        cols[f.name] = checked.table.column(f.name).cast(f.type)
                    elif not f.name.startswith("_"):
                        cols[f.name] = pa.nulls(n, f.type)
                cols["_file"] = pa.array([file] * n, pa.string())
                cols["_row"] = pa.array(rows, pa.int64())
                cols["_bad"] = pa.array(checked.bad, pa.bool_())
                cols["_problems"] = pa.array(worded, pa.list_(_PROBLEM))
                yield from pa.table(cols, schema=schema).to_batches()

    return run


def _unique_keys(checked: Any, table: Table) -> tuple[Any, list[Problem]]:
    """Rows whose key another row holds (in any partition) are bad; one problem per key, as ingest words it."""
    from pyspark.sql import functions as F

    if not table.key:
        return checked, []
    key = list(table.key)
    label = "+".join(key)
    dups = (checked.filter(" AND ".join(f"{quote(k)} IS NOT NULL" for k in key))
            .groupBy(*key).agg(F.count("*").alias("_n"), F.sort_array(F.collect_list("_row")).alias("_rows"),
                               F.first("_file").alias("_file"))
            .filter("_n > 1"))
    problems = []
    for r in dups.limit(PROBLEM_CAP).collect():
        rows = list(r["_rows"])
        shown = ", ".join(map(str, rows[:20])) + (" …" if len(rows) > 20 else "")
        value = "+".join(str(r[k]) for k in key)
        problems.append(Problem(r["_file"], rows[0], label, value,
                                f"a unique {label} (the same key is on rows {shown})"))
    if not problems:
        return checked, []
    flagged = checked.join(dups.select(*key, F.lit(True).alias("_dup")), key, "left")
    flagged = flagged.withColumn("_bad", F.col("_bad") | F.coalesce(F.col("_dup"), F.lit(False))).drop("_dup")
    return flagged, problems


def empty_raw(spark: Any, table: Table) -> Any:
    cols = ", ".join(f"CAST(NULL AS {SQL_TYPES[c.type]}) AS {quote(c.name)}" for c in table.columns)
    return spark.sql(to_spark(f"SELECT {cols} WHERE FALSE"))


def brand_config(text: str | None) -> BrandConfig:
    if text is None:
        return BrandConfig()
    try:
        return BrandConfig.from_mapping(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValueError, TypeError) as error:
        raise ContractError(f"brand.toml is not usable: {error}") from error


def build(spark: Any, source: str, out: str, quarantine: bool, hash_key: bytes
          ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Validate the input, stage it, build every mart and write each as Parquet under ``out/marts``."""
    from pyspark.sql import functions as F

    from zhongcao.engine.marts_build import input_fingerprint

    tables, brand_text, listing = discover(spark, source)
    brand = brand_config(brand_text)
    problems: list[Problem] = []
    input_rows: dict[str, int] = {}
    rejected = 0
    raw: dict[str, tuple[Any, list[str]]] = {}
    for name, spec in TABLES.items():
        if name not in tables:
            raw[name] = (empty_raw(spark, spec), [])
            input_rows[name] = 0
            continue
        checked, found, extras = validated(spark, spec, *tables[name], hash_key)
        problems += found
        raw[name] = (checked, extras)
    errors = [p for p in problems if p.severity == "error"]
    if errors and (not quarantine or any(p.row is None for p in errors)):
        raise ValidationError(problems)
    # The salt lives only in this job: the sketches' tokens cannot be linked to users outside it.
    spark.sql(people_salt_sql(secrets.token_hex(16))).createOrReplaceTempView(PEOPLE_SALT)
    for name, (frame, extras) in raw.items():
        if "_bad" in frame.columns:
            total, bad = frame.agg(F.count("*"), F.sum(F.col("_bad").cast("long"))).first()  # one pass
            input_rows[name] = int(total) - int(bad or 0)
            rejected += int(bad or 0)
            good = frame.filter("NOT _bad")
            keep = [c.name for c in TABLES[name].columns] + extras
            frame = good.select(["`" + c.replace("`", "``") + "`" for c in keep])
        frame.createOrReplaceTempView(raw_name(name))
        spark.sql(to_spark(staging_sql(name, tuple(extras)))).createOrReplaceTempView(staging_name(name))
    # Intermediate views are read by several marts each (int_journey_touches by four): computed once
    # and kept by the executors, as DuckDB keeps them in temporary tables, instead of once per mart.
    cached = []
    for view in intermediates().values():
        frame = spark.sql(to_spark(view.sql)).persist()
        frame.createOrReplaceTempView(intermediate_name(view.name))
        cached.append(frame)
    entries: dict[str, dict[str, Any]] = {}
    for mart in marts().values():
        result = spark.sql(to_spark(mart.sql))
        # one row order on every engine (as marts_build.sorted_rows): ties then break the same way
        result = result.orderBy(*[F.col("`" + c + "`").asc_nulls_last() for c in result.columns])
        target = f"{out.rstrip('/')}/{MART_DIR}/{mart.name}"
        result.write.mode("overwrite").parquet(target)  # by the executors, one file per task
        entries[mart.name] = mart_entry(mart.name, *_written(spark, target))
    # What the analyses' prerequisites test, by the same MEASURES text as a workspace (engine.facts),
    # on the staged views: a Spark-built folder says what it can answer as a DuckDB-built one does.
    facts = facts_from(lambda sql: tuple(spark.sql(to_spark(sql)).first()),
                       lambda t: spark.table(staging_name(t)).columns, input_rows,
                       brand.name if brand.name != BrandConfig().name else "")
    for frame in [*cached, *(f for f, _ in raw.values())]:
        frame.unpersist()
    about = {"input": source, "input_fingerprint": input_fingerprint(listing), "facts": facts,
             "fingerprint_of": "each input file's name, size and modification time (Hadoop listing)",
             "brand": brand.to_mapping(), "input_rows": input_rows, "rejected_rows": rejected,
             "spark": {"master": spark.sparkContext.master, "version": spark.version}}
    return about, entries


def _written(spark: Any, target: str) -> tuple[pa.Schema, int]:
    """Schema and rows of a mart just written: from the Parquet footers when the folder is on this
    machine (no Spark job), else by Spark reading it back."""
    local = Path(target.removeprefix("file:"))
    if "://" not in target.removeprefix("file://") and local.is_dir():
        import pyarrow.parquet as pq

        files = sorted(local.glob("*.parquet"))
        if files:
            rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
            written = spark.read.parquet(target)  # the schema only: no job runs
            return _arrow_schema(written.schema), rows
    written = spark.read.parquet(target)
    return _arrow_schema(written.schema), written.count()


def _arrow_schema(schema: Any) -> pa.Schema:
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)

