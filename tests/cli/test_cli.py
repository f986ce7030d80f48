"""The CLI mirrors the library and turns errors into exit code 2 with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zhongcao.cli.main import app

runner = CliRunner()


def test_ingest_then_analyze(tiny_dir: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["ingest", str(tiny_dir), "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert "orders" in result.output
    result = runner.invoke(app, ["analyze", "kpi", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["analyses"]["kpi"]["results"]["totals"]["orders"] == 4


def test_bad_input_exits_2_with_file_row_column(tiny_dir: Path, tmp_path: Path) -> None:
    (tiny_dir / "orders.csv").write_text(
        "order_id,user_id,ordered_at,platform,amount\no1,u1,2025-01-01,jd,abc\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["ingest", str(tiny_dir), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "orders.csv" in result.output and "amount" in result.output and "abc" in result.output


def test_unknown_analysis_is_a_clear_error(tiny_ws: Path) -> None:
    result = runner.invoke(app, ["analyze", "nope", "--workspace", str(tiny_ws)])
    assert result.exit_code == 2
    assert "kpi" in result.output


def test_every_command_has_an_example() -> None:
    for command in app.registered_commands:
        assert "Example: zhongcao" in (command.callback.__doc__ or ""), command.name


def test_tables_lists_contract_and_marts() -> None:
    result = runner.invoke(app, ["tables"])
    assert result.exit_code == 0
    assert "exposures" in result.output and "channel_daily" in result.output


def test_unknown_language_is_refused_before_any_work(tiny_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tiny_dir), "--out", str(tmp_path / "out"), "--lang", "fr"])
    assert result.exit_code == 2
    assert "fr" in result.output and "zh" in result.output
    assert not (tmp_path / "out").exists()


def test_ingest_shows_the_warnings_it_loaded_despite(tiny_dir: Path, tmp_path: Path) -> None:
    with (tiny_dir / "orders.csv").open("a", encoding="utf-8") as f:
        f.write("o-ghost,ghost,2025-01-02 10:00:00,jd,,,1,10.00,北京\n")
    result = runner.invoke(app, ["ingest", str(tiny_dir), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "ghost" in result.output and "point nowhere" in result.output


def test_serve_passes_the_minimum_group_and_refuses_one_it_cannot_test(tiny_ws: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import zhongcao.web as web

    seen = {}
    monkeypatch.setattr(web, "serve", lambda workspace, **kw: seen.update(kw))
    ok = runner.invoke(app, ["serve", str(tiny_ws), "--min-group-size", "20"])
    assert ok.exit_code == 0, ok.output
    assert seen["min_group_size"] == 20
    too_big = runner.invoke(app, ["serve", str(tiny_ws), "--min-group-size", "100"])
    assert too_big.exit_code == 2 and "100" in too_big.output


def test_param_sets_an_analysis_parameter_and_a_bad_one_exits_2_naming_it(tiny_ws: Path) -> None:
    ok = runner.invoke(app, ["analyze", "kpi", "--workspace", str(tiny_ws), "--json",
                             "--param", "kpi.recent_days=14", "--param", "min_group_size=60"])
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.output)
    assert doc["analyses"]["kpi"]["params"]["recent_days"] == 14 and doc["settings"]["min_group_size"] == 60
    bad = runner.invoke(app, ["analyze", "kpi", "--workspace", str(tiny_ws), "--param", "kpi.recent_days=3"])
    assert bad.exit_code == 2 and "recent_days=3" in bad.output and "command line" in bad.output


def test_settings_lists_every_setting_and_what_a_workspace_sets(tiny_ws: Path) -> None:
    result = runner.invoke(app, ["settings", "--workspace", str(tiny_ws), "--param", "attribution.lookback_days=15"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "attribution.lookback_days" in result.output and "min_group_size" in result.output
    assert "15 (command line)" in result.output


def test_doctor_reports_and_repairs_an_interrupted_load(tiny_ws: Path) -> None:
    area = tiny_ws / ".staging" / "4242-deadbeef0000"
    area.mkdir(parents=True)
    (area / "workspace.duckdb").write_bytes(b"\0" * 2**20)
    orphan = tiny_ws / "segments" / "orders" / "0123456789abcdef-killed00.parquet"
    orphan.write_bytes(b"PAR1")
    result = runner.invoke(app, ["doctor", str(tiny_ws)])
    assert result.exit_code == 0, result.output
    assert "staging area" in result.output and "removed" in result.output and "repaired" in result.output
    assert not area.exists() and not orphan.exists()
    again = runner.invoke(app, ["doctor", str(tiny_ws)])
    assert again.exit_code == 0 and "healthy" in again.output


def test_doctor_exits_nonzero_on_what_it_cannot_repair(tiny_ws: Path, tmp_path: Path) -> None:
    listed = sorted((tiny_ws / "segments" / "orders").glob("*.parquet"))[0]
    listed.unlink()
    result = runner.invoke(app, ["doctor", str(tiny_ws)])
    assert result.exit_code == 2 and "missing" in result.output and "could not repair" in result.output
    assert runner.invoke(app, ["doctor", str(tmp_path / "nowhere")]).exit_code == 2


def test_serve_announces_no_url_it_will_not_serve(tiny_ws: Path, tmp_path: Path) -> None:
    wide = runner.invoke(app, ["serve", str(tiny_ws), "--host", "0.0.0.0"])
    assert wide.exit_code == 2 and "token" in wide.output and "http://" not in wide.output
    missing = runner.invoke(app, ["serve", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no workspace" in missing.output and "http://" not in missing.output


def test_a_bug_prints_no_local_variables(tiny_dir: Path, tmp_path: Path) -> None:
    """Rich tracebacks show each frame's locals by default: rows of the brand's data among them."""
    import subprocess
    import sys

    script = (
        "import zhongcao.pipeline as p\n"
        "from zhongcao.cli.main import app\n"
        "def boom(*args, **kwargs):\n"
        "    secret_row = 'u13800138000 张三 ¥1587.77'\n"
        "    raise RuntimeError('a bug')\n"
        "p.ingest = boom\n"
        f"app(['ingest', {str(tiny_dir)!r}, '--workspace', {str(tmp_path / 'ws')!r}])\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "_TYPER_STANDARD_TRACEBACK"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1 and "RuntimeError" in done.stderr + done.stdout
    assert "13800138000" not in done.stderr + done.stdout


def test_design_test_on_too_little_data_is_a_clear_error(tiny_ws: Path) -> None:
    result = runner.invoke(app, ["design-test", str(tiny_ws)])
    assert result.exit_code == 2
    assert "needs at least" in result.output
