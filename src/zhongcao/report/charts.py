"""Inline SVG charts, so the report opens offline with no script at all.

Each chart comes with the table behind it in the card (its text alternative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import pandas as pd

from zhongcao.findings.model import Finding

PALETTE = ("#e4002b", "#2a6fdb", "#f5a623", "#2bb673", "#8e44ad", "#7f8c8d")
W, H, PAD = 640, 220, 40


def chart_svg(finding: Finding, lang: str) -> str:
    chart = finding.chart
    if chart is None or not finding.evidence.rows:
        return ""
    frame = pd.DataFrame(finding.evidence.rows)
    if chart.x not in frame or any(y not in frame for y in chart.y):
        return ""
    title = chart.title.get(lang)
    if chart.kind == "line":
        body = _line(frame, chart.x, chart.y)
    elif chart.kind == "funnel":
        body = _hbars(frame[chart.x].astype(str).tolist(), frame[chart.y[0]].astype(float).tolist())
    else:
        body = _bars(frame[chart.x].astype(str).tolist(), frame[chart.y[0]].astype(float).tolist())
    return (
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )


def _finite(values: Sequence[float]) -> list[float]:
    return [v if isinstance(v, int | float) and math.isfinite(v) else 0.0 for v in values]


def _bars(labels: list[str], values: list[float]) -> str:
    vals = _finite(values)
    top = max(vals + [1e-9])
    n = max(len(vals), 1)
    bw = (W - 2 * PAD) / n
    parts = []
    for i, (label, v) in enumerate(zip(labels, vals, strict=True)):
        h = (H - 2 * PAD) * v / top
        x = PAD + i * bw
        parts.append(
            f'<rect x="{x + bw * 0.15:.1f}" y="{H - PAD - h:.1f}" width="{bw * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {v:,.2f}</title></rect>'
            f'<text x="{x + bw / 2:.1f}" y="{H - PAD + 14}" text-anchor="middle">{escape(label[:10])}</text>'
            f'<text x="{x + bw / 2:.1f}" y="{H - PAD - h - 4:.1f}" text-anchor="middle" class="v">{_short(v)}</text>'
        )
    return "".join(parts)


def _hbars(labels: list[str], values: list[float]) -> str:
    vals = _finite(values)
    top = max(vals + [1e-9])
    n = max(len(vals), 1)
    bh = (H - 20) / n
    parts = []
    for i, (label, v) in enumerate(zip(labels, vals, strict=True)):
        w = (W - 200) * v / top
        y = 10 + i * bh
        x = 120 + (W - 200 - w) / 2
        parts.append(
            f'<text x="110" y="{y + bh / 2 + 4:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="{w:.1f}" height="{bh - 4:.1f}" fill="{PALETTE[i % 6]}">'
            f"<title>{escape(label)}: {v:,.0f}</title></rect>"
            f'<text x="{W - 70}" y="{y + bh / 2 + 4:.1f}" class="v">{_short(v)}</text>'
        )
    return "".join(parts)


def _line(frame: pd.DataFrame, x: str, ys: list[str]) -> str:
    frame = frame.copy()
    frame[x] = pd.to_datetime(frame[x])
    # Weekly points keep the report small and the line readable.
    weekly = frame.set_index(x)[ys].resample("W").sum().reset_index()
    parts = []
    n = len(weekly)
    if n < 2:
        return ""
    for k, y in enumerate(ys):
        vals = _finite(weekly[y].tolist())
        top = max(vals + [1e-9])
        pts = " ".join(
            f"{PAD + i * (W - 2 * PAD) / (n - 1):.1f},{H - PAD - (H - 2 * PAD) * v / top:.1f}" for i, v in enumerate(vals)
        )
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{PALETTE[k]}" stroke-width="2"/>')
        parts.append(f'<text x="{PAD + 120 * k}" y="14" fill="{PALETTE[k]}">■ {escape(y)} (max {_short(top)})</text>')
    first, last = weekly[x].iloc[0].strftime("%Y-%m-%d"), weekly[x].iloc[-1].strftime("%Y-%m-%d")
    parts.append(f'<text x="{PAD}" y="{H - 10}">{first}</text><text x="{W - PAD}" y="{H - 10}" text-anchor="end">{last}</text>')
    return "".join(parts)


def _short(v: float) -> str:
    if abs(v) >= 1e6:
        return f"{v / 1e6:.1f}M"
    if abs(v) >= 1e3:
        return f"{v / 1e3:.1f}K"
    if abs(v) < 10:
        return f"{v:.2f}"
    return f"{v:.0f}"
