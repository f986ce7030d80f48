"""One small simulated world for every web test: its workspace, findings.json and report.html.

Browser tests drive the system Chromium (Debian package `chromium`, installed by `make test`)
through Playwright, headless and with networking cut off; they skip when it is absent.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DemoWorld

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)


@dataclass(frozen=True)
class World:
    workspace: Path
    report: Path
    doc: dict[str, Any]


@pytest.fixture(scope="session")
def world(demo_world: Callable[[str], DemoWorld]) -> World:
    """The clip-earbuds demo world (shared with the report and consistency tests)."""
    demo = demo_world("clip-earbuds")
    return World(demo.workspace, demo.report, demo.doc)


@pytest.fixture(scope="session")
def app(world: World) -> Any:
    from zhongcao.web import create_app

    return create_app(world.workspace)


@pytest.fixture(scope="session")
def client(app: Any) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def served(app: Any) -> Iterator[str]:
    """Serve ``app`` by uvicorn on 127.0.0.1 in a thread; yields its URL (a fixture body)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_url(app: Any) -> Iterator[str]:
    """The dashboard served by uvicorn on 127.0.0.1 in a thread, for the browser."""
    yield from served(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("system Chromium not installed (make test installs the Debian package `chromium`)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
