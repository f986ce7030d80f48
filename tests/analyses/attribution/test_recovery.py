"""Recovery on simulated worlds: the lift study finds the planted increment; creator credit ranks
creators like the planted incremental orders (truth.json), and a naive reader count does not."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from scipy.stats import norm, spearmanr

from zhongcao import pipeline
from zhongcao.analyses.attribution import MODELS, AttributionAnalysis
from zhongcao.analyses.attribution.lift import Z90
from zhongcao.engine import Workspace
from zhongcao.simulate import simulate

pytestmark = pytest.mark.slow
Z99 = float(norm.ppf(0.995))
WORLDS = ("writing-course", "clip-earbuds", "hiking-shoes")
# hiking-shoes plants fewer incremental orders per creator, so at 20k users Poisson noise alone
# caps creator rank correlation near 0.8 (seed 0: 0.79 before kol waves, 0.83 after; 0.825 at
# seed 1); 40k users show the bar is met once that noise halves (0.85, 0.88 after kol waves).
USERS = {"writing-course": 20000, "clip-earbuds": 20000, "hiking-shoes": 40000}


@pytest.fixture(scope="module", params=WORLDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp(request.param)
    simulate(request.param, root / "in", users=USERS[request.param], seed=0)
    pipeline.ingest(root / "in", root / "ws")
    ws = Workspace(root / "ws")
    fitted = AttributionAnalysis(min_group_size=1, bootstrap_draws=20).fit(ws)
    truth = json.loads((root / "in" / "truth.json").read_text(encoding="utf-8"))
    return {"name": request.param, "fitted": fitted, "truth": truth, "ws": ws}


def test_lift_study_recovers_the_planted_increment(world: dict[str, Any]) -> None:
    lift, truth = world["fitted"].lift_, world["truth"]["holdout"]
    assert lift["campaign"] == truth["campaign"]
    assert lift["channel"] == truth["channel"]
    # The truth inside the 99% interval (from the reported 90% one): a 90% interval misses one
    # world in ten by design, so three fixed-seed worlds would fail about one simulator change in
    # four (writing-course at seed 0 came out z = 2.3 after kol waves; with the campaign's effect
    # near zero, exposed and holdout orders differ by +1 on average over seeds 8-15 of that world).
    for what, true in (("orders", truth["true_incremental_conversions"]), ("revenue", truth["true_incremental_revenue"])):
        est, high = lift[f"incremental_{what}"], lift[f"incremental_{what}_high"]
        z = (est - true) / ((high - est) / Z90)
        assert abs(z) < Z99, f"{world['name']} {what}: estimate {est:.1f}, truth {true:.1f}, z = {z:.2f}"
    print(world["name"], "lift", round(lift["incremental_orders"], 1),
          (round(lift["incremental_orders_low"], 1), round(lift["incremental_orders_high"], 1)),
          "truth", truth["true_incremental_conversions"],
          "shares lift/last/markov", round(lift["lift_share"], 3), round(lift["last_touch_share"], 3),
          round(lift["markov_share"], 3))


def _spearman(credit: pd.Series, truth: dict[str, float]) -> float:
    t = pd.Series(truth, dtype=float)
    return float(spearmanr(t.index.map(credit).fillna(0.0), t.to_numpy()).statistic)


def test_creator_credit_tracks_planted_incremental_orders(world: dict[str, Any]) -> None:
    fitted, truth = world["fitted"], world["truth"]
    creators = truth["creators"]["incremental_orders"]
    rho = {m: _spearman(g.set_index("creator_id")["conversions"], creators)
           for m, g in fitted.creators_.groupby("model")}
    assert set(rho) == set(MODELS)
    channels = {k: v["incremental_orders_expected"] for k, v in truth["channels"].items()}
    ch = fitted.channels_[fitted.channels_["conversion"] == "orders"]
    rho_ch = {m: _spearman(g.set_index("channel")["conversions"], channels) for m, g in ch.groupby("model")}
    print(world["name"], "creators", {k: round(v, 3) for k, v in rho.items()},
          "channels", {k: round(v, 3) for k, v in rho_ch.items()})
    assert max(rho.values()) >= 0.8
    # Control: ranking creators by how many readers they reached fails the same bar.
    mid = fitted.midfunnel_
    readers = mid[mid["level"] == "creator"].groupby("creator_id")["readers"].sum()
    naive = _spearman(readers, creators)
    print(world["name"], "naive reader count", round(naive, 3))
    assert naive < 0.8
