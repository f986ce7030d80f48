"""The local dashboard: the report's cards plus filters, drill-down rows and CSV/Excel export.

``create_app(workspace)`` builds a FastAPI app over one workspace; ``serve`` runs it with
uvicorn on 127.0.0.1 unless a token is given. Everything the page shows comes from the
findings document (computed once, cached next to the workspace) and from precomputed marts
queried with validated filters. This layer (with the CLI) is where errors become statuses.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import tomllib
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
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
from zhongcao.findings import SCHEMA_VERSION, display
from zhongcao.findings.model import LANGS
from zhongcao.report import environment, report_context, table_bytes
from zhongcao.report.charts import option_label
from zhongcao.report.render import json_script
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
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
           'fill="#c8102e"/><path d="M4 11c2-6 6-6 8-6-1 3-3 6-8 6z" fill="#fff"/></svg>')
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# The page's scripts, served as files so the policy needs no 'unsafe-inline' for scripts.
STATIC: dict[str, tuple[str, str]] = {
    "echarts.min.js": ("zhongcao.report", "vendor/echarts.min.js"),
    "report.js": ("zhongcao.report", "static/report.js"),
    "dashboard.js": ("zhongcao.web", "static/dashboard.js"),
}
FINDINGS_CACHE = ".findings-cache.json"
COOKIE = "zhongcao_token"

Lang = Literal["zh", "en"]
Format = Literal["json", "csv", "xlsx"]


class AuthError(ZhongcaoError):
    """Binding beyond this machine without a token."""


class BindError(ZhongcaoError):
    """The address cannot be listened on (in use, not this machine's, not permitted)."""


@cache
def web_messages() -> dict[str, dict[str, str]]:
    return tomllib.loads(resources.files("zhongcao.web").joinpath("messages.toml").read_text(encoding="utf-8"))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _current(doc: Any, generation: str, settings: Mapping[str, Any]) -> bool:
    """A document of this generation, this version (an older version lacks newer blocks) and these run
    settings (one made with other settings says other things)."""
    return (isinstance(doc, dict) and doc.get("version") == SCHEMA_VERSION and doc.get("generation") == generation
            and doc.get("settings") == dict(settings))


def load_findings(ws: Workspace, params: Mapping[str, Any] | None = None, findings_json: Path | None = None,
                  progress: pipeline.Progress | None = None) -> dict[str, Any]:
    """The findings document of the workspace's current generation, with its run settings
    (brand.toml, then ``params``).

    In order: the cache (``WS/.findings-cache.json``), then the findings.json that ``zhongcao run``
    wrote (``findings_json``, by default next to the workspace), each used only when it records the
    workspace's current generation and the same settings, never by file times; else the document is
    computed (``progress`` hears each step) from one snapshot, so a load finishing meanwhile cannot mix
    old and new rows into it.
    """
    if not ws.exists():
        raise WorkspaceError(f"no workspace at {ws.path} (run `zhongcao ingest INPUT_DIR --workspace {ws.path}`)")
    cached = ws.path / FINDINGS_CACHE
    with ws.held():
        generation = ws.generation
        run_settings = pipeline.settings(ws, params)  # the snapshot's brand.toml
        if generation is not None:
            stored = _read_json(cached)
            wanted = run_settings.to_dict()
            if isinstance(stored, dict) and stored.get("generation") == generation and _current(
                    stored.get("document"), generation, wanted):
                return stored["document"]
            written = _read_json(findings_json or ws.path.parent / "findings.json")
            if _current(written, generation, wanted):
                if progress:
                    progress("reuse")
                return written  # type: ignore[no-any-return]
        # the same snapshot (held) as the generation read above
        doc = pipeline.findings(ws, progress=progress, run_settings=run_settings)
    if generation is not None:
        _write_atomically(cached, json.dumps({"generation": generation, "document": doc}, ensure_ascii=False))
    return doc


def _write_atomically(path: Path, text: str) -> None:
    """Write via a unique temporary name and one rename: two servers never interleave their bytes."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only workspace: serve without a cache
        tmp.unlink(missing_ok=True)


def _clip(value: Any, limit: int = 80) -> Any:
    """Long values echoed in a validation error, cut (a 100 KB parameter is not sent back)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}… ({len(value):,} characters)"
    if isinstance(value, list):
        return [_clip(v, limit) for v in value[:20]]
    if isinstance(value, dict):
        return {k: _clip(v, limit) for k, v in value.items()}
    return value


REPEATABLE = frozenset({"region", "channel", "platform"})
"""Parameters that may repeat (their values are combined with OR); any other given twice is refused."""


def allowed_query(*names: str) -> Callable[[Request], None]:
    """Reject query parameters the endpoint does not know (a typo should not be silently ignored), and a
    single-valued one given more than once (``?segment=a&segment=b`` would otherwise keep the last)."""

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - set(names))
        if unknown:
            raise FilterError(f"unknown query parameter(s) {', '.join(unknown)}; "
                              f"this endpoint takes {', '.join(names) or 'none'}")
        repeated = sorted(k for k in set(request.query_params) - REPEATABLE
                          if len(request.query_params.getlist(k)) > 1)
        if repeated:
            raise FilterError("; ".join(f"{k} given {len(request.query_params.getlist(k))} times; it takes one "
                                        f"value (only {', '.join(sorted(REPEATABLE))} may repeat)" for k in repeated))

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
    """Rows as JSON, CSV (UTF-8 with BOM, so Excel reads Chinese) or an Excel workbook; no
    exported cell is a live formula (``report.export``)."""
    if fmt == "json":
        return JSONResponse(jsonable_encoder({"columns": columns, "rows": rows}))
    media = ("text/csv; charset=utf-8" if fmt == "csv"
             else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(table_bytes(rows, columns, fmt, name), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


class _State:
    """The findings document, filter options and rendered pages of one generation of the workspace.

    Each request asks for the current one: when a load has swapped in a new database (its inode
    changed) and its generation differs, they are recomputed once, under a lock, before answering.
    """

    def __init__(self, ws: Workspace, params: Mapping[str, Any] | None = None, findings_json: Path | None = None,
                 progress: pipeline.Progress | None = None) -> None:
        self.ws = ws
        self.params = params
        self.findings_json = findings_json
        self.progress = progress
        self._lock = threading.Lock()
        self._refresh()

    def _refresh(self) -> None:
        self.stamp = _stamp(self.ws.db_path)
        with self.ws.held():  # the document and the options from one snapshot
            self.generation = self.ws.generation
            self.doc = load_findings(self.ws, self.params, self.findings_json, self.progress)
            # the run's minimum group, capped where the sketches require (the findings say so)
            self.min_group_size = int(self.doc["settings"]["dashboard_min_group_size"])
            self.opts = options(self.ws, self.min_group_size)
        self.findings = {f["id"]: f for f in self.doc["findings"]}
        self.pages: dict[str, str] = {}

    def current(self) -> _State:
        if _stamp(self.ws.db_path) != self.stamp:
            with self._lock:
                stamp = _stamp(self.ws.db_path)
                if stamp != self.stamp:
                    if self.ws.generation != self.generation:
                        self._refresh()
                    self.stamp = stamp  # a mart stored on first use: a new file, the same generation
        return self


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_ino, st.st_mtime_ns)


def create_app(
    workspace: Path | str | Workspace,
    *,
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    min_group_size: int | None = None,
    params: Mapping[str, Any] | None = None,
    findings_json: Path | None = None,
    progress: pipeline.Progress | None = None,
) -> FastAPI:
    """The dashboard of a workspace (or a MartFolder), with its run settings (brand.toml, then ``params``).

    ``min_group_size`` is the ``min_group_size`` setting given for the dashboard: every card and
    the live view use it; a size the sketches cannot test is refused (set brand-wide, a larger one
    is capped for the dashboard and the findings say so). ``findings_json`` is a document ``zhongcao run``
    wrote (default: ``findings.json`` next to the workspace), reused when it records the workspace's
    generation and the same settings; ``progress`` hears each step when the findings must be computed.
    """
    if min_group_size is not None:
        check_min_group_size(min_group_size)  # before any work: a size the sketches cannot test is refused
        params = {**(params or {}), "min_group_size": min_group_size}
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)  # or a MartFolder
    state = _State(ws, params, findings_json, progress)
    doc = state.doc
    app = FastAPI(
        title="Zhongcao dashboard API",
        version=doc.get("version", "1"),
        description="Findings, filtered KPIs and drill-down rows of one local workspace. "
                    "Filters are validated against the workspace's own values; unknown parameters are rejected.",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; the spec is at /openapi.json
    )
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clip(jsonable_encoder(exc.errors(), custom_encoder={Exception: str}))
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
        # Scripts only from this server's own files: no inline script, no inline event handler, no
        # eval, so text that slipped into markup cannot run (styles stay inline: ECharts sets them).
        response.headers["Content-Security-Policy"] = CSP
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    # The page takes the live view's filters too (a shared address opens the same view; the page's
    # script applies them, and the API validates them).
    def page(_: Annotated[None, Depends(allowed_query("lang", "token", *FILTER_NAMES, "view"))],
             lang: Lang = "zh") -> HTMLResponse:
        s = state.current()
        if lang not in s.pages:
            s.pages[lang] = render_dashboard(s.doc, s.opts, lang, s.min_group_size)
        return HTMLResponse(s.pages[lang])

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        # Browsers ask for it on every page: answer with a small SVG mark, not a 404 in the console.
        return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: Annotated[str, PathParam(max_length=40)]) -> Response:
        if name not in STATIC:
            return JSONResponse({"error": f"no static file {name!r}"}, status_code=404)
        package, path = STATIC[name]
        body = resources.files(package).joinpath(path).read_text(encoding="utf-8")
        return Response(body, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})

    @app.get("/api/health", summary="Is the server up")
    def health(_: Annotated[None, Depends(allowed_query())]) -> dict[str, str]:
        return {"status": "ok", "workspace": str(ws.path)}

    @app.get("/api/options", summary="The values each filter may take")
    def get_options(_: Annotated[None, Depends(allowed_query())]) -> dict[str, Any]:
        return state.current().opts.to_dict()

    @app.get("/api/findings", summary="The findings document (findings.json)")
    def get_findings(_: Annotated[None, Depends(allowed_query())]) -> dict[str, Any]:
        return state.current().doc

    @app.get("/api/findings/{finding_id}/rows", summary="The evidence rows behind one card")
    def finding_rows(
        _: Annotated[None, Depends(allowed_query("format"))],
        finding_id: Annotated[str, PathParam(max_length=120)],
        format: Format = "json",
    ) -> Response:
        findings = state.current().findings
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
        s = state.current()
        view = live_view(ws, f.validate(s.opts), s.min_group_size)
        return jsonable_encoder(view.__dict__)

    @app.get("/api/rows", summary="Drill-down rows for the filters, as JSON, CSV or Excel")
    def rows(
        _: Annotated[None, Depends(allowed_query(*FILTER_NAMES, "view", "format"))],
        f: Annotated[Filters, Depends(filter_params)],
        view: Literal["orders", "touches"] = "orders",
        format: Format = "json",
    ) -> Response:
        s = state.current()
        data = drill_rows(ws, f.validate(s.opts), view, s.min_group_size)
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
    values = [*opts.regions, *opts.segments, *opts.channels, *opts.platforms]
    columns = ["day", "platform", "channel", "region", "buyers", "orders", "gmv", "users", "touches", "reads",
               "engagements", "suppressed"]
    labels = {"values": {v: option_label(v) for v in values},
              "columns": {c: display.both(display.column(c)) for c in columns},
              "kinds": {c: display.kind(c) for c in columns}}
    live = {"messages": msgs, "min_group": min_group_size, "options": opts.to_dict(), "labels": labels}
    context = report_context(doc, lang)
    context["live_data"] = json_script(live)
    context["options"] = opts
    context["option_label"] = lambda v: labels["values"][v]
    context["live_messages"] = msgs
    return env.get_template("dashboard.html.j2").render(**context)


def serve(workspace: Path | str | Workspace, *, host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          min_group_size: int | None = None, params: Mapping[str, Any] | None = None,
          announce: Callable[[str], None] | None = None, findings_json: Path | None = None,
          progress: pipeline.Progress | None = None) -> None:
    """Run the dashboard. Any host other than this machine's loopback needs a token.

    Everything that can fail does so before anything is announced: the token rule, the workspace,
    the address (bound here, then handed to uvicorn), the settings, the findings. ``announce`` gets
    the URL once the server is about to answer.
    """
    import uvicorn

    if host not in LOOPBACK and not token:
        raise AuthError(f"binding to {host} lets other machines reach the dashboard; pass a token (--token) "
                        "or bind to 127.0.0.1")
    if min_group_size is not None:
        check_min_group_size(min_group_size)
    source = workspace if isinstance(workspace, Workspace) else Workspace(workspace)  # or a MartFolder
    if not source.exists():
        raise WorkspaceError(f"no workspace at {source.path} (run `zhongcao ingest INPUT_DIR --workspace {source.path}`)")
    sock = _listen(host, port)
    try:
        hosts = None if host not in LOOPBACK else ["127.0.0.1", "localhost", "::1", "[::1]"]
        app = create_app(source, token=token, allowed_hosts=hosts, min_group_size=min_group_size,
                         params=params, findings_json=findings_json, progress=progress)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        if announce is not None:
            shown = f"[{host}]" if ":" in host else host
            announce(f"http://{shown}:{sock.getsockname()[1]}/")
        server.run(sockets=[sock])
    finally:
        sock.close()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or BindError saying why not (in use, not this machine's)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as error:
        raise BindError(f"cannot listen on {host}:{port}: {getattr(error, 'strerror', None) or error}") from error
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise BindError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    return sock
