"""Layer 5: typed findings whose zh/en prose comes from catalogues, and the findings document."""

from zhongcao.findings.document import SCHEMA_VERSION, build_document, findings_for, schema, validate_document
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text

__all__ = [
    "SCHEMA_VERSION",
    "Chart",
    "Confidence",
    "Evidence",
    "Finding",
    "Text",
    "build_document",
    "findings_for",
    "schema",
    "validate_document",
]
