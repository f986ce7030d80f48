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
from zhongcao.findings.model import LANGS
from zhongcao.report.sections import (
    SECTIONS,
    card_from_finding,
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
    return env


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


def _json_script(value: Any) -> Markup:
    # "</" would end the script element early; JSON allows the escaped form.
    return Markup(json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))


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
    charts = {c.id: c.chart for c in cards if c.chart}
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
                         "errors": {a: _unlock(caps.get(a), errors[a]) for a in waiting}, "quiet": quiet})
    methods = sorted({c.method for c in cards})
    errors = {a: _unlock(caps.get(a), e) for a, e in errors.items()}
    return {
        "term_quality": term_quality_rows(analyses),
        "lang": lang, "langs": LANGS, "brand": doc["brand"]["name"], "generated_at": doc["generated_at"],
        "kpis": kpi_tiles(doc), "sections": sections, "top": sorted(cards, key=lambda c: -c.money_at_stake)[:5],
        "errors": errors, "capabilities": _panel(caps), "methods": methods,
        "min_group": (doc.get("settings") or {}).get("min_group_size", DEFAULT_MIN_GROUP_SIZE),
        "capped": (doc.get("settings") or {}).get("capped", []), "echarts_version": ECHARTS_VERSION,
        "data": _json_script({"lang": lang, "charts": charts, "tiles": tiles(),
                              "labels": {code: {"level_" + lv: messages(code)["level_" + lv]
                                                for lv in ("high", "medium", "low", "descriptive")}
                                         for code in LANGS}}),
        "css": Markup(asset("static/report.css")), "echarts": Markup(asset("vendor/echarts.min.js")),
        "script": Markup(asset("static/report.js")), "title_attr": _attr_text,
        "page_title": {code: messages(code)["title"].format(brand=doc["brand"]["name"]) for code in LANGS},
        "escape": escape, "csp": report_csp(),
    }


def _unlock(cap: dict[str, Any] | None, error: str) -> dict[str, str]:
    """Why an analysis did not run, per language: what would unlock it, else the error it raised."""
    if cap and cap["status"] == "missing" and cap["unlock"]:
        sep = {"zh": "；", "en": "; "}
        return {code: sep[code].join(u[code] for u in cap["unlock"]) for code in LANGS}
    return {code: error for code in LANGS}


def _panel(caps: dict[str, Any]) -> list[dict[str, Any]]:
    """The "what your data can answer" rows: runs first, then partial, insufficient, missing."""
    order = {"runs": 0, "partial": 1, "insufficient": 2, "missing": 3}
    rows = []
    for name, cap in sorted(caps.items(), key=lambda kv: order[kv[1]["status"]]):
        notes = [u for u in cap["unlock"]]
        notes += [{code: f"{card}: " + "；".join(x[code] for x in needs) for code in LANGS}
                  for card, needs in cap["cards"].items()]
        if cap["reason"]:
            notes.append({code: cap["reason"] for code in LANGS})
        rows.append({"name": name, "status": cap["status"], "label": cap["label"], "title": cap["title"],
                     "notes": notes})
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
