"""Every role (and nobody) against every GET operation of the API and every page without path parameters: nobody
gets in anonymously, nobody gets a server error, and the answers follow the role."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from liandong.app import create_app

PUBLIC = {"/login", "/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/favicon.ico", "/metrics"}
ROLES = ["w_taker", "w_dispatcher", "w_zjj", "w_supervisor", "w_leader", "w_admin"]
# Pages only some roles may open (the rest get 403); everything else is open to every logged-in role.
ADMIN_ONLY = ("/admin",)


def _routes(engine) -> list[str]:
    app = create_app(engine)
    paths = set()
    for route in app.routes:
        if isinstance(route, APIRoute) and "GET" in route.methods and "{" not in route.path and route.path not in PUBLIC:
            paths.add(route.path)
    return sorted(paths)


def test_nobody_gets_in_anonymously(browser, engine):
    tab = browser()
    for path in _routes(engine):
        response = tab.client.get(path, follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code in (303, 401) and "/login" in response.headers.get("location", "/login"), path


@pytest.mark.parametrize("username", ROLES)
def test_every_role_against_every_operation(browser, engine, username):
    tab = browser(username)
    for path in _routes(engine):
        response = tab.client.get(path, follow_redirects=False)
        assert response.status_code < 500, (username, path, response.status_code)
        if path.startswith(ADMIN_ONLY) and username != "w_admin":
            assert response.status_code == 403, (username, path)
