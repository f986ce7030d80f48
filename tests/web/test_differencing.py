"""Acceptance (issue 20): no pair of the dashboard's answers isolates a group under the minimum.

Every permitted query over a grid of filters (regions, segments, platforms, date ranges, alone and
combined) is asked; each published number (the KPI block and every series row) is matched with the
set of order rows it sums, from user rows (ground truth, not the marts). For every two answers where
one's rows contain the other's, the difference must hold no one or at least the minimum of
distinct people. The control shows the naive rule (publish any slice of 50 people) leaks on the same
world, and that a province under the minimum is not a filter value at all.
"""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.web.conftest import World
from zhongcao.engine import Workspace
from zhongcao.web.cells import Grid
from zhongcao.web.queries import FilterError, Filters, drill_rows, grid, live_view, options

MIN = 50


def _truth(ws: Workspace) -> pd.DataFrame:
    """One row per week × platform × buyer, with region and segments as order_cube assigns them."""
    orders = ws.staged("orders", ("user_id", "ordered_at", "platform", "region", "amount")).to_pandas()
    users = ws.staged("users", ("user_id", "region", "gender", "age_band", "city_tier")).to_pandas()
    orders["week"] = pd.to_datetime(orders["ordered_at"]).dt.to_period("W-SUN").dt.start_time.dt.date
    per = orders.groupby(["week", "platform", "user_id"], as_index=False).agg(
        orders=("amount", "size"), gmv=("amount", "sum"), order_region=("region", "max"))
    per = per.merge(users.rename(columns={"region": "panel_region"}), on="user_id", how="left")
    per["region"] = per["panel_region"].fillna(per["order_region"]).fillna("unknown")
    per["city_tier"] = per["city_tier"].astype("Int64").astype(str).replace("<NA>", None)
    for col in ("gender", "age_band", "city_tier"):
        per[col] = per[col].fillna("unknown").astype(str)
    return per


def _mask(truth: pd.DataFrame, g: Grid, f: Filters, extra: dict[str, str] | None = None) -> np.ndarray:
    """The rows a filter set (plus one series row's group) selects, on the grid's published semantics."""
    keep = np.ones(len(truth), dtype=bool)
    start, end, restricted = g.snap(f.start, f.end)
    if restricted:
        keep &= ((truth["week"] >= start) & (truth["week"] <= end)).to_numpy()
    for dim, chosen in (("region", f.regions), ("platform", f.platforms)):
        if chosen:
            keep &= truth[dim].isin([v for c in chosen for v in g.groups[dim][c]]).to_numpy()
    if f.segment:
        attribute, value = f.segment.split(":", 1)
        keep &= truth[attribute].isin(g.segments[attribute][value]).to_numpy()
    for dim, value in (extra or {}).items():
        if dim == "period":
            keep &= np.array([g.period_of(w) == value for w in truth["week"]])
        else:
            keep &= truth[dim].isin(g.groups[dim][value]).to_numpy()
    return keep


def _filter_grid(g: Grid) -> list[Filters]:
    regions = sorted(g.groups["region"])
    platforms = sorted(g.groups["platform"])
    genders = [f"gender:{v}" for v in g.segments["gender"]]
    ages = [f"age_band:{v}" for v in list(g.segments["age_band"])[:2]]
    starts = [p.start for p in g.periods[1:6:2]]
    ends = [p.end for p in g.periods[-5::2]]
    dates: list[tuple[date | None, date | None]] = [(None, None), *((s, None) for s in starts),
                                                    *((None, e) for e in ends), (starts[0], ends[-1]),
                                                    (date(2024, 3, 10), date(2024, 3, 20))]
    out = [Filters(start=s, end=e) for s, e in dates]
    out += [Filters(regions=(r,)) for r in regions] + [Filters(regions=pair) for pair in
                                                       itertools.combinations(regions[:4] + regions[-1:], 2)]
    out += [Filters(regions=(r,), platforms=(p,)) for r in regions[:5] + regions[-1:] for p in platforms]
    out += [Filters(platforms=(p,), start=s, end=e) for p in platforms for s, e in dates[:4]]
    out += [Filters(segment=s, start=a, end=b) for s in genders + ages for a, b in dates[:4]]
    out += [Filters(segment=s, regions=(r,)) for s in genders for r in regions[:3] + regions[-1:]]
    out += [Filters(segment=s, platforms=pair) for s in genders for pair in itertools.combinations(platforms, 2)]
    return out


def _answers(ws: Workspace, g: Grid, truth: pd.DataFrame, f: Filters) -> list[tuple[np.ndarray, float]]:
    """Each published orders figure of one query, with the rows it sums (checked against them)."""
    view = live_view(ws, f, MIN)
    found = []
    if view.kpis["orders"] is not None:
        found.append((_mask(truth, g, f), view.kpis["orders"]))
    for key, rows in (("period", view.weekly), ("region", view.regions)):
        for r in rows:
            if not r["suppressed"]:
                found.append((_mask(truth, g, f, {key: r["day" if key == "period" else key]}), r["orders"]))
    for r in drill_rows(ws, f, "orders", MIN):
        if not r["suppressed"]:
            found.append((_mask(truth, g, f, {"period": r["day"], "platform": r["platform"]}), r["orders"]))
    for mask, orders in found:  # the ground truth reads the answers as the dashboard means them
        assert truth.loc[mask, "orders"].sum() == pytest.approx(orders), f
    return found


def test_no_two_answers_isolate_a_small_group(world: World) -> None:
    ws = Workspace(world.workspace)
    g = grid(ws, MIN)
    truth = _truth(ws)
    users = truth["user_id"].to_numpy()
    answers: dict[bytes, np.ndarray] = {}
    asked = 0
    for f in _filter_grid(g):
        asked += 1
        for mask, _ in _answers(ws, g, truth, f):
            answers.setdefault(np.packbits(mask).tobytes(), mask)
    masks = list(answers.values())
    assert asked >= 90 and len(masks) > 40, (asked, len(masks))
    stacked = np.array(masks)
    sizes = stacked.sum(axis=1)
    nested = 0
    for i, a in enumerate(masks):
        inside = ~(stacked & ~a).any(axis=1)  # answers whose rows all lie inside a's
        for j in np.flatnonzero(inside & (sizes < sizes[i])):
            diff = a & ~masks[j]
            people = len(np.unique(users[diff]))
            nested += 1
            assert people == 0 or people >= MIN, (i, j, people)
    print(f"{asked} queries, {len(masks)} distinct published figures, {nested} nested pairs checked")
    assert nested > 30, nested


def test_the_naive_rule_leaks_and_a_small_province_is_not_a_filter(world: World) -> None:
    """The control: publishing any slice of at least 50 people lets a big province plus a small one,
    minus the big one, give the small one; the grid pools the small one instead."""
    ws = Workspace(world.workspace)
    truth = _truth(ws)
    people = truth.groupby("region")["user_id"].nunique()
    small = people[people < MIN].index.tolist()
    big = people.idxmax()
    assert small, "no province under the minimum: the control is void"
    both = truth[truth["region"].isin([big, small[0]])]["user_id"].nunique()
    assert both >= MIN and people[big] >= MIN and people[small[0]] < MIN  # the naive rule publishes both
    opts = options(ws, MIN)
    assert small[0] not in opts.regions
    with pytest.raises(FilterError):
        Filters(regions=(big, small[0])).validate(opts)
    assert any(small[0] in members for members in grid(ws, MIN).groups["region"].values())


def test_every_published_row_holds_the_minimum(world: World) -> None:
    """Whatever the filters, a number shown describes at least the minimum of distinct people."""
    ws = Workspace(world.workspace)
    g = grid(ws, MIN)
    truth = _truth(ws)
    users = truth["user_id"].to_numpy()
    for f in _filter_grid(g)[:60]:
        for mask, _ in _answers(ws, g, truth, f):
            n = len(np.unique(users[mask]))
            assert n == 0 or n >= MIN, f


PEOPLE_COLUMNS = ("users", "buyers", "repeat_buyers", "responses", "leads", "won", "orders", "readers")


def test_kpi_segment_and_safety_findings_hold_no_group_under_the_minimum(world: World) -> None:
    """The findings (and so the report, which renders them) of the KPI, segment and safety analyses:
    no row counts between 1 and 49 people unless it is marked suppressed with its numbers blank, the
    overview's series has no small period, and no attack card lists accounts."""
    checked = 0
    for f in world.doc["findings"]:
        if f["analysis"] not in ("kpi", "segments", "safety"):
            continue
        for row in f["evidence"].get("rows") or []:
            for column in PEOPLE_COLUMNS:
                value = row.get(column)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    checked += 1
                    assert not 0 < value < MIN or row.get("suppressed"), (f["id"], column, row)
            if f["id"].startswith("segments.pain_points") and row.get("suppressed"):
                assert not row.get("examples"), row  # no verbatim text from a small theme
        if f["id"] == "safety.attack":
            assert {r["kind"] for r in f["evidence"]["rows"]} <= {"note"}
    assert checked > 20, checked
    overview = next(f for f in world.doc["findings"] if f["id"] == "kpi.overview")
    assert len(overview["evidence"]["rows"]) < 200  # not 700 daily rows: summed to a period that meets 50
    results = world.doc["analyses"]["kpi"]["results"]
    assert "daily" not in results and results["period"] in ("day", "week", "month", "quarter", "year", "all")
    assert "<td>account</td>" not in world.report.read_text(encoding="utf-8")  # no account list rendered
