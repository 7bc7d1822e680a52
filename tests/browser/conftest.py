"""A demo server on a free localhost port and one headless Chromium (Debian's package) for the browser tests."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# Test runs write screenshots to the ignored build/ folder so the checkout stays clean;
# `make screenshots` points this at docs/screenshots to refresh the README's pictures.
SCREENSHOTS = Path(os.environ.get("LIANDONG_SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "build" / "screenshots")
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "demo12345"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


API_TOKEN = "browser-test-token"


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    import uvicorn

    from liandong.app import create_app
    from liandong.config import configure, settings
    from liandong.core.clock import local, now
    from liandong.db import get_engine, unit_of_work
    from liandong.demo import prepare_demo
    from liandong.web.intake import search_knowledge
    from liandong.web.suggest import warm_up

    root = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{root / 'demo.db'}"
    previous = settings()
    configure(database_url=url, var_dir=root)
    try:
        prepare_demo(orders=150)
        engine = get_engine(url)
        # Load the triage model and build the knowledge index before the first page asks for them.
        warm_up()
        with unit_of_work(engine) as session:
            search_knowledge(session, "身份证丢了怎么补办")
        assert local(now())  # the clock works in this process
        port = _free_port()
        config = uvicorn.Config(create_app(engine, api_token=API_TOKEN), host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none")
        uv = uvicorn.Server(config)
        thread = threading.Thread(target=uv.run, name="browser-test-server", daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not uv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        uv.should_exit = True
        thread.join(timeout=10)
    finally:
        configure(**previous.model_dump(exclude_unset=True))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it; a skip there would hide a broken set-up
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server):
    """Open a fresh browser context (its own cookies) logged in as `username`."""
    contexts = []
    failed_requests: list[str] = []

    def open_as(username: str | None = None):
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=server)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        # No page may need anything from outside the app.
        page.on("request", lambda r: None if r.url.startswith(server) or r.url.startswith("data:") else failed_requests.append(r.url))
        if username:
            login(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not failed_requests, f"external requests: {failed_requests}"


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(intake|dispatch|unit|supervision|dashboard|admin)"))


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A workspace is shown from its top, as a person arriving on it sees it.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture(name="shot")
def shot_fixture():
    return shot


@pytest.fixture(name="login")
def login_fixture():
    return login


@pytest.fixture
def api(new_page):
    """The JSON API with the integration token (no operator session), to prepare orders for a flow."""
    page = new_page()
    headers = {"Authorization": f"Bearer {API_TOKEN}"}

    def call(method: str, path: str, body: dict | None = None) -> dict:
        response = page.request.fetch(path, method=method, data=body, headers=headers) if body is not None else page.request.fetch(path, method=method, headers=headers)
        assert response.ok, response.text()
        return response.json()

    return call


@pytest.fixture
def make_order(api):
    """Create an order through the API and optionally dispatch it to a unit."""

    def make(content: str, *, request_type: str = "complaint", to: str | None = None, phone: str | None = None) -> dict:
        order = api("POST", "/api/orders", {"content": content, "request_type": request_type, "division_code": "140502", "caller_phone": phone})
        if to:
            order = api("POST", f"/api/orders/{order['id']}/actions", {"action": "dispatch", "to": to})
        return order

    return make
