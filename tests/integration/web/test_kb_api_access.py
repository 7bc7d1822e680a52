"""The knowledge API needs a caller and applies the pages' role rules: drafts only for their unit and reviewers,
authoring only for units and supervisors."""

from __future__ import annotations

import pytest

from liandong.core.actor import Actor, Role
from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.knowledge import items


@pytest.fixture
def draft_id(engine):
    with unit_of_work(engine) as session:
        item = items.create_item(
            session, actor=Actor(name="w_zjj", role=Role.UNIT_HANDLER, department_code="zjj"), now=now(),
            question="来电人 张三 13812345678 反映的公租房问题怎么答", department_code="zjj",
        )
        return item.id


@pytest.mark.parametrize("url", ["/api/kb/items", "/api/kb/items?status=draft", "/api/kb/items/{id}", "/api/kb/docs", "/api/kb/search?q=公租房", "/api/kb/answer?q=公租房"])
def test_anonymous_callers_get_nothing(browser, draft_id, url):
    response = browser().client.get(url.format(id=draft_id))
    assert response.status_code == 401 and "请先登录" in response.json()["detail"]


@pytest.mark.parametrize(
    "username, sees_draft",
    [("w_taker", False), ("w_leader", False), ("w_dispatcher", False), ("w_cgj", False), ("w_zjj", True), ("w_supervisor", True), ("w_admin", True)],
)
def test_drafts_are_shown_to_their_unit_and_reviewers_only(browser, draft_id, username, sees_draft):
    tab = browser(username)
    detail = tab.client.get(f"/api/kb/items/{draft_id}")
    listed = tab.client.get("/api/kb/items", params={"status": "draft", "limit": 500})
    assert listed.status_code == 200
    assert (draft_id in [i["id"] for i in listed.json()]) is sees_draft
    assert detail.status_code == (200 if sees_draft else 404)


@pytest.mark.parametrize("username, allowed", [("w_taker", False), ("w_leader", False), ("w_dispatcher", False), ("w_zjj", True), ("w_supervisor", True)])
def test_only_authors_create_items_through_the_api(browser, username, allowed):
    tab = browser(username)
    response = tab.client.post(
        "/api/kb/items", json={"question": f"{username} 新建的问题", "department_code": "zjj"}, headers={"x-csrf-token": tab.token}
    )
    assert response.status_code == (201 if allowed else 403), response.text
    if not allowed:
        assert "无权" in response.json()["detail"] or "不能" in response.json()["detail"]
