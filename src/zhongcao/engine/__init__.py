"""Layer 3: the only importer of duckdb and pyspark. Workspaces, staging, marts with a stated grain."""

from zhongcao.engine.sql import Mart, marts, staging_sql, to_spark
from zhongcao.engine.workspace import LoadSummary, Workspace, describe_marts

__all__ = ["LoadSummary", "Mart", "Workspace", "describe_marts", "marts", "staging_sql", "to_spark"]
