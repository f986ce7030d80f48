"""Arrow schemas from the contract and append-only Parquet writers (flat memory)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from zhongcao.contract import TABLES

ARROW_TYPE: dict[str, pa.DataType] = {
    "str": pa.string(), "int": pa.int64(), "count": pa.int64(), "float": pa.float64(), "money": pa.float64(),
    "bool": pa.bool_(), "timestamp": pa.timestamp("us"), "date": pa.date32(), "tags": pa.list_(pa.string()),
}


def schema(table: str, extras: tuple[tuple[str, pa.DataType], ...] = ()) -> pa.Schema:
    """Contract columns in declared order, then the extra columns this world adds."""
    fields = [pa.field(c.name, ARROW_TYPE[c.type], nullable=not c.required) for c in TABLES[table].columns]
    fields += [pa.field(name, typ) for name, typ in extras]
    return pa.schema(fields)


def ts(seconds: np.ndarray) -> pa.Array:
    """Naive local timestamps (microseconds) from int64 seconds."""
    return pa.array(np.asarray(seconds, dtype=np.int64) * 1_000_000, pa.int64()).cast(pa.timestamp("us"))


def take(pool: pa.Array, idx: np.ndarray) -> pa.Array:
    """``pool[idx]`` with negative indices as nulls, done in Arrow (no Python strings)."""
    idx = np.asarray(idx, dtype=np.int64)
    mask = idx < 0
    return pool.take(pa.array(np.where(mask, 0, idx), mask=mask if mask.any() else None))


def ids(prefix: str, start: int, n: int, width: int) -> pa.Array:
    return pa.array([f"{prefix}{i:0{width}d}" for i in range(start + 1, start + n + 1)], pa.string())


class Writers:
    """One ParquetWriter per table, opened on first write, closed by :meth:`close`."""

    def __init__(self, out: Path, schemas: dict[str, pa.Schema]) -> None:
        self.out = out
        self.schemas = schemas
        self.open: dict[str, pq.ParquetWriter] = {}

    def write(self, table: str, columns: dict[str, pa.Array | np.ndarray | list]) -> None:
        sch = self.schemas[table]
        arrays = [pa.array(columns[f.name], f.type) if not isinstance(columns[f.name], pa.Array)
                  else columns[f.name].cast(f.type) for f in sch]
        batch = pa.Table.from_arrays(arrays, schema=sch)
        if table not in self.open:
            self.open[table] = pq.ParquetWriter(self.out / f"{table}.parquet", sch, compression="zstd")
        self.open[table].write_table(batch, row_group_size=1_000_000)

    def close(self) -> None:
        for table, sch in self.schemas.items():
            if table not in self.open:  # every table exists, even when empty
                pq.write_table(sch.empty_table(), self.out / f"{table}.parquet")
        for w in self.open.values():
            w.close()
        self.open.clear()
