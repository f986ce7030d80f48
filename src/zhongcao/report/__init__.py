"""Layer 6: the self-contained HTML report (insight cards, ECharts inlined), rendered from the findings document."""

from zhongcao.report.export import neutralise, table_bytes
from zhongcao.report.render import (
    ECHARTS_VERSION,
    environment,
    messages,
    render_report,
    report_context,
    write_report,
)

__all__ = ["ECHARTS_VERSION", "environment", "messages", "neutralise", "render_report", "report_context",
           "table_bytes", "write_report"]
