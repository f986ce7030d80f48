"""Recovery of the planted channel ROIs on the three demo worlds, at one seed and across seeds.

One seed shows what a user of that world would see; five seeds per world show what one seed
cannot: whether the 90% intervals hold the truth about nine times in ten, and whether a
channel's error averages out (noise) or not (bias). The weekly fit is the control that must
do worse (docs/mmm.md "Demo worlds").
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from zhongcao import pipeline
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.engine import Workspace

DEMO_USERS = 200_000  # 13 s to simulate and ingest each; at 20k the 90% intervals span tens of percent
WORLDS = ("hiking-shoes", "writing-course", "clip-earbuds")
SEEDS = range(5)  # 15 world-seeds, about 50 s each (simulate, ingest, daily and weekly fit): 12 of make test's 20 minutes

Fit = tuple[dict, pd.DataFrame, pd.DataFrame]  # planted channel truth, daily (default) fit, weekly fit


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Fit]:
    """Per world and seed: the truth and both fits' channel ROIs (each world removed once fitted)."""
    from zhongcao.simulate import simulate

    out = {}
    for seed in SEEDS:
        for name in WORLDS:
            root = tmp_path_factory.mktemp(f"{name}-{seed}")
            simulate(name, root / "input", users=DEMO_USERS, seed=seed)
            pipeline.ingest(root / "input", root / "ws")
            truth = json.loads((root / "input" / "truth.json").read_text(encoding="utf-8"))["channels"]
            ws = Workspace(root / "ws")
            out[name, seed] = (truth, MmmAnalysis().fit(ws).channels_.set_index("channel"),
                               MmmAnalysis(period="week").fit(ws).channels_.set_index("channel"))
            shutil.rmtree(root)  # 140 MB a world
    return out


@pytest.fixture(scope="module")
def demo_fits(sweep: dict[tuple[str, int], Fit]) -> dict[str, Fit]:
    """The seed-0 worlds (the seed `make demo` uses)."""
    return {name: sweep[name, 0] for name in WORLDS}


def _errors(truth: dict, fit: pd.DataFrame) -> dict[str, float]:
    return {ch: float(fit.loc[ch, "roi"] / t["roi"] - 1) for ch, t in truth.items() if t["roi"] and ch in fit.index}


def _inside(truth: dict, fit: pd.DataFrame) -> dict[str, bool]:
    return {ch: bool(fit.loc[ch, "roi_low"] <= t["roi"] <= fit.loc[ch, "roi_high"])
            for ch, t in truth.items() if t["roi"] and ch in fit.index}


@pytest.mark.slow
def test_daily_default_recovers_planted_rois_where_the_weekly_control_does_not(demo_fits) -> None:
    """Planted ROIs of six channels in three worlds: the daily default lands near them, weekly data do not.

    Weekly sums hide how fast douyin and brand_zone act, and their ROI rises with the carry-over the
    fit settles on (docs/mmm.md "Demo worlds"); the weekly fit is the control that must do worse.
    """
    daily, weekly = [], []
    for name, (truth, day_fit, week_fit) in demo_fits.items():
        d, w = _errors(truth, day_fit), _errors(truth, week_fit)
        print(name, "daily", {k: f"{v:+.0%}" for k, v in d.items()}, "weekly", {k: f"{v:+.0%}" for k, v in w.items()})
        daily += d.values()
        weekly += w.values()
    daily_err, weekly_err = np.abs(daily), np.abs(weekly)
    assert len(daily_err) == 18
    # Measured at seed 0: median 7.5%, worst 23% (hiking-shoes tmall_ad); weekly worst 86% (hiking-shoes douyin).
    assert np.median(daily_err) <= 0.10 and np.max(daily_err) <= 0.30, sorted(daily_err)
    assert np.max(weekly_err) > 2 * np.max(daily_err)
    for name, (truth, day_fit, week_fit) in demo_fits.items():  # the fast, weak channel, world by world
        day, week = _errors(truth, day_fit)["douyin"], _errors(truth, week_fit)["douyin"]
        assert week > 0.15 and abs(day) < week, (name, day, week)  # measured: +86/+24/+21% weekly, +5/-4/+10% daily


@pytest.mark.slow
def test_intervals_hold_the_truth_and_errors_average_out_across_seeds(sweep) -> None:
    """Five seeds of each world: 90 channel-worlds for coverage, 15 per channel for its mean error.

    Measured (seeds 0-4, 200k users): daily coverage 76 of 90 (84%; a calibrated 90% interval
    gives 81 ± 3); mean error by channel kol +4.1%, feeds -0.7%, search -2.3%, brand_zone
    +8.0%, douyin +2.8%, tmall_ad +5.9%; median |error| at most 11.9% (kol). The weekly control:
    coverage 82%, mean error brand_zone +18.2%, douyin +21.4%, tmall_ad +14.9%.
    """
    def summary(weekly: bool) -> tuple[float, dict[str, float], dict[str, float]]:
        """Share of truths inside the 90% intervals; per channel, mean error and median |error|."""
        inside, errors = [], {}
        for truth, day_fit, week_fit in sweep.values():
            fit = week_fit if weekly else day_fit
            inside += _inside(truth, fit).values()
            for ch, e in _errors(truth, fit).items():
                errors.setdefault(ch, []).append(e)
        return (float(np.mean(inside)), {ch: float(np.mean(e)) for ch, e in errors.items()},
                {ch: float(np.median(np.abs(e))) for ch, e in errors.items()})

    coverage, bias, typical = summary(weekly=False)
    week_coverage, week_bias, _ = summary(weekly=True)
    print("daily", f"{coverage:.2f}", {k: f"{v:+.1%}" for k, v in bias.items()}, {k: f"{v:.1%}" for k, v in typical.items()})
    print("weekly", f"{week_coverage:.2f}", {k: f"{v:+.1%}" for k, v in week_bias.items()})
    assert len(sweep) == len(WORLDS) * len(SEEDS) and len(bias) == 6
    assert coverage >= 0.80, coverage
    assert all(abs(b) <= 0.10 for b in bias.values()), bias  # no channel off by more than noise averages out to
    assert all(t <= 0.15 for t in typical.values()), typical  # the typical world-seed within ±15%, kol included
    worst, week_worst = max(map(abs, bias.values())), max(map(abs, week_bias.values()))
    assert week_worst > 0.15 and week_worst > 2 * worst, (week_bias, bias)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known gap, docs/mmm.md 'Demo worlds': at 200k users, seed 0, 17 of 18 "
                   "channel ROIs are within ±15% and 15 of 18 truths inside the 90% interval (hiking-shoes tmall_ad "
                   "+23%; writing-course search -9% and tmall_ad -12% just outside tight intervals); over seeds "
                   "0-4 the check passes for 3 of 15 world-seeds, never for all three worlds at one seed")
def test_demo_world_planted_rois_recovered_within_15pct_and_in_90pct_interval(demo_fits) -> None:
    misses = []
    for name, (truth, fit, _weekly) in demo_fits.items():
        inside = _inside(truth, fit)
        for ch, err in _errors(truth, fit).items():
            if abs(err) > 0.15 or not inside[ch]:
                misses.append((name, ch, round(err, 3), inside[ch]))
    assert not misses, misses
