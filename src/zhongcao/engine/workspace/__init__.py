"""The DuckDB workspace, split by responsibility.

``core`` (the `Workspace`: reading, queries, the mart-source protocol), ``loads`` (all-or-nothing
loads and generations), ``segments`` (the catalogue tables and Parquet segments), ``models``
(staging views and marts), ``locks`` (one writer, shared readers) and ``recovery`` (debris of
interrupted loads; `zhongcao doctor`).
"""

from zhongcao.engine.workspace.core import Workspace
from zhongcao.engine.workspace.loads import LoadSummary
from zhongcao.engine.workspace.models import (
           build_models,
           describe_marts,
           extra_columns,
           memory_limit,
           people_salt,
)
from zhongcao.engine.workspace.recovery import Item, Report
from zhongcao.engine.workspace.segments import DB_FILE, SEGMENTED

__all__ = ["DB_FILE", "SEGMENTED", "Item", "LoadSummary", "Report", "Workspace", "build_models", "describe_marts",
           "extra_columns", "memory_limit", "people_salt"]
