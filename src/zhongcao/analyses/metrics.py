"""The metrics registry: one definition, one computation and a list of places per number.

Every KPI shown in more than one place (a report tile, a card, findings.json, the dashboard API) is
registered here once with its formula and window, and the places it appears are listed as
locators, so ``tests/test_metrics.py`` can render every demo world and check that each place shows
the same value. A metric computed by more than one analysis is computed by one function here
(``repurchase_rate``), which both call. docs/metrics.md's table is generated from ``METRICS``
(``python -m zhongcao.analyses.metrics`` rewrites it; the docs test checks it is current).

Locators: ``doc:<dotted path>`` into findings.json, where ``[key=value]`` picks a list item and
``findings[<id>]`` a finding (``doc:findings[kpi.repurchase].evidence.numbers.rate``);
``api:<dotted path>`` into the dashboard's ``GET /api/kpis`` answer without filters;
``tile:<key>`` is the report's KPI tile (its text equals the number formatted by the tile's kind).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from zhongcao.analyses.stats import safe_div, wilson


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    formula: str
    window: str
    kind: str  # money, count, pct, ratio, number (how it is formatted)
    appears: tuple[str, ...] = ()


_T = "doc:analyses.kpi.results.totals"
METRICS: tuple[Metric, ...] = (
    Metric("spend", "Spend", "Σ `spend.amount`", "all days; `channel_daily`", "money",
           (f"{_T}.spend", "doc:findings[kpi.overview].evidence.numbers.spend", "api:kpis.spend", "tile:spend")),
    Metric("impressions", "Impressions", "Σ `spend.impressions` (bought impressions)", "all days; `channel_daily`",
           "count", (f"{_T}.impressions", "doc:findings[kpi.overview].evidence.numbers.impressions")),
    Metric("reads", "Reads", "count of `exposures` with `action = read`", "all days; `channel_daily`", "count",
           (f"{_T}.reads", "doc:findings[kpi.overview].evidence.numbers.reads")),
    Metric("engagements", "Engagement",
           "count of `exposures` with `action` in like, collect, comment, share (panel touches)",
           "all days; `channel_daily`", "count",
           (f"{_T}.engagements", "doc:findings[kpi.overview].evidence.numbers.engagements")),
    Metric("cpm", "CPM", "spend ÷ impressions × 1,000", "per channel and overall", "money",
           (f"{_T}.cpm", "doc:findings[kpi.overview].evidence.numbers.cpm")),
    Metric("cpe", "CPE (cost per engagement)", "spend ÷ engagement",
           "per channel and overall; channels without engagement have none", "money",
           (f"{_T}.cpe", "doc:findings[kpi.overview].evidence.numbers.cpe")),
    Metric("leads", "Leads", "count of `leads` rows, by `created_at` day and `leads.channel`", "`channel_daily`",
           "count", (f"{_T}.leads", "doc:findings[kpi.overview].evidence.numbers.leads", "api:kpis.leads",
                     "tile:leads")),
    Metric("cpl", "CPL (cost per lead)", "spend ÷ leads", "overall and per channel", "money",
           (f"{_T}.cpl", "doc:findings[kpi.overview].evidence.numbers.cpl", "tile:cpl")),
    Metric("orders", "Orders", "count of `orders` rows on every platform", "`platform_daily`", "count",
           (f"{_T}.orders", "doc:findings[kpi.overview].evidence.numbers.orders", "api:kpis.orders", "tile:orders")),
    Metric("gmv", "GMV", "Σ `orders.amount` (paid amount)", "`platform_daily`", "money",
           (f"{_T}.gmv", "doc:findings[kpi.overview].evidence.numbers.gmv", "api:kpis.gmv", "tile:gmv")),
    Metric("roi", "ROI",
           "GMV ÷ spend, over all platforms and channels; the 90% interval resamples days with replacement "
           "(2,000 draws). Shown under a filter only when sales and spend both honour it",
           "whole period; the dashboard: the filtered weeks", "ratio",
           (f"{_T}.roi", "doc:findings[kpi.overview].evidence.numbers.roi", "doc:findings[kpi.overview].confidence.estimate",
            "api:kpis.roi", "tile:roi")),
    Metric("roi_by_platform", "ROI by platform",
           "platform GMV ÷ total spend; `red` is the platform's closed loop, tmall/jd/… are back-flow (成交分离)",
           "whole period", "ratio"),
    Metric("roi_last_touch", "Last-touch ROI by channel",
           "GMV of orders whose buyer's **last touch** in the 30 days before the order was on the channel ÷ channel "
           "spend. A baseline, not incrementality; the attribution analysis goes further",
           "30-day lookback; `channel_last_touch`", "ratio"),
    Metric("aov", "AOV", "GMV ÷ orders", "whole period", "money",
           (f"{_T}.aov", "doc:findings[kpi.overview].evidence.numbers.aov")),
    Metric("repurchase_rate", "Repurchase rate",
           "buyers with ≥ 2 orders ÷ buyers, per platform and across platforms (`all`: a buyer who bought once on red "
           "and once on tmall counts as repeat); 90% Wilson interval. One computation (`repurchase_rate`) for the KPI "
           "card and the repurchase card (whose BG/NBD model counts purchase days, a different quantity)",
           "whole period; `buyer_frequency`", "pct",
           ("doc:analyses.kpi.results.repurchase[platform=all].rate",
            "doc:findings[kpi.repurchase].evidence.numbers.rate",
            "doc:findings[kpi.repurchase].confidence.estimate",
            "doc:analyses.repurchase.results.by_platform[platform=all].rate")),
    Metric("nps", "NPS",
           "(promoters 9–10 − detractors 0–6) ÷ responses × 100; 90% normal-approximation interval on the difference "
           "of two shares", "whole period; `nps_monthly`, by segment in `nps_segment` (groups under the minimum size "
           "of 50 respondents are suppressed)", "number",
           (f"{_T}.nps", "doc:findings[kpi.nps].evidence.numbers.nps", "doc:findings[kpi.nps].confidence.estimate",
            "tile:nps")),
    Metric("trend", "Trend",
           "orders in the last 28 days vs the 28 days before; interval from the Poisson rate ratio "
           "(se of log ratio = √(1/o₁ + 1/o₀))", "two 28-day windows", "pct",
           ("doc:analyses.kpi.results.trend.orders_change", "doc:findings[kpi.trend].confidence.estimate")),
)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}


def repurchase_rate(buyer_frequency: pd.DataFrame) -> pd.DataFrame:
    """The repurchase rate per platform (and ``all``) from the ``buyer_frequency`` mart: buyers with
    two or more orders ÷ buyers, with a 90% Wilson interval. The KPI and repurchase analyses both call it."""
    rows = []
    for plat, grp in buyer_frequency.groupby("platform"):
        buyers = float(grp["buyers"].sum())
        repeat = float(grp.loc[grp["orders_per_buyer"] >= 2, "buyers"].sum())
        lo, hi = wilson(repeat, buyers)
        rows.append({"platform": plat, "buyers": buyers, "repeat_buyers": repeat,
                     "rate": safe_div(repeat, buyers), "rate_low": lo, "rate_high": hi})
    return pd.DataFrame(rows, columns=["platform", "buyers", "repeat_buyers", "rate", "rate_low", "rate_high"])


_ITEM = re.compile(r"^(?P<key>[^\[]+)\[(?P<sel>[^\]]+)\]$")


def locate(doc: Any, path: str) -> Any:
    """The value at a dotted path (``[k=v]`` picks a list item, ``findings[id]`` a finding); None when absent."""
    node = doc
    for part in _split(path):
        m = _ITEM.match(part)
        key, sel = (m["key"], m["sel"]) if m else (part, None)
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
        if sel is not None:
            field_, _, want = sel.partition("=") if "=" in sel else ("id", "", sel)
            node = next((x for x in node if isinstance(x, dict) and str(x.get(field_)) == want), None)
            if node is None:
                return None
    return node


def _split(path: str) -> list[str]:
    """Dots split the path, except inside [...] (finding ids hold dots)."""
    parts, depth, cur = [], 0, ""
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


BEGIN, END = "<!-- metrics:begin (generated by python -m zhongcao.analyses.metrics) -->", "<!-- metrics:end -->"


def metrics_table() -> str:
    """docs/metrics.md's table, from the registry."""
    lines = ["| metric | name | formula | window / source |", "|---|---|---|---|"]
    lines += [f"| {m.label} | `{m.name}` | {m.formula} | {m.window} |" for m in METRICS]
    return "\n".join(lines)


def rewrite(doc: str) -> str:
    """The page with its generated table replaced by the registry's."""
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{metrics_table()}\n{END}{tail}"


if __name__ == "__main__":  # pragma: no cover - a docs tool
    page = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/metrics.md")
    page.write_text(rewrite(page.read_text(encoding="utf-8")), encoding="utf-8")
