"""The same staging and marts on Spark (local mode) agree with DuckDB."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from zhongcao.contract import TABLES
from zhongcao.engine import Workspace, marts
from zhongcao.engine.sql import mart_name, staging_name

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java 17+ on PATH")
    from zhongcao.engine.spark import spark_session

    session = spark_session("zhongcao-tests")
    yield session
    session.stop()


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v)
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = pd.to_datetime(frame[col]).dt.tz_localize(None).astype("datetime64[us]")
        elif col in ("day", "month", "date"):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
        elif pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(frame[col]):
            # Spark may compute a ratio in DECIMAL where DuckDB uses DOUBLE: agree to 1e-6 relative.
            frame[col] = frame[col].astype(float).map(lambda v: float(f"{v:.9g}") if pd.notna(v) else v)
        elif frame[col].dtype == object and frame[col].map(lambda v: hasattr(v, "as_tuple")).any():
            frame[col] = frame[col].map(lambda v: float(f"{float(v):.9g}") if v is not None else v)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.sort_values(list(frame.columns), key=lambda s: s.astype(str)).reset_index(drop=True)


def test_spark_matches_duckdb_on_staging_and_marts(spark, tiny_ws: Path) -> None:  # type: ignore[no-untyped-def]
    from zhongcao.engine.spark import run_models
    from zhongcao.engine.sql import raw_name
    from zhongcao.engine.workspace import people_salt

    ws = Workspace(tiny_ws)
    con = ws.connect()  # read-only, and finds the Parquet segments of large tables
    salt = people_salt(con)  # the same people tokens, so the cubes' sketches compare too
    raw = {t: con.execute(f"SELECT * FROM {raw_name(t)}").fetch_arrow_table() for t in TABLES}
    expected = {
        name: con.execute(f"SELECT * FROM {name}").fetch_df()
        for name in [staging_name(t) for t in TABLES] + [mart_name(m) for m in marts()]
    }
    con.close()
    got = run_models(spark, raw, salt)
    assert set(got) == set(expected)
    for name, frame in expected.items():
        left, right = _normalise(frame), _normalise(got[name].to_pandas())
        assert list(left.columns) == list(right.columns), name
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=name)
