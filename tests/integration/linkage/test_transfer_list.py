"""分流转办清单 shared between peers (SQLite and PostgreSQL): an edit bumps the version, a platform publishes it once per
version, the peer stores what it received, the status says which version each side uses, and a one-click transfer
carries the item checked against the receiver's published version."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.linkage import messages, rules, service
from liandong.linkage.models import Delivery, PeerTransferList
from liandong.triage import edits
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action
from liandong.workorder.models import OrderEvent

ADMIN = Actor("tester", Role.ADMIN)
SECRET = "integration-shared-secret-123"
PARTY_110 = {"platform": "110", "name": "jc110", "unit_code": "jc-110", "division_code": "140500"}


@pytest.mark.parametrize(("before", "after"), [("2026.12-1", "2026.12-2"), ("2026.12-9", "2026.12-10"), ("local-edit", "local-edit-1"),
                                               ("", "本地-1"), (None, "本地-1")])
def test_an_edit_bumps_the_version(before, after):
    assert edits.bump_version(before) == after


def test_shared_items_are_both_directions_and_the_110_emergencies():
    data = {"item": [{"id": "A", "direction": "12345→110", "platform": "110"}, {"id": "B", "direction": "110→12345", "platform": "12345"},
                     {"id": "C", "direction": "emergency", "platform": "110"}, {"id": "D", "direction": "emergency", "platform": "119"},
                     {"id": "E", "direction": "12345", "platform": "12345"}]}
    assert [i["id"] for i in rules.shared_items(data)] == ["A", "B", "C"]
    items = rules.shared_items(data)
    assert rules.is_agreed("A", "12345", "110", items) and rules.is_agreed("C", "12345", "110", items)
    assert not rules.is_agreed("B", "12345", "110", items) and rules.is_agreed("B", "110", "12345", items)
    assert not rules.is_agreed("A", "12345", "110", None)


def _peer(session, name="jc110"):
    return service.add_peer(session, name=name, url="http://127.0.0.1:9", secret=SECRET, platform="110", division_code=None, now=clock_now())


def test_a_platform_publishes_each_version_once(session):
    peer = _peer(session, f"tl{uuid.uuid4().hex[:6]}")
    assert peer.name in service.publish_transfer_list(session, now=clock_now())
    assert peer.name not in service.publish_transfer_list(session, now=clock_now())  # the same version: not again
    delivery = session.scalar(select(Delivery).where(Delivery.peer_name == peer.name, Delivery.kind == "transfer_list"))
    assert messages.validate(delivery.message)["body"]["version"] == service.own_transfer_list(session)["version"]
    assert {i["direction"] for i in delivery.message["body"]["items"]} <= {"12345→110", "110→12345", "emergency"}
    edits.save_transfer_item(session, actor=ADMIN, item_id="E110-01", name="正在发生的暴力、斗殴、持械伤人", platform="110",
                             direction="emergency", department="gaj", priority=100, keywords="打架、斗殴、抡起板凳", exclude="")
    assert peer.name in service.publish_transfer_list(session, now=clock_now())  # a new version goes out
    row = next(p for p in service.transfer_list_status(session)["peers"] if p["peer"] == peer.name)
    assert row["published_version"] == service.own_transfer_list(session)["version"] and row["current_published"]
    seqs = list(session.scalars(select(Delivery.seq).where(Delivery.peer_name == peer.name, Delivery.kind == "transfer_list").order_by(Delivery.seq)))
    assert seqs == [1, 2]


def _list_message(version: str, seq: int, items: list[dict]) -> dict:
    return messages.envelope(message_id=uuid.uuid4().hex, kind="transfer_list", sender=PARTY_110, receiver_platform="12345",
                             conversation=service.TRANSFER_LIST_CONVERSATION, seq=seq, sent_at=clock_now(),
                             body={"version": version, "published_at": clock_now().isoformat(), "items": items})


def test_the_peer_stores_each_version_and_the_newest_counts(session):
    peer = _peer(session, f"tl{uuid.uuid4().hex[:6]}")
    items = service.own_transfer_list(session)["items"]
    for seq, version in ((1, "2026.12-1"), (2, "2026.12-2")):
        answer = service.apply(session, peer_name=peer.name, platform="110", message=_list_message(version, seq, items[:2]), now=clock_now())
        assert answer["result"] == "applied"
    assert session.scalar(select(PeerTransferList.id).where(PeerTransferList.peer_name == peer.name, PeerTransferList.version == "2026.12-1"))
    assert service.peer_transfer_list(session, peer.name).version == "2026.12-2"
    row = next(p for p in service.transfer_list_status(session)["peers"] if p["peer"] == peer.name)
    assert (row["peer_version"], row["peer_items"]) == ("2026.12-2", 2)


def _one_click(session, text: str, item_id: str, item_name: str):
    order = orders.create_order(session, actor=ADMIN, now=clock_now(), content=text, request_type="report", division_code="140525",
                                triage={"transfer_item_id": item_id, "transfer_item_name": item_name, "transfer_list_version": "x"})
    orders.act(session, order_id=order.id, action=Action.TRANSFER_110, actor=ADMIN, now=clock_now(), to="110", note="一键转警")
    service.fan_out(session, now=clock_now())
    return session.scalar(select(Delivery).where(Delivery.order_id == order.id, Delivery.kind == "transfer"))


def test_a_one_click_transfer_is_checked_against_the_receivers_version(session):
    _peer(session)
    session.execute(PeerTransferList.__table__.delete().where(PeerTransferList.peer_name == "jc110"))
    unknown = _one_click(session, "楼下有人打架，拿着刀", "E110-01", "正在发生的暴力")
    assert unknown.message["body"]["transfer_item"] == {"id": "E110-01", "name": "正在发生的暴力", "list_version": None, "agreed": False}
    items = service.own_transfer_list(session)["items"]
    service.apply(session, peer_name="jc110", platform="110", message=_list_message("2026.12-5", 1, items), now=clock_now())
    agreed = _one_click(session, "楼下有人打架，拿着刀", "E110-01", "正在发生的暴力")
    assert agreed.message["body"]["transfer_item"]["agreed"] is True
    assert agreed.message["body"]["transfer_item"]["list_version"] == "2026.12-5"
    outside = _one_click(session, "楼下有人打架", "L-NOT-ON-LIST", "本地事项")
    assert outside.message["body"]["transfer_item"]["agreed"] is False


def test_the_receiver_says_whether_the_item_is_on_its_list(session):
    """The 110 side's new order names the item and the agreed version, or says it is outside the list."""
    own = service.own_transfer_list(session)["items"]
    on_list = next(i for i in own if i["direction"] == "emergency")
    assert "双方约定版本 2026.12-1" in service.transfer_item_note({**on_list, "list_version": "2026.12-1", "agreed": True}, own_items=own)
    assert service.transfer_item_note({"id": "L-NOT-ON-LIST", "agreed": False, "list_version": None}, own_items=own).startswith("清单外事项")
    number = f"JC-20261202-{uuid.uuid4().int % 10**6:06d}"
    now = clock_now()
    party = {"platform": "12345", "name": "jc12345", "unit_code": "jc-12345", "division_code": "140500"}
    peer = service.add_peer(session, name=f"s{uuid.uuid4().hex[:6]}", url="http://127.0.0.1:9", secret=SECRET, platform="12345",
                            division_code=None, now=now)
    message = messages.envelope(
        message_id=uuid.uuid4().hex, kind="transfer", sender=party, receiver_platform="110", conversation=number, seq=1, sent_at=now,
        body={"order_number": number, "direction": "12345→110", "received_at": now.isoformat(), "transferred_at": now.isoformat(),
              "title": "门口斗殴", "content": "小区门口有人持械斗殴", "request_type": "report", "level": "一般", "division_code": "140525",
              "transfer_item": {"id": on_list["id"], "name": on_list["name"], "list_version": "2026.12-1", "agreed": True}})
    answer = service.apply(session, peer_name=peer.name, platform="12345", message=message, now=now)
    notes = list(session.scalars(select(OrderEvent.note).where(OrderEvent.order_id.in_(
        select(OrderEvent.order_id).where(OrderEvent.note.like(f"%{number}%"))))))
    assert answer["result"] == "applied" and any("依据分流转办清单事项" in (n or "") for n in notes)
