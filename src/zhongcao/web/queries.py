"""The dashboard's filtered numbers, read from precomputed marts with validated filters.

Filters (date range, region, segment, channel, platform) are checked against the groups the
workspace's grid offers (``web/cells.py``) before any query runs; queries go through
``Workspace.mart_query``, which checks names against the mart and passes values as
parameters, so no SQL is ever built from user input.

Which filter reaches which number: spend and leads come from ``channel_daily`` (day × channel:
no region, segment or platform there); touches from ``touch_cube`` (week × channel × region ×
segment); orders and sales from ``order_cube`` (week × platform × region × segment). A date range
is widened to whole periods of the grid (months, merged while small) for every number, spend
included, and the answer states the days it covers (``window``). Every number is a sum of atoms of
a level whose every atom meets the minimum group, so no difference of two answers isolates a small
group (docs/dashboard.md), and each published row passes ``analyses.privacy.suppress``. A ratio is
shown only when both sides honour every filter; otherwise it is blank and ``blank`` says why.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE
from zhongcao.analyses.privacy import suppress
from zhongcao.contract.geo import region_sort_key
from zhongcao.engine import PEOPLE_SKETCH_SIZE, Workspace
from zhongcao.errors import ZhongcaoError
from zhongcao.web.cells import ANY_ATTRIBUTE, SKETCH, Grid


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
    weekly: list[dict[str, Any]] = field(default_factory=list)  # by period of the grid (months, merged while small)
    regions: list[dict[str, Any]] = field(default_factory=list)
    heat: list[dict[str, Any]] = field(default_factory=list)
    window: dict[str, Any] = field(default_factory=dict)  # the days covered, after widening to whole periods
    blank: dict[str, str] = field(default_factory=dict)  # KPI → why it is not shown (a code, BLANK_REASONS)


def check_min_group_size(min_group_size: int) -> int:
    """The cubes' sketches count distinct people exactly up to ``PEOPLE_SKETCH_SIZE``; no further."""
    if not 1 <= min_group_size <= PEOPLE_SKETCH_SIZE:
        raise ValueError(f"min_group_size must be between 1 and {PEOPLE_SKETCH_SIZE} (the people the cubes' "
                         f"sketches count exactly); got {min_group_size}")
    return min_group_size


_GRIDS: dict[tuple[str, float, int, int], Grid] = {}
_GRIDS_LOCK = threading.Lock()


def grid(ws: Workspace, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> Grid:
    """The workspace's grid for this minimum, built once per database version."""
    check_min_group_size(min_group_size)
    stat = ws.db_path.stat()
    key = (str(ws.path.resolve()), stat.st_mtime, stat.st_size, min_group_size)
    with _GRIDS_LOCK:
        if key not in _GRIDS:
            for old in [k for k in _GRIDS if k[0] == key[0] and k[1:3] != key[1:3]]:
                del _GRIDS[old]  # an older version of this workspace: its grid describes older data
            _GRIDS[key] = Grid(ws, min_group_size)
        return _GRIDS[key]


def options(ws: Workspace, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> Options:
    """The groups each filter may take (small values pooled, see ``web/cells.py``) and the date span."""
    g = grid(ws, min_group_size)
    return Options(
        date_min=g.periods[0].start if g.periods else None, date_max=g.periods[-1].end if g.periods else None,
        regions=tuple(sorted(g.groups["region"], key=region_sort_key)),
        segments=tuple(sorted(f"{a}:{v}" for a, groups in g.segments.items() for v in groups)),
        channels=tuple(sorted(g.groups["channel"])), platforms=tuple(sorted(g.groups["platform"])),
    )


@dataclass(frozen=True)
class _Query:
    """A validated filter set on the grid: the dimensions it restricts and the groups chosen."""

    attribute: str
    chosen: dict[str, set[str]]
    start: date | None
    end: date | None

    def level(self, cube_dims: tuple[str, ...]) -> list[str]:
        return [d for d in cube_dims if d in self.chosen]


def _query(g: Grid, f: Filters) -> _Query:
    start, end, restricted = g.snap(f.start, f.end)
    chosen: dict[str, set[str]] = {}
    if restricted and start is not None and end is not None:
        chosen["period"] = {p.label for p in g.periods if p.start >= start and p.end <= end}
    attribute = ANY_ATTRIBUTE
    if f.segment:
        attribute, value = f.segment.split(":", 1)
        chosen["segment"] = {value}
    for dim, values in (("region", f.regions), ("channel", f.channels), ("platform", f.platforms)):
        if values:
            chosen[dim] = set(values)
    return _Query(attribute, chosen, start if restricted else None, end if restricted else None)


ORDER_DIMS = ("period", "region", "segment", "platform")
TOUCH_DIMS = ("period", "region", "segment", "channel")
LEAD_DIMS = ("period", "channel")


def _people(row: dict[str, Any]) -> int:
    return int(row.get("_people") or 0)


def _published(rows: list[dict[str, Any]] | None, values: tuple[str, ...], min_group_size: int,
               rename: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows through the one suppression rule, without sketches or people counts."""
    if rows is None:
        return []
    out = suppress(rows, size=_people, blank=values, min_group_size=min_group_size)
    return [{(rename or {}).get(k, k): v for k, v in r.items() if k not in (SKETCH, "_people")} for r in out]


def _total(g: Grid, cube: str, dims: tuple[str, ...], q: _Query, values: tuple[str, ...]) -> dict[str, Any] | None:
    chosen = {d: v for d, v in q.chosen.items() if d in dims}
    rows = g.answer(cube, q.level(dims), chosen, attribute=q.attribute if "segment" in dims else ANY_ATTRIBUTE)
    if rows is None:
        return None
    row = rows[0] if rows else {**dict.fromkeys(values, 0.0), "_people": 0}
    return _published([row], values, g.min)[0]


def live_view(ws: Workspace, f: Filters, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> LiveView:
    """The filtered KPIs, the series by period, sales by province and touches by region × channel."""
    check_min_group_size(min_group_size)
    g = grid(ws, min_group_size)
    with ws.held():
        return _live_view(ws, g, f)


def _live_view(ws: Workspace, g: Grid, f: Filters) -> LiveView:
    q = _query(g, f)
    view = LiveView(filters={**f.to_dict(), "start": q.start.isoformat() if q.start else None,
                             "end": q.end.isoformat() if q.end else None}, kpis={})
    view.not_applied = {"spend": [n for n, on in (("region", f.regions), ("segment", f.segment),
                                                  ("platform", f.platforms)) if on],
                        "touches": ["platform"] if f.platforms else [], "orders": ["channel"] if f.channels else []}
    # Spend is the brand's own money, not people: published for any channel and period.
    raw_channels = [v for c in q.chosen.get("channel", ()) for v in g.groups["channel"][c]]
    spend = ws.mart_query("channel_daily", sums=["spend"], equals={"channel": raw_channels} if raw_channels else None,
                          between={"day": (q.start, q.end)} if q.start else None).to_pylist()[0]["spend"]
    kpis: dict[str, float | None] = {"spend": spend or 0.0}
    parts = (("leads", "channel_daily", LEAD_DIMS, ("leads",)),
             ("touches", "touch_cube", TOUCH_DIMS, ("touches", "reads", "engagements")),
             ("orders", "order_cube", ORDER_DIMS, ("orders", "gmv")))
    for name, cube, dims, values in parts:
        total = _total(g, cube, dims, q, values)
        if total is None or total["suppressed"]:
            kpis |= dict.fromkeys(values)
            view.suppressed.append(name)
        else:
            kpis |= {k: total[k] for k in values}
    snapped_start, snapped_end, _ = g.snap(f.start, f.end)
    view.window = ({"start": snapped_start.isoformat() if snapped_start else None,
                    "end": snapped_end.isoformat() if snapped_end else None,
                    "snapped": (snapped_start, snapped_end) != (f.start, f.end)} if (f.start or f.end) else
                   {"start": None, "end": None, "snapped": False})
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
    sales = ("buyers", "orders", "gmv")
    order_chosen = {d: v for d, v in q.chosen.items() if d in ORDER_DIMS}
    touch_chosen = {d: v for d, v in q.chosen.items() if d in TOUCH_DIMS}
    series = {
        "weekly": g.answer("order_cube", q.level(ORDER_DIMS), order_chosen, by=["period"], attribute=q.attribute),
        "regions": g.answer("order_cube", q.level(ORDER_DIMS), order_chosen, by=["region"], attribute=q.attribute),
        "heat": g.answer("touch_cube", q.level(TOUCH_DIMS), touch_chosen, by=["region", "channel"],
                         attribute=q.attribute),
    }
    view.weekly = _published(series["weekly"], sales, g.min, {"period": "day"})
    view.regions = _published(series["regions"], sales, g.min)
    view.heat = _published(series["heat"], ("users", "touches"), g.min)
    if any(v is None for v in series.values()) or any(
            r["suppressed"] for r in [*view.weekly, *view.regions, *view.heat]):
        view.suppressed.append("series")
    return view


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
    """The rows behind the live view: period × platform (or channel) under the filters; none when the
    filters make that table too fine to publish whole."""
    if view not in DRILL_VIEWS:
        raise FilterError(f"unknown view {view!r}; choose one of {', '.join(DRILL_VIEWS)}")
    check_min_group_size(min_group_size)
    g = grid(ws, min_group_size)
    mart, dimension, sums = DRILL_VIEWS[view]
    dims = ORDER_DIMS if mart == "order_cube" else TOUCH_DIMS
    q = _query(g, f)
    with ws.held():
        rows = g.answer(mart, q.level(dims), {d: v for d, v in q.chosen.items() if d in dims},
                        by=["period", dimension], attribute=q.attribute)
    return _published(rows, sums, g.min, {"period": "day"})
