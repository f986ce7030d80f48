"""Contract checks: every problem reported with file, row, column and value; strict vs quarantine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhongcao.errors import ContractError, InputError, ValidationError
from zhongcao.ingest import load_brand, read_input
from zhongcao.ingest.phone import hash_phone, session_key


def _digest(phone: str) -> str:
    """What read_input without a key hashes a phone to: HMAC under the process's random key."""
    return hash_phone(phone, session_key())


def _problems(folder: Path) -> list:
    with pytest.raises(ValidationError) as info:
        read_input(folder)
    return info.value.problems


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_input(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError):
        read_input(tmp_path / "empty")


def test_missing_required_column(make_folder, rows) -> None:
    for r in rows["creators"]:
        del r["creator_id"]
    problems = _problems(make_folder({"creators": rows["creators"]}))
    [problem] = [p for p in problems if p.severity == "error"]
    assert (problem.file, problem.column) == ("creators.csv", "creator_id")
    assert "required column" in problem.expected


def test_text_in_a_number_column_names_file_row_column_value(make_folder, rows) -> None:
    rows["creators"][1]["followers"] = "很多"
    [problem] = _problems(make_folder({"creators": rows["creators"]}))
    assert (problem.file, problem.row, problem.column, problem.value) == ("creators.csv", 2, "followers", "很多")
    assert "1.2万" in problem.expected


def test_every_bad_row_is_listed(make_folder, rows) -> None:
    base = rows["surveys"][0]
    surveys = [{**base, "user_id": f"u{i}"} for i in range(6)]
    surveys[1]["nps"] = "eleven"
    surveys[3]["nps"] = "11"  # above the maximum
    surveys[5]["answered_at"] = "yesterday"
    problems = _problems(make_folder({"surveys": surveys}))
    assert [(p.row, p.column) for p in problems] == [(6, "answered_at"), (2, "nps"), (4, "nps")]


def test_choices_and_required_values(make_folder, rows) -> None:
    rows["leads"].append({**rows["leads"][0], "lead_id": "l2", "status": "maybe"})
    rows["leads"].append({**rows["leads"][0], "lead_id": "l3", "created_at": ""})
    problems = _problems(make_folder({"leads": rows["leads"]}))
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "status", "maybe"), (3, "created_at", None)]
    assert "one of new|contacted" in problems[0].expected
    assert "required" in problems[1].expected


def test_duplicate_keys_list_rows(make_folder, rows) -> None:
    base = rows["creators"][0]
    creators = [base, {**base, "creator_id": "c2"}, dict(base), {**base, "creator_id": "c3"}, dict(base)]
    [problem] = _problems(make_folder({"creators": creators}))
    assert problem.column == "creator_id" and problem.value == "c1"
    assert "1, 3, 5" in problem.expected


def test_quarantine_keeps_valid_rows_and_rejects_bad_ones(make_folder, rows) -> None:
    rows["creators"].append({**rows["creators"][0], "creator_id": "c3", "followers": "lots", "quote": "-5"})
    staged = read_input(make_folder({"creators": rows["creators"]}), quarantine=True)
    assert staged.tables["creators"].column("creator_id").to_pylist() == ["c1", "c2"]
    [rejected] = staged.rejected.to_pylist()
    assert (rejected["table"], rejected["file"], rejected["row"]) == ("creators", "creators.csv", 3)
    assert "followers" in rejected["reasons"] and "quote" in rejected["reasons"]
    assert json.loads(rejected["record"])["followers"] == "lots"
    assert len([p for p in staged.problems if p.severity == "error"]) == 2


def test_quarantine_still_refuses_file_level_errors(make_folder, rows) -> None:
    for r in rows["surveys"]:
        del r["nps"]
    with pytest.raises(ValidationError):
        read_input(make_folder({"surveys": rows["surveys"]}), quarantine=True)


def test_phone_is_hashed_and_never_output(make_folder, rows) -> None:
    phones = ["+86 138-1234-1234", "13912345678", "555-0100", "0086 13712345678"]
    leads = [{"lead_id": f"l{i}", "手机号": p, "created_at": "2025-03-03", "status": "new"}
             for i, p in enumerate(phones)]
    leads[3]["status"] = "bogus"  # a rejected row whose record would carry the phone
    staged = read_input(make_folder({"leads": leads}), quarantine=True)
    kept = staged.tables["leads"]
    assert "手机号" not in kept.column_names and "phone" not in kept.column_names
    assert kept.column("user_id").to_pylist() == [_digest("13812341234"), _digest("13912345678")]
    everything = repr(staged) + repr(staged.rejected.to_pylist()) + "".join(map(str, staged.problems))
    for digits in ("13812341234", "1234-1234", "13912345678", "13712345678", "5550100", "555-0100"):
        assert digits not in everything
    assert "137****5678" in everything
    assert staged.rejected.num_rows == 2


def test_phone_in_table_that_does_not_accept_it_is_dropped(make_folder, rows) -> None:
    rows["creators"][0]["电话"] = "13812341234"
    rows["creators"][1]["电话"] = ""
    staged = read_input(make_folder({"creators": rows["creators"]}))
    assert "电话" not in staged.tables["creators"].column_names
    assert "13812341234" not in repr(staged)


def test_referential_warnings(make_folder, rows) -> None:
    rows["comments"] += [{**rows["comments"][0], "comment_id": f"m{i}", "note_id": "ghost"} for i in range(2, 6)]
    staged = read_input(make_folder({k: rows[k] for k in ("notes", "comments", "creators")}))
    [warning] = [p for p in staged.problems if p.column == "note_id"]
    assert warning.severity == "warning" and warning.file == "comments.csv"
    assert "4 of 5" in warning.expected and warning.value == "ghost"
    assert staged.tables["comments"].num_rows == 5


def test_unknown_files_duplicates_and_extra_columns(make_folder, rows) -> None:
    rows["surveys"][0]["extra"] = "kept"  # surveys keep extras
    rows["comments"][0]["extra"] = "x"  # comments do not
    folder = make_folder({"surveys": rows["surveys"], "comments": rows["comments"]})
    (folder / "readme.txt").write_text("hello")
    staged = read_input(folder)
    warnings = {(p.file, p.column) for p in staged.problems if p.severity == "warning"}
    assert ("readme.txt", None) in warnings and ("comments.csv", "extra") in warnings
    assert staged.tables["surveys"].column("extra").to_pylist() == ["kept"]
    assert "extra" not in staged.tables["comments"].column_names
    (folder / "surveys.jsonl").write_text('{"user_id": "u1"}\n')
    problems = _problems(folder)
    assert any("one file for table surveys" in p.expected for p in problems)


def test_problem_cap(make_folder, rows) -> None:
    base = rows["surveys"][0]
    surveys = [{**base, "nps": "x"} for _ in range(1005)]
    problems = _problems(make_folder({"surveys": surveys}))
    assert len(problems) == 1001 and "5 more rows" in problems[-1].expected


def test_brand_toml(tmp_path: Path) -> None:
    assert load_brand(tmp_path).name == "unnamed brand"
    (tmp_path / "brand.toml").write_text('name = "Acme"\nlexicon = ["防晒霜"]\n', encoding="utf-8")
    assert load_brand(tmp_path).lexicon == ("防晒霜",)
    (tmp_path / "brand.toml").write_text('name = "Acme\n', encoding="utf-8")
    with pytest.raises(ContractError, match=r"brand\.toml"):
        load_brand(tmp_path)
    (tmp_path / "brand.toml").write_text('colour = "red"\n', encoding="utf-8")
    with pytest.raises(ContractError, match=r"brand\.toml"):
        load_brand(tmp_path)


def test_phone_under_an_unknown_header_is_caught_by_content(make_folder, rows) -> None:
    orders = [{**rows["orders"][0], "user_id": "", "联系方式": "13812341234"},
              {**rows["orders"][0], "order_id": "o2", "联系方式": "139 1234 5678"}]
    staged = read_input(make_folder({"orders": orders}))
    table = staged.tables["orders"]
    assert "联系方式" not in table.column_names
    assert table.column("user_id").to_pylist() == [_digest("13812341234"), "u1"]
    assert "13812341234" not in repr(staged) and "5678" not in repr(table.to_pylist())


def test_phone_numbers_in_user_id_are_hashed(make_folder, rows) -> None:
    users = [{**rows["users"][0], "user_id": "138-1234-1234"}, {**rows["users"][1], "user_id": "13912345678"}]
    orders = [{**rows["orders"][0], "user_id": "+8613812341234"},
              {**rows["orders"][0], "order_id": "o2", "user_id": "13912345678", "amount": "?"}]
    staged = read_input(make_folder({"users": users, "orders": orders}), quarantine=True)
    digest = _digest("13812341234")
    assert staged.tables["users"].column("user_id").to_pylist()[0] == digest
    assert staged.tables["orders"].column("user_id").to_pylist() == [digest]
    assert "13912345678" not in repr(staged) + repr(staged.rejected.to_pylist())
    assert staged.rejected.num_rows == 1
    assert not [p for p in staged.problems if "point nowhere" in p.expected]


def test_references_that_point_nowhere_are_counted_with_examples_in_order(make_folder, rows) -> None:
    o = rows["orders"][0]
    orders = [{**o, "order_id": "o1", "user_id": "ghost2"}, {**o, "order_id": "o2", "user_id": "u1"},
              {**o, "order_id": "o3", "user_id": "ghost1"}, {**o, "order_id": "o4", "user_id": "ghost2"}]
    staged = read_input(make_folder({"users": rows["users"], "orders": orders}))
    [problem] = [p for p in staged.problems if "point nowhere" in p.expected]
    assert (problem.file, problem.column, problem.severity) == ("orders.csv", "user_id", "warning")
    assert problem.value == "ghost2, ghost1"  # first seen first
    assert "(3 of 4 rows point nowhere)" in problem.expected
