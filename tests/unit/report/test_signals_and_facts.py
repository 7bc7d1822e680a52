"""Topic and place keys from request text, and the fold of one order's records into dated facts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace as Row

import pytest

from liandong.core.clock import SHANGHAI
from liandong.report import signals
from liandong.report.facts import caller_key, derive, working_hours


@pytest.mark.parametrize(
    ("text", "topic", "place"),
    [
        ("来电人反映泽州县巴公镇锦绣苑小区从昨天开始停水，没有任何通知", "kw:water_outage", "锦绣苑小区"),
        ("来电人反映城区凤台东街3号院门口污水横流", "kw:sewage", "凤台东街"),
        ("晋城市城区北石店镇西上庄村的村民反映频繁停电", "kw:power_outage", "西上庄村"),
        ("来电人反映其在高平市米山镇某建筑公司务工，老板拖欠五个月工资", "kw:wages", None),
        ("兰花城小区7号楼2单元暖气不热", "kw:heating", "兰花城小区"),
        ("来电人咨询社保卡丢失后如何补办", None, None),
    ],
)
def test_topic_and_place(text, topic, place):
    assert signals.topic_of(text) == topic
    assert signals.named_place(text) == place


def test_place_keys_are_qualified_by_town_or_fall_back_to_it():
    assert signals.place_key("锦绣苑小区停水", town_code="140525102", division_code="140525") == ("140525102:锦绣苑小区", "锦绣苑小区")
    assert signals.place_key("锦绣苑小区停水", town_code=None, division_code="140525") == ("140525:锦绣苑小区", "锦绣苑小区")
    assert signals.place_key("主干道井盖破损", town_code="140525102", division_code="140525") == ("140525102:", None)
    assert signals.place_key("主干道井盖破损", town_code=None, division_code="140525") == (None, None)


def test_category_is_the_topic_when_no_problem_word_is_named():
    assert signals.topic_of("来电人咨询社保卡丢失后如何补办", "0701003") == "cat:0701003"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 10, day, hour, minute, tzinfo=SHANGHAI)


def weekday(d: date) -> bool:
    return d.weekday() < 5


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (local(9, 9), local(9, 17), 8.0),  # Monday
        (local(13, 20), local(16, 8), 12.0),  # Friday 20:00 → Monday 08:00: 4 h + 8 h
        (local(14, 9), local(15, 18), 0.0),  # a weekend
        (local(9, 9), local(9, 9), 0.0),
    ],
)
def test_working_hours(start, end, hours):
    assert working_hours(start, end, weekday) == hours


def event(seq, action, to_status, at, from_status="received", **data):
    return Row(seq=seq, action=action, to_status=to_status, from_status=from_status, occurred_at=at, data=data)


def test_a_late_hop_and_an_overdue_order_are_dated_when_the_deadline_passed():
    """Dispatched Monday, never signed: late at its sign deadline; open past its reply deadline from that moment."""
    order = Row(id=1, received_at=local(9, 9), channel="phone", request_type="complaint", division_code="140502", town_code=None,
                category_code=None, department_code="cgj", status="dispatched", reply_due_at=local(16, 23, 59), closed_at=None,
                duplicate_of_id=None, caller_phone="13900000000", content="", address=None)
    hop = Row(seq=1, unit_code="cgj", dispatched_at=local(9, 10), sign_due_at=local(10, 23, 59), signed_at=None, ended_at=None, outcome=None)
    events = [event(1, "create", "received", local(9, 9)), event(2, "dispatch", "dispatched", local(9, 10))]
    fact = derive(order, hops=[hop], replies=[], callbacks=[], events=events, initial_reply_due=local(16, 23, 59),
                  clock_statuses=frozenset({"received", "dispatched", "in_progress"}), is_workday=weekday)
    assert fact.dispatched_at == local(9, 10)
    assert fact.sign_late_at == local(10, 23, 59) and fact.sign_ok_at is None
    assert fact.overdue_at == local(16, 23, 59)
    assert fact.unit_code == "cgj" and fact.caller_key == caller_key("13900000000") and len(fact.caller_key) == 16


def test_an_extension_moves_the_overdue_moment():
    order = Row(id=2, received_at=local(9, 9), channel="phone", request_type="complaint", division_code="140502", town_code=None,
                category_code=None, department_code="cgj", status="in_progress", reply_due_at=local(19, 23, 59), closed_at=None,
                duplicate_of_id=None, caller_phone=None, content="", address=None)
    events = [
        event(1, "create", "received", local(9, 9)),
        event(2, "approve_extension", "in_progress", local(12, 10), reply_due_at=local(19, 23, 59).isoformat(), previous_reply_due_at=local(16, 23, 59).isoformat()),
    ]
    fact = derive(order, hops=[], replies=[], callbacks=[], events=events, initial_reply_due=local(16, 23, 59),
                  clock_statuses=frozenset({"received", "in_progress"}), is_workday=weekday)
    assert fact.overdue_at == local(19, 23, 59) and fact.extended_at == local(12, 10)
    assert fact.caller_key is None
    assert local(19, 23, 59) - local(16, 23, 59) == timedelta(days=3)


def test_settled_at_is_the_latest_dated_fact_and_every_dated_fact_is_counted():
    """The daily rollup sums an order once its last dated fact has passed: every time a figure compares with its
    as-of must be among EVENT_TIMES (reply_due_at is the deadline in force now, not a fact; settled_at is the result)."""
    from datetime import datetime, timedelta, timezone

    from liandong.report.facts import EVENT_TIMES, Fact
    from liandong.report.models import OrderFact

    dated = {c.name for c in OrderFact.__table__.columns if c.type.__class__.__name__ == "UTCDateTime"}
    assert dated - set(EVENT_TIMES) == {"reply_due_at", "settled_at"}
    at = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    fact = Fact(order_id=1, received_at=at, channel="phone", request_type="complaint", division_code="140502", town_code=None,
                category_code=None, unit_code=None, status="dispatched", reply_due_at=at + timedelta(days=30),
                dispatched_at=at + timedelta(hours=1), sign_late_at=at + timedelta(days=2), overdue_at=at + timedelta(days=9))
    fact.settle()
    assert fact.settled_at == at + timedelta(days=9)
