"""Layer 6: the self-contained HTML report, rendered from the findings document."""

from zhongcao.report.render import render_report, write_report

__all__ = ["render_report", "write_report"]
