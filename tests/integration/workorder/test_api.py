"""The REST API end to end over a real database: status codes, Chinese errors, nothing written on refusal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from liandong.app import create_app
from liandong.workorder.models import WorkOrder

TOKEN = "integration-test-token"


@pytest.fixture
def client(engine):
    with TestClient(create_app(engine, api_token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}) as test_client:
        yield test_client


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_api_needs_a_log_in_or_the_token(engine, headers):
    with TestClient(create_app(engine, api_token=TOKEN)) as anonymous:
        for response in (anonymous.get("/api/orders", headers=headers), anonymous.post("/api/orders", json={"content": "x"}, headers=headers)):
            assert response.status_code == 401
            assert "请先登录" in response.json()["detail"]
    with TestClient(create_app(engine)) as no_token_configured:
        assert no_token_configured.get("/api/orders", headers={"Authorization": "Bearer "}).status_code == 401


def order_count(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(WorkOrder))


def create(client, **overrides):
    body = {"content": "小区门口占道经营，早晚高峰堵得走不了", "request_type": "complaint", "division_code": "140502"}
    body.update(overrides)
    response = client.post("/api/orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_get_act_timeline(client):
    order = create(client, received_at="2023-09-28T10:00:00+08:00", caller_phone="13812345678")
    assert order["reply_due_at"] == "2023-10-11T23:59:59+08:00"
    assert order["status"] == "received" and order["number"].startswith("JC-20230928-")
    oid = order["id"]
    response = client.post(f"/api/orders/{oid}/actions", json={"action": "dispatch", "to": "cgj", "at": "2023-09-28T11:00:00+08:00"})
    assert response.status_code == 200, response.text
    assert response.json()["department_name"] == "市城市管理局"
    got = client.get(f"/api/orders/{oid}").json()
    assert got["status"] == "dispatched" and [e["action"] for e in got["events"]] == ["create", "dispatch"]
    timeline = client.get(f"/api/orders/{oid}/timeline").json()
    assert [e["action_label"] for e in timeline] == ["受理", "派单"]


def test_illegal_transition_is_409_in_chinese_and_changes_nothing(client):
    order = create(client)
    response = client.post(f"/api/orders/{order['id']}/actions", json={"action": "accept"})
    assert response.status_code == 409
    assert "不能执行「签收」" in response.json()["detail"]
    assert client.get(f"/api/orders/{order['id']}").json()["status"] == "received"


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"content": "   "}, 422, "不能为空"),
        ({"content": "长" * 10_001}, 422, "过长"),
        ({"content": "x", "caller_phone": "abc"}, 422, "电话号码"),
        ({"content": "x", "department_code": "nope"}, 404, "承办单位"),
        ({"content": "x", "division_code": "000000"}, 422, "行政区划"),
        ({"content": "x", "category_code": "zz"}, 422, "分类"),
        ({"content": "x", "request_type": "praise"}, 422, "取值无效"),
        ({"content": "x", "received_at": "2023-09-28T10:00:00"}, 422, "时区"),
        ({"content": "x", "received_at": "not a time"}, 422, "时间格式"),
        ({"content": "x", "unknown": 1}, 422, "不支持的字段"),
        ({}, 422, "缺少必填字段"),
    ],
)
def test_bad_create_input(client, engine, body, status, needle):
    before = order_count(engine)
    response = client.post("/api/orders", json=body)
    assert response.status_code == status, response.text
    assert needle in response.json()["detail"]
    assert order_count(engine) == before


def test_bad_action_input(client):
    order = create(client)
    oid = order["id"]
    assert client.post(f"/api/orders/{oid}/actions", json={"action": "teleport"}).status_code == 422
    response = client.post(f"/api/orders/{oid}/actions", json={"action": "dispatch"})
    assert response.status_code == 422 and "承办单位" in response.json()["detail"]
    assert client.post("/api/orders/99999999/actions", json={"action": "remind"}).status_code == 404
    assert client.get("/api/orders/99999999").json()["detail"] == "工单不存在：99999999"
    response = client.post(f"/api/orders/{oid}/actions", json={"action": "remind", "at": "2023-01-01T00:00:00"})
    assert response.status_code == 422 and "时区" in response.json()["detail"]
    assert len(client.get(f"/api/orders/{oid}").json()["events"]) == 1


def test_list_and_filters(client):
    marker = "泽州县巴公镇独有测试标记"
    mine = create(client, content=f"{marker}：路灯不亮", request_type="help", division_code="140525")
    page = client.get("/api/orders", params={"q": marker, "type": "help", "division": "140525", "status": "received"}).json()
    assert page["total"] == 1 and page["items"][0]["id"] == mine["id"]
    assert client.get("/api/orders", params={"q": marker, "type": "consult"}).json()["total"] == 0
    assert client.get("/api/orders", params={"warning": "purple"}).status_code == 422
    assert client.get("/api/orders", params={"sort": "sideways"}).status_code == 422
    response = client.get("/api/orders", params={"due_before": "2023-10-01T00:00:00"})
    assert response.status_code == 422 and "时区" in response.json()["detail"]
    assert client.get("/api/orders", params={"limit": 0}).status_code == 422


def test_catalogue_and_docs(client):
    departments = client.get("/api/catalog/departments").json()
    assert {"zjj", "cgj", "sd", "zz-12345", "zz-bgz"} <= {d["code"] for d in departments}
    assert {d["level"] for d in departments} == {"city", "county", "township"}
    assert len(client.get("/api/catalog/categories", params={"level": 1}).json()) == 15
    assert len(client.get("/api/catalog/categories", params={"level": 3}).json()) == 517
    assert client.get("/api/catalog/policy").json()["reply_days"]["complaint"] == 5
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/orders", "/api/orders/{order_id}", "/api/orders/{order_id}/actions", "/api/orders/{order_id}/timeline"} <= set(spec["paths"])
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_api_order_keeps_triage_s_suggestion_and_its_audit_record(client, engine):
    from liandong.audit.models import AuditRecord

    order = create(client, content="小区楼下饭店油烟直排，熏得窗户都不能开，请环保部门来查一查")
    assert order["triage"] and order["triage"]["platform"] == "12345" and order["triage"].get("department")
    with engine.connect() as connection:
        stored = connection.execute(select(WorkOrder.triage).where(WorkOrder.id == order["id"])).scalar_one()
        audited = connection.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.target == order["number"]))
    assert stored == order["triage"] and audited == 1


def test_a_creation_whose_commit_fails_answers_the_error_and_stores_nothing(client, engine, monkeypatch):
    """The creation commits in its own thread (db.deps.end_write): a failed commit still reaches the caller, rolls
    everything back (order, timeline, outbox, audit) and hands the write lock on, so the next creation goes in."""
    from liandong.audit import service as audit_service
    from liandong.audit.models import AuditRecord
    from liandong.core.errors import Conflict
    from liandong.core.outbox import OutboxMessage
    from liandong.workorder.models import OrderEvent

    def counts():
        with engine.connect() as connection:
            return [connection.scalar(select(func.count()).select_from(model)) for model in (WorkOrder, OrderEvent, OutboxMessage, AuditRecord)]

    before = counts()
    sealed = audit_service.seal

    def refuse(session):
        raise Conflict("测试：提交失败")

    monkeypatch.setattr(audit_service, "seal", refuse)
    response = client.post("/api/orders", json={"content": "小区门口占道经营，早晚高峰堵得走不了", "request_type": "complaint", "division_code": "140502"})
    assert response.status_code == 409 and response.json()["detail"] == "测试：提交失败"
    assert counts() == before
    monkeypatch.setattr(audit_service, "seal", sealed)
    order = create(client)
    assert counts() == [before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1] and order["version"] == 2
