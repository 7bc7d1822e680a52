"""Section 三 on SQLite and PostgreSQL: a county 110's 警单 for 12345 goes through the city 110 (both numbers kept) and
12345's answers flow back the same path; a 110 desk starts a linked pair (较大 and above) with 12345."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from liandong.config import settings
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.errors import InvalidTransition
from liandong.linkage import messages, rules, service
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import OrderEvent, WorkOrder

SECRET = "integration-shared-secret-123"
DESK = Actor("desk110", Role.POLICE_DESK)


@pytest.mark.parametrize(("action", "status", "relayed", "kind"), [
    ("peer_accept", "transferred_12345", True, "acceptance"), ("peer_accept", "transferred_12345", False, None),
    ("peer_receipt", "transferred_12345", True, "progress"), ("peer_receipt", "transferred_12345", False, None),
    ("peer_return", "received", True, "progress"), ("peer_complete", "closed", True, "completion"),
    ("transfer_12345", "transferred_12345", False, "progress"), ("link_accept", "in_progress", False, "acceptance"),
])
def test_what_a_relay_tells_the_county(action, status, relayed, kind):
    assert rules.feedback_kind(action, status, first_dispatch=False, relayed=relayed) == kind


def test_only_a_city_110_relays_a_county_110s_request_for_12345():
    assert rules.relays_to_12345("110", "110", "110→12345")
    assert not rules.relays_to_12345("12345", "110", "110→12345")
    assert not rules.relays_to_12345("110", "12345", "12345→110")


def _party(platform: str, name: str, division: str = "140500") -> dict:
    return {"platform": platform, "name": name, "unit_code": f"jc-{platform}", "division_code": division}


def test_county_110_to_city_110_to_city_12345_and_back(session, monkeypatch):
    monkeypatch.setattr(settings(), "platform_role", "110")  # this platform is the city 110
    now = clock_now()
    county = service.add_peer(session, name=f"zz110{uuid.uuid4().hex[:5]}", url="http://127.0.0.1:9", secret=SECRET, platform="110",
                              division_code="140525", now=now)
    hotline = service.add_peer(session, name=f"jc12345{uuid.uuid4().hex[:5]}", url="http://127.0.0.1:9", secret=SECRET, platform="12345",
                               division_code="140500", now=now)
    county_number = f"ZZ110-20261202-{uuid.uuid4().int % 10**6:06d}"
    transfer = messages.envelope(
        message_id=uuid.uuid4().hex, kind="transfer", sender=_party("110", county.name, "140525"), receiver_platform="110",
        conversation=county_number, seq=1, sent_at=now,
        body={"order_number": county_number, "direction": "110→12345", "received_at": now.isoformat(), "transferred_at": now.isoformat(),
              "title": "巴公镇路灯损坏", "content": "报警人称巴公镇锦绣小区路灯损坏多日，夜间出行不便。", "request_type": "help", "level": "一般",
              "division_code": "140525", "incident": {"facts": "非警情，路灯损坏", "place": "巴公镇锦绣小区"}})
    assert service.apply(session, peer_name=county.name, platform="110", message=transfer, now=now)["result"] == "applied"
    city = session.scalar(select(WorkOrder).where(WorkOrder.transferred_from == county_number))
    assert city.status == Status.TRANSFERRED_12345 and city.channel == "transfer_110"
    service.fan_out(session, now=now)
    from liandong.linkage.models import Delivery

    forwarded = session.scalar(select(Delivery).where(Delivery.peer_name == hotline.name, Delivery.order_id == city.id))
    assert forwarded.kind == "transfer" and messages.validate(forwarded.message)
    body = forwarded.message["body"]
    assert body["order_number"] == city.number and body["direction"] == "110→12345"
    assert body["relayed_from"] == {"order_number": county_number, "platform": "110", "name": county.name, "division_code": "140525"}
    down = lambda: [(d.kind, d.message["body"].get("decision")) for d in session.scalars(  # noqa: E731
        select(Delivery).where(Delivery.peer_name == county.name, Delivery.conversation == county_number).order_by(Delivery.seq))]
    assert down() == [("receipt", None), ("progress", None)]  # signed for, and forwarded to 12345
    # 12345 answers the city 110; each answer goes on down to the county.
    for seq, kind, extra in ((1, "receipt", {}), (2, "acceptance", {"decision": "accepted"}), (3, "completion", {"result": "已修复路灯", "status": "closed"})):
        answer = messages.envelope(
            message_id=uuid.uuid4().hex, kind=kind, sender=_party("12345", hotline.name), receiver_platform="110", conversation=city.number,
            seq=seq, sent_at=clock_now(), body={"order_number": city.number, "receiver_order_number": "JC-20261202-000777",
                                                "at": clock_now().isoformat(), "status": "in_progress", **extra})
        assert service.apply(session, peer_name=hotline.name, platform="12345", message=answer, now=clock_now())["result"] == "applied"
        service.fan_out(session, now=clock_now())
    assert down() == [("receipt", None), ("progress", None), ("progress", None), ("acceptance", "accepted"), ("completion", None)]
    last = session.scalar(select(Delivery).where(Delivery.peer_name == county.name, Delivery.conversation == county_number, Delivery.kind == "completion"))
    assert last.message["body"]["receiver_order_number"] == city.number and last.message["body"]["status"] == "closed"
    session.expire_all()
    assert session.get(WorkOrder, city.id).status == Status.CLOSED


def test_12345_keeps_both_numbers_of_a_relayed_request(session):
    now = clock_now()
    city110 = service.add_peer(session, name=f"jc110r{uuid.uuid4().hex[:5]}", url="http://127.0.0.1:9", secret=SECRET, platform="110",
                               division_code=None, now=now)
    number, county_number = f"JC110-20261202-{uuid.uuid4().int % 10**6:06d}", f"ZZ110-20261202-{uuid.uuid4().int % 10**6:06d}"
    message = messages.envelope(
        message_id=uuid.uuid4().hex, kind="transfer", sender=_party("110", city110.name), receiver_platform="12345", conversation=number,
        seq=1, sent_at=now,
        body={"order_number": number, "direction": "110→12345", "received_at": now.isoformat(), "transferred_at": now.isoformat(),
              "title": "路灯损坏", "content": "小区路灯损坏多日", "request_type": "help", "level": "一般", "division_code": "140525",
              "relayed_from": {"order_number": county_number, "platform": "110", "name": "zz110", "division_code": "140525"}})
    service.apply(session, peer_name=city110.name, platform="110", message=message, now=now)
    order = session.scalar(select(WorkOrder).where(WorkOrder.transferred_from == number))
    event = session.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == "link_received"))
    assert county_number in event.note and event.data["relayed_from"]["order_number"] == county_number


def test_a_110_desk_starts_a_linked_pair_with_12345(session, monkeypatch):
    monkeypatch.setattr(settings(), "platform_role", "110")
    now = clock_now()
    peer = service.add_peer(session, name=f"jc12345p{uuid.uuid4().hex[:5]}", url="http://127.0.0.1:9", secret=SECRET, platform="12345",
                            division_code="140500", now=now)
    order = orders.create_order(session, actor=DESK, now=now, content="化工厂附近道路塌陷，多辆车受损，周边居民聚集", request_type="report",
                                division_code="140525", level="较大")
    orders.act(session, order_id=order.id, action=Action.LINK_PAIR, actor=DESK, now=now, note="110 先期处置，请 12345 协调住建、交通")
    service.fan_out(session, now=now)
    from liandong.linkage.models import Delivery

    delivery = session.scalar(select(Delivery).where(Delivery.order_id == order.id, Delivery.kind == "transfer"))
    assert delivery.peer_name == peer.name and delivery.message["body"]["direction"] == "110→12345"
    assert delivery.message["body"]["linked_order_number"] == order.number
    session.expire_all()
    assert session.get(WorkOrder, order.id).status == Status.RECEIVED  # 110 keeps its own order and dispatches first
    minor = orders.create_order(session, actor=DESK, now=now, content="路口有人吵架", request_type="report", level="一般")
    with pytest.raises(InvalidTransition, match="较大及以上"):
        orders.act(session, order_id=minor.id, action=Action.LINK_PAIR, actor=DESK, now=now, note="联动")
