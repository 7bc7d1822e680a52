"""Linkage on SQLite and PostgreSQL: outbox → deliveries, a peer's messages applied once and in order, the closed loop
on the 12345 order, the 110 side's new order and its feedback, and refusals that are recorded and change nothing."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from liandong.config import settings
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.errors import InvalidTransition
from liandong.core.outbox import OutboxMessage
from liandong.db import unit_of_work
from liandong.linkage import messages, service, signing
from liandong.linkage.models import Delivery, InboxEntry, OrderLink, Refusal
from liandong.linkage.service import OutOfOrder
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import OrderEvent, WorkOrder

ADMIN = Actor("tester", Role.ADMIN)
DESK = Actor("desk110", Role.POLICE_DESK)
SECRET = "integration-shared-secret-123"
PARTY_110 = {"platform": "110", "name": "jc110", "unit_code": "jc-110", "division_code": "140500"}
PARTY_12345 = {"platform": "12345", "name": "jc12345", "unit_code": "jc-12345", "division_code": "140500"}


def _transferred(session, peer="jc110"):
    """A 12345 order transferred to 110, fanned out to a delivery for `peer`."""
    now = clock_now()
    service.add_peer(session, name=peer, url="http://127.0.0.1:9", secret=SECRET, platform="110", division_code=None, now=now)
    order = orders.create_order(session, actor=ADMIN, now=now, content="小区门口有人持械斗殴，情绪激动", request_type="report",
                                caller_phone="13812345678", division_code="140525")
    orders.act(session, order_id=order.id, action=Action.TRANSFER_110, actor=ADMIN, now=now, to="110", note="涉嫌治安案件")
    assert service.fan_out(session, now=now) >= 1
    return session.get(WorkOrder, order.id)


def _answer(kind, order, seq, remote="JC110-20261201-000001", message_id=None, **body):
    base = {"order_number": order.number, "receiver_order_number": remote, "at": clock_now().isoformat(), "status": "in_progress"}
    return messages.envelope(message_id=message_id or uuid.uuid4().hex, kind=kind, sender=PARTY_110, receiver_platform="12345",
                             conversation=order.number, seq=seq, sent_at=clock_now(), body={**base, **body})


def _events(session, order):
    return [e.action for e in session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.seq))]


def test_a_transfer_becomes_one_signed_delivery_per_destination(session):
    order = _transferred(session)
    delivery = session.scalar(select(Delivery).where(Delivery.order_id == order.id))
    assert (delivery.kind, delivery.seq, delivery.state, delivery.peer_name) == ("transfer", 1, "pending", "jc110")
    assert messages.validate(delivery.message)["body"]["order_number"] == order.number
    assert delivery.message["body"]["division_code"] == "140525"
    assert delivery.message["body"]["caller"]["phone"] == "13812345678"
    assert session.scalar(select(OutboxMessage.published_at).where(OutboxMessage.key.like(f"{order.number}:%"))) is not None
    link = session.scalar(select(OrderLink).where(OrderLink.order_id == order.id))
    assert link.direction == "out" and link.sign_due_at > link.sent_at
    status = service.link_status(session, now=clock_now())
    assert next(p for p in status["peers"] if p["peer"] == "jc110")["pending"] >= 1


def test_the_closed_loop_on_the_12345_order(session):
    order = _transferred(session)
    for kind, seq, body in (("receipt", 1, {"status": "received"}), ("acceptance", 2, {"decision": "accepted"}),
                            ("progress", 3, {"note": "民警已到场"}), ("completion", 4, {"result": "调解完毕", "status": "closed"})):
        answer = service.apply(session, peer_name="jc110", platform="110", message=_answer(kind, order, seq, **body), now=clock_now())
        assert answer["result"] == "applied"
    session.expire_all()
    order = session.get(WorkOrder, order.id)
    assert order.status == Status.AWAITING_CALLBACK  # 12345 still calls the citizen back
    assert _events(session, order)[-4:] == ["peer_receipt", "peer_accept", "peer_progress", "peer_complete"]
    link = session.scalar(select(OrderLink).where(OrderLink.order_id == order.id))
    assert (link.remote_number, link.remote_status) == ("JC110-20261201-000001", "closed")
    assert link.received_at and link.accepted_at and link.completed_at


def test_a_return_brings_the_order_back_to_the_dispatcher_with_the_reason(session):
    order = _transferred(session)
    service.apply(session, peer_name="jc110", platform="110", message=_answer("receipt", order, 1), now=clock_now())
    service.apply(session, peer_name="jc110", platform="110", now=clock_now(),
                  message=_answer("acceptance", order, 2, decision="returned", reason="不属于公安机关职责", status="closed"))
    session.expire_all()
    order = session.get(WorkOrder, order.id)
    assert order.status == Status.RECEIVED and order.department_code is None
    last = session.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.seq.desc()).limit(1))
    assert last.action == "peer_return" and "不属于公安机关职责" in last.note


def test_duplicates_are_dropped_and_order_is_kept(session):
    order = _transferred(session)
    receipt = _answer("receipt", order, 1)
    assert service.apply(session, peer_name="jc110", platform="110", message=receipt, now=clock_now())["result"] == "applied"
    events = len(_events(session, order))
    assert service.apply(session, peer_name="jc110", platform="110", message=receipt, now=clock_now())["result"] == "duplicate"
    # The same place in the conversation under another id is a duplicate too.
    again = _answer("receipt", order, 1)
    assert service.apply(session, peer_name="jc110", platform="110", message=again, now=clock_now())["result"] == "duplicate"
    # The completion before the acceptance waits: refused as out of order, nothing applied.
    with pytest.raises(OutOfOrder):
        service.apply(session, peer_name="jc110", platform="110", message=_answer("completion", order, 3, result="办结"), now=clock_now())
    assert len(_events(session, order)) == events
    assert session.scalar(select(func.count()).select_from(InboxEntry).where(InboxEntry.conversation == order.number)) == 1


def test_the_110_side_makes_an_ordinary_order_and_answers_it(session, monkeypatch):
    monkeypatch.setattr(settings(), "platform_role", "110")
    now = clock_now()
    service.add_peer(session, name="jc12345", url="http://127.0.0.1:9", secret=SECRET, platform="12345", division_code=None, now=now)
    number = f"JC-20261201-{uuid.uuid4().int % 10**6:06d}"
    transfer = messages.envelope(
        message_id=uuid.uuid4().hex, kind="transfer", sender=PARTY_12345, receiver_platform="110", conversation=number, seq=1, sent_at=now,
        body={"order_number": number, "direction": "12345→110", "received_at": now.isoformat(), "transferred_at": now.isoformat(),
              "title": "门口斗殴", "content": "小区门口有人持械斗殴", "request_type": "report", "level": "一般", "division_code": "140525",
              "caller": {"phone": "13812345678", "name": None, "confidential": False}, "sign_within_minutes": 15},
    )
    answer = service.apply(session, peer_name="jc12345", platform="12345", message=transfer, now=now)
    order = session.scalar(select(WorkOrder).where(WorkOrder.transferred_from == number))
    assert answer["result"] == "applied" and answer["order_number"] == order.number
    assert (order.channel, order.status, order.caller_phone) == ("transfer_12345", "received", "13812345678")
    assert order.number.startswith("JC110-")
    assert service.apply(session, peer_name="jc12345", platform="12345", message=transfer, now=now)["result"] == "duplicate"
    assert session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.transferred_from == number)) == 1
    allowed = [a.action for a in orders.permitted(order, DESK, now)]
    assert Action.LINK_ACCEPT in allowed and Action.LINK_RETURN in allowed
    orders.act(session, order_id=order.id, action=Action.LINK_ACCEPT, actor=DESK, now=now, note="已派民警")
    orders.act(session, order_id=order.id, action=Action.LINK_COMPLETE, actor=DESK, now=now, note="到场处置完毕")
    service.fan_out(session, now=now)
    sent = list(session.scalars(select(Delivery).where(Delivery.conversation == number).order_by(Delivery.seq)))
    assert [(d.kind, d.seq) for d in sent] == [("receipt", 1), ("acceptance", 2), ("completion", 3)]
    assert all(d.message["sender"]["platform"] == "110" and d.message["body"]["order_number"] == number for d in sent)
    assert sent[-1].message["body"]["status"] == "closed"


def test_an_answer_about_an_order_never_sent_is_refused(session):
    order = orders.create_order(session, actor=ADMIN, now=clock_now(), content="路灯坏了很多天", request_type="help")
    with pytest.raises(messages.MessageRefused) as refused:
        service.apply(session, peer_name="jc110", platform="110", message=_answer("receipt", order, 1), now=clock_now())
    assert refused.value.status == 404


def test_dead_letters_retry_with_one_click(session):
    order = _transferred(session)
    delivery = session.scalar(select(Delivery).where(Delivery.order_id == order.id))
    delivery.state, delivery.attempts = "dead", 12
    session.flush()
    assert service.retry(session, now=clock_now(), delivery_id=delivery.id) == 1
    session.refresh(delivery)
    assert (delivery.state, delivery.attempts) == ("pending", 0)


# ---------------------------------------------------------------- at the door: committed, so through the engine


@pytest.fixture
def receiver(engine):
    name = f"peer{uuid.uuid4().hex[:8]}"
    with unit_of_work(engine) as session:
        service.add_peer(session, name=name, url="http://127.0.0.1:9", secret=SECRET, platform="12345", division_code=None, now=clock_now())
    return name


def _post(engine, peer, body: bytes, *, sign=True, nonce=None, secret=SECRET, at=None):
    headers = {signing.PEER_HEADER.lower(): peer}
    if sign:
        signed = signing.headers(peer=peer, secret=secret, method="POST", path="/api/link/messages", body=body, now=at or time.time(), nonce=nonce)
        headers.update({k.lower(): v for k, v in signed.items()})
    return service.receive(engine, method="POST", path="/api/link/messages", headers=headers, body=body, remote_addr="127.0.0.1", now=clock_now())


def _transfer_body(number) -> bytes:
    now = clock_now()
    message = messages.envelope(
        message_id=uuid.uuid4().hex, kind="transfer", sender=PARTY_12345, receiver_platform="110", conversation=number, seq=1, sent_at=now,
        body={"order_number": number, "direction": "12345→110", "received_at": now.isoformat(), "transferred_at": now.isoformat(),
              "title": "门口斗殴", "content": "小区门口有人持械斗殴", "request_type": "report", "level": "一般", "division_code": "140525"})
    return json.dumps(message, ensure_ascii=False).encode()


def _counts(engine, peer):
    with unit_of_work(engine) as session:
        return (session.scalar(select(func.count()).select_from(WorkOrder)), session.scalar(select(func.count()).select_from(InboxEntry)),
                session.scalar(select(func.count()).select_from(Refusal).where(Refusal.peer_name == peer)))


def test_a_signed_transfer_is_applied_once_through_the_door(engine, receiver):
    number = f"JC-20261201-{uuid.uuid4().int % 10**6:06d}"
    body = _transfer_body(number)
    status, answer = _post(engine, receiver, body)
    assert (status, answer["result"]) == (200, "applied")
    status, answer = _post(engine, receiver, body)  # the same message again, freshly signed: dropped
    assert (status, answer["result"]) == (200, "duplicate")
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.transferred_from == number)) == 1


@pytest.mark.parametrize(
    ("case", "code", "http"),
    [("unsigned", "unsigned", 401), ("forged", "bad_signature", 401), ("stale", "stale", 401), ("replayed", "replayed", 409),
     ("malformed", "malformed", 422), ("version", "unknown_version", 422), ("schema", "schema", 422), ("unknown_peer", "unknown_peer", 401)],
)
def test_bad_messages_are_refused_recorded_and_change_nothing(engine, receiver, case, code, http):
    number = f"JC-20261201-{uuid.uuid4().int % 10**6:06d}"
    body = _transfer_body(number)
    peer = receiver
    if case == "malformed":
        body = b"{not json"
    elif case == "version":
        body = body.replace(b'"version": "1.0"', b'"version": "9.9"')
    elif case == "schema":
        body = body.replace(b'"division_code": "140525"', b'"division_code": "jincheng"')
    elif case == "unknown_peer":
        peer = "nobody-" + receiver
    if case == "replayed":
        assert _post(engine, peer, body, nonce="same-nonce-" + receiver)[0] == 200
    before = _counts(engine, receiver)
    kwargs = {"unsigned": {"sign": False}, "forged": {"secret": "not-the-shared-secret"}, "stale": {"at": time.time() - 3600},
              "replayed": {"nonce": "same-nonce-" + receiver}}.get(case, {})
    status, answer = _post(engine, peer, body, **kwargs)
    assert (status, answer["code"]) == (http, code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in answer["detail"])
    orders_after, inbox_after, refused_after = _counts(engine, receiver)
    assert (orders_after, inbox_after) == before[:2]
    if case != "unknown_peer":
        assert refused_after == before[2] + 1
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Refusal).where(Refusal.code == code)) >= 1


def test_lease_expiry_lets_another_worker_take_over(engine):
    from liandong.linkage.relay import claim

    with unit_of_work(engine) as session:
        order = _transferred(session, peer=f"lease{uuid.uuid4().hex[:6]}")
        delivery_id = session.scalar(select(Delivery.id).where(Delivery.order_id == order.id))
    now = clock_now()
    with unit_of_work(engine) as session:
        first = claim(session, owner="worker-a", now=now, limit=1000, lease=30)
    assert delivery_id in first
    with unit_of_work(engine) as session:
        assert delivery_id not in claim(session, owner="worker-b", now=now + timedelta(seconds=5), limit=1000, lease=30)
    with unit_of_work(engine) as session:  # worker-a died: its lease runs out
        assert delivery_id in claim(session, owner="worker-b", now=now + timedelta(seconds=31), limit=1000, lease=30)


def test_one_bad_outbox_row_does_not_hold_up_the_others(session):
    from liandong.core.outbox import enqueue

    bad = enqueue(session, topic="order.transfer_110", key="broken:1", payload={"order_number": "JC-BROKEN"}, at=clock_now())
    order = _transferred(session)  # fans out after the broken row
    session.flush()
    assert session.scalar(select(Delivery.kind).where(Delivery.order_id == order.id)) == "transfer"
    session.refresh(bad)
    assert bad.published_at is None and bad.attempts >= 1


def test_a_major_event_is_a_linked_pair(session):
    """分级响应: 较大 and above — 110 gets its own order, 12345's stays with its units, and each side sees the other's."""
    now = clock_now()
    service.add_peer(session, name="jc110", url="http://127.0.0.1:9", secret=SECRET, platform="110", division_code=None, now=now)
    order = orders.create_order(session, actor=ADMIN, now=now, content="化工厂附近道路塌陷，多辆车受损，周边居民聚集", request_type="report",
                                division_code="140525", level="较大")
    orders.act(session, order_id=order.id, action=Action.DISPATCH, actor=ADMIN, now=now, to="zjj")
    orders.act(session, order_id=order.id, action=Action.LINK_PAIR, actor=ADMIN, now=now, note="110 先期处置，12345 协调住建、交通")
    service.fan_out(session, now=now)
    delivery = session.scalar(select(Delivery).where(Delivery.order_id == order.id))
    assert delivery.kind == "transfer" and delivery.message["body"]["linked_order_number"] == order.number
    session.expire_all()
    order = session.get(WorkOrder, order.id)
    assert order.status == Status.DISPATCHED  # 12345 keeps coordinating
    for kind, seq, body in (("receipt", 1, {}), ("acceptance", 2, {"decision": "accepted"}), ("completion", 3, {"result": "现场已处置", "status": "closed"})):
        assert service.apply(session, peer_name="jc110", platform="110", message=_answer(kind, order, seq, **body), now=clock_now())["result"] == "applied"
    session.expire_all()
    order = session.get(WorkOrder, order.id)
    assert order.status == Status.DISPATCHED and _events(session, order)[-3:] == ["peer_receipt", "peer_accept", "peer_complete"]
    link = session.scalar(select(OrderLink).where(OrderLink.order_id == order.id))
    assert link.remote_status == "closed"


def test_a_minor_event_is_not_paired(session):
    order = orders.create_order(session, actor=ADMIN, now=clock_now(), content="路口有人吵架", request_type="report", level="一般")
    with pytest.raises(InvalidTransition, match="较大及以上"):
        orders.act(session, order_id=order.id, action=Action.LINK_PAIR, actor=ADMIN, now=clock_now(), note="联动")
