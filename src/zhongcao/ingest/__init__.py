"""Layer 2: reading a brand's input folder into typed, validated Arrow tables.

``read_input`` is the entry point; the engine loads the staged tables into the
workspace. This package imports only ``zhongcao.contract`` and ``zhongcao.errors``.
"""

from zhongcao.ingest.phone import hash_phone
from zhongcao.ingest.staging import FileInfo, SpooledTable, StagedInput, load_brand, read_input

__all__ = ["FileInfo", "SpooledTable", "StagedInput", "hash_phone", "load_brand", "read_input"]
