"""The local dashboard: the report's cards plus filters, drill-down rows and CSV/Excel export.

``create_app(workspace)`` builds a FastAPI app over one workspace; ``serve`` runs it with
uvicorn on 127.0.0.1 unless a token is given. Everything the page shows comes from the
findings document (computed once, cached next to the workspace) and from precomputed marts
queried with validated filters. This layer (with the CLI) is where errors become statuses.
"""

from __future__ import annotations

import io
import json
import secrets
import tomllib
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
import pandas as pd
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.middleware.trustedhost import TrustedHostMiddleware

from zhongcao import pipeline
from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE
from zhongcao.engine import Workspace
from zhongcao.errors import WorkspaceError, ZhongcaoError
from zhongcao.findings import SCHEMA_VERSION
from zhongcao.findings.model import LANGS
from zhongcao.report import environment, report_context
from zhongcao.web.queries import (
    DRILL_VIEWS,
    FilterError,
    Filters,
    check_min_group_size,
    drill_rows,
    live_view,
    options,
)

LOOPBACK = ("127.0.0.1", "localhost", "::1")
FINDINGS_CACHE = "findings.json"
COOKIE = "zhongcao_token"

Lang = Literal["zh", "en"]
Format = Literal["json", "csv", "xlsx"]


class AuthError(ZhongcaoError):
    """Binding beyond this machine without a token."""


@cache
def web_messages() -> dict[str, dict[str, str]]:
    return tomllib.loads(resources.files("zhongcao.web").joinpath("messages.toml").read_text(encoding="utf-8"))


def load_findings(ws: Workspace, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The findings document, recomputed only when the workspace or the run settings (brand.toml,
    ``params``) changed since the cached copy."""
    if not ws.exists():
        raise WorkspaceError(f"no workspace at {ws.path} (run `zhongcao ingest INPUT_DIR --workspace {ws.path}`)")
    run_settings = pipeline.settings(ws, params)
    cached = ws.path / FINDINGS_CACHE
    if cached.is_file() and cached.stat().st_mtime >= ws.db_path.stat().st_mtime:
        doc = json.loads(cached.read_text(encoding="utf-8"))
        # a copy from an older version lacks newer blocks; one made with other settings says other things
        if doc.get("version") == SCHEMA_VERSION and doc.get("settings") == run_settings.to_dict():
            return doc
    doc = pipeline.findings(ws, run_settings=run_settings)
    cached.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return doc


def allowed_query(*names: str) -> Callable[[Request], None]:
    """Reject query parameters the endpoint does not know (a typo should not be silently ignored)."""

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - set(names))
        if unknown:
            raise FilterError(f"unknown query parameter(s) {', '.join(unknown)}; "
                              f"this endpoint takes {', '.join(names) or 'none'}")

    return check


FILTER_NAMES = ("start", "end", "region", "segment", "channel", "platform")
Text = Annotated[str, Query(min_length=1, max_length=80)]


def filter_params(
    start: Annotated[date | None, Query(description="First day (YYYY-MM-DD).")] = None,
    end: Annotated[date | None, Query(description="Last day (YYYY-MM-DD).")] = None,
    region: Annotated[list[Text] | None, Query(description="Province, repeatable (GET /api/options).")] = None,
    segment: Annotated[str | None, Query(min_length=3, max_length=80,
                                         description="attribute:value, e.g. age_band:25-29.")] = None,
    channel: Annotated[list[Text] | None, Query(description="Channel, repeatable.")] = None,
    platform: Annotated[list[Text] | None, Query(description="Sales platform, repeatable.")] = None,
) -> Filters:
    return Filters(start, end, tuple(region or ()), segment, tuple(channel or ()), tuple(platform or ()))


def table_response(rows: list[dict[str, Any]], columns: list[str], fmt: str, name: str) -> Response:
    """Rows as JSON, CSV (UTF-8 with BOM, so Excel reads Chinese) or an Excel workbook."""
    if fmt == "json":
        return JSONResponse(jsonable_encoder({"columns": columns, "rows": rows}))
    frame = pd.DataFrame(rows, columns=columns)
    if fmt == "csv":
        body = frame.to_csv(index=False).encode("utf-8-sig")
        media = "text/csv; charset=utf-8"
    else:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=name[:31] or "rows")
        body = buffer.getvalue()
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def create_app(
    workspace: Path | str,
    *,
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    min_group_size: int | None = None,
    params: Mapping[str, Any] | None = None,
) -> FastAPI:
    """The dashboard of a workspace, with its run settings (brand.toml, then ``params``).

    ``min_group_size`` is the ``min_group_size`` setting given for the dashboard: every card and
    the live view use it; a size the sketches cannot test is refused (set brand-wide, a larger one
    is capped for the dashboard and the findings say so).
    """
    if min_group_size is not None:
        check_min_group_size(min_group_size)  # before any work: a size the sketches cannot test is refused
        params = {**(params or {}), "min_group_size": min_group_size}
    ws = Workspace(workspace)
    doc = load_findings(ws, params)
    min_group_size = int(doc["settings"]["dashboard_min_group_size"])
    opts = options(ws)
    findings = {f["id"]: f for f in doc["findings"]}
    app = FastAPI(
        title="Zhongcao dashboard API",
        version=doc.get("version", "1"),
        description="Findings, filtered KPIs and drill-down rows of one local workspace. "
                    "Filters are validated against the workspace's own values; unknown parameters are rejected.",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; the spec is at /openapi.json
    )
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    pages: dict[str, str] = {}

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
        message = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', [])[1:])}: {e.get('msg')}" for e in errors)
        return JSONResponse({"error": f"invalid request: {message}", "detail": errors}, status_code=422)

    @app.exception_handler(FilterError)
    async def bad_filter(_: Request, exc: FilterError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(ZhongcaoError)
    async def user_error(_: Request, exc: ZhongcaoError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if token:
            offered = request.cookies.get(COOKIE, "")
            header = request.headers.get("authorization", "")
            if header.lower().startswith("bearer "):
                offered = header[7:].strip()
            in_url = request.query_params.get("token")
            if request.url.path == "/" and in_url and secrets.compare_digest(in_url, token):
                # Trade the token in the address bar for a cookie, then drop it from the address.
                answer = RedirectResponse("/", status_code=303)
                answer.set_cookie(COOKIE, token, httponly=True, samesite="strict")
                return answer
            if not secrets.compare_digest(offered, token):
                return JSONResponse({"error": "a token is required: send 'Authorization: Bearer <token>' "
                                              "or open /?token=<token> once"},
                                    status_code=401, headers={"WWW-Authenticate": "Bearer"})
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(_: Annotated[None, Depends(allowed_query("lang", "token"))], lang: Lang = "zh") -> HTMLResponse:
        if lang not in pages:
            pages[lang] = render_dashboard(doc, opts, lang, min_group_size)
        return HTMLResponse(pages[lang])

    @app.get("/api/health", summary="Is the server up")
    def health(_: Annotated[None, Depends(allowed_query())]) -> dict[str, str]:
        return {"status": "ok", "workspace": str(ws.path)}

    @app.get("/api/options", summary="The values each filter may take")
    def get_options(_: Annotated[None, Depends(allowed_query())]) -> dict[str, Any]:
        return opts.to_dict()

    @app.get("/api/findings", summary="The findings document (findings.json)")
    def get_findings(_: Annotated[None, Depends(allowed_query())]) -> dict[str, Any]:
        return doc

    @app.get("/api/findings/{finding_id}/rows", summary="The evidence rows behind one card")
    def finding_rows(
        _: Annotated[None, Depends(allowed_query("format"))],
        finding_id: Annotated[str, PathParam(max_length=120)],
        format: Format = "json",
    ) -> Response:
        if finding_id not in findings:
            return JSONResponse({"error": f"no finding {finding_id!r}; GET /api/findings lists them"},
                                status_code=404)
        ev = findings[finding_id]["evidence"]
        rows = ev.get("rows") or []
        columns = ev.get("columns") or (list(rows[0]) if rows else [])
        return table_response(rows, columns, format, finding_id.replace(".", "_"))

    @app.get("/api/kpis", summary="KPIs, weekly series and maps for the filters")
    def kpis(
        _: Annotated[None, Depends(allowed_query(*FILTER_NAMES))],
        f: Annotated[Filters, Depends(filter_params)],
    ) -> dict[str, Any]:
        view = live_view(ws, f.validate(opts), min_group_size)
        return jsonable_encoder(view.__dict__)

    @app.get("/api/rows", summary="Drill-down rows for the filters, as JSON, CSV or Excel")
    def rows(
        _: Annotated[None, Depends(allowed_query(*FILTER_NAMES, "view", "format"))],
        f: Annotated[Filters, Depends(filter_params)],
        view: Literal["orders", "touches"] = "orders",
        format: Format = "json",
    ) -> Response:
        data = drill_rows(ws, f.validate(opts), view, min_group_size)
        _mart, dimension, sums = DRILL_VIEWS[view]
        columns = ["day", dimension, *sums, "suppressed"]
        return table_response(data, columns, format, f"{view}_rows")

    return app


def render_dashboard(doc: dict[str, Any], opts: Any, lang: str, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> str:
    env = environment(jinja2.PackageLoader("zhongcao.web", "templates"))
    msgs = web_messages()
    tt = env.globals["tt"]

    def dt(key: str, **values: Any) -> Markup:
        return tt({code: msgs[code][key].format(**values) for code in LANGS})  # type: ignore[operator]

    env.globals["dt"] = dt
    live = {"messages": msgs, "min_group": min_group_size, "options": opts.to_dict()}
    context = report_context(doc, lang)
    context["live_data"] = Markup(json.dumps(live, ensure_ascii=False).replace("</", "<\\/"))
    context["options"] = opts
    context["live_messages"] = msgs
    context["script_dashboard"] = Markup(resources.files("zhongcao.web").joinpath("static", "dashboard.js")
                                         .read_text(encoding="utf-8"))
    return env.get_template("dashboard.html.j2").render(**context)


def serve(workspace: Path | str, *, host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          min_group_size: int | None = None, params: Mapping[str, Any] | None = None) -> None:
    """Run the dashboard. Any host other than this machine's loopback needs a token."""
    import uvicorn

    if host not in LOOPBACK and not token:
        raise AuthError(f"binding to {host} lets other machines reach the dashboard; pass a token (--token) "
                        "or bind to 127.0.0.1")
    hosts = None if host not in LOOPBACK else ["127.0.0.1", "localhost", "::1", "[::1]"]
    app = create_app(workspace, token=token, allowed_hosts=hosts, min_group_size=min_group_size, params=params)
    uvicorn.run(app, host=host, port=port, log_level="warning")
