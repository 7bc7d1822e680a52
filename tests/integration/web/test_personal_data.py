"""Personal data by role over API and pages: masked for the leader (138****5678), no numbers in lists unless
allowed and asked, a recorded reveal with a reason, 保密 hidden from the unit, every sight recorded, and the
retention purge."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from liandong.account import tokens
from liandong.app import create_app
from liandong.audit.models import AuditRecord
from liandong.core.actor import SYSTEM
from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.workorder import service
from liandong.workorder.models import WorkOrder

PHONE = "13812345678"


def _order(tab, **extra) -> dict:
    body = {"content": "个人信息测试：楼下烧烤油烟扰民", "request_type": "complaint", "caller_name": "张三", "caller_phone": PHONE, **extra}
    response = tab.client.post("/api/orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _records(engine, action: str, order_id: int) -> list[AuditRecord]:
    with unit_of_work(engine) as session:
        rows = session.scalars(select(AuditRecord).where(AuditRecord.action == action)).all()
        return [r for r in rows if order_id in (r.detail.get("order_ids") or [])]


def test_the_leader_sees_masked_values_and_reveals_one_with_a_reason(browser, engine):
    taker, leader = browser("w_taker"), browser("w_leader")
    order = _order(taker)
    detail = leader.client.get(f"/api/orders/{order['id']}").json()
    assert detail["caller_phone"] == "138****5678" and detail["caller_name"] == "张*" and detail["caller_masked"]
    listed = leader.client.get("/api/orders", params={"limit": 500}).text
    items = json.loads(listed)["items"]
    assert PHONE not in listed and all(i["caller_phone"] is None and i["caller_name"] is None for i in items)  # omitted
    assert leader.client.get("/api/orders", params={"limit": 500, "personal": "true"}).status_code == 403
    assert leader.client.post(f"/api/orders/{order['id']}/reveal", json={"reason": ""}).status_code == 422
    revealed = leader.client.post(f"/api/orders/{order['id']}/reveal", json={"reason": "督办需联系来电人"})
    assert revealed.status_code == 200 and revealed.json()["caller_phone"] == PHONE
    [record] = _records(engine, "personal.reveal", order["id"])
    assert record.actor == "w_leader" and record.detail["reason"] == "督办需联系来电人"
    page = leader.get(f"/orders/{order['id']}").text
    assert PHONE not in page and "138****5678" in page and "查看原文" in page
    shown = leader.post(f"/orders/{order['id']}/reveal", {"reason": "回访核实"})
    assert shown.status_code == 200 and PHONE in shown.text


def test_full_viewers_are_recorded_and_lists_need_asking(browser, engine):
    taker = browser("w_taker")
    order = _order(taker)
    assert taker.client.get(f"/api/orders/{order['id']}").json()["caller_phone"] == PHONE
    assert _records(engine, "personal.view", order["id"])
    plain = taker.client.get("/api/orders", params={"limit": 500}).json()["items"]
    assert all(item["caller_phone"] is None and item["caller_omitted"] for item in plain)
    asked = taker.client.get("/api/orders", params={"limit": 500, "personal": "true"}).json()["items"]
    assert PHONE in [item["caller_phone"] for item in asked]
    assert _records(engine, "personal.list", order["id"])


def test_a_confidential_caller_is_hidden_from_the_unit(browser):
    taker, desk, unit = browser("w_taker"), browser("w_dispatcher"), browser("w_zjj")
    order = _order(taker, confidential=True)
    desk.client.post(f"/api/orders/{order['id']}/actions", json={"action": "dispatch", "to": "zjj"})
    seen = unit.client.get(f"/api/orders/{order['id']}").json()
    assert seen["caller_hidden"] and seen["caller_phone"] is None and seen["caller_name"] is None
    assert unit.client.post(f"/api/orders/{order['id']}/reveal", json={"reason": "想知道是谁"}).status_code == 403
    assert PHONE not in unit.get(f"/orders/{order['id']}").text


def test_tokens_see_masked_values_without_the_personal_scope(engine, browser):
    order = _order(browser("w_taker"))
    with unit_of_work(engine) as session:
        _row, plain = tokens.create_token(session, now=now(), name=f"p-{uuid.uuid4().hex[:6]}", scopes=["orders:read"])
        _row, personal = tokens.create_token(session, now=now(), name=f"q-{uuid.uuid4().hex[:6]}", scopes=["orders:read", "personal:read"])
    with TestClient(create_app(engine)) as client:
        masked = client.get(f"/api/orders/{order['id']}", headers={"Authorization": f"Bearer {plain}"}).json()
        full = client.get(f"/api/orders/{order['id']}", headers={"Authorization": f"Bearer {personal}"}).json()
    assert masked["caller_phone"] == "138****5678" and full["caller_phone"] == PHONE


def test_the_retention_purge_anonymises_old_closed_orders(browser, engine):
    order = _order(browser("w_taker"), content="李女士来电 13812345678 反映路灯不亮")
    with unit_of_work(engine) as session:
        session.execute(update(WorkOrder).where(WorkOrder.id == order["id"]).values(closed_at=now() - timedelta(days=800), status="closed"))
    with unit_of_work(engine) as session:
        result = service.purge_personal(session, now=now(), retention_days=730, actor=SYSTEM)
    assert result["orders"] >= 1
    with unit_of_work(engine) as session:
        purged = session.get(WorkOrder, order["id"])
        assert purged.caller_name is None and purged.caller_phone is None
        assert PHONE not in purged.content and "李女士" not in purged.content
    with unit_of_work(engine) as session:
        assert service.purge_personal(session, now=now(), retention_days=730, actor=SYSTEM)["orders"] == 0


def test_a_number_typed_into_the_text_is_masked_like_the_callers(browser):
    taker, leader = browser("w_taker"), browser("w_leader")
    order = _order(taker, content="李女士来电，说有事打她电话 " + PHONE + "，楼下烧烤油烟扰民")
    assert PHONE in taker.client.get(f"/api/orders/{order['id']}").json()["content"]
    seen = leader.client.get(f"/api/orders/{order['id']}").json()["content"]
    assert PHONE not in seen and "138****5678" in seen
    listed = leader.client.get("/api/orders", params={"limit": 500}).text
    assert PHONE not in listed
    page = leader.get(f"/orders/{order['id']}").text
    assert PHONE not in page and "138****5678" in page

def test_the_retention_purge_clears_what_other_tables_keep_beside_the_order(browser, engine):
    """A citizen's map point (public page / channel API) and a partner's photo link (Open311) go with the order's
    caller: every table declared in core.retention, so none can be forgotten."""
    from liandong.citizen.models import CitizenTicket
    from liandong.core.retention import KEPT
    from liandong.open311.models import Open311Request

    assert {k.table.name for k in KEPT} >= {"citizen_tickets", "open311_requests"}
    order = _order(browser("w_taker"), content="小区门口路灯不亮，晚上很黑")
    with unit_of_work(engine) as session:
        session.add(CitizenTicket(order_id=order["id"], tracking_code=f"T{uuid.uuid4().hex[:12]}", source="public",
                                  latitude=35.49, longitude=112.85, created_at=now()))
        session.add(Open311Request(order_id=order["id"], client="app", latitude=35.49, longitude=112.85,
                                   media_url="https://example.org/p.jpg", attributes={}, created_at=now()))
    with unit_of_work(engine) as session:
        service.purge_personal(session, now=now(), retention_days=730, actor=SYSTEM)
    with unit_of_work(engine) as session:  # the order is not closed yet: its map point stays
        assert session.scalar(select(CitizenTicket.latitude).where(CitizenTicket.order_id == order["id"])) == 35.49
    with unit_of_work(engine) as session:
        session.execute(update(WorkOrder).where(WorkOrder.id == order["id"]).values(closed_at=now() - timedelta(days=800), status="closed"))
    with unit_of_work(engine) as session:
        dry = service.purge_personal(session, now=now(), retention_days=730, actor=SYSTEM, dry_run=True)
    assert dry["beside"]["citizen_tickets"] >= 1 and dry["beside"]["open311_requests"] >= 1
    with unit_of_work(engine) as session:
        done = service.purge_personal(session, now=now(), retention_days=730, actor=SYSTEM)
    assert done["beside"]["citizen_tickets"] >= 1 and done["beside"]["open311_requests"] >= 1
    with unit_of_work(engine) as session:
        ticket = session.scalar(select(CitizenTicket).where(CitizenTicket.order_id == order["id"]))
        request = session.get(Open311Request, order["id"])
        assert (ticket.latitude, ticket.longitude) == (None, None)
        assert (request.latitude, request.longitude, request.media_url) == (None, None, None)
        assert ticket.tracking_code  # the ticket itself stays: the citizen can still see the closed request
    with unit_of_work(engine) as session:
        again = service.purge_personal(session, now=now(), retention_days=730, actor=SYSTEM)
    assert not any(again["beside"].values())


def test_the_purge_command_knows_every_declared_table(tmp_path):
    """The command (and the daily task) load every domain's tables before purging, whatever was imported before."""
    import os
    import subprocess
    import sys

    run = "import sys; from liandong.cli import main; sys.argv = ['liandong', *sys.argv[1:]]; main()"
    env = {**os.environ, "LIANDONG_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    subprocess.run([sys.executable, "-c", run, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    done = subprocess.run([sys.executable, "-c", run, "orders", "purge-personal", "--dry-run", "--json"], env=env, check=True,
                          capture_output=True, text=True, timeout=120)
    assert set(json.loads(done.stdout)["beside"]) >= {"citizen_tickets", "open311_requests"}
