"""Layer 8: the local dashboard (FastAPI + uvicorn) over one workspace; see docs/dashboard.md."""

from zhongcao.web.app import create_app, load_findings, serve
from zhongcao.web.queries import FilterError, Filters, live_view, options

__all__ = ["FilterError", "Filters", "create_app", "live_view", "load_findings", "options", "serve"]
