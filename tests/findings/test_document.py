"""findings.json follows the shipped JSON Schema; every finding has zh and en prose."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from zhongcao import pipeline
from zhongcao.engine import Workspace
from zhongcao.findings import schema, validate_document
from zhongcao.findings.text import catalogue, count, money


@pytest.fixture
def doc(tiny_ws: Path) -> dict:
    return pipeline.findings(Workspace(tiny_ws))


def test_document_validates_and_orders_by_what_to_act_on(doc: dict) -> None:
    from zhongcao.findings.priority import priority

    validate_document(doc)
    assert doc["brand"]["name"] == "墨小笔"
    keys = [priority(f).key for f in doc["findings"]]
    assert keys == sorted(keys)
    ids = {f["id"] for f in doc["findings"]}
    assert {"kpi.overview", "kpi.platform_split", "kpi.channel_efficiency", "kpi.repurchase"} <= ids
    for f in doc["findings"]:
        for part in ("title", "summary", "action"):
            assert f[part]["zh"] and f[part]["en"] and f[part]["zh"] != f[part]["en"]
        assert "{" not in f["title"]["en"], "unfilled placeholder"


def test_overview_numbers_match_the_analysis(doc: dict) -> None:
    overview = next(f for f in doc["findings"] if f["id"] == "kpi.overview")
    assert overview["evidence"]["numbers"]["gmv"] == pytest.approx(799.5)
    assert overview["confidence"]["interval"][0] <= overview["evidence"]["numbers"]["roi"]
    assert doc["analyses"]["kpi"]["results"]["totals"]["spend"] == pytest.approx(2200)


def test_schema_rejects_a_finding_without_english(doc: dict) -> None:
    broken = dict(doc)
    broken["findings"] = [dict(doc["findings"][0], title={"zh": "只有中文"})]
    with pytest.raises(jsonschema.ValidationError):
        validate_document(broken)


def test_catalogue_has_both_languages_everywhere() -> None:
    for template, parts in catalogue("kpi").items():
        for part, texts in parts.items():
            assert set(texts) == {"zh", "en"}, f"{template}.{part}"


def test_number_formats() -> None:
    assert count(12_000, "zh") == "1.2万"
    assert count(250_000_000, "zh") == "2.50亿"
    assert count(12_000, "en") == "12.0K"
    assert money(12.5, "en") == "¥12.50"
    assert schema()["properties"]["version"]["type"] == "string"
