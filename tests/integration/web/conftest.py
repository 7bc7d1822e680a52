"""A TestClient per operator over the shared test database, with helpers to log in and post forms with the CSRF token."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from liandong.account import service as accounts
from liandong.app import create_app
from liandong.core.clock import now
from liandong.db import unit_of_work

PASSWORD = "web-test-pass"
USERS = {
    "w_taker": ("call_taker", None),
    "w_dispatcher": ("dispatcher", None),
    "w_county": ("county_dispatcher", "zz-12345"),
    "w_zjj": ("unit_handler", "zjj"),
    "w_cgj": ("unit_handler", "cgj"),
    "w_supervisor": ("supervisor", None),
    "w_leader": ("leader", None),
    "w_admin": ("admin", None),
}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True, scope="module")
def _private_var_dir(tmp_path_factory):
    """Knowledge-search index caches go to a temporary directory, not the working copy's ./var."""
    from liandong.config import configure, settings

    previous = settings()
    configure(**{**previous.model_dump(exclude_unset=True), "var_dir": tmp_path_factory.mktemp("var")})
    yield
    configure(**previous.model_dump(exclude_unset=True))


@pytest.fixture(scope="module")
def web_users(engine):
    with unit_of_work(engine) as session:
        for username, (role, department) in USERS.items():
            if accounts.find_user(session, username) is None:
                accounts.create_user(
                    session, now=now(), username=username, password=PASSWORD, role=role, department_code=department, display_name=username
                )
    return USERS


class Browser:
    """A TestClient that remembers the page's CSRF token like a browser tab would."""

    def __init__(self, client: TestClient):
        self.client = client
        self.token = ""

    def get(self, url: str, **kw):
        response = self.client.get(url, **kw)
        found = TOKEN.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict | None = None, *, token: bool = True, **kw):
        body = dict(data or {})
        if token:
            body.setdefault("csrf_token", self.token)
        kw.setdefault("follow_redirects", False)
        return self.client.post(url, data=body, **kw)

    def login(self, username: str, password: str = PASSWORD):
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})

    def flashes(self, url: str) -> str:
        return self.get(url).text


@pytest.fixture
def browser(engine, web_users):
    def open_as(username: str | None = None, *, address: str = "testclient") -> Browser:
        # Log-in counters live in the shared database: tests that fail on purpose use their own address.
        client = TestClient(create_app(engine), client=(address, 50000))
        opened.append(client)
        tab = Browser(client)
        if username:
            response = tab.login(username)
            assert response.status_code == 303, response.text
        return tab

    opened: list[TestClient] = []
    yield open_as
    for client in opened:
        client.close()
