"""The next experiment: the geo-holdout estimator, its placebo standard error, and a design checked by re-simulation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from zhongcao.analyses.mmm.experiment import (
    ExperimentConfig,
    GeoTest,
    choose_control,
    measure_geo_test,
    placebo_errors,
    ratio_effect,
)


def _provinces(days: int = 400, n: int = 12, seed: int = 0) -> pd.DataFrame:
    """Daily sales of n provinces sharing a national pattern, each with its own Poisson noise."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    common = 1 + 0.3 * np.sin(2 * np.pi * np.arange(days) / 365) + 0.1 * (dates.dayofweek.to_numpy() >= 5)
    size = rng.lognormal(4, 0.6, n)
    return pd.DataFrame(rng.poisson(size[None, :] * common[:, None]).astype(float), index=dates,
                        columns=[f"p{i}" for i in range(n)])


def test_the_ratio_estimator_finds_a_planted_drop_and_placebo_windows_give_its_error() -> None:
    x = _provinces()
    ctrl, treat = x[["p0", "p1", "p2"]].sum(1).to_numpy(), x.drop(columns=["p0", "p1", "p2"]).sum(1).to_numpy()
    err = placebo_errors(ctrl, treat, 28, 56)
    assert abs(err.mean()) < 0.5 * err.std()  # no effect, no bias
    dropped = ctrl.copy()
    dropped[300:328] -= 40.0  # the control group loses 40 a day for 28 days
    est = -ratio_effect(dropped, treat, 300, 28, 56)[0]
    assert abs(est - 28 * 40) < 3 * err.std(), (est, err.std())


def test_the_control_group_holds_the_declared_share_of_sales() -> None:
    x = _provinces(n=20)
    cfg = ExperimentConfig()
    control, share = choose_control(x, cfg, 28)
    assert cfg.control_share[0] <= share <= cfg.control_share[1]
    assert share == pytest.approx(x[control].to_numpy().sum() / x.to_numpy().sum())


def test_a_measured_test_reads_its_roi_and_becomes_a_lift_study() -> None:
    from zhongcao.contract.tables import BrandConfig

    x = _provinces()
    control = ["p0", "p1", "p2"]
    x.loc[x.index[300:328], control] -= 10.0  # 30 a day lost for 28 days
    rows = [{"day": d.date(), "region": p, "gmv": float(v), "orders": 0, "buyers": 0, "leads": 0}
            for p in x.columns for d, v in x[p].items()]

    class Source:
        brand = BrandConfig()

        def mart(self, name: str) -> pa.Table:
            return pa.Table.from_pylist(rows)

    test = GeoTest("search", tuple(control), tuple(c for c in x.columns if c not in control), 0.2,
                   str(x.index[300].date()), 28, 0, 840.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    result = measure_geo_test(Source(), test.to_dict(), spend_withheld=840.0)  # type: ignore[arg-type]
    assert result.roi_low <= 1.0 <= result.roi_high  # 840 lost for 840 withheld
    study = BrandConfig.from_mapping({"lift_studies": [result.lift_study()]}).lift_studies[0]
    assert study.channel == "search" and study.se == pytest.approx(result.se, rel=1e-3)  # a contract.LiftStudy


@pytest.fixture(scope="module")
def resimulated(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`zhongcao design-test` on the hiking-shoes demo for a test starting 2025-09-01 (designed on the history
    before it; its season holds 双11, as the same season of 2024 does), then the world re-simulated with the
    proposed holdout applied (seeds 1-6) and each test measured as a brand would."""
    from typer.testing import CliRunner

    from zhongcao import pipeline
    from zhongcao.cli.main import app
    from zhongcao.engine import Workspace
    from zhongcao.simulate import GeoHoldout, simulate

    tmp_path = tmp_path_factory.mktemp("design-test")
    simulate("hiking-shoes", tmp_path / "in", users=20_000, seed=0)
    pipeline.ingest(tmp_path / "in", tmp_path / "ws")
    run = CliRunner().invoke(app, ["design-test", str(tmp_path / "ws"), "--start", "2025-09-01", "--json"])
    assert run.exit_code == 0, run.output
    plan = json.loads(run.output)
    design = GeoTest(**{k: v for k, v in plan["design"].items() if k != "end"})
    print("design", {k: v for k, v in plan["design"].items() if k not in ("treatment",)})
    start = pd.Timestamp(design.start)
    end = start + pd.Timedelta(days=design.days - 1)
    assert end + pd.Timedelta(days=design.cooldown_days) <= pd.Timestamp("2025-12-31")
    runs = []
    for seed in range(1, 7):
        root = tmp_path / f"seed{seed}"
        holdout = GeoHoldout(design.channel, tuple(design.control), str(start.date()), str(end.date()))
        simulate("hiking-shoes", root / "in", users=20_000, seed=seed, geo_holdout=holdout)
        pipeline.ingest(root / "in", root / "ws", marts=["region_daily"])
        truth = json.loads((root / "in" / "truth.json").read_text(encoding="utf-8"))["geo_holdout"]
        result = measure_geo_test(Workspace(root / "ws"), design, truth["spend_withheld"])
        print(seed, "truth roi", truth["roi"], "measured", round(result.roi, 2), "se", round(result.se, 2),
              "lift truth", truth["gmv_lost_expected"], "measured", round(result.lift), "withheld", truth["spend_withheld"])
        runs.append((truth, result))
    return {"plan": plan, "design": design, "runs": runs}


@pytest.mark.slow
def test_design_test_predicts_the_error_re_simulated_tests_show(resimulated: dict) -> None:
    """The predicted standard error of the lift (placebo windows of the seed-0 history, the control group
    chosen on other windows) must match the spread of the measured lifts around the planted ones
    (truth.json: expected GMV lost) within a factor of two. Power follows from that error and the
    posterior ROI; detections are printed beside it (six tests cannot pin a probability)."""
    design = resimulated["design"]
    assert resimulated["plan"]["ranking"][0]["channel"] == design.channel  # the most valuable study is designed
    z = [(r.lift - t["gmv_lost_expected"]) / (design.se_roi * design.spend_withheld) for t, r in resimulated["runs"]]
    detected = sum(r.roi / r.se > 1.6448536269514722 for _, r in resimulated["runs"])
    rms = float(np.sqrt(np.mean(np.square(z))))
    print("rms z", round(rms, 2), "z", np.round(z, 2), "detected", detected, "of 6; predicted power", design.power)
    assert 0.5 <= rms <= 2.0  # measured 0.93 (chosen and judged on the same windows: 2.34)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known gap, docs/mmm.md 'The next experiment': measured 3 of 6 truths inside "
                   "the measured 90% intervals; one season of history gives each test a noisy standard error "
                   "(2.2 to 8.2 per unit ROI across the six worlds for the same design)")
def test_measured_intervals_hold_the_planted_roi(resimulated: dict) -> None:
    inside = sum(r.roi_low <= t["roi"] <= r.roi_high for t, r in resimulated["runs"])
    print("inside", inside, "of 6")
    assert inside >= 4
