"""The lifecycle through the real service on SQLite and PostgreSQL: effects, guards, deadlines, bad input."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from liandong.catalog.deadlines import SHANGHAI, Warning
from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.core.outbox import OutboxMessage
from liandong.workorder import queries, service
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import AppendOnlyViolation, OrderEvent, WorkOrder
from liandong.workorder.queries import OrderFilter, warning_of

ADMIN = Actor("tester", Role.ADMIN, records_history=True)
NOW = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)


def t(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def new(session, **overrides):
    values = {"content": "楼上装修噪音太大，周末早上七点就开始施工。", "request_type": "complaint", "received_at": t(2023, 9, 28, 10, 0)}
    values.update(overrides)
    return service.create_order(session, actor=ADMIN, now=NOW, **values)


def act(session, order, action, at, actor=ADMIN, **kw):
    return service.act(session, order_id=order.id, action=action, actor=actor, now=NOW, at=at, **kw)


def reply(session, order, at, actor=ADMIN, **kw):
    values = {"result": "resolved", "handler": "赵工", "handler_phone": "13935600000", "contacted": True, **kw}
    return act(session, order, Action.REPLY, at, actor=actor, **values)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_create_sets_number_deadlines_and_first_event(session):
    order = new(session)
    assert order.number == f"JC-20230928-{order.id:06d}"
    assert order.status == Status.RECEIVED
    assert order.sign_due_at == t(2023, 10, 7, 23, 59, 59)
    assert order.reply_due_at == t(2023, 10, 11, 23, 59, 59)
    assert [e.action for e in order.events] == ["create"]
    assert order.division_code == "140500"
    assert order.anonymous


def test_full_happy_path_records_every_step(session):
    order = new(session, caller_phone="13812345678", division_code="140525", assist_codes=["cgj"])
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    assert order.status == Status.DISPATCHED and order.department_code == "zjj"
    # the new unit's sign-for clock starts at dispatch
    assert order.sign_due_at == t(2023, 10, 7, 23, 59, 59)
    act(session, order, Action.ACCEPT, t(2023, 10, 7, 9))
    act(session, order, Action.REMIND, t(2023, 10, 8, 9), note="请加快办理")
    act(session, order, Action.SUPERVISE, t(2023, 10, 8, 10), note="督办")
    reply(session, order, t(2023, 10, 9, 9), note="已责令施工方调整作业时间")
    assert order.status == Status.REPLIED and order.reply_text.startswith("已责令")
    act(session, order, Action.REVIEW, t(2023, 10, 9, 10), passed=True)
    act(session, order, Action.VISIT, t(2023, 10, 10, 9), satisfied=True)
    assert order.status == Status.CLOSED and order.satisfaction == 4 and order.resolved and order.closed_at == t(2023, 10, 10, 9)
    assert order.close_reason == "satisfied"
    assert [e.action for e in order.events] == ["create", "dispatch", "accept", "remind", "supervise", "reply", "review", "visit"]
    assert [e.seq for e in order.events] == list(range(1, 9))
    assert order.remind_count == 1 and order.supervise_count == 1
    assert warning_of(order, NOW) is Warning.NONE


def test_return_and_redispatch(session):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="cgj")
    act(session, order, Action.RETURN, t(2023, 9, 28, 15), note="不属于本单位职责")
    assert order.status == Status.RETURNED and order.department_code is None and order.return_count == 1
    act(session, order, Action.DISPATCH, t(2023, 10, 7, 9), to="zjj")
    assert order.department_code == "zjj" and order.dispatch_count == 2
    assert order.sign_due_at == t(2023, 10, 8, 23, 59, 59)  # one working day after re-dispatch (调休 Sunday)
    assert order.reply_due_at == t(2023, 10, 11, 23, 59, 59)  # reply clock still runs from receipt


def test_redispatch_is_an_explicit_action_to_another_unit(session):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    with pytest.raises(InvalidTransition):
        act(session, order, Action.DISPATCH, t(2023, 9, 28, 12), to="cgj")  # a second dispatch never re-dispatches
    with pytest.raises(ValidationFailed):
        act(session, order, Action.REDISPATCH, t(2023, 9, 28, 12), to="zjj", note="改派")
    act(session, order, Action.REDISPATCH, t(2023, 9, 28, 12), to="cgj", note="职责在城管")
    assert order.department_code == "cgj" and order.dispatch_count == 2
    assert [h.outcome for h in order.hops] == ["redispatched", None]


def test_extension_moves_the_deadline(session):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    act(session, order, Action.ACCEPT, t(2023, 9, 28, 12))
    act(session, order, Action.REQUEST_EXTENSION, t(2023, 10, 9, 9), note="需多部门联合核查", days=3)
    assert order.status == Status.EXTENSION_REQUESTED and order.pending_extension_days == 3
    act(session, order, Action.APPROVE_EXTENSION, t(2023, 10, 9, 15))
    assert order.reply_due_at == t(2023, 10, 16, 23, 59, 59)
    assert order.extension_count == 1 and order.pending_extension_days is None
    act(session, order, Action.REQUEST_EXTENSION, t(2023, 10, 10, 9), note="再次申请")
    act(session, order, Action.REJECT_EXTENSION, t(2023, 10, 10, 10), note="理由不充分")
    assert order.status == Status.IN_PROGRESS and order.reply_due_at == t(2023, 10, 16, 23, 59, 59)


@pytest.mark.parametrize("days", [0, -1, 31])
def test_extension_days_out_of_range(session, days):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    act(session, order, Action.ACCEPT, t(2023, 9, 28, 12))
    with pytest.raises(ValidationFailed):
        act(session, order, Action.REQUEST_EXTENSION, t(2023, 10, 9, 9), note="理由", days=days)
    assert order.status == Status.IN_PROGRESS


def test_unsatisfied_callback_reopens_with_fresh_deadline_and_closed_order_can_be_reopened(session):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    act(session, order, Action.ACCEPT, t(2023, 9, 28, 12))
    reply(session, order, t(2023, 10, 9, 9), note="已处理")
    act(session, order, Action.REVIEW, t(2023, 10, 9, 10), passed=True)
    act(session, order, Action.VISIT, t(2023, 10, 10, 9), satisfied=False, note="没有解决")
    assert order.status == Status.IN_PROGRESS and order.reopen_count == 1 and order.satisfaction == 2
    assert order.reply_due_at == t(2023, 10, 17, 23, 59, 59)
    reply(session, order, t(2023, 10, 12, 9), note="重新处理完毕")
    act(session, order, Action.REVIEW, t(2023, 10, 12, 10), passed=True)
    act(session, order, Action.VISIT, t(2023, 10, 13, 9), satisfied=True)
    assert order.status == Status.CLOSED
    for action in (Action.DISPATCH, Action.REMIND, Action.SUPERVISE, Action.CLOSE, Action.MERGE):
        with pytest.raises(InvalidTransition):
            act(session, order, action, t(2023, 10, 14, 9), to="cgj", note="x", into=order.id)
    act(session, order, Action.REOPEN, t(2023, 11, 1, 9), note="来电人再次反映问题复发")
    assert order.status == Status.IN_PROGRESS and order.closed_at is None and order.satisfaction is None
    assert order.reply_due_at == t(2023, 11, 8, 23, 59, 59)
    assert order.reopen_count == 2


def test_answer_directly_closes_a_consultation(session):
    order = new(session, request_type="consult", content="咨询身份证丢了怎么补办")
    act(session, order, Action.ANSWER_DIRECTLY, t(2023, 9, 28, 10, 5), note="携带户口簿到户籍窗口补办", ref="kb:12")
    assert order.status == Status.CLOSED and order.closed_at == t(2023, 9, 28, 10, 5)
    assert order.events[-1].data["ref"] == "kb:12"
    reopened = act(session, order, Action.REOPEN, t(2023, 9, 29, 9), note="来电人表示答复有误")
    assert reopened.status == Status.RECEIVED


def test_merge_links_both_orders(session):
    main = new(session)
    duplicate = new(session, received_at=t(2023, 9, 28, 11))
    act(session, duplicate, Action.MERGE, t(2023, 9, 28, 12), into=main.id)
    assert duplicate.status == Status.MERGED and duplicate.merged_into_id == main.id
    assert main.events[-1].action == "merged_in" and main.events[-1].data["merged_order_id"] == duplicate.id
    assert main.status == Status.RECEIVED
    third = new(session, received_at=t(2023, 9, 28, 13))
    with pytest.raises(InvalidTransition):
        act(session, third, Action.MERGE, t(2023, 9, 28, 14), into=duplicate.id)
    with pytest.raises(ValidationFailed):
        act(session, third, Action.MERGE, t(2023, 9, 28, 14), into=third.id)
    with pytest.raises(ValidationFailed):
        act(session, third, Action.MERGE, t(2023, 9, 28, 14))
    with pytest.raises(NotFound):
        act(session, third, Action.MERGE, t(2023, 9, 28, 14), into=999_999)


def test_transfer_to_110_writes_the_outbox_in_the_same_transaction(session):
    order = new(session, caller_phone="13812345678")
    before = count(session, OutboxMessage)
    act(session, order, Action.TRANSFER_110, t(2023, 9, 28, 10, 2), note="双方已动手，转110")
    assert order.status == Status.TRANSFERRED_110
    assert count(session, OutboxMessage) == before + 1
    message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.topic == "order.transfer_110" and message.payload["order_number"] == order.number
    assert message.payload["target"] == "110"
    act(session, order, Action.CLOSE, t(2023, 9, 29, 9), note="110 反馈：已出警处置完毕")
    assert order.status == Status.CLOSED


def test_transfer_to_fire_or_ambulance_names_the_platform(session):
    order = new(session, content="小区三楼冒浓烟，有人被困")
    act(session, order, Action.TRANSFER_110, t(2023, 9, 28, 10, 1), to="119", note="一键转119")
    message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.topic == "order.transfer_119" and message.payload["target"] == "119"
    assert order.events[-1].data["target"] == "119"
    other = new(session)
    with pytest.raises(ValidationFailed):
        act(session, other, Action.TRANSFER_110, t(2023, 9, 28, 10, 1), to="zjj")
    assert other.status == Status.RECEIVED


def test_illegal_transition_changes_nothing(session):
    order = new(session)
    version, events = order.version, len(order.events)
    with pytest.raises(InvalidTransition) as refused:
        act(session, order, Action.REPLY, t(2023, 9, 28, 11), note="答复")
    assert "不能执行「答复」" in refused.value.message
    session.refresh(order)
    assert order.status == Status.RECEIVED and order.version == version and len(order.events) == events


def test_action_time_must_not_go_back(session):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    with pytest.raises(ValidationFailed):
        act(session, order, Action.ACCEPT, t(2023, 9, 28, 10, 30))
    with pytest.raises(ValidationFailed):
        act(session, order, Action.ACCEPT, NOW + timedelta(days=1))


@pytest.mark.parametrize(
    ("overrides", "error", "needle"),
    [
        ({"content": ""}, ValidationFailed, "不能为空"),
        ({"content": "   \n "}, ValidationFailed, "不能为空"),
        ({"content": "长" * 10_001}, ValidationFailed, "过长"),
        ({"caller_phone": "12345abc"}, ValidationFailed, "电话号码"),
        ({"department_code": "nope"}, NotFound, "承办单位代码不存在"),
        ({"assist_codes": ["nope"]}, NotFound, "承办单位代码不存在"),
        ({"division_code": "110101"}, ValidationFailed, "行政区划代码不存在"),
        ({"category_code": "99"}, ValidationFailed, "诉求分类代码不存在"),
        ({"request_type": "praise"}, ValidationFailed, "诉求类型无效"),
        ({"channel": "fax"}, ValidationFailed, "受理渠道无效"),
        ({"level": "超级"}, ValidationFailed, "事件等级无效"),
        ({"received_at": datetime(2023, 9, 28, 10)}, ValidationFailed, "时区"),
        ({"received_at": NOW + timedelta(hours=1)}, ValidationFailed, "不能晚于"),
        ({"duplicate_of_id": 999_999}, NotFound, "工单不存在"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(session, overrides, error, needle):
    before = count(session, WorkOrder), count(session, OrderEvent)
    with pytest.raises(error) as refused:
        new(session, **overrides)
    assert needle in refused.value.message
    assert (count(session, WorkOrder), count(session, OrderEvent)) == before


def test_bad_action_input(session):
    order = new(session)
    with pytest.raises(ValidationFailed):
        act(session, order, Action.DISPATCH, t(2023, 9, 28, 11))  # no unit
    with pytest.raises(NotFound):
        act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="nope")
    with pytest.raises(NotFound):
        service.act(session, order_id=999_999, action=Action.REMIND, actor=ADMIN, now=NOW)
    assert order.status == Status.RECEIVED and len(order.events) == 1


def test_unit_handlers_see_and_act_only_on_their_own_orders(session):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    housing = Actor("住建局张三", Role.UNIT_HANDLER, "zjj", records_history=True)
    city = Actor("城管局李四", Role.UNIT_HANDLER, "cgj", records_history=True)
    with pytest.raises(NotFound):
        service.get_order(session, order.id, actor=city)
    with pytest.raises(NotFound):
        act(session, order, Action.ACCEPT, t(2023, 9, 28, 12), actor=city)
    with pytest.raises(PermissionDenied):
        act(session, order, Action.REDISPATCH, t(2023, 9, 28, 12), actor=housing, to="cgj", note="改派")
    act(session, order, Action.ACCEPT, t(2023, 9, 28, 12), actor=housing)
    assert order.events[-1].actor == "住建局张三" and order.events[-1].actor_role == "unit_handler"
    mine, total = queries.list_orders(session, OrderFilter(), actor=housing, now=NOW)
    assert total >= 1 and all(o.department_code == "zjj" or "zjj" in [a.code for a in o.assists] for o in mine)
    with pytest.raises(PermissionDenied):
        service.create_order(session, actor=housing, now=NOW, content="单位自建工单")


def test_warning_levels_and_filters(session):
    now = t(2023, 10, 11, 20, 0)  # due 10-11 23:59:59, start 09-28 10:00 → yellow
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    act(session, order, Action.ACCEPT, t(2023, 9, 28, 12))
    assert warning_of(order, now) is Warning.YELLOW
    assert warning_of(order, t(2023, 10, 12, 0, 0, 1)) is Warning.RED
    assert warning_of(order, t(2023, 10, 8, 9)) is Warning.NORMAL
    for level, moment in ((Warning.YELLOW, now), (Warning.RED, t(2023, 10, 12, 1)), (Warning.NORMAL, t(2023, 10, 8, 9))):
        ids = [o.id for o in queries.list_orders(session, OrderFilter(warning=level), actor=ADMIN, now=moment, limit=500)[0]]
        assert order.id in ids, level


def test_list_filters(session):
    a = new(session, content="泽州县巴公镇供水停了三天", request_type="help", division_code="140525", caller_phone="13900001111")
    b = new(session, content="咨询公积金提取", request_type="consult")
    act(session, a, Action.DISPATCH, t(2023, 9, 28, 11), to="gs")
    flt = OrderFilter(text="巴公镇", request_type="help", division="140525", department="gs", status=["dispatched"], phone="13900001111")
    items, total = queries.list_orders(session, flt, actor=ADMIN, now=NOW)
    assert [o.id for o in items] == [a.id] and total == 1
    items, _ = queries.list_orders(session, OrderFilter(request_type="consult", text="公积金"), actor=ADMIN, now=NOW)
    assert b.id in [o.id for o in items]
    items, _ = queries.list_orders(session, OrderFilter(due_before=t(2023, 9, 30)), actor=ADMIN, now=NOW)
    assert b.id not in [o.id for o in items]  # consult due 10-07


def test_timeline_is_append_only_in_the_orm(session):
    order = new(session)
    event = order.events[0]
    event.note = "篡改"
    with pytest.raises(AppendOnlyViolation):
        session.flush()


def test_timeline_is_append_only_in_the_database(session):
    order = new(session)
    session.flush()
    with pytest.raises(DBAPIError):
        with session.begin_nested():
            session.execute(text("UPDATE order_events SET note = 'x' WHERE order_id = :id"), {"id": order.id})
    with pytest.raises(DBAPIError):
        with session.begin_nested():
            session.execute(text("DELETE FROM order_events WHERE order_id = :id"), {"id": order.id})


def test_training_examples_reflect_confirmed_routing(session):
    order = new(session, content="小区垃圾三天没人清运")
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="cgj")
    examples = [e for e in queries.training_examples(session) if e["text"].endswith("小区垃圾三天没人清运")]
    assert examples and examples[0]["department"] == "cgj" and examples[0]["platform"] == "12345"
