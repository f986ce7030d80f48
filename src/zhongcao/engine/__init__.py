"""Layer 3: the only importer of duckdb and pyspark. Workspaces, staging, marts with a stated grain."""

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

__all__ = ["LOOKBACK_DAYS", "PEOPLE_SKETCH_SIZE", "LoadSummary", "Mart", "Workspace", "describe_marts", "marts",
           "merge_people_sketches", "staging_sql", "to_spark"]
