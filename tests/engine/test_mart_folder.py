"""`zhongcao marts` (DuckDB), `zhongcao run --marts`, and the clean-room export policy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.engine.marts_compare import differences, findings, read_mart
from zhongcao.engine import Workspace, marts
from zhongcao.engine.clean_room import FORBIDDEN, OTHER, POLICY, check
from zhongcao.engine.mart_folder import MartFolder

N = 5  # a small minimum group, so a 4,000-user world keeps enough rows to run every mart-only analysis


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zhongcao.simulate import simulate

    root = tmp_path_factory.mktemp("mart-folder")
    simulate("clip-earbuds", root / "input", users=4_000, seed=2)
    return root


@pytest.fixture(scope="module")
def built(world: Path) -> Path:
    from zhongcao.cli.main import app

    result = CliRunner().invoke(app, ["marts", str(world / "input"), "--out", str(world / "marts"),
                                      "--workspace", str(world / "ws")])
    assert result.exit_code == 0, result.output
    return world / "marts"


def test_manifest_says_what_each_mart_is_and_holds_no_salt(built: Path, world: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["marts"]) == set(marts())
    assert manifest["engine"] == "duckdb" and len(manifest["input_fingerprint"]) == 64 and manifest["code_version"]
    assert manifest["input_rows"]["exposures"] > 0 and manifest["exported"] is False
    for name, entry in manifest["marts"].items():
        assert entry["grain"] == marts()[name].grain
        table = pq.read_table(built / entry["path"] / "part-00000.parquet")
        assert entry["rows"] == table.num_rows and [c["name"] for c in entry["columns"]] == table.column_names
    con = Workspace(world / "ws").connect()
    salt = con.execute("SELECT value FROM _meta WHERE key = 'people_salt'").fetchone()[0]
    con.close()
    assert salt not in (built / "manifest.json").read_text(encoding="utf-8")
    for path in built.rglob("*.parquet"):
        assert salt.encode() not in path.read_bytes()


def test_run_from_marts_gives_the_workspace_findings(built: Path, world: Path, tmp_path: Path) -> None:
    """Same analyses and findings as from the workspace the marts were built in (brand safety from the
    mention_accounts mart); creators reads user rows and says so. (Marts are compared with their rows
    in one order: results that depend on the order of tied rows would otherwise follow DuckDB's
    parallel GROUP BY.)"""
    from zhongcao import pipeline

    from_marts = pipeline.run_marts(built, tmp_path / "m", lang="en").document
    needs_rows = {n for n, e in from_marts["analyses"].items() if e["error"]}
    assert "creators" in needs_rows and "safety" not in needs_rows
    assert "needs a workspace" in from_marts["analyses"]["creators"]["error"]
    assert from_marts["analyses"]["safety"]["results"], "brand safety runs from marts"

    class Sorted(Workspace):
        def mart(self, name: str):  # type: ignore[no-untyped-def]
            from zhongcao.engine.marts_build import sorted_rows

            return sorted_rows(super().mart(name))

    ws_doc = pipeline.findings(Sorted(world / "ws"))
    for name, entry in ws_doc["analyses"].items():
        if name in needs_rows and not entry["error"]:
            continue  # runs on the workspace only: it reads user rows
        assert not differences(json.loads(json.dumps(entry, default=str)), from_marts["analyses"][name]), name
    assert len(from_marts["findings"]) >= 15


def test_clean_room_export_keeps_the_policy(built: Path, tmp_path: Path) -> None:
    from zhongcao.cli.main import app

    out = tmp_path / "export"
    shutil.copytree(built, out)
    runner = CliRunner()
    from zhongcao.engine.clean_room import export_policy

    export_policy(out, min_group_size=N)
    manifest = MartFolder(out).manifest
    assert manifest["exported"] is True and manifest["min_group_size"] == N
    con = duckdb.connect()
    for name, entry in manifest["marts"].items():
        files = str(out / entry["path"] / "*.parquet")
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{files}')").fetchall()]
        assert not {c.lower() for c in cols} & FORBIDDEN, name  # no user, lead, order or comment ids
        rule = POLICY[name]
        if rule.people is not None:
            small = con.execute(f"SELECT COUNT(*) FROM read_parquet('{files}') WHERE ({rule.people}) < {N}").fetchone()
            assert small[0] == 0, name
        assert entry["export_rule"]
    # raw comment text leaves only as texts many people wrote: no comment written fewer than N times
    comments = con.execute(f"SELECT MIN(n) FROM read_parquet('{out}/marts/scene_note_comments/*.parquet')").fetchone()
    assert comments[0] is None or comments[0] >= N
    merged = read_mart(out, "attribution_journeys")
    assert (merged["path"] == OTHER).any()  # rare paths were merged, not dropped
    assert check(out, N) == []

    # the export from the command line, and analyses over it: every one runs or says why not
    result = runner.invoke(app, ["run", "--marts", str(out), "--out", str(tmp_path / "run"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    doc = findings(tmp_path / "run")
    assert {f["analysis"] for f in doc["findings"]} >= {"kpi", "attribution", "mmm"}


def test_a_row_under_the_minimum_fails_the_check_and_the_export(built: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    from zhongcao.engine import clean_room

    out = tmp_path / "export"
    shutil.copytree(built, out)
    clean_room.export_policy(out, min_group_size=N)
    path = next((out / "marts" / "touch_cube").glob("*.parquet"))
    table = pq.read_table(path)
    users = table.column("users").to_pylist()
    users[0] = 1
    pq.write_table(table.set_column(table.schema.get_field_index("users"), "users", pa.array(users, pa.int64())), path)
    assert any(p.startswith("touch_cube: 1 row(s)") for p in check(out, N))

    # a rule that lets small rows through is caught before anything is handed over
    again = tmp_path / "again"
    shutil.copytree(built, again)
    original = clean_room._policy_sql
    monkeypatch.setattr(clean_room, "_policy_sql", lambda name, files, n, keep: (
        original("note_text", files, n, keep) if name == "touch_cube" else original(name, files, n, keep)))
    with pytest.raises(Exception, match="export refused"):
        clean_room.export_policy(again, min_group_size=N)
    assert not (again / "marts").exists() and not (again / "manifest.json").exists()


def test_the_export_takes_the_brand_minimum_group_when_none_is_given(built: Path, tmp_path: Path) -> None:
    """brand.toml's ``[settings] min_group_size`` (kept in the manifest's brand by the build) is the
    export's minimum when neither the command line nor the caller gives one."""
    from zhongcao.engine.clean_room import export_policy

    out = tmp_path / "export"
    shutil.copytree(built, out)
    path = out / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["brand"] = {**manifest.get("brand", {}), "settings": {"min_group_size": 7}}
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    export_policy(out)
    assert MartFolder(out).manifest["min_group_size"] == 7
    assert check(out, 7) == []


def test_export_from_the_command_line(world: Path, tmp_path: Path) -> None:
    from zhongcao.cli.main import app

    out = tmp_path / "clean"
    result = CliRunner().invoke(app, ["marts", str(world / "input"), "--out", str(out), "--export",
                                      "--min-group-size", str(N)])
    assert result.exit_code == 0, result.output
    assert MartFolder(out).manifest["exported"] is True
    assert check(out, N) == []
