"""Every format and encoding reads to the same typed tables; broken files are problems, not tracebacks."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhongcao.contract import TABLES
from zhongcao.errors import ValidationError
from zhongcao.ingest import read_input
from zhongcao.ingest.parsers import ARROW_TYPES


def test_every_table_round_trips_from_csv(valid_folder: Path) -> None:
    staged = read_input(valid_folder)
    assert set(staged.tables) == set(TABLES)
    assert [p for p in staged.problems if p.severity == "error"] == []
    for name, table in staged.tables.items():
        for column in TABLES[name].columns:
            assert table.schema.field(column.name).type == ARROW_TYPES[column.type], (name, column.name)
        assert staged.files[name].rows == table.num_rows
        assert staged.files[name].encoding == "utf-8"
        assert len(staged.files[name].sha256) == 64
    notes = staged.tables["notes"].to_pylist()
    assert notes[0]["views"] == 12000 and notes[0]["likes"] == 100000 and notes[0]["collects"] == 1234
    assert notes[0]["tags"] == ["穿搭", "春天"] and notes[1]["tags"] == ["a", "b"]
    assert notes[0]["sponsored"] is True and notes[1]["sponsored"] is False
    assert notes[0]["region"] == "广东" and notes[1]["region"] == "广东"
    assert notes[0]["cost"] == 1200.5 and notes[0]["mood"] == "happy"  # extra column kept
    assert notes[1]["published_at"] == dt.datetime(2025, 3, 2, 8, 30)
    exposures = staged.tables["exposures"].to_pylist()
    assert exposures[1]["ts"] == dt.datetime(2025, 3, 1, 12, 0)  # epoch ms → Shanghai wall time
    assert staged.tables["spend"].to_pylist()[0]["date"] == dt.date(2025, 3, 1)
    assert staged.rejected.num_rows == 0
    assert staged.rejected.schema.names == ["table", "file", "row", "reasons", "record"]


def test_gbk_and_bom_csv(tmp_path: Path, rows, csv_writer) -> None:
    for encoding, expected in (("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig")):
        folder = tmp_path / encoding
        folder.mkdir()
        csv_writer(folder / "creators.csv", rows["creators"], encoding=encoding)
        staged = read_input(folder)
        assert staged.files["creators"].encoding == expected
        assert staged.tables["creators"].column("name").to_pylist() == ["小红", "小绿"]
        assert staged.tables["creators"].column("creator_id").to_pylist() == ["c1", "c2"]


def test_undecodable_file_names_the_byte_offset(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "creators.csv").write_bytes(b"creator_id,name\nc1,ok\nc2,\xff\xfe\xff\n")
    with pytest.raises(ValidationError) as info:
        read_input(folder, quarantine=True)
    [problem] = info.value.problems
    assert problem.file == "creators.csv"
    assert "offset 25" in problem.expected


def test_csv_gz_jsonl_and_parquet(tmp_path: Path, rows) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    header = list(rows["creators"][0])
    text = ",".join(header) + "\n" + "\n".join(",".join(r.values()) for r in rows["creators"]) + "\n"
    (folder / "creators.csv.gz").write_bytes(gzip.compress(text.encode("utf-8")))
    (folder / "users.jsonl").write_text(
        "\n".join(json.dumps({**r, "city_tier": int(r["city_tier"]) if r["city_tier"] else None},
                             ensure_ascii=False) for r in rows["users"]) + "\n", encoding="utf-8")
    pq.write_table(pa.table({
        "user_id": ["u1", "u2"],
        "ts": pa.array([dt.datetime(2025, 3, 1, 4), dt.datetime(2025, 3, 1, 5)], pa.timestamp("ms", tz="UTC")),
        "channel": ["kol", "feeds"], "action": ["view", "like"],
        "note_id": pa.array([None, None], pa.string()),
    }), folder / "exposures.parquet")
    staged = read_input(folder)
    assert staged.files["creators"].format == "csv.gz"
    assert staged.tables["creators"].column("followers").to_pylist() == [35000, 800]
    assert staged.tables["users"].column("city_tier").to_pylist() == [1, None]
    assert staged.files["exposures"].encoding is None
    exposures = staged.tables["exposures"]
    assert exposures.column("ts").to_pylist() == [dt.datetime(2025, 3, 1, 12), dt.datetime(2025, 3, 1, 13)]
    assert exposures.schema.field("query").type == pa.string()  # absent optional column, typed nulls


def test_typed_parquet_passes_through(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    n = 200_000
    table = pa.table({
        "user_id": pa.array([f"u{i % 1000}" for i in range(n)]),
        "ts": pa.array(range(n), pa.int64()).cast(pa.timestamp("us")),
        "channel": pa.array(["kol"] * n), "action": pa.array(["view"] * n),
        "note_id": pa.array(["n1"] * n), "query": pa.nulls(n, pa.string()),
    })
    pq.write_table(table, folder / "exposures.parquet")
    staged = read_input(folder)
    assert staged.tables["exposures"].equals(table)


def test_xlsx_with_chinese_headers(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # a blank first row: the header is the first non-empty one
    sheet.append(["笔记ID", "博主ID", "发布时间", "正文", "是否报备", "点赞", "笔记类型"])
    sheet.append(["n1", "c1", dt.datetime(2025, 3, 1, 12), "正文一", "是", "1.2万", "图文"])
    sheet.append(["n2", "c1", "2025/3/2 9:00", "正文二", "否", 15, "video"])
    book.save(folder / "notes.xlsx")
    staged = read_input(folder)
    notes = staged.tables["notes"].to_pylist()
    assert [n["likes"] for n in notes] == [12000, 15]
    assert [n["note_type"] for n in notes] == ["image", "video"]
    assert notes[0]["published_at"] == dt.datetime(2025, 3, 1, 12)
    assert staged.files["notes"].format == "xlsx"


def test_truncated_csv_names_the_row(tmp_path: Path, rows, csv_writer) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = csv_writer(folder / "creators.csv", rows["creators"])
    path.write_bytes(path.read_bytes() + b"c3,\"cut off")
    with pytest.raises(ValidationError) as info:
        read_input(folder)
    [problem] = info.value.problems
    assert (problem.file, problem.row) == ("creators.csv", 3)
    assert "cut short" in problem.expected
    staged = read_input(folder, quarantine=True)
    assert staged.tables["creators"].num_rows == 2
    assert staged.rejected.column("row").to_pylist() == [3]


@pytest.mark.parametrize("suffix", ["csv.gz", "parquet", "xlsx"])
def test_truncated_binary_files(tmp_path: Path, rows, suffix: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / f"creators.{suffix}"
    if suffix == "csv.gz":
        text = "creator_id,name\n" + "".join(f"c{i},name{i}\n" for i in range(2000))
        path.write_bytes(gzip.compress(text.encode()))
    elif suffix == "parquet":
        pq.write_table(pa.table({"creator_id": [f"c{i}" for i in range(2000)]}), path)
    else:
        book = openpyxl.Workbook()
        book.active.append(["creator_id"])
        book.save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValidationError) as info:
        read_input(folder, quarantine=True)
    [problem] = info.value.problems
    assert problem.file == path.name
    assert "truncated" in problem.expected


def test_truncated_jsonl_line_is_a_row_problem(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "users.jsonl").write_text('{"user_id": "u1"}\n{"user_id": "u2"}\n{"user_id": "u', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_input(folder)
    [problem] = info.value.problems
    assert (problem.file, problem.row) == ("users.jsonl", 3)
    staged = read_input(folder, quarantine=True)
    assert staged.tables["users"].num_rows == 2


def test_file_cut_mid_character(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "creators.csv").write_bytes("creator_id,name\nc1,小红\n".encode()[:-2])
    with pytest.raises(ValidationError) as info:
        read_input(folder)
    assert "truncated" in info.value.problems[0].expected


def test_header_spellings(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "creators.csv").write_text("\ufeff Creator_ID ,粉丝数, 博主昵称\nc1,1.2万,x\n", encoding="utf-8")
    staged = read_input(folder)
    assert staged.tables["creators"].to_pylist()[0]["followers"] == 12000
    (folder / "creators.csv").write_text("creator_id,博主ID\nc1,c1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="one column for creator_id"):
        read_input(folder, quarantine=True)


def test_damaged_utf8_is_not_read_as_gbk(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    data = "creator_id,name\nc1,小红\nc3,小绿小蓝\n".encode() + b"c2,\xe5\xb0x\n"  # a broken character after good UTF-8
    (folder / "creators.csv").write_bytes(data)
    with pytest.raises(ValidationError) as info:
        read_input(folder)
    assert f"offset {len(data) - 4}" in info.value.problems[0].expected


def test_unterminated_quote_at_the_end(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "orders.csv").write_text(
        'order_id,user_id,ordered_at,platform,amount\no1,u1,2025-01-01,jd,5\no7,u1,2025-01-01,jd,"12\n',
        encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_input(folder)
    [problem] = info.value.problems
    assert (problem.file, problem.row) == ("orders.csv", 2)
    assert "quote" in problem.expected
    staged = read_input(folder, quarantine=True)
    assert staged.tables["orders"].column("order_id").to_pylist() == ["o1"]
    assert staged.rejected.column("row").to_pylist() == [2]
