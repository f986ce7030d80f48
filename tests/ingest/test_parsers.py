from __future__ import annotations

import datetime as dt

import pandas as pd

from zhongcao.ingest.parsers import (
    parse_bool,
    parse_count,
    parse_date,
    parse_int,
    parse_money,
    parse_tags,
    parse_timestamp,
)


def s(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def test_chinese_counts() -> None:
    values, bad = parse_count(s("1.2万", "10w+", "1,234", "1.2k", "3亿", "1.5W", "12", "12.0", None, ""))
    assert values.to_pylist() == [12000, 100000, 1234, 1200, 300000000, 15000, 12, 12, None, None]
    assert not bad.any()


def test_count_rejects_text_negative_and_fractions() -> None:
    values, bad = parse_count(s("abc", "-3", "1.5", "7"))
    assert bad.tolist() == [True, True, True, False]
    assert values.to_pylist() == [None, None, None, 7]


def test_int_and_money() -> None:
    assert parse_int(s("1", "3.0", "x"))[1].tolist() == [False, False, True]
    values, bad = parse_money(s("¥1,234.50", "￥12", "99元", "1.2万", "free"))
    assert values.to_pylist()[:4] == [1234.5, 12.0, 99.0, 12000.0]
    assert bad.tolist() == [False, False, False, False, True]


def test_bool_forms() -> None:
    values, bad = parse_bool(s("true", "0", "yes", "N", "是", "否", "已报备", "未报备", "maybe"))
    assert values.to_pylist() == [True, False, True, False, True, False, True, False, None]
    assert bad.tolist() == [False] * 8 + [True]


def test_timestamp_forms_are_shanghai_wall_time() -> None:
    noon = dt.datetime(2025, 3, 1, 12, 0)
    values, bad = parse_timestamp(s(
        "2025-03-01 12:00:00", "2025/3/1 12:00", "2025-03-01T12:00:00",
        "1740801600",  # epoch seconds: 2025-03-01 04:00 UTC
        "1740801600000",  # epoch milliseconds
        "2025-03-01T04:00:00Z", "2025-03-01T05:00:00+01:00", "2025-03-01T12:00:00+08:00",
    ))
    assert values.to_pylist() == [noon] * 8
    assert not bad.any()
    assert str(values.type) == "timestamp[us]"


def test_timestamp_bad_and_dates() -> None:
    values, bad = parse_timestamp(s("2025-03-01", "not a time", None, "2025-13-01 00:00"))
    assert values.to_pylist()[0] == dt.datetime(2025, 3, 1)
    assert bad.tolist() == [False, True, False, True]
    days, bad = parse_date(s("2025-03-01", "2025/3/1", "20250301", "x"))
    assert days.to_pylist()[:3] == [dt.date(2025, 3, 1)] * 3
    assert bad.tolist() == [False, False, False, True]


def test_tags() -> None:
    values, bad = parse_tags(s("#a#b", "a#b", "#a #b ", '["x", "#y"]', None, "[broken"))
    assert values.to_pylist() == [["a", "b"], ["a", "b"], ["a", "b"], ["x", "y"], None, None]
    assert bad.tolist() == [False] * 5 + [True]
