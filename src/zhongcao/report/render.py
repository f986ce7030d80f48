"""The self-contained report: one HTML file, no network needed to open it.

Both languages are embedded and a button switches between them (Chinese first); charts are
drawn by ECharts, vendored from npm (``vendor/``, version in ``ECHARTS_VERSION``) and inlined
with the report's own script and styles, so nothing is fetched when the file opens.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE
from zhongcao.findings import display
from zhongcao.findings.model import LANGS
from zhongcao.findings.text import catalogue as findings_catalogue
from zhongcao.findings.text import money
from zhongcao.report.sections import (
    SECTIONS,
    Card,
    card_from_finding,
    cell,
    grouped,
    kpi_tiles,
    region_map,
    section_analyses,
    tiles,
)

ECHARTS_VERSION = "5.6.0"
"""Pinned: vendor/echarts.min.js is dist/echarts.min.js of the npm package echarts@5.6.0 (Apache-2.0)."""

@cache
def catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("zhongcao.report").joinpath("messages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def messages(lang: str) -> dict[str, str]:
    """The report's UI strings in one language."""
    if lang not in catalogue():
        raise ValueError(f"unknown language {lang!r}; choose one of {sorted(catalogue())}")
    return catalogue()[lang]


def display_catalogue() -> dict[str, Any]:
    return findings_catalogue("display")


@cache
def asset(name: str) -> str:
    """A file shipped with the report package (vendored script, the report's own JS and CSS)."""
    return resources.files("zhongcao.report").joinpath(name).read_text(encoding="utf-8")


def environment(*extra: jinja2.BaseLoader) -> jinja2.Environment:
    """The report's Jinja environment; the dashboard passes its own loader to extend the template."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*extra, jinja2.PackageLoader("zhongcao.report", "templates")]),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.globals["t"] = _t
    env.globals["tt"] = _tt
    env.globals["attr"] = _attr
    env.globals["show"] = _show
    env.globals["cell"] = cell
    env.globals["col_label"] = lambda c: display.both(display.column(c))
    return env


def _show(value: Any) -> Any:
    """A cell that reads differently per language ({zh, en}) in both; any other as it is."""
    return _tt(value) if isinstance(value, dict) else value


def _t(key: str, **values: Any) -> Markup:
    """A catalogue string in both languages; CSS shows the current one."""
    return _tt({code: messages(code)[key].format(**{k: _pick(v, code) for k, v in values.items()}) for code in LANGS})


def _tt(text: dict[str, str]) -> Markup:
    return Markup("").join(
        Markup('<span class="l-{0}" lang="{1}">{2}</span>').format(lang, "zh-CN" if lang == "zh" else "en", text[lang])
        for lang in LANGS
    )


def _attr(name: str, key: str, lang: str, **values: Any) -> Markup:
    """An attribute (aria-label, title) in the current language plus both, for the switch to swap."""
    both = {code: messages(code)[key].format(**{k: _pick(v, code) for k, v in values.items()}) for code in LANGS}
    return _attr_text(name, both, lang)


def _pick(value: Any, lang: str) -> Any:
    return value[lang] if isinstance(value, dict) and lang in value else value


def _attr_text(name: str, both: dict[str, str], lang: str) -> Markup:
    parts = [Markup('{0}="{1}"').format(name, both[lang])]
    parts += [Markup('data-{0}-{1}="{2}"').format(name, code, both[code]) for code in LANGS]
    return Markup(" ").join(parts)


_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def json_script(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` element: ``<``, ``>`` and ``&`` escaped (as Django's
    json_script does), so no text inside can end the element or read as markup (a name "<script>…" stays
    data; "</" alone would end the element early)."""
    return Markup(json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON_IN_HTML))



def _script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def report_csp() -> str:
    """The offline report's Content-Security-Policy: only its own two inline scripts run (by hash),
    nothing is fetched, so text that slipped into markup could neither run nor send anything."""
    scripts = " ".join(_script_hash(asset(name)) for name in ("vendor/echarts.min.js", "static/report.js"))
    return (f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
            "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")


def report_context(doc: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """Everything the template needs, in both languages; ``lang`` is the one shown first."""
    messages(lang)
    cards = [card_from_finding(f) for f in doc["findings"]]
    by_section = grouped(cards)
    analyses = doc.get("analyses", {})
    errors = {k: v["error"] for k, v in analyses.items() if v.get("error")}
    both_title = {code: messages(code)["map_nps_title"] for code in LANGS}
    visuals: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
    nps_map = region_map(doc, both_title)
    if nps_map:
        visuals["scenes"].append(nps_map)
    charts = {p["id"]: p for c in cards for p in c.charts}
    charts |= {v["id"]: v for vs in visuals.values() for v in vs}
    caps = doc.get("capabilities") or {}
    sections = []
    for key in SECTIONS:
        if key == "methods":
            continue
        waiting = [a for a in section_analyses(key) if a in errors]
        if key == "other" and not by_section[key]:
            continue
        # An analysis that ran but has no card here says why: each card it left out and what unlocks it.
        quiet = {a: caps[a] for a in section_analyses(key)
                 if a in caps and caps[a]["status"] in ("runs", "partial") and not caps[a]["findings"]}
        sections.append({"key": key, "cards": by_section[key], "visuals": visuals[key],
                         "errors": {a: _unlock(caps.get(a), errors[a], a) for a in waiting}, "quiet": quiet})
    methods = sorted({c.method: c.method_text for c in cards}.items())
    errors = {a: _unlock(caps.get(a), e, a) for a, e in errors.items()}
    return {
        "term_quality": term_quality_rows(analyses),
        "lang": lang, "langs": LANGS, "brand": doc["brand"]["name"], "generated_at": doc["generated_at"],
        "kpis": _tiles(doc), "sections": sections, "top": _top(cards),
        "analysis_label": analysis_label, "tier_text": _tier_text,
        "errors": errors, "capabilities": _panel(caps), "methods": [m for _, m in methods],
        "min_group": (doc.get("settings") or {}).get("min_group_size", DEFAULT_MIN_GROUP_SIZE),
        "capped": (doc.get("settings") or {}).get("capped", []), "echarts_version": ECHARTS_VERSION,
        "data": json_script({"lang": lang, "charts": charts, "tiles": tiles(),
                              "labels": {code: {**{"level_" + lv: messages(code)["level_" + lv]
                                                   for lv in ("high", "medium", "low", "descriptive")},
                                                "more_bars": messages(code)["more_bars"]}
                                         for code in LANGS}}),
        "css": Markup(asset("static/report.css")), "echarts": Markup(asset("vendor/echarts.min.js")),
        "script": Markup(asset("static/report.js")), "title_attr": _attr_text,
        "page_title": {code: messages(code)["title"].format(brand=doc["brand"]["name"]) for code in LANGS},
        "escape": escape, "csp": report_csp(),
    }


def _tiles(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline tiles, none left as a bare dash: a count of people under the minimum group (leads and
    so CPL on a small workspace) says so; a number the data cannot give (no such table) is left out."""
    min_group = (doc.get("settings") or {}).get("min_group_size", DEFAULT_MIN_GROUP_SIZE)
    has_leads = bool((doc.get("workspace") or {}).get("leads"))
    out = []
    for tile in kpi_tiles(doc):
        raw = tile["raw"]
        if raw is None or (isinstance(raw, float) and raw != raw):
            if tile["key"] in ("leads", "cpl") and has_leads:
                tile = {**tile, "value": {code: messages(code)["kpi_under_min"].format(min=min_group) for code in LANGS}}
            else:
                continue
        out.append(tile)
    return out


TOP = 6
"""Cards listed at the top of the report: alerts, causal evidence, then the estimates worth most."""


def _top(cards: list[Card]) -> list[Card]:
    ranked = sorted(cards, key=lambda c: c.priority.key if c.priority else (9, 0.0))
    alerts = [c for c in ranked if c.priority and c.priority.tier == "alert"]
    rest = [c for c in ranked if c not in alerts and c.priority and c.priority.tier != "descriptive"]
    return (alerts + rest)[:max(TOP, len(alerts))]


def analysis_label(name: str) -> dict[str, str]:
    """An analysis as a reader calls it (the display catalogue's ``analyses`` table)."""
    entry = display_catalogue()["analyses"].get(name)
    return {"zh": entry[0], "en": entry[1]} if entry else {code: name for code in LANGS}


def _tier_text(card: Card) -> dict[str, str]:
    """The card's place in the order, for its hover text: tier, score and the rule."""
    p = card.priority
    if p is None:
        return {code: "" for code in LANGS}
    return {code: messages(code)["priority_hover"].format(tier=messages(code)["tier_" + p.tier],
                                                          score=money(p.score, code)) for code in LANGS}


def _unlock(cap: dict[str, Any] | None, error: str, name: str = "") -> dict[str, str]:
    """Why an analysis did not run, per language: what would unlock it, else that it failed (the
    library's own message, in English, is kept in findings.json and shown in the English report)."""
    if cap and cap["status"] == "missing" and cap["unlock"]:
        sep = {"zh": "；", "en": "; "}
        return {code: sep[code].join(u[code] for u in cap["unlock"]) for code in LANGS}
    return {"zh": messages("zh")["failed_reason"].format(name=name), "en": error}


def _panel(caps: dict[str, Any]) -> list[dict[str, Any]]:
    """The "what your data can answer" rows: runs first, then partial, insufficient, missing."""
    order = {"runs": 0, "partial": 1, "insufficient": 2, "missing": 3}
    rows = []
    for name, cap in sorted(caps.items(), key=lambda kv: order[kv[1]["status"]]):
        notes = [u for u in cap["unlock"]]
        notes += [{code: messages(code)["card_needs"].format(needs=("；" if code == "zh" else "; ").join(
                      x[code] for x in needs)) for code in LANGS} for needs in cap["cards"].values()]
        if cap["reason"]:
            notes.append({"zh": messages("zh")["insufficient_reason"], "en": cap["reason"]})
        rows.append({"name": name, "status": cap["status"], "label": cap["label"], "title": cap["title"],
                     "notes": notes, "display": analysis_label(name)})
    return rows


def term_quality_rows(analyses: dict[str, Any]) -> list[dict[str, Any]]:
    """Each text analysis's term quality (``results.term_quality`` in findings.json) as catalogue values."""
    rows = []
    for name, entry in analyses.items():
        q = (entry.get("results") or {}).get("term_quality")
        if not isinstance(q, dict) or not q.get("terms"):
            continue
        reasons = {code: "" for code in LANGS}
        found = [(k, n) for k, n in (q.get("reasons") or {}).items() if n]
        if found:
            for code in LANGS:
                m = messages(code)
                items = m["tq_sep"].join(f"{m.get('tq_reason_' + k, k)} {n}" for k, n in found)
                reasons[code] = m["tq_reasons"].format(list=items)
        label = {code: messages(code).get(f"tq_analysis_{name}", name) for code in LANGS}
        rows.append({"analysis": label, "terms": int(q["terms"]), "bad": int(q.get("bad") or 0),
                     "share": f"{100 * float(q.get('share_bad') or 0.0):.0f}%", "reasons": reasons})
    return rows


def render_report(doc: dict[str, Any], lang: str = "zh") -> str:
    """report.html as text: every finding as a card, grouped by section, both languages embedded."""
    return environment().get_template("report.html.j2").render(**report_context(doc, lang))


def write_report(doc: dict[str, Any], path: Path, lang: str = "zh") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(doc, lang), encoding="utf-8")
    return path
