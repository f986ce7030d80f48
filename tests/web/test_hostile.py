"""Acceptance for trust (issue 20): a world with phone numbers planted in every table and text column
and hostile names everywhere. No number, raw or as an unkeyed SHA-256, reaches the workspace's files,
findings.json, report.html, the dashboard's answers, exports or the command line; no script runs in
Chromium; no exported cell is a formula."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.web.conftest import ARTIFACTS, served
from tests.web.hostile import Planted, plant
from zhongcao.cli.main import app as cli
from zhongcao.report.export import FORMULA_PREFIXES
from zhongcao.web import create_app


@dataclass
class Hostile:
    planted: Planted
    out: Path
    workspace: Path
    cli_output: str
    evidence: Path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    from zhongcao.simulate import simulate

    root = tmp_path_factory.mktemp("hostile")
    simulate("clip-earbuds", root / "input", users=5000, seed=5)
    planted = plant(root / "input")
    runner = CliRunner()
    run = runner.invoke(cli, ["run", str(root / "input"), "--out", str(root / "out"), "--lang", "en"])
    assert run.exit_code == 0, run.output
    ws = root / "out" / "workspace"
    safety = runner.invoke(cli, ["analyze", "safety", "--workspace", str(ws), "--lang", "en"])
    evidence = root / "attack_accounts.csv"
    exported = runner.invoke(cli, ["evidence", "safety.attack", "--workspace", str(ws), "--out", str(evidence)])
    assert exported.exit_code == 0, exported.output
    return Hostile(planted, root / "out", ws, run.output + safety.output + exported.output, evidence)


def _leaks(text: str, planted: Planted) -> list[str]:
    """Planted numbers (inside any run of digits) and their unkeyed hashes found in ``text``: one pass
    over the text's digit runs and hex words, not one scan per number."""
    phones = set(planted.phones)
    hashes = set(planted.forbidden()) - phones
    # Digit runs, not the fractional part of a float (whose digits can hold any 11 by chance).
    found = {run[i:i + 11] for run in re.findall(r"(?<![\d.])\d{11,}", text) for i in range(len(run) - 10)} & phones
    spelled = re.findall(r"(?<!\d)1\d{2}[ .-]\d{4}[ .-]?\d{4}(?!\d)", text)  # "138-1234-1234", "138 1234 1234"
    found |= {re.sub(r"\D", "", x) for x in spelled} & phones
    found |= set(re.findall(r"[0-9a-f]{64}", text)) & hashes
    return sorted(found)


def _workspace_text(ws: Path) -> str:
    """Every value the workspace stores: each Parquet segment and each table of the database, decoded."""
    parts = []
    for path in sorted(ws.rglob("*")):
        if path.suffix == ".parquet":
            parts.append(repr(pq.read_table(path).to_pylist()))
        elif path.is_file() and path.suffix != ".duckdb":
            parts.append(path.read_bytes().decode("utf-8", "replace"))
        if path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))  # raw bytes too (uncompressed pages)
    con = duckdb.connect(str(ws / "workspace.duckdb"), read_only=True)
    try:
        con.execute(f"SET file_search_path = '{ws}'")
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        for table in tables:
            parts.append(repr(con.execute(f'SELECT * FROM "{table}"').fetchall()))
    finally:
        con.close()
    return "\n".join(parts)


def test_the_world_was_planted_where_it_matters(hostile: Hostile) -> None:
    """The control: the planted numbers did reach places that would have leaked them before."""
    inputs = "".join(p.read_bytes().decode("latin-1") for p in hostile.planted.folder.glob("comments.csv"))
    assert len(_leaks(inputs, hostile.planted)) > 50
    doc = json.loads((hostile.out / "findings.json").read_text(encoding="utf-8"))
    assert any(f["id"] == "safety.attack" for f in doc["findings"]), "no attack found: accounts untested"
    assert "****" in (hostile.out / "findings.json").read_text(encoding="utf-8")  # masked text was published


def test_no_phone_number_in_the_workspace(hostile: Hostile) -> None:
    assert _leaks(_workspace_text(hostile.workspace), hostile.planted) == []


def test_no_phone_number_in_findings_report_or_cli(hostile: Hostile) -> None:
    for name in ("findings.json", "report.html"):
        assert _leaks((hostile.out / name).read_text(encoding="utf-8"), hostile.planted) == [], name
    assert _leaks(hostile.cli_output, hostile.planted) == []
    evidence = hostile.evidence.read_text(encoding="utf-8-sig")
    assert _leaks(evidence, hostile.planted) == [] and evidence.count("\n") > 1


@pytest.fixture(scope="module")
def client(hostile: Hostile) -> TestClient:
    return TestClient(create_app(hostile.workspace))


def _exports(client: TestClient) -> Iterator[tuple[str, bytes, str]]:
    doc = client.get("/api/findings").json()
    for f in doc["findings"]:
        for fmt in ("csv", "xlsx"):
            yield f["id"], client.get(f"/api/findings/{f['id']}/rows", params={"format": fmt}).content, fmt
    for view in ("orders", "touches"):
        for fmt in ("csv", "xlsx"):
            yield view, client.get("/api/rows", params={"view": view, "format": fmt}).content, fmt


def _cells(body: bytes, fmt: str) -> list[Any]:
    if fmt == "csv":
        return [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")) for c in row]
    book = openpyxl.load_workbook(io.BytesIO(body))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    return [c.value for c in cells]


def test_no_phone_number_in_dashboard_answers_or_exports(hostile: Hostile, client: TestClient) -> None:
    opts = client.get("/api/options").json()
    answers = [client.get("/").text, json.dumps(opts, ensure_ascii=False),
               json.dumps(client.get("/api/findings").json(), ensure_ascii=False)]
    for params in ({}, {"region": opts["regions"][0]}, {"platform": opts["platforms"][0]},
                   {"segment": opts["segments"][0]}, {"channel": opts["channels"][0]}):
        answers.append(client.get("/api/kpis", params=params).text)
        answers.append(client.get("/api/rows", params=params).text)
    for _, body, fmt in _exports(client):
        answers.append(" ".join(map(str, _cells(body, fmt))))
    assert _leaks("\n".join(answers), hostile.planted) == []


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_exported_cell_is_a_formula(client: TestClient) -> None:
    neutralised = 0
    for name, body, fmt in _exports(client):
        for value in _cells(body, fmt):
            if isinstance(value, str) and not _number(value):  # a CSV "-12.5" is a number, not a formula
                assert not value.lstrip(" ").startswith(FORMULA_PREFIXES), (name, fmt, value)
                neutralised += value.startswith("'=")
    assert neutralised, "no hostile text reached an export: the test is void"


# ------------------------------------------------------------------------------------------ browser
def _hooked(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog " + d.message), d.dismiss()))
    return errors


SHOW_EVERY_TOOLTIP = """() => {
  const charts = Array.from(document.querySelectorAll('[data-chart], .live .chart'))
    .map(el => window.echarts && echarts.getInstanceByDom(el)).filter(Boolean);
  let shown = 0;
  for (const chart of charts) {
    const series = chart.getOption().series || [];
    series.forEach((s, si) => {
      const n = (s.data || []).length;
      for (let i = 0; i < Math.min(n, 60); i++) { chart.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: i}); shown++; }
    });
  }
  return shown;
}"""


def _assert_inert(page: Any, errors: list[str], name: str) -> None:
    shown = page.evaluate(SHOW_EVERY_TOOLTIP)
    assert shown > 0
    assert page.evaluate("window.__xss") is None, f"{name}: a planted script ran"
    injected = page.evaluate("Array.from(document.querySelectorAll('img')).filter(i => i.getAttribute('src') === 'x')"
                             ".length")
    assert injected == 0, f"{name}: planted markup became an element"
    content = page.content()
    shown_payloads = [m for m in ("onerror=", "&lt;script&gt;", "HYPERLINK", "=cmd|", "@SUM(") if m in content]
    print(name, "hostile payloads on the page:", shown_payloads)
    assert shown_payloads, f"{name}: the hostile names are not on the page: the test is void"
    page.screenshot(path=str(ARTIFACTS / f"hostile-{name}.png"), full_page=False)
    assert not [e for e in errors if "__xss" in e or "dialog" in e], errors


def test_report_renders_hostile_names_as_text(hostile: Hostile, browser: Any) -> None:
    strict = browser.new_context(offline=True)  # the report's own policy (a meta tag) enforced
    page = strict.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto((hostile.out / "report.html").as_uri())
    page.wait_for_selector("[data-chart] svg")
    assert not violations, violations
    strict.close()
    context = browser.new_context(offline=True, bypass_csp=True)  # Playwright's evaluation needs it
    page = context.new_page()
    errors = _hooked(page)
    page.goto((hostile.out / "report.html").as_uri())
    page.wait_for_selector("[data-chart] svg")
    _assert_inert(page, errors, "report")
    context.close()


@pytest.fixture(scope="module")
def hostile_url(client: TestClient) -> Iterator[str]:
    yield from served(client.app)


def test_dashboard_renders_hostile_names_as_text_under_a_strict_policy(hostile_url: str, browser: Any) -> None:
    # The policy is enforced in a first visit (no inline script: nothing it blocks, the live view fills);
    # Playwright's own string evaluation needs bypass_csp, so the tooltips are shown in a second one,
    # where only escaping keeps the names inert.
    strict = browser.new_context()
    page = strict.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(hostile_url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "<script>" not in page.content()  # every executable script is a file of this server
    deadline = time.monotonic() + 60
    while page.inner_text('[data-live="orders"]') == "—" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert page.inner_text('[data-live="orders"]') != "—"
    assert not violations, violations
    strict.close()
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    errors = _hooked(page)
    page.goto(hostile_url + "/")
    page.wait_for_function("window.zhongcaoDashboard && window.zhongcaoDashboard.last() !== null")
    _assert_inert(page, errors, "dashboard")
    context.close()
