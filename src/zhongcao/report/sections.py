"""Cards and sections: every finding as a card (both languages), grouped into the report's sections.

Cards render generically from the findings schema; an analysis's section comes from its
registration (``analyses/registry.py``), so a new analysis needs no change here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from zhongcao.analyses.registry import REGISTRY
from zhongcao.analyses.registry import SECTIONS as REGISTRY_SECTIONS
from zhongcao.contract.geo import BY_NAME, PROVINCES
from zhongcao.findings import display
from zhongcao.findings.model import LANGS
from zhongcao.findings.priority import Priority, priority
from zhongcao.findings.text import count, money, number
from zhongcao.report.charts import chart_payloads

MAX_EVIDENCE_ROWS = 60
"""Rows shown per card in the report; findings.json (and the dashboard's download) has them all."""

SECTIONS: tuple[str, ...] = (*REGISTRY_SECTIONS, "methods")

# Which section a finding belongs to: a few KPI cards by finding id, then the section its
# analysis is registered with (analyses/registry.py), else "other".
BY_FINDING: dict[str, str] = {
    "kpi.overview": "overview", "kpi.funnel": "funnel", "kpi.nps": "segments", "kpi.trend": "trends",
    "kpi.platform_split": "roi", "kpi.channel_efficiency": "roi", "kpi.repurchase": "roi",
}


def section_of(finding: dict[str, Any]) -> str:
    if finding["id"] in BY_FINDING:
        return BY_FINDING[finding["id"]]
    entry = REGISTRY.get(finding["analysis"])
    return entry.section if entry is not None else "other"


def section_analyses(section: str) -> tuple[str, ...]:
    """The analyses registered under a report section (what the section waits for)."""
    return tuple(name for name, e in REGISTRY.items() if e.section == section)


@dataclass
class Card:
    id: str
    analysis: str
    section: str
    text: dict[str, dict[str, str]]  # field -> lang -> text
    level: str
    method: str
    money_at_stake: float
    charts: list[dict[str, Any]]
    columns: list[str]
    rows: list[dict[str, Any]]  # column -> text, or lang -> text where the languages differ
    total_rows: int
    numbers: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    priority: Priority | None = None
    method_text: dict[str, str] = field(default_factory=dict)

    @property
    def chart(self) -> dict[str, Any] | None:
        return self.charts[0] if self.charts else None


def _both(text: dict[str, str]) -> dict[str, str]:
    return {lang: text[lang] for lang in LANGS}


def cell(value: Any, column: str = "") -> Any:
    """A table cell: formatted by the column's kind (display catalogue), codes through their labels;
    one string when both languages read the same, else {zh, en}."""
    kind = display.kind(column) if column else "number"
    texts = {lang: display.cell(value, kind, lang) for lang in LANGS}
    return texts["zh"] if texts["zh"] == texts["en"] else texts


def card_from_finding(finding: dict[str, Any]) -> Card:
    evidence = finding["evidence"]
    rows = evidence.get("rows") or []
    columns = list(evidence.get("columns") or (list(rows[0]) if rows else []))
    shown = [{c: cell(r.get(c), c) for c in columns} for r in rows[:MAX_EVIDENCE_ROWS]]
    conf = finding["confidence"]
    text = {
        "title": _both(finding["title"]), "summary": _both(finding["summary"]), "action": _both(finding["action"]),
        "confidence": _both(conf["statement"]),
        "money": {lang: money(float(finding.get("money_at_stake") or 0.0), lang) for lang in LANGS},
    }
    return Card(
        id=finding["id"], analysis=finding["analysis"], section=section_of(finding), text=text,
        level=conf["level"], method=conf["method"], money_at_stake=float(finding.get("money_at_stake") or 0.0),
        charts=chart_payloads(finding), columns=columns, rows=shown, total_rows=len(rows),
        numbers=dict(evidence.get("numbers") or {}),
        headers={c: display.both(display.column(c)) for c in columns},
        priority=priority(finding), method_text=display.both(display.method(conf["method"])),
    )


def grouped(cards: list[Card]) -> dict[str, list[Card]]:
    """Section → its cards, in the order of what to act on (report/priority.py; findings.json is in it)."""
    out: dict[str, list[Card]] = {s: [] for s in SECTIONS}
    for c in sorted(cards, key=lambda c: c.priority.key if c.priority else (9, 0.0)):
        out[c.section].append(c)
    return out


def kpi_tiles(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The overview's headline numbers (from the KPI analysis's results), formatted per language."""
    totals = doc.get("analyses", {}).get("kpi", {}).get("results", {}).get("totals")
    if not totals:
        return []

    def val(key: str) -> float:
        v = totals.get(key)
        return math.nan if v is None else float(v)

    spec = [
        ("spend", lambda lang: money(val("spend"), lang)),
        ("gmv", lambda lang: money(val("gmv"), lang)),
        ("roi", lambda lang: number(val("roi"))),
        ("orders", lambda lang: count(val("orders"), lang)),
        ("leads", lambda lang: count(val("leads"), lang)),
        ("cpl", lambda lang: money(val("cpl"), lang)),
        ("nps", lambda lang: number(val("nps"), 0)),
    ]
    return [{"key": k, "raw": totals.get(k), "value": {lang: fmt(lang) for lang in LANGS}} for k, fmt in spec]


def region_map(doc: dict[str, Any], title: dict[str, str]) -> dict[str, Any] | None:
    """A province tile-grid map of NPS from the KPI results (groups under the minimum size stay hidden)."""
    segs = doc.get("analyses", {}).get("kpi", {}).get("results", {}).get("nps_by_segment") or []
    rows = [
        {"region": r["value"], "nps": r["nps"], "responses": r["responses"]}
        for r in segs
        if r.get("attribute") == "region" and not r.get("suppressed") and r.get("value") in BY_NAME
        and r.get("nps") is not None
    ]
    if not rows:
        return None
    return {"id": "map.nps_region", "kind": "map", "x": "region", "y": ["nps"], "bands": {},
            "title": title, "rows": rows, "names": {"nps": display.both(display.column("nps"))},
            "kinds": {"nps": "number", "responses": "count"}, "cats": {}, "more": 0}


def tiles() -> dict[str, dict[str, Any]]:
    """Province → tile position and English name, for the tile-grid map drawn in the browser."""
    return {p.name: {"row": p.tile[0], "col": p.tile[1], "en": p.english, "abbr": p.abbr} for p in PROVINCES}
