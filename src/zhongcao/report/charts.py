"""Chart specs for the browser: a finding's chart made readable before ECharts draws it.

The finding names columns; this module picks the rows (``where``), caps ranked bars at
``TOP_BARS`` (saying how many more there are), labels every series, category and axis in both
languages from the display catalogue (``findings/display.py``), attaches units, and passes the
value kinds so the browser formats money, counts and percentages as the tables do. The rule for
any chart: a reader never sees a raw code, ``null``, or more bars than fit.
"""

from __future__ import annotations

import math
from typing import Any

from zhongcao.contract.geo import region_sort_key
from zhongcao.findings import display
from zhongcao.findings.model import LANGS

TOP_BARS = 15
"""The most bars (categories) a bar chart shows; the rest are counted under it and kept in the evidence."""
MAX_HEAT = 30
"""The most rows or columns a heat-map shows (the largest by total)."""
UNITS = {"money": {"zh": "元", "en": "CNY"}, "pct": {"zh": "%", "en": "%"}}


def _both(text: Any) -> dict[str, str]:
    return {lang: text.get(lang) if hasattr(text, "get") and not isinstance(text, dict) else text[lang]
            for lang in LANGS}


def _num(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def axis_name(column: str) -> dict[str, str]:
    """A column's label with its unit: 成交额（元） / Sales (GMV) (CNY)."""
    label, unit = display.column(column), UNITS.get(display.kind(column))
    if unit is None:
        return _both(label)
    return {"zh": f"{label.zh}（{unit['zh']}）", "en": f"{label.en} ({unit['en']})"}


def _category(row: dict[str, Any], column: str) -> Any:
    """The category a row stands for in ``column``: a segment value is named with its attribute."""
    v = row.get(column)
    if column == "value" and "attribute" in row and row.get("attribute") not in (None, "region", "region_group"):
        return f"{row['attribute']}:{v}"
    return v


def _category_label(raw: Any) -> dict[str, str]:
    if isinstance(raw, str) and ":" in raw and raw.split(":", 1)[0] in ("gender", "age_band", "city_tier",
                                                                         "activity_band", "region"):
        attribute, value = raw.split(":", 1)
        return display.both(display.segment(attribute, value))
    if raw is None:
        return {"zh": "未知", "en": "Unknown"}
    return display.both(display.value(raw))


def _step_label(raw: Any) -> dict[str, str]:
    text = str(raw)
    prefix, sep, code = text.partition("·")
    if sep:
        label = display.value(code)
        return {"zh": f"{prefix}·{label.zh}", "en": f"{prefix}·{label.en}"}
    return display.both(display.value(text))


def option_label(raw: str) -> dict[str, str]:
    """A filter value (``gender:f``, ``kol``, ``tmall``, a province) as the dashboard shows it."""
    return _category_label(raw)


def _keep(rows: list[dict[str, Any]], where: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not where:
        return rows
    return [r for r in rows if all(r.get(k) == v or (isinstance(v, list) and r.get(k) in v)
                                   for k, v in where.items())]


def _cap(rows: list[dict[str, Any]], x: str, y: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Keep the ``limit`` categories of x with the largest |y| total; return them and how many were left."""
    totals: dict[Any, float] = {}
    for r in rows:
        v = r.get(y)
        totals[r.get(x)] = totals.get(r.get(x), 0.0) + (abs(float(v)) if isinstance(v, int | float) and
                                                         math.isfinite(float(v)) else 0.0)
    if len(totals) <= limit:
        return rows, 0
    kept = set(sorted(totals, key=lambda k: -totals[k])[:limit])
    return [r for r in rows if r.get(x) in kept], len(totals) - limit


def chart_payload(finding: dict[str, Any], chart: dict[str, Any] | None = None,
                  suffix: str = "") -> dict[str, Any] | None:
    """What the browser needs to draw one chart of a finding (its ``chart`` or one of its ``charts``)."""
    chart = chart if chart is not None else finding.get("chart")
    own = chart.get("rows") if chart else None
    rows = own if own else (finding["evidence"].get("rows") or [])
    if not chart or chart.get("kind") == "table" or not rows:
        return None
    rows = _keep(rows, chart.get("where"))
    if not rows:
        return None
    present = set().union(*(r.keys() for r in rows))
    series, facet, label = chart.get("series"), chart.get("facet"), chart.get("label")
    wanted = [chart["x"], *chart["y"], *(c for c in (series, facet, label) if c)]
    if any(c not in present for c in wanted):
        return None
    x = chart["x"]
    kind = chart["kind"]
    bands: dict[str, list[str]] = {}
    for y in chart["y"]:
        candidates = [(f"{y}_low", f"{y}_high")] + ([("low", "high")] if len(chart["y"]) == 1 else [])
        for low, high in candidates:
            if low in present and high in present:
                bands[y] = [low, high]
                break
    marks = [m for m in (chart.get("marks") or []) if m in present]
    keep = list(dict.fromkeys([*wanted, *marks, *(c for pair in bands.values() for c in pair)]))
    if "attribute" in present and "value" in keep:
        keep.append("attribute")
    data = [{c: _num(r.get(c)) for c in keep} for r in rows]
    # Rows without a value for what is drawn are not drawn (a creator row on a plan chart).
    data = [r for r in data if r.get(x) is not None and any(r.get(y) is not None for y in chart["y"])]
    if not data:
        return None
    more = 0
    limit = chart.get("top") or (TOP_BARS if kind == "bar" else None)
    if limit and kind == "bar" and facet is None:
        data, more = _cap(data, label or x, chart["y"][0], limit)
        data.sort(key=lambda r: -(abs(r.get(chart["y"][0]) or 0)))
    if kind == "bar" and facet is not None and limit:
        capped: list[dict[str, Any]] = []
        for f in dict.fromkeys(r.get(facet) for r in data):
            part, m = _cap([r for r in data if r.get(facet) == f], x, chart["y"][0], limit)
            capped += part
            more += m
        data = capped
    if kind == "heatmap":
        data, more_x = _cap(data, x, chart["y"][1], MAX_HEAT)
        data, more_y = _cap(data, chart["y"][0], chart["y"][1], MAX_HEAT)
        more = more_x + more_y
    for r in data:
        # Within a small multiple per attribute the panel's title names the attribute: 18-24, not 年龄段 18-24.
        r["_x"] = (r.get(x) if kind == "scatter" or facet == "attribute" else _category(r, label or x))
        if kind == "heatmap":
            r["_y"] = _category(r, chart["y"][0])
    if kind == "heatmap" and x in ("region", "area"):  # ranked bars keep their ranking
        data.sort(key=lambda r: region_sort_key(str(r.get(x))))
    cats: dict[str, dict[str, str]] = {}
    if kind == "sankey":  # path steps: "2·search" → "2·搜索广告"
        for r in data:
            for c in (x, chart["y"][0]):
                cats.setdefault(str(r.get(c)), _step_label(r.get(c)))
    for r in data:
        for c in ("_x", "_y", series, facet):
            if c and c in r and r[c] is not None and not isinstance(r[c], int | float):
                cats.setdefault(str(r[c]), _category_label(r[c]))
    if kind == "waterfall":
        cats["total"] = display.both(display.value("total"))
    names = {c: _both(display.column(c)) for c in [*chart["y"], *marks, x] if c}
    kinds = {c: display.kind(c) for c in keep}
    payload = {
        "id": finding["id"] + suffix, "kind": kind, "x": x, "y": list(chart["y"]), "title": _both(chart["title"]),
        "bands": bands, "rows": data, "series": series, "facet": facet, "stack": bool(chart.get("stack")),
        "marks": marks, "more": more, "names": names, "kinds": kinds, "cats": cats,
        # A panel per attribute names its values in its title: no "value" axis name under each.
        "axis": {"x": {"zh": "", "en": ""} if facet == "attribute" else axis_name(label or x),
                 "y": _value_axis(chart, kind)},
        "note": _both(chart["note"]) if chart.get("note") else None,
    }
    return payload


def _value_axis(chart: dict[str, Any], kind: str) -> dict[str, str]:
    """The value axis's name: the measure with its unit; several measures (named by the legend) share
    the unit alone, or the common name (ROI) when they are all ROIs."""
    ys = list(chart["y"])
    if kind == "heatmap":
        return axis_name(ys[-1])
    if len(ys) == 1 or chart.get("series"):
        return axis_name(ys[0])
    if all(y.endswith("roi") for y in ys):
        return {"zh": "ROI", "en": "ROI"}
    unit = UNITS.get(display.kind(ys[0]))
    return {"zh": f"（{unit['zh']}）", "en": f"({unit['en']})"} if unit else {"zh": "", "en": ""}


def chart_payloads(finding: dict[str, Any]) -> list[dict[str, Any]]:
    """Every chart of a finding: its main chart, then its further views (``charts``)."""
    out = []
    main = chart_payload(finding)
    if main:
        out.append(main)
    for i, extra in enumerate(finding.get("charts") or []):
        p = chart_payload(finding, extra, suffix=f"-{i + 1}")
        if p:
            out.append(p)
    return out
