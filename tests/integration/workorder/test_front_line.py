"""Orders down the unit tree and back on SQLite and PostgreSQL: two-level dispatch, co-handling, objections,
reviewed replies, callbacks — and every refusal changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.workorder import queries, service
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import OrderCallback, OrderEvent, OrderHop, OrderReply
from liandong.workorder.queries import OrderFilter
from liandong.workorder.schemas import WorkOrderRead

NOW = datetime(2026, 12, 1, 16, 0, tzinfo=SHANGHAI)
ADMIN = Actor("admin", Role.ADMIN, records_history=True)
TAKER = Actor("hotline", Role.CALL_TAKER, records_history=True)
CITY = Actor("dispatcher", Role.DISPATCHER, records_history=True)
ZEZHOU = Actor("zz-dispatch", Role.COUNTY_DISPATCHER, "zz-12345", records_history=True)
GAOPING = Actor("gp-dispatch", Role.COUNTY_DISPATCHER, "gp-12345", records_history=True)
BAGONG = Actor("bgz", Role.UNIT_HANDLER, "zz-bgz", records_history=True)
NANCUN = Actor("ncz", Role.UNIT_HANDLER, "zz-ncz", records_history=True)
HOUSING = Actor("zzzjj", Role.UNIT_HANDLER, "zz-zjj", records_history=True)
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, records_history=True)
REPLY = {"result": "resolved", "handler": "巴公镇 王干事", "handler_phone": "03563000000", "contacted": True}


def t(*args):
    return datetime(*args, tzinfo=SHANGHAI)


class Flow:
    def __init__(self, session, order):
        self.session = session
        self.order = order
        self.clock = order.received_at

    def __call__(self, action: Action, actor: Actor, minutes: int = 30, **kw):
        self.clock += timedelta(minutes=minutes)
        self.order = service.act(self.session, order_id=self.order.id, action=action, actor=actor, now=NOW, at=self.clock, **kw)
        return self.order


def received(session, **kw) -> Flow:
    values = {"content": "泽州县巴公镇锦绣小区楼上住户夜间装修，噪音很大影响休息", "request_type": "complaint", "division_code": "140525",
              "caller_name": "王女士", "caller_phone": "13935611111", "received_at": t(2026, 11, 23, 9, 0)}
    values.update(kw)
    return Flow(session, service.create_order(session, actor=TAKER, now=NOW, **values))


def counts(session) -> tuple:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (OrderEvent, OrderHop, OrderReply, OrderCallback))


def test_city_to_county_to_township_with_assist_review_and_callbacks(session):
    flow = received(session)
    flow(Action.DISPATCH, CITY, to="zz-12345", note="属地事项")
    assert flow.order.status == Status.AT_SUB_CENTRE and flow.order.sub_centre_code == "zz-12345"
    # The county sub-centre sees its county's orders; another county does not.
    assert service.get_order(session, flow.order.id, actor=ZEZHOU)
    with pytest.raises(NotFound):
        service.get_order(session, flow.order.id, actor=GAOPING)
    flow(Action.DISPATCH, ZEZHOU, to="zz-bgz", assist=["zz-zjj"], note="请巴公镇会同住建局核查")
    order = flow.order
    assert order.status == Status.DISPATCHED and order.department_code == "zz-bgz" and order.sender_code == "zz-12345"
    assert [a.code for a in order.assists] == ["zz-zjj"]
    # The assisting unit sees the order in its inbox and adds its opinion; it may not reply.
    assisting, _ = queries.list_orders(session, OrderFilter(assisting="zz-zjj"), actor=HOUSING, now=NOW)
    assert order.id in [o.id for o in assisting]
    flow(Action.ASSIST_OPINION, HOUSING, note="经核查施工方未办理夜间施工许可")
    flow(Action.ACCEPT, BAGONG)
    with pytest.raises(PermissionDenied, match="不在本单位办理"):
        flow(Action.REPLY, HOUSING, note="协办单位不答复", **REPLY)
    flow(Action.REPLY, BAGONG, note="已要求施工方停工", **REPLY)
    assert flow.order.status == Status.REPLIED
    flow(Action.REVIEW, TAKER, passed=False, note="未说明整改结果")
    assert flow.order.status == Status.IN_PROGRESS and flow.order.replied_at is None
    flow(Action.REPLY, BAGONG, note="已责令施工方夜间停工，会同住建局复查已整改，并电话告知来电人。", **REPLY)
    flow(Action.REVIEW, TAKER, passed=True)
    assert flow.order.status == Status.AWAITING_CALLBACK
    flow(Action.VISIT, TAKER, outcome="unreachable", note="无人接听")
    assert flow.order.status == Status.AWAITING_CALLBACK and flow.order.callback_attempts == 1
    flow(Action.VISIT, TAKER, outcome="reached", satisfaction="4", resolved=True)
    order = service.get_order(session, flow.order.id, actor=ADMIN, full=True)
    assert order.status == Status.CLOSED and order.close_reason == "satisfied" and order.satisfaction == 4 and order.resolved
    assert [(h.sender_code, h.unit_code, h.outcome) for h in order.hops] == [(None, "zz-12345", "forwarded"), ("zz-12345", "zz-bgz", "closed")]
    first, second = order.hops
    assert first.signed_at == second.dispatched_at  # the sub-centre signs for its hop by sending it on
    assert second.signed_at is not None and second.sign_due_at > second.dispatched_at
    assert [r.review for r in order.replies] == ["returned", "passed"]
    assert [(c.attempt, c.outcome) for c in order.callbacks] == [(1, "unreachable"), (2, "reached")]
    view = WorkOrderRead.of(order, now=NOW, actor=ADMIN, full=True, names={"zz-12345": "泽州县分中心"})
    assert view.dispatch_chain[0].sender_name == "市12345热线中心" and view.reply.review == "passed" and len(view.callbacks) == 2
    actions = [e.action for e in order.events]
    assert actions == ["create", "dispatch", "dispatch", "assist_opinion", "accept", "reply", "review", "reply", "review", "visit", "visit"]


def test_a_unit_returns_to_the_level_that_sent_it(session):
    flow = received(session)
    flow(Action.DISPATCH, CITY, to="zz-12345")
    flow(Action.DISPATCH, ZEZHOU, to="zz-ncz")
    flow(Action.RETURN, NANCUN, note="锦绣小区不在本镇辖区")
    assert flow.order.status == Status.AT_SUB_CENTRE and flow.order.department_code == "zz-12345" and flow.order.return_count == 1
    flow(Action.RETURN, ZEZHOU, note="不属本县")
    assert flow.order.status == Status.RETURNED and flow.order.department_code is None and flow.order.sub_centre_code is None
    with pytest.raises(NotFound):
        service.get_order(session, flow.order.id, actor=ZEZHOU)  # no longer the county's


def test_objection_rejected_then_upheld_and_returned_twice_reaches_the_board(session):
    flow = received(session)
    flow(Action.DISPATCH, CITY, to="zz-12345")
    flow(Action.DISPATCH, ZEZHOU, to="zz-ncz")
    flow(Action.OBJECT, NANCUN, reason="wrong_area", note="属巴公镇")
    assert flow.order.status == Status.OBJECTED and flow.order.objection["reason"] == "wrong_area"
    with pytest.raises(PermissionDenied):
        flow(Action.DECIDE_OBJECTION, CITY, uphold=False, note="驳回")  # the county sent this hop: the county decides
    flow(Action.DECIDE_OBJECTION, ZEZHOU, uphold=False, note="锦绣小区在南村镇辖区内，请继续办理")
    assert flow.order.status == Status.DISPATCHED and flow.order.objection is None  # not yet signed: back to 待签收
    flow(Action.OBJECT, NANCUN, reason="wrong_area", note="已核实属巴公镇，附街道图")
    flow(Action.DECIDE_OBJECTION, ZEZHOU, uphold=True, to="zz-bgz")
    assert flow.order.status == Status.DISPATCHED and flow.order.department_code == "zz-bgz" and flow.order.return_count == 1
    flow(Action.RETURN, BAGONG, note="非本镇职责")
    returned = queries.frequently_returned(session, actor=SUPERVISOR, now=NOW)
    assert flow.order.id in [o.id for o in returned] and flow.order.objection_count == 2


def test_confidential_callers_are_hidden_from_units_not_from_the_centre(session):
    flow = received(session, confidential=True)
    flow(Action.DISPATCH, CITY, to="zz-12345")
    flow(Action.DISPATCH, ZEZHOU, to="zz-bgz")
    for actor in (BAGONG, ZEZHOU):
        view = WorkOrderRead.of(service.get_order(session, flow.order.id, actor=actor), now=NOW, actor=actor)
        assert view.caller_name is None and view.caller_phone is None and view.caller_hidden
    view = WorkOrderRead.of(flow.order, now=NOW, actor=TAKER)
    assert view.caller_phone == "13935611111" and not view.caller_hidden


def test_a_caller_who_wants_no_reply_is_not_called_back(session):
    flow = received(session, reply_wanted=False)
    flow(Action.DISPATCH, CITY, to="zjj")
    flow(Action.ACCEPT, Actor("zjj", Role.UNIT_HANDLER, "zjj", records_history=True))
    flow(Action.REPLY, Actor("zjj", Role.UNIT_HANDLER, "zjj", records_history=True), note="已处理", **REPLY)
    flow(Action.REVIEW, SUPERVISOR, passed=True)
    assert flow.order.status == Status.CLOSED and flow.order.close_reason == "no_callback"


def test_unreachable_callers_close_as_callback_failed_after_the_policy(session):
    flow = received(session)
    flow(Action.DISPATCH, CITY, to="zjj")
    unit = Actor("zjj", Role.UNIT_HANDLER, "zjj", records_history=True)
    flow(Action.ACCEPT, unit)
    flow(Action.REPLY, unit, note="已处理", **REPLY)
    flow(Action.REVIEW, TAKER, passed=True)
    flow(Action.VISIT, TAKER, outcome="unreachable")
    flow(Action.VISIT, TAKER, 60 * 5, outcome="unreachable")
    assert flow.order.status == Status.AWAITING_CALLBACK  # three attempts over 24 hours by default
    flow(Action.VISIT, TAKER, 60 * 20, outcome="unreachable")
    assert flow.order.status == Status.CLOSED and flow.order.close_reason == "callback_failed" and flow.order.callback_attempts == 3


def test_dissatisfied_or_unsolved_reopens_to_the_same_unit_with_a_fresh_deadline(session):
    flow = received(session)
    flow(Action.DISPATCH, CITY, to="zz-12345")
    flow(Action.DISPATCH, ZEZHOU, to="zz-bgz")
    flow(Action.ACCEPT, BAGONG)
    flow(Action.REPLY, BAGONG, note="已处理", **REPLY)
    flow(Action.REVIEW, TAKER, passed=True)
    before = flow.order.reply_due_at
    flow(Action.VISIT, TAKER, 60 * 24 * 3, outcome="reached", satisfaction="5", resolved=False)
    order = flow.order
    assert order.status == Status.IN_PROGRESS and order.department_code == "zz-bgz" and order.reopen_count == 1
    assert order.reply_due_at > before and order.resolved is False


def test_append_adds_the_call_to_an_open_order(session):
    flow = received(session)
    flow(Action.APPEND, TAKER, note="来电人再次来电催问，称今晚仍在施工")
    assert flow.order.append_count == 1 and flow.order.status == Status.RECEIVED
    recent = queries.caller_recent(session, phone="13935611111", actor=TAKER, now=NOW)
    assert flow.order.id in [o.id for o in recent]


@pytest.mark.parametrize(
    ("steps", "action", "actor", "inputs", "error", "needle"),
    [
        ([], Action.DISPATCH, CITY, {"to": "zz-bgz"}, ValidationFailed, "不在市级派单范围内"),
        ([], Action.DISPATCH, CITY, {"to": "zz-zjj"}, ValidationFailed, "不在市级派单范围内"),
        ([], Action.DISPATCH, CITY, {"to": "sd"}, NotFound, "承办单位代码不存在"),
        ([], Action.DISPATCH, CITY, {"to": "zjj", "assist": ["zz-12345"]}, ValidationFailed, "分中心不能作为协办单位"),
        ([(Action.DISPATCH, CITY, {"to": "zz-12345"})], Action.DISPATCH, ZEZHOU, {"to": "gp-msz"}, ValidationFailed, "不在泽州县"),
        ([(Action.DISPATCH, CITY, {"to": "zz-12345"})], Action.DISPATCH, ZEZHOU, {"to": "zjj"}, ValidationFailed, "不在泽州县"),
        ([(Action.DISPATCH, CITY, {"to": "zz-12345"})], Action.DISPATCH, GAOPING, {"to": "gp-msz"}, NotFound, "工单不存在"),
        ([(Action.DISPATCH, CITY, {"to": "zz-12345"})], Action.DISPATCH, ZEZHOU, {"to": "zz-bgz", "assist": ["zz-bgz"]}, ValidationFailed, "协办单位不能与主办单位相同"),
        ([(Action.DISPATCH, CITY, {"to": "zz-12345"}), (Action.DISPATCH, ZEZHOU, {"to": "zz-bgz"})], Action.OBJECT, BAGONG, {"note": "不是我们的"}, ValidationFailed, "异议理由"),
        ([(Action.DISPATCH, CITY, {"to": "zz-12345"}), (Action.DISPATCH, ZEZHOU, {"to": "zz-bgz"})], Action.OBJECT, BAGONG, {"reason": "lazy", "note": "x"}, ValidationFailed, "异议理由无效"),
        ([(Action.DISPATCH, CITY, {"to": "zz-12345"}), (Action.DISPATCH, ZEZHOU, {"to": "zz-bgz"})], Action.ACCEPT, NANCUN, {}, NotFound, "工单不存在"),
        ([(Action.DISPATCH, CITY, {"to": "zjj"})], Action.VISIT, TAKER, {"outcome": "reached", "satisfaction": "4", "resolved": True}, InvalidTransition, "不能执行「回访」"),
        ([(Action.DISPATCH, CITY, {"to": "zjj"})], Action.ACCEPT, Actor("zjj", Role.UNIT_HANDLER, "zjj", records_history=True), {"expected_version": 1}, Exception, "版本"),
    ],
)
def test_refusals_change_nothing(session, steps, action, actor, inputs, error, needle):
    flow = received(session)
    for step_action, step_actor, step_inputs in steps:
        flow(step_action, step_actor, **step_inputs)
    before = counts(session), flow.order.status, flow.order.version, flow.order.department_code
    with pytest.raises(error) as refused:
        flow(action, actor, **inputs)
    assert needle in str(refused.value)
    session.expire_all()
    order = service.get_order(session, flow.order.id, actor=ADMIN)
    assert (counts(session), order.status, order.version, order.department_code) == before


@pytest.mark.parametrize("satisfaction", ["0", "6", "满意", "-1"])
def test_satisfaction_outside_one_to_five_is_refused(session, satisfaction):
    flow = received(session)
    unit = Actor("zjj", Role.UNIT_HANDLER, "zjj", records_history=True)
    flow(Action.DISPATCH, CITY, to="zjj")
    flow(Action.ACCEPT, unit)
    flow(Action.REPLY, unit, note="已处理", **REPLY)
    flow(Action.REVIEW, TAKER, passed=True)
    before = counts(session)
    with pytest.raises(ValidationFailed, match="满意度"):
        flow(Action.VISIT, TAKER, outcome="reached", satisfaction=satisfaction, resolved=True)
    assert counts(session) == before and flow.order.status == Status.AWAITING_CALLBACK


def test_default_route_sends_local_duties_to_the_county_and_city_duties_to_the_city(session):
    from liandong.catalog import service as catalog

    tree = catalog.unit_tree(session)
    local = tree.route("zjj", "140525")
    assert (local.first, local.second) == ("zz-12345", "zz-zjj")
    assert tree.route("gjj", "140525").first == "gjj"  # 公积金 stays with the city
    bagong = tree.town_in("巴公镇锦绣小区", "140525")
    placeholder = tree.route("sd", "140525", town_code=bagong.code)
    assert (placeholder.first, placeholder.second) == ("zz-12345", "zz-bgz")
    assert tree.route("zjj", "140500").first == "zjj"  # county unknown: the city unit


def test_intake_keeps_the_place_the_text_names(session):
    flow = received(session, content="来电人反映泽州县巴公镇锦绣小区3号楼楼上住户夜间装修噪音很大，要求处理")
    order = flow.order
    assert order.town is not None and order.town.name == "巴公镇" and order.address == "泽州县巴公镇锦绣小区3号楼"
    assert order.title.startswith("巴公镇锦绣小区") and "装修" in order.title and len(order.title) <= 30
