"""Log-in, log-out, CSRF, role workspaces and the JSON API acting for the logged-in operator."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from liandong.account import service as accounts
from liandong.db import unit_of_work
from liandong.workorder.models import WorkOrder


def count_orders(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(WorkOrder))


def test_home_sends_strangers_to_login_and_wrong_passwords_are_refused(browser):
    tab = browser()
    response = tab.client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    response = tab.login("w_taker", "not-the-password")
    assert response.status_code == 400 and "用户名或密码错误" in response.text
    response = tab.login("nobody-here", "whatever-123")
    assert response.status_code == 400


def test_repeated_failures_lock_the_login_for_a_while(browser):
    tab = browser(address="10.20.0.1")
    for _ in range(5):
        assert tab.login("w_taker", "guessing-wrong").status_code == 400
    locked = tab.login("w_taker")  # even the right password waits now, from this address
    assert locked.status_code == 429 and "登录尝试过于频繁" in locked.text
    assert tab.client.get("/intake", follow_redirects=False).status_code == 303  # not logged in
    assert tab.login("w_dispatcher").status_code == 303  # other accounts from the same office still log in


@pytest.mark.parametrize(
    ("username", "workspace"),
    [("w_taker", "/intake"), ("w_dispatcher", "/dispatch"), ("w_zjj", "/unit"), ("w_supervisor", "/supervision"), ("w_leader", "/dashboard"), ("w_admin", "/admin")],
)
def test_each_role_lands_on_its_workspace(browser, username, workspace):
    tab = browser(username)
    response = tab.client.get("/", follow_redirects=False)
    assert response.headers["location"] == workspace
    assert tab.get(workspace, follow_redirects=True).status_code == 200


def test_pages_need_login_and_remember_where_to_go(browser):
    tab = browser()
    response = tab.client.get("/orders?q=x", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Forders%3Fq%3Dx"
    tab.get("/login?next=/orders")
    response = tab.post("/login", {"username": "w_taker", "password": "web-test-pass", "next": "/orders"})
    assert response.headers["location"] == "/orders"


def test_login_redirect_stays_on_this_site(browser):
    tab = browser()
    tab.get("/login")
    response = tab.post("/login", {"username": "w_taker", "password": "web-test-pass", "next": "//evil.example/x"})
    assert response.headers["location"] == "/"


def test_forms_without_the_csrf_token_are_refused_and_change_nothing(browser, engine):
    tab = browser("w_taker")
    before = count_orders(engine)
    response = tab.post("/intake", {"content": "小区门口占道经营", "intent": "save"}, token=False)
    assert response.status_code == 403 and "页面已过期" in response.text
    response = tab.post("/intake", {"content": "小区门口占道经营", "intent": "save", "csrf_token": "forged"}, token=False)
    assert response.status_code == 403
    assert count_orders(engine) == before
    # Log-in itself is protected too (no log-in CSRF).
    stranger = browser()
    assert stranger.post("/login", {"username": "w_taker", "password": "web-test-pass"}, token=False).status_code == 403


def test_logout_ends_the_session(browser):
    tab = browser("w_taker")
    tab.get("/intake")
    assert tab.post("/logout").status_code == 303
    assert tab.client.get("/intake", follow_redirects=False).status_code == 303


def test_roles_cannot_open_other_workspaces(browser):
    assert browser("w_zjj").get("/dispatch").status_code == 403
    assert browser("w_leader").get("/intake").status_code == 403
    assert browser("w_taker").get("/admin/users").status_code == 403
    assert "无权" in browser("w_dispatcher").get("/unit").text


def test_a_disabled_account_is_logged_out(browser, engine):
    with unit_of_work(engine) as session:
        user = accounts.find_user(session, "w_leader")
        accounts.update_user(session, user_id=user.id, active=False)
    try:
        tab_response = browser().login("w_leader")
        assert tab_response.status_code == 400
    finally:
        with unit_of_work(engine) as session:
            accounts.update_user(session, user_id=accounts.find_user(session, "w_leader").id, active=True)


def test_api_acts_as_the_logged_in_operator(browser):
    unit = browser("w_zjj")
    listing = unit.client.get("/api/orders", params={"limit": 500}).json()
    assert all(item["department"] == "zjj" or "zjj" in item["assists"] for item in listing["items"])
    response = unit.client.post("/api/orders", json={"content": "单位不能直接受理"})
    assert response.status_code == 403
    # Without a session and without the integration token, the API refuses.
    anonymous = browser()
    refused = anonymous.client.post("/api/orders", json={"content": "接口受理的工单", "division_code": "140502"})
    assert refused.status_code == 401 and "请先登录" in refused.json()["detail"]


def test_html_errors_outside_the_api_and_json_inside(browser):
    tab = browser("w_supervisor")
    page = tab.get("/orders/99999999")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"] and "工单不存在" in page.text
    api = tab.client.get("/api/orders/99999999")
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    assert tab.get("/no-such-page").status_code == 404


def test_pages_may_not_be_framed_and_static_files_are_served_locally(browser):
    tab = browser()
    page = tab.get("/login")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    for asset in ("/static/app.css", "/static/app.js", "/static/vendor/htmx.min.js"):
        assert tab.client.get(asset).status_code == 200
    assert "http://" not in page.text.replace("http://127.0.0.1", "") and "https://" not in page.text
