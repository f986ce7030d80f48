"""Docs are checked by tests: the contract page is generated from the contract and kept in sync."""

from __future__ import annotations

import re
from pathlib import Path

from zhongcao.contract import BRAND_SETTINGS, TABLES
from zhongcao.contract.docs import contract_markdown
from zhongcao.engine import describe_marts

ROOT = Path(__file__).resolve().parents[1]


def test_every_column_has_a_description() -> None:
    for table in TABLES.values():
        assert table.grain.startswith("one row per"), table.name
        assert table.description
        for col in table.columns:
            assert col.description.strip(), f"{table.name}.{col.name} is undocumented"


def test_data_contract_doc_is_current() -> None:
    doc = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert doc == contract_markdown(), "regenerate with: python -m zhongcao.contract.docs > docs/data-contract.md"
    for table in TABLES.values():
        for col in table.columns:
            assert f"`{col.name}`" in doc
    for setting in BRAND_SETTINGS:
        assert f"`{setting.name}`" in doc


def test_metrics_doc_names_every_kpi() -> None:
    doc = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    for metric in ("CPM", "CPE", "CPL", "ROI", "GMV", "NPS", "repurchase", "AIPS", "last touch"):
        assert metric.lower() in doc.lower(), metric


def test_findings_doc_mentions_every_schema_field() -> None:
    from zhongcao.findings import schema

    doc = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    for field in [*schema()["properties"], *schema()["$defs"]["finding"]["properties"]]:
        assert f"`{field}`" in doc, field


def test_marts_are_documented() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for mart in describe_marts():
        assert f"`{mart['name']}`" in doc, mart["name"]


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make demo" in head and "make test" in head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_brand_toml_examples_in_the_docs_parse() -> None:
    """The brand.toml blocks in the docs (lift studies, declared changes) paste as they are."""
    import tomllib

    from zhongcao.contract import BrandConfig

    blocks = [b for doc in sorted((ROOT / "docs").glob("*.md"))
              for b in re.findall(r"```toml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)]
    assert len(blocks) >= 2
    for block in blocks:
        BrandConfig.from_mapping(tomllib.loads(block))


def test_metrics_doc_table_is_generated_from_the_registry() -> None:
    from zhongcao.analyses.metrics import METRICS, metrics_table, rewrite

    doc = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert doc == rewrite(doc), "regenerate with: python -m zhongcao.analyses.metrics docs/metrics.md"
    assert metrics_table() in doc
    assert len({m.name for m in METRICS}) == len(METRICS)
