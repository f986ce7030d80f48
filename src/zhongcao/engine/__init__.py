"""Layer 3: the only importer of duckdb and pyspark. Workspaces, staging, marts with a stated grain."""

from zhongcao.engine.keys import KEY_ENV, keep_key, read_key_file, workspace_key, write_key_file
from zhongcao.engine.sql import (
    LOOKBACK_DAYS,
    PEOPLE_SKETCH_SIZE,
    Mart,
    marts,
    merge_people_sketches,
    staging_sql,
    to_spark,
)
from zhongcao.engine.workspace import LoadSummary, Workspace, describe_marts

__all__ = ["KEY_ENV", "LOOKBACK_DAYS", "PEOPLE_SKETCH_SIZE", "LoadSummary", "Mart", "Workspace", "describe_marts",
           "keep_key", "marts", "merge_people_sketches", "read_key_file", "staging_sql", "to_spark", "workspace_key",
           "write_key_file"]
