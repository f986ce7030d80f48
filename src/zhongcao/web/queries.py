"""The dashboard's filtered numbers, read from precomputed marts with validated filters.

Filters (date range, region, segment, channel, platform) are checked against the values the
workspace actually holds before any query runs; queries go through
``Workspace.mart_query``, which checks names against the mart and passes values as
parameters, so no SQL is ever built from user input.

Which filter reaches which number: spend and leads come from ``channel_daily`` (day × channel:
no region, segment or platform there); touches from ``touch_cube`` (week × channel × region ×
segment); orders and sales from ``order_cube`` (week × platform × region × segment). The cubes
are weekly, so a date range is widened to whole weeks (Monday of its first day to Sunday of its
last) for every number, spend included, and the answer states the days it covers (``window``).
A ratio is shown only when both sides honour every filter; otherwise it is blank and ``blank``
says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE
from zhongcao.contract.geo import region_sort_key
from zhongcao.engine import PEOPLE_SKETCH_SIZE, Workspace, merge_people_sketches
from zhongcao.errors import ZhongcaoError

SEGMENT_ATTRIBUTES = ("gender", "age_band", "city_tier")
SKETCH = "people_sketch"  # the cubes' people sketches: distinct people of any slice, for the minimum-group test
# Cubes list every user once per segment attribute; without a segment filter we sum one.
_ANY_ATTRIBUTE = "gender"


class FilterError(ZhongcaoError):
    """A filter value the workspace does not hold (the web layer answers 422)."""


@dataclass(frozen=True)
class Options:
    """The values each filter may take, read once from the marts."""

    date_min: date | None
    date_max: date | None
    regions: tuple[str, ...]
    segments: tuple[str, ...]  # "attribute:value"
    channels: tuple[str, ...]
    platforms: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date_min": self.date_min.isoformat() if self.date_min else None,
            "date_max": self.date_max.isoformat() if self.date_max else None,
            "regions": list(self.regions), "segments": list(self.segments),
            "channels": list(self.channels), "platforms": list(self.platforms),
        }


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    regions: tuple[str, ...] = ()
    segment: str | None = None
    channels: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()

    def validate(self, options: Options) -> Filters:
        problems = []
        if self.start and self.end and self.start > self.end:
            problems.append(f"start {self.start} is after end {self.end}")
        for name, values, allowed in (("region", self.regions, options.regions),
                                      ("channel", self.channels, options.channels),
                                      ("platform", self.platforms, options.platforms)):
            bad = [v for v in values if v not in allowed]
            if bad:
                problems.append(f"unknown {name} {', '.join(map(repr, bad))}; choose from {', '.join(allowed)}")
        if self.segment is not None and self.segment not in options.segments:
            problems.append(f"unknown segment {self.segment!r}; use attribute:value, one of "
                            f"{', '.join(options.segments[:30])}")
        if problems:
            raise FilterError("; ".join(problems))
        return self

    def window(self) -> tuple[date | None, date | None]:
        """The days every number covers: the range widened to whole weeks (the cubes' grain)."""
        start = self.start - timedelta(days=self.start.weekday()) if self.start else None
        end = self.end + timedelta(days=6 - self.end.weekday()) if self.end else None
        return start, end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat() if self.start else None, "end": self.end.isoformat() if self.end else None,
                "region": list(self.regions), "segment": self.segment, "channel": list(self.channels),
                "platform": list(self.platforms)}


@dataclass
class LiveView:
    """Numbers for the current filters, plus what was suppressed or does not apply, and why."""

    filters: dict[str, Any]
    kpis: dict[str, float | None]
    suppressed: list[str] = field(default_factory=list)
    not_applied: dict[str, list[str]] = field(default_factory=dict)
    weekly: list[dict[str, Any]] = field(default_factory=list)  # by month (of weekly cube rows)
    regions: list[dict[str, Any]] = field(default_factory=list)
    heat: list[dict[str, Any]] = field(default_factory=list)
    window: dict[str, Any] = field(default_factory=dict)  # the days covered, after widening to weeks
    blank: dict[str, str] = field(default_factory=dict)  # KPI → why it is not shown (a code, BLANK_REASONS)


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    rows = table.to_pylist()
    for r in rows:
        for k, v in r.items():
            if isinstance(v, date):
                r[k] = v.isoformat()
            elif isinstance(v, float) and not math.isfinite(v):
                r[k] = None
    return rows


def options(ws: Workspace) -> Options:
    with ws.held():
        return _options(ws)


def _options(ws: Workspace) -> Options:
    weeks = [r["day"] for r in ws.mart_query("order_cube", by=["day"]).to_pylist()]
    days = [r["day"] for r in ws.mart_query("channel_daily", by=["day"]).to_pylist()]
    all_days = [d for d in [*weeks, *days] if d is not None]
    regions = {r["region"] for name in ("order_cube", "touch_cube") for r in ws.mart_query(name, by=["region"]).to_pylist()}
    segs = {f"{r['attribute']}:{r['value']}" for name in ("order_cube", "touch_cube")
            for r in ws.mart_query(name, by=["attribute", "value"]).to_pylist()}
    channels = {r["channel"] for name in ("channel_daily", "touch_cube")
                for r in ws.mart_query(name, by=["channel"]).to_pylist()}
    platforms = {r["platform"] for r in ws.mart_query("order_cube", by=["platform"]).to_pylist()}
    return Options(
        date_min=min(all_days) if all_days else None, date_max=max(all_days) if all_days else None,
        regions=tuple(sorted((x for x in regions if x), key=region_sort_key)), segments=tuple(sorted(x for x in segs if x)),
        channels=tuple(sorted(x for x in channels if x)), platforms=tuple(sorted(x for x in platforms if x)),
    )


def _cube_filters(f: Filters, dimension: str) -> tuple[dict[str, list[object]], dict[str, tuple[object, object]]]:
    equals: dict[str, list[object]] = {}
    if f.segment:
        attribute, value = f.segment.split(":", 1)
        equals |= {"attribute": [attribute], "value": [value]}
    else:
        equals["attribute"] = [_ANY_ATTRIBUTE]
    if f.regions:
        equals["region"] = list(f.regions)
    chosen = f.channels if dimension == "channel" else f.platforms
    if chosen:
        equals[dimension] = list(chosen)
    start, end = f.window()
    # Cube rows are dated by their week's Monday: the weeks of the first and the last day.
    last_monday = end - timedelta(days=6) if end else None
    between = {"day": (start, last_monday)} if (start or end) else {}
    return equals, between


def check_min_group_size(min_group_size: int) -> int:
    """The cubes' sketches count distinct people exactly up to ``PEOPLE_SKETCH_SIZE``; no further."""
    if not 1 <= min_group_size <= PEOPLE_SKETCH_SIZE:
        raise ValueError(f"min_group_size must be between 1 and {PEOPLE_SKETCH_SIZE} (the people the cubes' "
                         f"sketches count exactly); got {min_group_size}")
    return min_group_size


def live_view(ws: Workspace, f: Filters, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> LiveView:
    """The filtered KPIs, monthly series, sales by province and touches by region × channel."""
    check_min_group_size(min_group_size)
    with ws.held():
        return _live_view(ws, f, min_group_size)


def _live_view(ws: Workspace, f: Filters, min_group_size: int) -> LiveView:
    daily_equals: dict[str, list[object]] = {"channel": list(f.channels)} if f.channels else {}
    first, last = f.window()  # spend over the same whole weeks as the cubes' orders and touches
    daily_between = {"day": (first, last)} if (first or last) else {}
    spend = ws.mart_query("channel_daily", sums=["spend", "leads"], equals=daily_equals,
                          between=daily_between).to_pylist()[0]
    t_eq, t_bt = _cube_filters(f, "channel")
    o_eq, o_bt = _cube_filters(f, "platform")
    touches = ws.mart_query("touch_cube", sums=["touches", "reads", "engagements"], equals=t_eq,
                            between=t_bt, sketch=SKETCH).to_pylist()[0]
    orders = ws.mart_query("order_cube", sums=["orders", "gmv"], equals=o_eq, between=o_bt, sketch=SKETCH).to_pylist()[0]
    view = LiveView(filters=f.to_dict(), kpis={})
    view.window = {"start": first.isoformat() if first else None, "end": last.isoformat() if last else None,
                   "snapped": (first, last) != (f.start, f.end) and bool(f.start or f.end)}
    view.not_applied = {"spend": [n for n, on in (("region", f.regions), ("segment", f.segment),
                                                  ("platform", f.platforms)) if on],
                        "touches": ["platform"] if f.platforms else [], "orders": ["channel"] if f.channels else []}
    kpis: dict[str, float | None] = {"spend": spend["spend"], "leads": spend["leads"]}
    # Groups of fewer distinct people than the minimum are not published (docs/dashboard.md).
    if _people(touches) >= min_group_size:
        kpis |= {k: touches[k] for k in ("touches", "reads", "engagements")}
    else:
        kpis |= dict.fromkeys(("touches", "reads", "engagements"))
        view.suppressed.append("touches")
    if _people(orders) >= min_group_size:
        kpis |= {k: orders[k] for k in ("orders", "gmv")}
    else:
        kpis |= dict.fromkeys(("orders", "gmv"))
        view.suppressed.append("orders")
    # ROI only when sales and spend honour the same filters: orders have no channel, spend has no
    # region, segment or platform (all GMV ÷ one channel's spend is not that channel's ROI).
    gmv, cost = kpis.get("gmv"), kpis.get("spend")
    if view.not_applied["orders"]:
        view.blank["roi"] = "orders_by_channel"
    elif view.not_applied["spend"]:
        view.blank["roi"] = "spend_by_" + "_".join(view.not_applied["spend"])
    elif gmv is None:
        view.blank["roi"] = "suppressed"
    elif not cost:
        view.blank["roi"] = "no_spend"
    kpis["roi"] = None if "roi" in view.blank else gmv / cost
    view.kpis = {k: (None if v is None else float(v)) for k, v in kpis.items()}
    sales = {"sums": ["buyers", "orders", "gmv"], "equals": o_eq, "between": o_bt, "sketch": SKETCH}
    weekly = ws.mart_query("order_cube", by=["day"], **sales)
    view.weekly = [_publish(r, ("buyers", "orders", "gmv"), min_group_size) for r in _monthly(_rows(weekly))]
    regions = ws.mart_query("order_cube", by=["region"], **sales)
    view.regions = [_publish(r, ("buyers", "orders", "gmv"), min_group_size) for r in _rows(regions)]
    heat = ws.mart_query("touch_cube", by=["region", "channel"], sums=["users", "touches"], equals=t_eq, between=t_bt,
                         sketch=SKETCH)
    view.heat = [_publish(r, ("users", "touches"), min_group_size) for r in _rows(heat)]
    if any(r["suppressed"] for r in [*view.weekly, *view.regions, *view.heat]):
        view.suppressed.append("series")
    return view


def _monthly(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Weekly cube rows summed by the month of their Monday (people sketches merged): fewer, larger groups."""
    months: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = str(r["day"])[:7]
        m = months.setdefault(key, {"day": key, **{k: 0 for k in r if k not in ("day", SKETCH)}, SKETCH: []})
        for k, v in r.items():
            if k == SKETCH:
                m[k] = merge_people_sketches([m[k], v])
            elif k != "day":
                m[k] += v or 0
    return list(months.values())


def _people(row: dict[str, Any]) -> int:
    """Distinct people behind a row, from its merged sketch (exact below PEOPLE_SKETCH_SIZE)."""
    return len(row.get(SKETCH) or ())


def _publish(row: dict[str, Any], values: tuple[str, ...], min_group_size: int) -> dict[str, Any]:
    """The row without its sketch; its ``values`` blanked when it holds fewer people than the minimum.

    ``users`` and ``buyers`` are weekly distinct counts summed (one person counts once per week), so
    the test reads the sketch, which counts each person once over the whole slice.
    """
    small = _people(row) < min_group_size
    out = {k: (None if small and k in values else v) for k, v in row.items() if k != SKETCH}
    out["suppressed"] = small
    return out


BLANK_REASONS = {
    "orders_by_channel": "orders cannot be split by channel (the attribution cards credit channels)",
    "spend_by_…": "spend cannot be split by region, segment or platform",
    "suppressed": "sales are hidden for this slice (fewer people than the minimum group)",
    "no_spend": "no spend in this slice",
}
"""Why a KPI is blank under the filters (``LiveView.blank``); the page words them in zh and en."""

DRILL_VIEWS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # view → (mart, filtered dimension, sums)
    "orders": ("order_cube", "platform", ("buyers", "orders", "gmv")),
    "touches": ("touch_cube", "channel", ("users", "touches", "reads", "engagements")),
}


def drill_rows(ws: Workspace, f: Filters, view: str, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> list[dict[str, Any]]:
    """The rows behind the live view: week × platform (or channel) under the filters."""
    if view not in DRILL_VIEWS:
        raise FilterError(f"unknown view {view!r}; choose one of {', '.join(DRILL_VIEWS)}")
    check_min_group_size(min_group_size)
    mart, dimension, sums = DRILL_VIEWS[view]
    equals, between = _cube_filters(f, dimension)
    with ws.held():
        table = ws.mart_query(mart, by=["day", dimension], sums=list(sums), equals=equals, between=between,
                              sketch=SKETCH)
    return [_publish(r, sums, min_group_size) for r in _rows(table)]
