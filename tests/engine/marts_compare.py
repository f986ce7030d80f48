"""Comparing mart folders and findings documents built by different engines (shared by the Spark tests)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq


def read_mart(folder: Path, name: str) -> pd.DataFrame:
    files = sorted((folder / "marts" / name).glob("*.parquet"))
    frame = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
    return normalise(frame)


def raw_mart(folder: Path, name: str) -> pd.DataFrame:
    files = sorted((folder / "marts" / name).glob("*.parquet"))
    return pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


def mart_differences(left: pd.DataFrame, right: pd.DataFrame, rel: float = 0.0) -> list[str]:
    """How two builds of one mart differ: every column exactly, floating-point ones within ``rel``
    (0: bit for bit); rows matched after sorting on every column (floats last). Sketches compare by
    length (each build draws its own salt)."""
    if list(left.columns) != list(right.columns):
        return [f"columns {list(left.columns)} vs {list(right.columns)}"]
    if len(left) != len(right):
        return [f"{len(left)} vs {len(right)} rows"]
    floats = [c for c in left.columns if pd.api.types.is_float_dtype(left[c]) or pd.api.types.is_float_dtype(right[c])]

    def prepared(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        for col in frame.columns:
            if col == "people_sketch":
                frame[col] = frame[col].map(lambda v: None if v is None else len(v))
            elif pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = pd.to_datetime(frame[col]).dt.tz_localize(None).astype("datetime64[us]")
            elif col not in floats:
                frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, (str, bool, int)) else str(v))
        order = [c for c in frame.columns if c not in floats] + floats
        return frame.sort_values(order, key=lambda s: s.astype(str) if s.name not in floats else s).reset_index(drop=True)

    a, b = prepared(left), prepared(right)
    out = []
    for col in a.columns:
        x, y = a[col], b[col]
        if col in floats:
            xv, yv = x.astype(float).to_numpy(), y.astype(float).to_numpy()
            same = (xv == yv) | (np.isnan(xv) & np.isnan(yv)) | np.isclose(xv, yv, rtol=rel, atol=0.0)
            if not same.all():
                out.append(f"{col}: {int((~same).sum())} rows, e.g. {xv[~same][:2]} vs {yv[~same][:2]}")
        elif not x.astype(object).where(x.notna(), None).equals(y.astype(object).where(y.notna(), None)):
            out.append(f"{col}: values differ")
    return out


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Comparable across engines: sketches by their length (each build draws its own salt), numbers to
    9 significant digits (Spark may sum in another order or in DECIMAL), dates as dates, rows sorted."""
    frame = frame.copy()
    for col in frame.columns:
        values = frame[col]
        if col == "people_sketch":
            frame[col] = values.map(lambda v: None if v is None else len(v))
        elif pd.api.types.is_datetime64_any_dtype(values):
            frame[col] = pd.to_datetime(values).dt.tz_localize(None).astype("datetime64[us]")
        elif pd.api.types.is_bool_dtype(values):
            continue
        elif pd.api.types.is_numeric_dtype(values) or values.map(lambda v: hasattr(v, "as_tuple")).any():
            frame[col] = values.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
                                    else float(f"{float(v):.9g}"))
        else:
            frame[col] = values.map(lambda v: str(v) if v is not None and not isinstance(v, str) else v)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.sort_values(list(frame.columns), key=lambda s: s.astype(str)).reset_index(drop=True)


def findings(out: Path) -> dict[str, Any]:
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    doc.pop("generated_at", None)
    return doc


def differences(a: Any, b: Any, path: str = "", rel: float = 1e-7, out: list[str] | None = None) -> list[str]:
    """Where two findings documents differ, numbers compared to ``rel`` (engines sum floats in other orders)."""
    out = [] if out is None else out
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            differences(a.get(key), b.get(key), f"{path}.{key}", rel, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            differences(x, y, f"{path}[{i}]", rel, out)
    elif isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-9):
            out.append(f"{path}: {a} vs {b}")
    elif a != b:
        out.append(f"{path}: {str(a)[:80]} vs {str(b)[:80]}")
    return out
