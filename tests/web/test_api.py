"""The dashboard's JSON API: numbers agree with findings.json, filters are validated, tokens guard it."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World
from zhongcao.engine import Workspace
from zhongcao.errors import ZhongcaoError
from zhongcao.web import create_app, serve
from zhongcao.web.queries import Filters, live_view


def totals(world: World) -> dict[str, Any]:
    return world.doc["analyses"]["kpi"]["results"]["totals"]


def test_unfiltered_numbers_match_the_findings_document(client: TestClient, world: World) -> None:
    body = client.get("/api/kpis").json()
    t = totals(world)
    for key in ("spend", "orders", "gmv", "roi"):
        assert body["kpis"][key] == pytest.approx(t[key], rel=1e-9), key
    assert body["kpis"]["leads"] == (pytest.approx(t["leads"]) if (t["leads"] or 0) >= 50 else None)
    assert "orders" not in body["suppressed"] and "touches" not in body["suppressed"]
    everything = TestClient(create_app(world.workspace, min_group_size=1)).get("/api/kpis").json()
    assert sum(r["gmv"] for r in everything["weekly"]) == pytest.approx(t["gmv"])
    assert sum(r["gmv"] for r in everything["regions"]) == pytest.approx(t["gmv"])
    shown = [r for r in body["weekly"] if not r["suppressed"]]
    assert all(r["buyers"] >= 50 for r in shown)


def test_filters_change_the_numbers_and_say_what_they_cannot_split(client: TestClient, world: World) -> None:
    by_platform = {r["platform"]: r["gmv"] for r in world.doc["analyses"]["kpi"]["results"]["by_platform"]}
    platform = max(by_platform, key=lambda p: by_platform[p])
    body = client.get("/api/kpis", params={"platform": platform}).json()
    assert body["kpis"]["gmv"] == pytest.approx(by_platform[platform])
    assert body["kpis"]["roi"] is None  # spend has no platform: no ROI for a platform slice
    assert body["not_applied"]["spend"] == ["platform"]
    half = client.get("/api/kpis", params={"start": "2025-01-01"}).json()
    assert 0 < half["kpis"]["spend"] < totals(world)["spend"]


def test_segment_and_region_filters(client: TestClient) -> None:
    opts = client.get("/api/options").json()
    all_gmv = client.get("/api/kpis").json()["kpis"]["gmv"]
    genders = [s for s in opts["segments"] if s.startswith("gender:")]
    parts = [client.get("/api/kpis", params={"segment": s}).json()["kpis"]["gmv"] for s in genders]
    assert len(genders) >= 2 and None not in parts  # each gender group holds the minimum, so all are answered
    assert sum(parts) == pytest.approx(all_gmv)
    region = opts["regions"][0]
    assert client.get("/api/kpis", params={"region": region}).status_code == 200


def _distinct_buyers_by_region(ws: Workspace) -> pd.Series:
    """Ground truth from user rows: distinct buyers per region, as order_cube assigns regions."""
    orders = ws.staged("orders", ("user_id", "ordered_at", "platform", "region")).to_pandas()
    users = ws.staged("users", ("user_id", "region")).to_pandas().set_index("user_id")["region"]
    orders["week"] = pd.to_datetime(orders["ordered_at"]).dt.to_period("W-SUN")
    per = orders.groupby(["week", "platform", "user_id"], as_index=False)["region"].max()
    per["region"] = per["user_id"].map(users).fillna(per["region"]).fillna("unknown")
    return per.groupby("region")["user_id"].nunique()


def test_a_slice_is_published_exactly_when_it_holds_enough_distinct_people(world: World) -> None:
    """Each province group's sales are shown only when at least min_group_size distinct people bought
    there, and a province below the minimum is never a filter or a row of its own (it is pooled).

    The cubes hold weekly distinct buyers; summed over weeks they count a repeat buyer once per
    week, so a province of a few loyal buyers would pass a test on the sum. The people sketches
    count each person once.
    """
    from zhongcao.web.queries import grid

    ws = Workspace(world.workspace)
    distinct = _distinct_buyers_by_region(ws)
    buyer_weeks = {r["region"]: r["buyers"] for r in ws.mart_query(
        "order_cube", by=["region"], sums=["buyers"], equals={"attribute": ["gender"]}).to_pylist()}
    fooled = 0
    for size in (10, 30, 50, 64):
        body = TestClient(create_app(world.workspace, min_group_size=size)).get("/api/kpis").json()
        groups = grid(ws, size).groups["region"]
        published = {r["region"] for r in body["regions"] if not r["suppressed"]}
        assert published == set(groups), size  # every group meets the minimum: all are shown
        for label in published:
            assert distinct[distinct.index.isin(groups[label])].sum() >= size, (size, label)
        small = set(distinct[distinct < size].index)
        assert not small & published, size
        fooled += sum(buyer_weeks[region] >= size > distinct[region] for region in distinct.index)
    assert fooled, "no province where summed weekly buyers pass and distinct buyers do not: the control is void"


def test_a_minimum_group_the_sketches_cannot_test_is_refused(world: World) -> None:
    """The sketches count distinct people exactly up to 64: a larger minimum is refused, not approximated."""
    with pytest.raises(ValueError, match="between 1 and 64"):
        create_app(world.workspace, min_group_size=100)
    with pytest.raises(ValueError, match="between 1 and 64"):
        live_view(Workspace(world.workspace), Filters(), min_group_size=0)


@pytest.mark.parametrize("params, needle", [
    ({"start": "yesterday"}, "start"),
    ({"start": "2025-02-01", "end": "2025-01-01"}, "after"),
    ({"region": "火星"}, "unknown region"),
    ({"region": "广东' OR 1=1 --"}, "unknown region"),
    ({"channel": "x" * 500}, "channel"),
    ({"segment": "gender"}, "unknown segment"),
    ({"platform": "amazon"}, "unknown platform"),
    ({"colour": "red"}, "unknown query parameter"),
])
def test_bad_parameters_get_4xx_with_a_clear_message(client: TestClient, params: dict[str, str], needle: str) -> None:
    response = client.get("/api/kpis", params=params)
    assert response.status_code == 422
    assert needle in response.json()["error"]


def test_bad_formats_and_unknown_findings(client: TestClient) -> None:
    assert client.get("/api/rows", params={"format": "pdf"}).status_code == 422
    assert client.get("/api/rows", params={"view": "users"}).status_code == 422
    assert client.get("/api/findings/nope.nothing/rows").status_code == 404
    assert client.get("/", params={"lang": "fr"}).status_code == 422


def test_csv_and_excel_downloads(client: TestClient, world: World) -> None:
    finding = world.doc["findings"][0]
    csv = client.get(f"/api/findings/{finding['id']}/rows", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert len(frame) == len(finding["evidence"]["rows"])
    xlsx = client.get("/api/rows", params={"format": "xlsx", "view": "orders"})
    assert xlsx.status_code == 200
    rows = pd.read_excel(io.BytesIO(xlsx.content))
    assert {"day", "platform", "orders", "gmv", "suppressed"} <= set(rows.columns)
    shown = rows[~rows["suppressed"].astype(bool)]
    assert shown.empty or shown["buyers"].min() >= 50
    assert rows.loc[rows["suppressed"].astype(bool), "gmv"].isna().all()


def test_openapi_spec_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/kpis", "/api/rows", "/api/options", "/api/findings", "/api/findings/{finding_id}/rows"} <= set(
        spec["paths"])
    names = {p["name"] for p in spec["paths"]["/api/kpis"]["get"]["parameters"]}
    assert {"start", "end", "region", "segment", "channel", "platform"} <= names


def test_the_page_carries_every_card(client: TestClient, world: World) -> None:
    html = client.get("/").text
    for f in world.doc["findings"]:
        assert f'id="{f["id"]}"' in html
    assert client.get("/").headers["content-security-policy"].startswith("default-src 'self'")


def test_a_token_guards_everything_when_given(world: World) -> None:
    guarded = TestClient(create_app(world.workspace, token="s3cret"))
    assert guarded.get("/api/options").status_code == 401
    assert guarded.get("/api/options", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.get("/api/options", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert guarded.get("/openapi.json").status_code == 401
    hop = guarded.get("/", params={"token": "s3cret"}, follow_redirects=False)
    assert hop.status_code == 303 and hop.headers["location"] == "/"
    assert guarded.get("/api/options").status_code == 200  # the cookie from the hop


def test_binding_beyond_loopback_needs_a_token(world: World) -> None:
    with pytest.raises(ZhongcaoError, match="token"):
        serve(world.workspace, host="0.0.0.0")


def test_only_local_host_names_are_answered_when_bound_locally(world: World) -> None:
    local = TestClient(create_app(world.workspace, allowed_hosts=["127.0.0.1", "localhost"]),
                       base_url="http://127.0.0.1:8765")
    assert local.get("/api/health").status_code == 200
    assert local.get("/api/health", headers={"host": "attacker.example"}).status_code == 400


def test_merged_sketches_in_sql_equal_merging_the_rows(world: World) -> None:
    """mart_query drops tokens above a group's bound before merging; the result must be the
    bottom-64 of the union all the same, for every grouping the live view uses."""
    from zhongcao.engine import PEOPLE_SKETCH_SIZE, merge_people_sketches

    ws = Workspace(world.workspace)
    rows = [r for r in ws.mart("touch_cube").to_pylist() if r["attribute"] == "gender"]
    assert any(len(r["people_sketch"]) == PEOPLE_SKETCH_SIZE for r in rows)  # the bound is in play
    for by in ((), ("region",), ("day",), ("region", "channel")):
        got = ws.mart_query("touch_cube", by=list(by), equals={"attribute": ["gender"]}, sketch="people_sketch")
        groups: dict[tuple, list] = {}
        for r in rows:
            groups.setdefault(tuple(str(r[c]) for c in by), []).append(r["people_sketch"])
        for g in got.to_pylist():
            key = tuple(str(g[c]) for c in by)
            assert g["people_sketch"] == merge_people_sketches(groups[key]), (by, key)
        assert len(got) == len(groups)
