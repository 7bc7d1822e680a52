"""The worker's deadline watch on SQLite and PostgreSQL: one 超时预警 per level and deadline, automatic 催办 of overdue hops
per policy (every N hours, at most M times), both on the timeline; and the tasks are registered for the worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from liandong.catalog.deadlines import Warning
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.workorder import service as orders
from liandong.workorder import warnings
from liandong.workorder.lifecycle import Action
from liandong.workorder.models import OrderEvent, WorkOrder

ADMIN = Actor("tester", Role.ADMIN)


def _dispatched(session):
    order = orders.create_order(session, actor=ADMIN, now=clock_now(), content="小区楼下餐馆油烟扰民，多次反映未解决", request_type="complaint",
                                division_code="140502")
    orders.act(session, order_id=order.id, action=Action.DISPATCH, actor=ADMIN, now=clock_now(), to="cgj", note="请核查")
    session.expire_all()
    return session.get(WorkOrder, order.id)


def _events(session, order, action):
    return list(session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == action).order_by(OrderEvent.seq)))


def test_an_order_turning_yellow_then_red_is_warned_once_each(session):
    order = _dispatched(session)
    assert warnings.deadline_state(order, clock_now()) is None
    yellow = order.sign_yellow_at + timedelta(minutes=1)
    assert warnings.deadline_state(order, yellow).level is Warning.YELLOW
    warnings.record_deadline_warnings(session, now=yellow)
    warnings.record_deadline_warnings(session, now=yellow + timedelta(minutes=5))  # the next run: nothing new to say
    red = order.sign_due_at + timedelta(minutes=1)
    warnings.record_deadline_warnings(session, now=red)
    warnings.record_deadline_warnings(session, now=red + timedelta(minutes=5))
    said = _events(session, order, "deadline_warning")
    assert [(e.data["phase"], e.data["level"]) for e in said] == [("sign", "yellow"), ("sign", "red")]
    assert "签收" in said[-1].note and "已超时" in said[-1].note
    orders.act(session, order_id=order.id, action=Action.ACCEPT, actor=Actor("cgj1", Role.UNIT_HANDLER, "cgj"), now=red + timedelta(minutes=10))
    session.expire_all()
    order = session.get(WorkOrder, order.id)
    state = warnings.deadline_state(order, order.reply_due_at + timedelta(hours=1))
    assert (state.phase, state.level) == ("reply", Warning.RED)  # signed: the reply clock is the one that counts now


def test_overdue_hops_are_reminded_per_policy(session):
    order = _dispatched(session)
    late = order.sign_due_at + timedelta(hours=1)
    warnings.remind_overdue(session, now=late)
    warnings.remind_overdue(session, now=late + timedelta(hours=2))  # within 24 hours: not again
    assert len(_events(session, order, "remind")) == 1
    for day in (1, 2, 3, 4):
        warnings.remind_overdue(session, now=late + timedelta(hours=24 * day + 1))
    reminds = _events(session, order, "remind")
    assert len(reminds) == 3  # at most three for one deadline
    assert all(e.actor == "system" and "系统自动催办" in e.note for e in reminds)
    assert "第 3 次" in reminds[-1].note
    session.expire_all()
    assert session.get(WorkOrder, order.id).remind_count == 3


def test_the_worker_has_the_tasks_the_issue_names():
    from liandong.linkage.worker import load_tasks

    names = {task.name for task in load_tasks()}
    assert {"workorder.deadline_warnings", "workorder.auto_remind", "knowledge.expire_items", "linkage.unsigned_transfers",
            "linkage.publish_transfer_list"} <= names
