"""Numbers the dashboard must not get wrong under a filter (issue #21): each one a ratio whose two
sides honour the same filter, or a blank with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World
from zhongcao.engine import Workspace
from zhongcao.web.queries import grid


def test_roi_under_a_channel_filter_is_blank_with_the_reason(client: TestClient) -> None:
    """Orders cannot be split by channel: all GMV ÷ one channel's spend is not that channel's ROI."""
    channel = client.get("/api/options").json()["channels"][0]
    body = client.get("/api/kpis", params={"channel": channel}).json()
    assert body["kpis"]["spend"] is not None and body["kpis"]["gmv"] is not None
    assert body["kpis"]["roi"] is None
    assert "channel" in body["blank"]["roi"]


def test_a_day_range_puts_spend_and_orders_on_the_same_days(client: TestClient, world: World) -> None:
    """The dashboard answers by whole periods of its grid (months, merged while small): a one-day range
    is widened to its whole period, for spend as for orders, and the answer says which days it covers
    (a Tuesday used to get a day's spend and the week's GMV)."""
    ws = Workspace(world.workspace)
    g = grid(ws)
    weeks = sorted(r["day"] for r in ws.mart_query("order_cube", by=["day"]).to_pylist())
    tuesday = weeks[len(weeks) // 2] + timedelta(days=1)
    period = next(p for p in g.periods if p.start <= tuesday <= p.end)
    body = client.get("/api/kpis", params={"start": tuesday.isoformat(), "end": tuesday.isoformat()}).json()
    spend = ws.mart_query("channel_daily", sums=["spend"], between={"day": (period.start, period.end)}).to_pylist()[0]
    orders = ws.mart_query("order_cube", sums=["orders"], equals={"attribute": ["gender"]},
                           between={"day": (period.start, period.end)}).to_pylist()[0]  # weeks by their Monday
    assert body["window"] == {"start": period.start.isoformat(), "end": period.end.isoformat(), "snapped": True}
    assert body["kpis"]["spend"] == pytest.approx(spend["spend"])
    if body["kpis"]["orders"] is not None:
        assert body["kpis"]["orders"] == pytest.approx(orders["orders"])
    whole = client.get("/api/kpis", params={"start": period.start.isoformat(), "end": period.end.isoformat()}).json()
    assert whole["window"]["snapped"] is False
    assert whole["kpis"]["spend"] == pytest.approx(body["kpis"]["spend"])


@pytest.mark.parametrize("name, values", [
    ("segment", ["gender:f", "age_band:25-29"]),
    ("start", ["2025-01-01", "2025-02-01"]),
    ("end", ["2025-01-01", "2025-02-01"]),
])
def test_a_repeated_single_valued_parameter_is_refused(client: TestClient, name: str, values: list[str]) -> None:
    """?segment=a&segment=b used to keep the last silently."""
    response = client.get("/api/kpis", params=[(name, v) for v in values])
    assert response.status_code == 422
    assert f"{name} given 2 times" in response.json()["error"]
