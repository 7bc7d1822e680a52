"""Inputs that used to answer 500: huge ids in page and API paths, superscript digits, user_id=abc, NUL
characters and over-long text (PostgreSQL only), all refused with a 4xx and a Chinese message."""

from __future__ import annotations

import pytest

HUGE = str(2**64)


@pytest.fixture
def admin(browser):
    return browser("w_admin")


@pytest.mark.parametrize(
    "url",
    [
        f"/api/orders/{HUGE}",
        f"/api/orders/{HUGE}/timeline",
        f"/api/kb/items/{HUGE}",
        f"/orders/{HUGE}",
        f"/orders/1/attachments/{HUGE}",
        f"/kb/items/{HUGE}",
        f"/kb/items/{HUGE}/edit",
        f"/kb/passages/{HUGE}",
        f"/hotspots/{HUGE}",
        "/orders/-1",
        "/kb/items/²",
    ],
)
def test_ids_past_the_integer_range_are_invalid_input(admin, url):
    response = admin.client.get(url, follow_redirects=False)
    assert 400 <= response.status_code < 500, (url, response.status_code)


def test_superscript_digits_and_non_numbers_in_forms(admin, engine):
    order = admin.client.post("/api/orders", json={"content": "输入测试：楼道灯坏了", "request_type": "help"}).json()
    admin.get(f"/orders/{order['id']}")
    for data in ({"action": "merge", "into": "²"}, {"action": "request_extension", "days": "²", "note": "x"}):
        response = admin.post(f"/orders/{order['id']}/act", data)
        assert response.status_code < 500, (data, response.status_code)
    admin.get("/admin/users")
    response = admin.post("/admin/users", {"user_id": "abc", "display_name": "x", "role": "call_taker", "active": "1"})
    assert response.status_code < 500
    page = admin.get("/admin/users").text
    assert "应为整数" in page or response.status_code in (400, 422)
    response = admin.client.post(f"/api/orders/{order['id']}/actions", json={"action": "request_extension", "days": "²"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body, message",
    [
        ({"content": "有空字符\u0000的诉求", "request_type": "help"}, "空字符"),
        ({"content": "正常诉求", "request_type": "help", "address": "巷" * 300}, "过长"),
        ({"content": "正常诉求", "request_type": "help", "transferred_from": "1" * 100}, "过长"),
        ({"content": "正常诉求", "request_type": "help", "caller_name": "张\u0000三"}, "空字符"),
    ],
)
def test_text_the_database_cannot_hold_is_refused(admin, body, message):
    response = admin.client.post("/api/orders", json=body)
    assert response.status_code == 422 and message in response.json()["detail"], response.text


def test_nul_in_query_strings_and_forms(admin):
    assert admin.client.get("/api/orders", params={"q": "a\u0000b"}).status_code == 422
    admin.get("/intake")
    response = admin.post("/login", {"username": "a\u0000", "password": "x"})
    assert response.status_code == 422
