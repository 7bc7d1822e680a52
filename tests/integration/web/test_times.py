"""Back-dating over the API: a logged-in person cannot set `at` / `received_at` in the past (a unit replying
"three days ago" to an overdue order), an integration may; year 0001 and future times are refused in Chinese."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from liandong.account import tokens
from liandong.app import create_app
from liandong.core.clock import SHANGHAI, now
from liandong.db import unit_of_work

ORDER = {"content": "单位答复时间测试：路面塌陷需要修补", "request_type": "complaint", "division_code": "140502"}


def _iso(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat()


def test_people_are_timed_by_the_server(browser):
    desk, unit = browser("w_dispatcher"), browser("w_zjj")
    three_days_ago = _iso(now() - timedelta(days=3))
    refused = desk.client.post("/api/orders", json={**ORDER, "received_at": three_days_ago})
    assert refused.status_code == 422 and "不能指定过去的时间" in refused.json()["detail"]
    order = desk.client.post("/api/orders", json=ORDER).json()
    order = desk.client.post(f"/api/orders/{order['id']}/actions", json={"action": "dispatch", "to": "zjj"}).json()
    accepted = unit.client.post(f"/api/orders/{order['id']}/actions", json={"action": "accept", "at": _iso(now() - timedelta(hours=5))})
    assert accepted.status_code == 422 and "不能指定过去的时间" in accepted.json()["detail"]
    assert unit.client.post(f"/api/orders/{order['id']}/actions", json={"action": "accept"}).status_code == 200


def test_integrations_may_report_the_past_but_not_before_2000_or_the_future(engine):
    with unit_of_work(engine) as session:
        _row, secret = tokens.create_token(session, now=now(), name=f"wechat-{uuid.uuid4().hex[:6]}")
    with TestClient(create_app(engine), headers={"Authorization": f"Bearer {secret}"}) as client:
        yesterday = client.post("/api/orders", json={**ORDER, "received_at": _iso(now() - timedelta(days=1))})
        assert yesterday.status_code == 201
        for value, message in (("0001-01-01T00:00:00+08:00", "2000"), (_iso(now() + timedelta(days=1)), "晚于当前时间")):
            response = client.post("/api/orders", json={**ORDER, "received_at": value})
            assert response.status_code == 422 and message in response.json()["detail"], response.text
