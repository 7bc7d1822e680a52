"""Each role logs in and lands on its own workspace; pages need nothing from outside the app."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WORKSPACES = [
    ("hotline", "/intake", "受理工单", "intake"),
    ("dispatcher", "/dispatch", "派单工作台", "dispatch"),
    ("zz12345", "/dispatch", "泽州县12345政务服务便民热线分中心 · 二级派单", "county-dispatch"),
    ("bgz", "/unit", "巴公镇人民政府 · 工单办理", "township-inbox"),
    ("zjj", "/unit", "市住房和城乡建设局 · 工单办理", "unit-inbox"),
    ("supervisor", "/supervision", "督办工作台", "supervision"),
    ("leader", "/dashboard", "统计看板", "leader"),
    ("admin", "/admin/units", "系统管理", "admin-units"),
]


def test_login_page_and_wrong_password(new_page, shot):
    page = new_page()
    page.goto("/")
    assert page.url.endswith("/login")
    shot(page, "login")
    page.fill("input[name=username]", "hotline")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("[role=alert]")


@pytest.mark.parametrize(("username", "path", "heading", "screenshot"), WORKSPACES)
def test_each_role_lands_on_its_workspace(new_page, login, shot, username, path, heading, screenshot):
    page = new_page()
    login(page, username)
    assert page.url.endswith(path)
    assert heading in page.inner_text("main h1")
    shot(page, screenshot)
    # Logging out returns to the log-in page and the workspace is closed again.
    page.click("text=退出")
    page.wait_for_url("**/login")
    page.goto(path)
    assert "/login" in page.url


def test_roles_see_only_their_pages(new_page):
    page = new_page("zjj")
    response = page.goto("/dispatch")
    assert response.status == 403 and "无权" in page.inner_text("main")
    page = new_page("leader")
    assert page.goto("/intake").status == 403
