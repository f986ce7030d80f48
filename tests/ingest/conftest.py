"""Fixture folders for ingestion tests, written into tmp_path by each test."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

VALID: dict[str, list[dict[str, str]]] = {
    "notes": [
        {"note_id": "n1", "creator_id": "c1", "published_at": "2025-03-01 12:00:00", "title": "春日穿搭",
         "body": "好看", "tags": "#穿搭#春天", "note_type": "image", "region": "广东省", "sponsored": "是",
         "brand": "A", "product": "p", "views": "1.2万", "likes": "10w+", "collects": "1,234",
         "comments": "3", "shares": "0", "cost": "¥1,200.50", "mood": "happy"},
        {"note_id": "n2", "creator_id": "c2", "published_at": "2025/3/2 08:30", "title": "",
         "body": "视频", "tags": '["a", "b"]', "note_type": "video", "region": "深圳", "sponsored": "否",
         "brand": "", "product": "", "views": "100", "likes": "5", "collects": "", "comments": "",
         "shares": "", "cost": "", "mood": ""},
    ],
    "creators": [
        {"creator_id": "c1", "name": "小红", "followers": "3.5万", "region": "粤", "category": "穿搭",
         "quote": "5000"},
        {"creator_id": "c2", "name": "小绿", "followers": "800", "region": "", "category": "", "quote": ""},
    ],
    "users": [
        {"user_id": "u1", "gender": "f", "age_band": "18-24", "region": "上海", "city_tier": "1"},
        {"user_id": "u2", "gender": "m", "age_band": "25-34", "region": "", "city_tier": ""},
    ],
    "exposures": [
        {"user_id": "u1", "ts": "2025-03-01T10:00:00", "channel": "kol", "action": "view", "note_id": "n1",
         "query": ""},
        {"user_id": "u2", "ts": "1740801600000", "channel": "search", "action": "search", "note_id": "",
         "query": "防晒"},
    ],
    "comments": [
        {"comment_id": "m1", "note_id": "n1", "user_id": "u1", "created_at": "2025-03-01 13:00:00",
         "text": "求链接", "region": "IP属地：浙江", "likes": "2"},
    ],
    "leads": [
        {"lead_id": "l1", "user_id": "u1", "created_at": "2025-03-03", "channel": "kol", "note_id": "n1",
         "status": "new"},
    ],
    "orders": [
        {"order_id": "o1", "user_id": "u1", "ordered_at": "2025-03-04 20:00:00", "platform": "tmall",
         "product": "p", "sku": "s1", "quantity": "2", "amount": "199.00", "region": "北京"},
    ],
    "spend": [
        {"date": "2025-03-01", "channel": "kol", "amount": "5000", "campaign": "春季", "note_id": "n1",
         "creator_id": "c1", "impressions": "1万", "clicks": "300"},
    ],
    "surveys": [
        {"user_id": "u1", "answered_at": "2025-03-05 09:00:00", "nps": "9"},
    ],
}


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8",
              header: list[str] | None = None) -> Path:
    names = header or list(rows[0])
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow(list(row.values()))
    return path


@pytest.fixture
def valid_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "input"
    folder.mkdir()
    for name, rows in VALID.items():
        write_csv(folder / f"{name}.csv", rows)
    return folder


@pytest.fixture
def rows() -> dict[str, list[dict[str, str]]]:
    """A fresh copy of the valid rows, safe to edit in a test."""
    return {name: [dict(r) for r in table] for name, table in VALID.items()}


@pytest.fixture
def csv_writer():
    return write_csv


@pytest.fixture
def make_folder(tmp_path: Path):
    """Write a folder of CSV files from {table: rows}; returns the folder."""

    def make(tables: dict[str, list[dict[str, str]]], name: str = "input") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for table, table_rows in tables.items():
            write_csv(folder / f"{table}.csv", table_rows)
        return folder

    return make
