"""The report and the dashboard in a real browser (system Chromium via Playwright, headless, offline).

Numbers and titles are read from findings.json, never typed in. Screenshots (and a PDF print of
the report) are saved under tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, World
from zhongcao.findings.text import count, money

AXE = Path(__file__).parent / "assets" / "axe.min.js"


class Watched:
    """A page plus every console error and page error it raised, and every request it tried."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))


@pytest.fixture
def report_page(browser: Any, world: World) -> Iterator[Watched]:
    # bypass_csp: the report's policy admits only its own two scripts (by hash); the audit injects axe.
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  bypass_csp=True)
    # Belt and braces: anything but the file itself is refused, and recorded.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    watched = Watched(context.new_page())
    watched.page.goto(world.report.as_uri())
    watched.page.wait_for_selector("[data-chart] svg")
    yield watched
    context.close()


@pytest.fixture
def dashboard(browser: Any, live_url: str) -> Iterator[Watched]:
    # bypass_csp: Playwright's wait_for_function evaluates strings, which our CSP forbids (as it should).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_url)
                  else route.abort())
    watched = Watched(context.new_page())
    watched.page.goto(live_url + "/")
    watched.page.wait_for_function("document.querySelector('[data-live=orders]').getAttribute('data-state') !== 'loading'")
    yield watched
    context.close()


def drawable(finding: dict[str, Any]) -> bool:
    """A finding whose chart spec names columns its evidence rows have (others show the table only)."""
    chart, rows = finding.get("chart"), finding["evidence"]["rows"]
    if not chart or chart["kind"] == "table" or not rows:
        return False
    return all(c in rows[0] for c in [chart["x"], *chart["y"]])


def drawn(page: Any, selector: str) -> int:
    """How many shapes ECharts drew into the SVG of one chart."""
    return int(page.evaluate(
        "sel => document.querySelector(sel).querySelectorAll('svg path, svg rect, svg text').length", selector))


def audit(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)}));
    }""")
    return list(result)


def tab_through(page: Any, presses: int) -> list[str]:
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(
            "() => { const e = document.activeElement; return e.id || e.tagName.toLowerCase(); }"))
    return seen


# ------------------------------------------------------------------------------------------ report
def test_report_opens_offline_and_draws_every_chart(report_page: Watched, world: World) -> None:
    page = report_page.page
    charts = page.query_selector_all("[data-chart]")
    assert len(charts) >= len([f for f in world.doc["findings"] if drawable(f)])
    for el in charts:
        chart_id = el.get_attribute("data-chart")
        assert drawn(page, f'[data-chart="{chart_id}"]') > 3, chart_id
    assert all(url.startswith("file:") for url in report_page.requests), report_page.requests
    assert report_page.errors == []
    page.screenshot(path=str(ARTIFACTS / "report-zh.png"), full_page=True)


def test_report_cards_and_numbers_come_from_findings_json(report_page: Watched, world: World) -> None:
    page = report_page.page
    for f in world.doc["findings"]:
        title = page.inner_text(f'[id="{f["id"]}"] h3')
        assert title.strip() == f["title"]["zh"], f["id"]
        assert page.is_visible(f'[id="{f["id"]}"] .action')
    totals = world.doc["analyses"]["kpi"]["results"]["totals"]
    assert page.inner_text('[data-kpi="gmv"] .value').strip() == money(totals["gmv"], "zh")
    assert page.inner_text('[data-kpi="orders"] .value').strip() == count(totals["orders"], "zh")
    # Evidence is one click away.
    first = world.doc["findings"][0]
    evidence = page.locator(f'[id="{first["id"]}"] details.evidence')
    assert not evidence.locator("table").is_visible()
    evidence.locator("summary").click()
    assert evidence.locator("table tbody tr").count() == min(len(first["evidence"]["rows"]), 60)


def test_report_switches_language(report_page: Watched, world: World) -> None:
    page = report_page.page
    f = world.doc["findings"][0]
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.inner_text(f'[id="{f["id"]}"] h3').strip() == f["title"]["en"]
    chart = next(x for x in world.doc["findings"] if drawable(x))
    svg_text = page.inner_text(f'[data-chart="{chart["id"]}"]')
    assert chart["chart"]["title"]["en"] in svg_text
    assert report_page.errors == []
    page.screenshot(path=str(ARTIFACTS / "report-en.png"), full_page=True)
    page.click("#lang-toggle")
    assert page.inner_text(f'[id="{f["id"]}"] h3').strip() == f["title"]["zh"]


def test_report_prints_to_pdf(report_page: Watched) -> None:
    page = report_page.page
    page.emulate_media(media="print")
    pdf = page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert not page.is_visible("#lang-toggle")  # the print stylesheet applies


def test_report_accessibility(report_page: Watched) -> None:
    page = report_page.page
    # Every chart points at the table behind it, which exists.
    for el in page.query_selector_all("[data-chart]"):
        assert el.get_attribute("role") == "img" and el.get_attribute("aria-label")
        assert page.query_selector(f'[id="{el.get_attribute("aria-describedby")}"]') is not None
    violations = audit(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    # Keyboard: skip link first, then the language switch; Enter works on it.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen = tab_through(page, 3)
    assert seen[0] == "a" and "lang-toggle" in seen
    page.focus("#lang-toggle")
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.focus(".evidence summary")
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('.evidence').open")


# --------------------------------------------------------------------------------------- dashboard
def _platform_orders(world: World) -> tuple[str, float]:
    rows = world.doc["analyses"]["kpi"]["results"]["by_platform"]
    top = max(rows, key=lambda r: r["orders"])
    return top["platform"], float(top["orders"])


def test_dashboard_shows_cards_and_the_numbers_of_findings_json(dashboard: Watched, world: World) -> None:
    page = dashboard.page
    for f in world.doc["findings"]:
        assert page.inner_text(f'[id="{f["id"]}"] h3').strip() == f["title"]["zh"]
    totals = world.doc["analyses"]["kpi"]["results"]["totals"]
    assert page.inner_text('[data-live="orders"]') == f"{int(totals['orders']):,}"
    for chart in ("live-weekly", "live-regions", "live-heat"):
        assert drawn(page, f"#{chart}") > 3, chart
    page.screenshot(path=str(ARTIFACTS / "dashboard-zh.png"), full_page=False)
    assert dashboard.errors == []


def test_dashboard_filter_changes_the_numbers(dashboard: Watched, world: World) -> None:
    page = dashboard.page
    before = page.inner_text('[data-live="orders"]')
    platform, orders = _platform_orders(world)
    page.select_option("#f-platform", platform)
    page.click("#f-apply")
    page.wait_for_function("before => document.querySelector('[data-live=orders]').textContent !== before", arg=before)
    assert page.inner_text('[data-live="orders"]') == f"{int(orders):,}"
    assert page.inner_text('[data-live="roi"]') == "不适用"  # spend cannot be split by platform
    assert page.inner_text("#live-notes").strip()
    page.screenshot(path=str(ARTIFACTS / "dashboard-filtered.png"), full_page=False)
    page.click("#f-reset")
    page.wait_for_function("before => document.querySelector('[data-live=orders]').textContent === before", arg=before)
    assert dashboard.errors == []


def test_dashboard_downloads_csv(dashboard: Watched, world: World) -> None:
    page = dashboard.page
    first = world.doc["findings"][0]
    page.click(f'[id="{first["id"]}"] details.evidence summary')
    with page.expect_download() as info:
        page.click(f'[id="{first["id"]}"] .downloads a[href$="format=csv"]')
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(first["evidence"]["rows"])
    assert list(rows[0]) == (first["evidence"].get("columns") or list(first["evidence"]["rows"][0]))
    with page.expect_download() as info:
        page.click("#drill-csv")
    assert "suppressed" in Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert dashboard.errors == []


def test_dashboard_switches_language_and_passes_the_audit(dashboard: Watched, world: World) -> None:
    page = dashboard.page
    page.click("#lang-toggle")
    assert page.inner_text('label[for="f-region"]').strip() == "Region"
    f = world.doc["findings"][0]
    assert page.inner_text(f'[id="{f["id"]}"] h3').strip() == f["title"]["en"]
    page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=False)
    violations = audit(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
    page.focus("#f-platform")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-apply"
    assert dashboard.errors == []
