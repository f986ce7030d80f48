"""Layer 5: typed findings whose zh/en prose comes from catalogues, and the findings document."""

from zhongcao.findings.builders import BUILDERS, findings_for
from zhongcao.findings.capabilities import capabilities, need_text
from zhongcao.findings.document import SCHEMA_VERSION, build_document, schema, validate_document
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text

__all__ = [
    "BUILDERS",
    "SCHEMA_VERSION",
    "Chart",
    "Confidence",
    "Evidence",
    "Finding",
    "Text",
    "build_document",
    "capabilities",
    "findings_for",
    "need_text",
    "schema",
    "validate_document",
]
