"""Inputs that once loaded partly, silently or with a misleading error (issue #20, point 8): each is
read or refused with a message naming the file and the cause."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from zhongcao.errors import InputError, Problem, ValidationError
from zhongcao.ingest import read_input
from zhongcao.ingest.limits import MAX_CELL_CHARS

HEADER = ["order_id", "user_id", "ordered_at", "platform", "amount"]
ROWS = [["x1", "u1", "2025-01-05 10:00:00", "jd", "10"], ["x2", "u2", "2025-01-06 10:00:00", "tmall", "20"]]


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    return "".join(sep.join(r) + "\n" for r in rows)


def folder(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path.parent


def warnings_of(problems: list[Problem], file: str) -> list[str]:
    return [p.expected for p in problems if p.file == file and p.severity == "warning"]


def refusal(tmp_path: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        read_input(tmp_path / "in")
    return info.value.problems


@pytest.mark.parametrize("title", ["2025年订单报表\n", "2025年订单报表,,,,\n", "订单报表\n导出时间 2025-01-07\n"])
def test_a_title_row_above_the_header_is_skipped_and_said(tmp_path: Path, title: str) -> None:
    staged = read_input(folder(tmp_path, "orders.csv", title + csv_text([HEADER, *ROWS])))
    assert staged.tables["orders"].column("order_id").to_pylist() == ["x1", "x2"]
    assert any("title" in w and "is the header" in w for w in warnings_of(staged.problems, "orders.csv"))


def test_a_bad_row_below_a_title_keeps_its_number(tmp_path: Path) -> None:
    content = "订单报表\n" + csv_text([HEADER, ROWS[0], ["x3", "u1", "2025-01-06", "jd", "abc"]])
    bad = [p for p in refusal(folder(tmp_path, "orders.csv", content).parent) if p.severity == "error"]
    assert [(p.file, p.row, p.column, p.value) for p in bad] == [("orders.csv", 2, "amount", "abc")]


def test_a_merged_title_row_in_a_workbook_is_skipped_and_said(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "in").mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025年订单报表"])
    sheet.merge_cells("A1:E1")
    for row in (HEADER, *ROWS):
        sheet.append(row)
    book.save(tmp_path / "in" / "orders.xlsx")
    staged = read_input(tmp_path / "in")
    assert staged.tables["orders"].num_rows == 2
    assert any("title" in w for w in warnings_of(staged.problems, "orders.xlsx"))


def test_every_sheet_of_a_workbook_is_read_or_reported(tmp_path: Path) -> None:
    """Issue #20: a workbook of two sheets loaded one (60 of 120 rows) and said nothing."""
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "in").mkdir()
    book = openpyxl.Workbook()
    first = book.active
    first.title = "一月"
    second = book.create_sheet("二月")
    other = book.create_sheet("说明")
    first.append(HEADER)
    second.append(HEADER)
    for i in range(60):
        first.append([f"a{i}", "u1", "2025-01-05 10:00:00", "jd", 1])
        second.append([f"b{i}", "u2", "2025-02-05 10:00:00", "jd", 2])
    second.append(["b-bad", "u2", "2025-02-05 10:00:00", "jd", "八十八"])
    other.append(["字段", "含义"])
    other.append(["order_id", "订单号"])
    book.save(tmp_path / "in" / "orders.xlsx")
    bad = refusal(tmp_path)
    assert [(p.row, p.value) for p in bad if p.severity == "error"] == [(121, "八十八")]  # numbered on
    warned = warnings_of(bad, "orders.xlsx")
    assert any("read 2 sheets" in w and "一月 (60 rows)" in w and "二月 (61 rows)" in w for w in warned)
    assert any("'说明'" in w and "not read" in w for w in warned)
    second.delete_rows(second.max_row)
    book.save(tmp_path / "in" / "orders.xlsx")
    assert read_input(tmp_path / "in").tables["orders"].num_rows == 120


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_other_separators_are_read(tmp_path: Path, sep: str) -> None:
    staged = read_input(folder(tmp_path, "orders.csv", csv_text([HEADER, *ROWS], sep)))
    assert staged.tables["orders"].column("amount").to_pylist() == [10.0, 20.0]


def test_a_json_array_named_jsonl_is_read_and_said(tmp_path: Path) -> None:
    records = [dict(zip(HEADER, r, strict=True)) for r in ROWS]
    staged = read_input(folder(tmp_path, "orders.jsonl", json.dumps(records, ensure_ascii=False, indent=1)))
    assert staged.tables["orders"].num_rows == 2
    assert any("JSON array" in w for w in warnings_of(staged.problems, "orders.jsonl"))
    broken = refusal(folder(tmp_path, "orders.jsonl", json.dumps(records)[:-5]).parent)
    assert any("JSON array" in p.expected and p.file == "orders.jsonl" for p in broken)


def test_an_upper_case_name_is_its_table(tmp_path: Path) -> None:
    assert read_input(folder(tmp_path, "ORDERS.CSV", csv_text([HEADER, *ROWS]))).tables["orders"].num_rows == 2


def test_a_copy_named_by_the_browser_is_named_in_the_message(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"orders \(1\)\.csv.*copy of orders\.csv.*rename it to orders\.csv"):
        read_input(folder(tmp_path, "orders (1).csv", csv_text([HEADER, *ROWS])))
    folder(tmp_path, "users.csv", "user_id,gender\nu1,f\n")
    staged = read_input(tmp_path / "in")  # beside other tables: loaded without it, and said
    assert "orders" not in staged.tables and any("rename it" in w for w in warnings_of(staged.problems,
                                                                                         "orders (1).csv"))


@pytest.mark.parametrize("kind, cause", [
    ("dangling", "symbolic link to '/nonexistent/orders.csv', which does not exist"),
    ("loop", "loops back on itself"),
    ("folder", "it is a folder"),
    ("fifo", "named pipe"),
])
def test_what_is_not_a_file_is_refused_with_its_cause(tmp_path: Path, kind: str, cause: str) -> None:
    folder(tmp_path, "users.csv", "user_id,gender\nu1,f\n")
    path = tmp_path / "in" / "orders.csv"
    if kind == "dangling":
        os.symlink("/nonexistent/orders.csv", path)
    elif kind == "loop":
        os.symlink("orders.csv", path)
    elif kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    problems = refusal(tmp_path)
    assert [(p.file, p.severity) for p in problems] == [("orders.csv", "error")] and cause in problems[0].expected


def test_a_huge_cell_is_cut_with_a_warning(tmp_path: Path) -> None:
    """A 10 MB cell once cost minutes in the text analyses (measured in ingest/limits.py)."""
    rows = [[*HEADER, "note"], *([*r, ""] for r in ROWS)]
    rows[1][-1] = "好" * 10_000_000
    staged = read_input(folder(tmp_path, "orders.csv", csv_text(rows)))
    kept = staged.tables["orders"].column("note").to_pylist()
    assert len(kept[0]) == MAX_CELL_CHARS and kept[1] is None
    (warned,) = [p for p in staged.problems if p.column == "note"]
    assert warned.severity == "warning" and "1 value(s) (e.g. row 1)" in warned.expected
    assert warned.value == "10,000,000 characters"


def test_implausible_values_are_warned_once_per_column_with_a_count(tmp_path: Path) -> None:
    rows = [HEADER, *[[f"x{i}", f"u{i}", "2099-01-05 10:00:00", "jd", "1e18"] for i in range(30)],
            ["y1", "u\x00nul", "2025-01-06 10:00:00", "jd", "20"]]
    staged = read_input(folder(tmp_path, "orders.csv", csv_text(rows)))
    warned = {p.column: p for p in staged.problems if p.severity == "warning"}
    assert set(warned) == {"ordered_at", "amount", "user_id"}  # one each, not one per row
    assert "30 value(s) (e.g. row 1)" in warned["ordered_at"].expected and warned["ordered_at"].value.startswith("2099")
    assert "30 value(s)" in warned["amount"].expected and "NUL" in warned["user_id"].expected
    assert "\x00" not in "".join(staged.tables["orders"].column("user_id").to_pylist())
    assert staged.tables["orders"].num_rows == 31  # kept as written: a warning is not a rejection


def test_the_data_contract_states_these_limits() -> None:
    from zhongcao.contract.docs import LOADING
    from zhongcao.ingest import limits

    for figure in (f"{limits.MAX_CELL_CHARS:,}", f"{limits.MAX_MONEY:,.0f}", f"{limits.MAX_COUNT:,.0f}",
                   f"before {limits.EARLIEST.year}"):
        assert figure in LOADING, figure
