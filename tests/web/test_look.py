"""Browser tests that look: every demo report in zh and en, and the dashboard under a grid of filters,
read as a user sees them (visible text and the drawn charts), with screenshots in build/screens/.

A page fails when it shows ``null``/``undefined``/``NaN``/``None``, a raw snake_case code, a dash
standing for a missing headline number, English in the zh page or Chinese-only labels in the en
page (names and text from the data excepted), a chart without a title, a chart of several series
without a legend, or more bars than the cap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import DEMO_WORLDS, DemoWorld
from zhongcao.report.charts import MAX_HEAT, TOP_BARS

SCREENS = Path(__file__).resolve().parents[2] / "build" / "screens"
MISSING = re.compile(r"\b(null|undefined|NaN|nan|None)\b")
CODE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
LATIN = re.compile(r"[A-Za-z][A-Za-z\-']{3,}")
CJK = re.compile(r"[\u4e00-\u9fff]+")
DASH = re.compile(r"(?:^|(?<=[\s（(：:，,；;=]))—(?=$|[\s）)，,；;。.])", re.M)
# Technical names a Chinese analyst reads as they are (methods, metrics, products, file names).
ALLOWED_LATIN = {
    "ROI", "NPS", "CPM", "CPE", "CPL", "CPTI", "TGI", "AIPS", "GMV", "KOL", "Markov", "Shapley", "Gamma-Gamma",
    "BG/NBD", "Wilson", "HiGHS", "MinHash", "Monroe", "delta", "Wald", "R-hat", "ECharts", "English", "brand",
    "toml", "findings", "json", "Zhongcao", "TF-IDF", "Dirichlet", "citywalk", "Tmall", "DiD", "NMF", "Excel",
    "Poisson", "bootstrap", "logit", "scenes", "Granger", "zhongcao", "design-test",  # a test's and a command's name
}
ALLOWED_CODES = {"lift_studies", "known_competitors"}  # brand.toml keys an instruction tells the user to write
ALLOWED_CJK = {"中文"}  # the language switch names its language in that language

PAGE_CHECK = """() => {
  const visible = document.body.innerText;
  const charts = [];
  const inst = (window.zhongcao && window.zhongcao.instances) || {};
  for (const k in inst) {
    const o = inst[k].getOption();
    const el = inst[k].getDom();
    if (!el || el.offsetParent === null) continue;
    const titles = (o.title || []).map(t => t.text || '').filter(Boolean);
    const series = (o.series || []).filter(s => !/^_/.test(s.name || '') && s.type !== 'custom');
    const names = [...new Set(series.map(s => s.name))];
    const legend = (o.legend || []).flatMap(l => l.data || []);
    const cats = [...(o.xAxis || []), ...(o.yAxis || [])].filter(a => a.type === 'category').map(a => (a.data || []).length);
    const kinds = [...new Set(series.map(s => s.type))];
    const texts = Array.from(el.querySelectorAll('svg text')).map(t => t.textContent);
    charts.push({id: k, titles, names, legend, cats, kinds, texts});
  }
  const tiles = Array.from(document.querySelectorAll('.kpi .value')).filter(e => e.offsetParent !== null).map(e => e.innerText.trim());
  return {visible, charts, tiles};
}"""


def data_words(doc: dict[str, Any]) -> set[str]:
    """Every string in the findings' rows and numbers, the brand name and chart titles: names and text
    from the data, which a page may show in either language."""
    words: set[str] = {doc["brand"]["name"]}

    def walk(v: Any) -> None:
        if isinstance(v, str):
            words.update(LATIN.findall(v))
            words.update(CJK.findall(v))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for f in doc["findings"]:
        walk(f["evidence"])
        for c in [f.get("chart"), *(f.get("charts") or [])]:
            if c and c.get("rows"):
                walk(c["rows"])
    for a in doc.get("analyses", {}).values():  # names of campaigns, notes, creators, scenes, terms
        walk(a.get("results", {}))
        walk(a.get("params", {}))
    return words


def problems(seen: dict[str, Any], lang: str, allowed: set[str]) -> list[str]:
    out = []
    text = seen["visible"]
    for chart in seen["charts"]:
        text += "\n" + "\n".join(chart["texts"])
        if not chart["titles"]:
            out.append(f"chart {chart['id']} has no title")
        if len(chart["names"]) > 1 and not chart["legend"]:
            out.append(f"chart {chart['id']} has {len(chart['names'])} series and no legend")
        cap = MAX_HEAT if "heatmap" in chart["kinds"] else TOP_BARS
        if ("bar" in chart["kinds"] or "heatmap" in chart["kinds"]) and any(n > cap for n in chart["cats"]):
            out.append(f"chart {chart['id']} draws {max(chart['cats'])} categories (cap {cap})")
    out += [f"missing value shown: {m}" for m in sorted(set(MISSING.findall(text)))]
    out += [f"raw code shown: {c}" for c in sorted(set(CODE.findall(text)) - ALLOWED_CODES)]
    out += [f"empty headline tile: {t!r}" for t in seen["tiles"] if t in ("—", "", "-")]
    # No template writes an em dash: one standing alone is a missing number ("误差 —", "TGI — 到 —").
    for m in DASH.finditer(text):
        out.append(f"a dash for a missing value: {text[max(0, m.start() - 20):m.end() + 10]!r}")
    for key in ALLOWED_CODES:
        text = text.replace(key, " ")
    if lang == "zh":
        latin = {w for w in LATIN.findall(text) if w not in ALLOWED_LATIN and not _from_data(w, allowed)}
        out += [f"English in the zh page: {w}" for w in sorted(latin)]
    else:
        cjk = {w for w in CJK.findall(text) if w not in ALLOWED_CJK and not _from_data(w, allowed)}
        out += [f"Chinese-only label in the en page: {w}" for w in sorted(cjk)]
    return out


def _from_data(word: str, allowed: set[str]) -> bool:
    """A word the data holds, or the start of one (a long axis label is cut with an ellipsis)."""
    return word in allowed or (len(word) >= 2 and any(a.startswith(word) for a in allowed))


@pytest.fixture(scope="module", params=DEMO_WORLDS)
def demo(request: pytest.FixtureRequest, demo_world: Callable[[str], DemoWorld]) -> DemoWorld:
    return demo_world(request.param)


def _open_report(browser: Any, world: DemoWorld, lang: str) -> Iterator[Any]:
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900},
                                  locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(world.report.as_uri())
    page.wait_for_selector("[data-chart] svg")
    if lang == "en":
        page.click("#lang-toggle")
    yield page, errors
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_demo_report_reads_cleanly(browser: Any, demo: DemoWorld, lang: str) -> None:
    for page, errors in _open_report(browser, demo, lang):
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"report-{demo.name}-{lang}.png"), full_page=True)
        seen = page.evaluate(PAGE_CHECK)
        assert errors == []
        found = problems(seen, lang, data_words(demo.doc))
        assert not found, "\n".join(found)
        # The MMM's views (hiking-shoes has the spend to fit it): each drew into its own chart.
        f = next((f for f in demo.doc["findings"] if f["id"] == "mmm.diagnostics"), None)
        if f is not None:
            drawn = {c["id"] for c in seen["charts"]}
            kinds = {c["kind"] for c in f.get("charts") or []}
            assert {"line", "forest", "waterfall", "bar"} <= kinds, kinds
            assert {f"mmm.diagnostics-{i + 1}" for i in range(len(f["charts"]))} <= drawn


# ------------------------------------------------------------------------------------------ dashboard
def _grid(options: dict[str, Any], tuesday: str) -> list[dict[str, str]]:
    return [
        {},
        {"channel": options["channels"][0]},
        {"platform": options["platforms"][0]},
        {"segment": "gender:f"} if "gender:f" in options["segments"] else {"segment": options["segments"][0]},
        {"region": options["regions"][0]},
        {"start": tuesday, "end": tuesday},
        {"start": options["date_min"], "end": options["date_max"], "platform": options["platforms"][-1],
         "segment": options["segments"][-1]},
    ]


def test_the_dashboard_reads_cleanly_under_a_grid_of_filters(browser: Any, live_url: str, world: Any,
                                                             client: Any) -> None:
    from datetime import date, timedelta

    options = client.get("/api/options").json()
    middle = date.fromisoformat(options["date_min"]) + (date.fromisoformat(options["date_max"]) -
                                                        date.fromisoformat(options["date_min"])) / 2
    tuesday = (middle - timedelta(days=middle.weekday()) + timedelta(days=1)).isoformat()
    doc = client.get("/api/findings").json()
    allowed = data_words(doc) | set(options["regions"])
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_url)
                  else route.abort())
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        for i, filters in enumerate(_grid(options, tuesday)):
            for lang in ("zh", "en"):
                query = urlencode({**filters, **({"lang": "en"} if lang == "en" else {})})
                page.goto(f"{live_url}/?{query}")  # filters from the address: a view can be shared
                page.wait_for_function(
                    "document.querySelector('[data-live=orders]').getAttribute('data-state') !== 'loading'")
                page.wait_for_timeout(200)
                if lang == "zh":  # before any check: a failing view is the one to look at
                    page.screenshot(path=str(SCREENS / f"dashboard-{i}.png"), full_page=False)
                for name, value in filters.items():  # the form shows the filters of the address
                    assert page.input_value(f"#f-{name}") == value, (name, value)
                seen = page.evaluate(PAGE_CHECK)
                found = problems(seen, lang, allowed)
                assert not found, (filters, lang, found)
                roi = page.inner_text('[data-live="roi"]')
                if "channel" in filters or "platform" in filters or "segment" in filters or "region" in filters:
                    assert roi in ("不适用", "n/a"), (filters, roi)
                    assert page.inner_text("#live-notes").strip()
                if "start" in filters and filters["start"] == filters["end"]:
                    assert page.inner_text("#live-window").strip()
        page.goto(f"{live_url}/")
        page.wait_for_function("document.querySelector('[data-live=orders]').getAttribute('data-state') !== 'loading'")
        page.select_option("#f-platform", options["platforms"][0])
        page.click("#f-apply")
        page.wait_for_function("location.search.includes('platform=')")  # applied filters enter the address
        page.locator("#drill-table").scroll_into_view_if_needed()
        page.wait_for_function("document.getElementById('drill-note').textContent.length > 0")
        page.screenshot(path=str(SCREENS / "dashboard-drill.png"), full_page=False)
        assert not [f for f in failed if "favicon" in f], failed
        assert failed == [], failed
    finally:
        context.close()
