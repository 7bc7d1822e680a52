"""The sender's board warning (SQLite and PostgreSQL): a transfer the peer has not signed for within the agreed time gets
one 对方超时未签收 on the sender's order; a signed one does not."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.linkage import service
from liandong.linkage.models import OrderLink
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action
from liandong.workorder.models import OrderEvent

ADMIN = Actor("tester", Role.ADMIN)


def test_a_late_signature_is_warned_once_on_the_senders_order(session):
    now = clock_now()
    service.add_peer(session, name="jc110", url="http://127.0.0.1:9", secret="integration-shared-secret-123", platform="110",
                     division_code=None, now=now)
    made = []
    for text in ("小区门口有人持械斗殴", "商场门口有人寻衅滋事"):
        order = orders.create_order(session, actor=ADMIN, now=now, content=text, request_type="report", division_code="140525")
        orders.act(session, order_id=order.id, action=Action.TRANSFER_110, actor=ADMIN, now=now, to="110", note="转110")
        made.append(order.id)
    service.fan_out(session, now=now)
    signed = session.scalar(select(OrderLink).where(OrderLink.order_id == made[1]))
    signed.received_at = now
    due = session.scalar(select(OrderLink.sign_due_at).where(OrderLink.order_id == made[0]))
    later = due + timedelta(minutes=5)
    first = service.warn_unsigned(session, now=later)
    again = service.warn_unsigned(session, now=later + timedelta(minutes=1))
    assert first["warned"] >= 1 and again["warned"] == 0
    events = list(session.scalars(select(OrderEvent).where(OrderEvent.order_id.in_(made), OrderEvent.action == "link_sign_late")))
    assert [e.order_id for e in events] == [made[0]]
    assert "仍未签收" in events[0].note and "jc110" in events[0].note
