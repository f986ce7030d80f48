"""The self-contained report: one HTML file, no network needed to open it."""

from __future__ import annotations

import math
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text
from zhongcao.findings.text import count, money, number

MAX_EVIDENCE_ROWS = 60


@cache
def messages(lang: str) -> dict[str, str]:
    text = resources.files("zhongcao.report").joinpath("messages.toml").read_text(encoding="utf-8")
    catalogue = tomllib.loads(text)
    if lang not in catalogue:
        raise ValueError(f"unknown language {lang!r}; choose one of {sorted(catalogue)}")
    return catalogue[lang]


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("zhongcao.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def finding_from_dict(d: dict[str, Any]) -> Finding:
    """Rebuild a Finding from findings.json (the schema is the contract between layers)."""
    conf = d["confidence"]
    chart = d.get("chart")
    interval = conf.get("interval")
    return Finding(
        id=d["id"], analysis=d["analysis"], title=Text(**d["title"]), summary=Text(**d["summary"]),
        action=Text(**d["action"]),
        evidence=Evidence(d["evidence"]["numbers"], d["evidence"].get("rows", []), d["evidence"].get("columns", [])),
        confidence=Confidence(conf["level"], Text(**conf["statement"]), conf["method"],
                              tuple(interval) if interval else None, conf.get("estimate")),
        money_at_stake=float(d.get("money_at_stake") or 0.0),
        chart=Chart(chart["kind"], chart["x"], chart["y"], Text(**chart["title"])) if chart else None,
    )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "—" if not math.isfinite(value) else (f"{value:,.4f}" if abs(value) < 1 else f"{value:,.2f}")
    return "—" if value is None else str(value)


def _kpis(doc: dict[str, Any], lang: str) -> list[dict[str, str]]:
    totals = doc.get("analyses", {}).get("kpi", {}).get("results", {}).get("totals")
    if not totals:
        return []
    msg = messages(lang)
    return [
        {"label": msg["kpi_spend"], "value": money(totals["spend"] or math.nan, lang)},
        {"label": msg["kpi_gmv"], "value": money(totals["gmv"] or math.nan, lang)},
        {"label": msg["kpi_roi"], "value": number(totals["roi"] if totals["roi"] is not None else math.nan)},
        {"label": msg["kpi_orders"], "value": count(totals["orders"] or 0, lang)},
        {"label": msg["kpi_leads"], "value": count(totals["leads"] or 0, lang)},
        {"label": msg["kpi_nps"], "value": number(totals["nps"] if totals["nps"] is not None else math.nan, 0)},
    ]


def render_report(doc: dict[str, Any], lang: str = "zh") -> str:
    from zhongcao.report.charts import chart_svg

    msg = messages(lang)
    cards = []
    for d in doc["findings"]:
        f = finding_from_dict(d)
        columns = f.evidence.columns or (list(f.evidence.rows[0]) if f.evidence.rows else [])
        rows = [{c: _cell(r.get(c)) for c in columns} for r in f.evidence.rows[:MAX_EVIDENCE_ROWS]]
        cards.append({
            "id": f.id, "analysis": f.analysis, "title": f.title.get(lang), "summary": f.summary.get(lang),
            "action": f.action.get(lang), "confidence": f.confidence.statement.get(lang),
            "method": f.confidence.method, "level": msg[f"level_{f.confidence.level}"],
            "money": money(f.money_at_stake, lang), "svg": chart_svg(f, lang),
            "rows": rows, "columns": columns, "total_rows": len(f.evidence.rows),
        })
    errors = {k: v["error"] for k, v in doc.get("analyses", {}).items() if v.get("error")}
    return _env().get_template("report.html.j2").render(
        lang=lang, msg=msg, brand=doc["brand"]["name"], generated_at=doc["generated_at"],
        kpis=_kpis(doc, lang), cards=cards, errors=errors,
    )


def write_report(doc: dict[str, Any], path: Path, lang: str = "zh") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(doc, lang), encoding="utf-8")
    return path
