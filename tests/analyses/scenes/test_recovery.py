"""Recovery on simulated worlds: every expected answer is read from truth.json."""

from __future__ import annotations

import pytest

from zhongcao.analyses.scenes import LiftAnalysis, RegionAnalysis, SceneAnalysis
from zhongcao.findings.document import build_document

pytestmark = pytest.mark.slow


def _names(row) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(row["label"]), *map(str, row["terms"] if "terms" in row else [])]


def test_hiking_top_scene_per_region_matches_truth(hiking) -> None:  # type: ignore[no-untyped-def]
    ws, truth = hiking
    planted = truth["regional_scenes"]
    r = RegionAnalysis().fit(ws)
    print(r.content_[["region", "rank", "label", "tgi", "tgi_low", "words", "products"]].to_string())
    terms = dict(zip(r.scenes_["scene"], r.scenes_["terms"], strict=True))
    for region in ("西南", "华南"):
        lead = r.content_[(r.content_["region"] == region) & (r.content_["rank"] == 1)].iloc[0]
        names = [str(lead["label"]), *terms[int(lead["scene"])][:5]]
        words = planted["words"][region]
        assert planted[region] in names or sum(w in names for w in words) >= 2, (region, names)
        assert lead["tgi_low"] > 100
        # The words to use in the region come from the planted scene's vocabulary.
        assert any(w in lead["words"] for w in words)


def test_hiking_southern_lift_within_interval_and_10pp(hiking) -> None:  # type: ignore[no-untyped-def]
    ws, truth = hiking
    planted = truth["regional_lift"]
    a = LiftAnalysis(treated=planted["regions"], start=planted["start"]).fit(ws)
    est = {e["metric"]: e for e in a.regional_["estimates"]}
    print({m: (round(e["estimate"], 3), round(e["low"], 3), round(e["high"], 3), round(e["pre_trend_p"], 3),
               round(e["synthetic"], 3)) for m, e in est.items()})
    for metric in ("orders", "gmv"):
        e = est[metric]
        assert e["low"] <= planted["lift"] <= e["high"], metric
        assert abs(e["estimate"] - planted["lift"]) <= 0.10, metric
        assert e["pre_trend_ok"], metric
        # The synthetic-control check agrees in sign.
        assert e["synthetic"] > 0


def test_lift_reads_the_change_the_brand_declared(hiking) -> None:  # type: ignore[no-untyped-def]
    ws, truth = hiking
    planted = truth["regional_lift"]
    a = LiftAnalysis().fit(ws)  # no parameters: brand.toml's [[changes]] say where and when
    assert a.inputs_["source"] == "brand.toml"
    assert a.regional_["status"] == "estimated" and not a.regional_["detected"]
    # Weekly data: the estimate starts with the first whole week on or after the declared date.
    from datetime import date

    assert 0 <= (date.fromisoformat(a.regional_["start"]) - date.fromisoformat(planted["start"])).days < 7
    gmv = next(e for e in a.regional_["estimates"] if e["metric"] == "gmv")
    assert gmv["low"] <= planted["lift"] <= gmv["high"]


def test_earbuds_planted_scene_is_top_unplanned_use(earbuds) -> None:  # type: ignore[no-untyped-def]
    ws, truth = earbuds
    planted = truth["unplanned_use"]
    a = SceneAnalysis().fit(ws)
    print(a.scenes_[["label", "terms", "distance", "growth", "trend_low", "save_ratio", "conversion_ratio"]].to_string())
    assert len(a.unplanned_) >= 1
    top = a.unplanned_.iloc[0]
    hits = [w for w in planted["words"] if w.lower() in [str(t).lower() for t in top["terms"]]]
    assert planted["scene"] in top["terms"] and len(hits) >= 3, top["terms"]
    assert top["trend_low"] > 0 and top["growth"] > 1
    seg = top["segment"]
    assert seg.get("gender") == [planted["segment"]["gender"]]
    assert set(seg.get("age_band", [])) == set(planted["segment"]["age_band"])


def test_writing_course_cost_per_lead_change(writing) -> None:  # type: ignore[no-untyped-def]
    ws, truth = writing
    planted = truth["strategy_change"]
    true_ratio = planted["cpl_after"] / planted["cpl_before"]
    for a in (LiftAnalysis(brand_start=planted["date"]).fit(ws),
              LiftAnalysis(brand_start=planted["date"], exclude_campaigns=[truth["holdout"]["campaign"]]).fit(ws)):
        b = a.brand_wide_
        print({k: b[k] for k in ("start", "cost_before", "cost_after", "cost_ratio", "cost_ratio_low",
                                 "cost_ratio_high", "excluded_campaigns")})
        assert b["cost_change"] < 0  # the right sign: leads got cheaper
        assert b["cost_ratio_low"] <= true_ratio <= b["cost_ratio_high"]
        # The ITS level change (leads per yuan) covers the planted multiplier.
        assert b["level_low"] <= planted["planted_lead_multiplier"] - 1 <= b["level_high"]


def test_findings_validate_and_reach_the_document(hiking, earbuds) -> None:  # type: ignore[no-untyped-def]
    for ws, _ in (hiking, earbuds):
        analyses = {"scenes": SceneAnalysis().fit(ws), "regions": RegionAnalysis().fit(ws), "lift": LiftAnalysis().fit(ws)}
        doc = build_document(ws.brand, analyses)
        ids = {f["id"] for f in doc["findings"]}
        assert {"scenes.overview", "scenes.unplanned", "regions.matrix"} <= ids
        for f in doc["findings"]:
            assert f["title"]["zh"] and f["title"]["en"]
