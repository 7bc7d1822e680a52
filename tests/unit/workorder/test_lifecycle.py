"""The lifecycle table against an expectation written from the specification, not from the code.

Every status × action × kind of actor: the city desk (call-taker, dispatcher, supervisor, leader, admin), the
county dispatcher of the order's own county and of another county, the unit holding the order, an assisting
unit and an unrelated unit.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from liandong.workorder import lifecycle
from liandong.workorder.lifecycle import Action, CallbackPolicy, OrderFacts, Status

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)

ACTORS = {
    "T": Actor("hotline", Role.CALL_TAKER),
    "D": Actor("dispatcher", Role.DISPATCHER),
    "C": Actor("zz-dispatch", Role.COUNTY_DISPATCHER, "zz-12345"),  # the order's own county
    "X": Actor("gp-dispatch", Role.COUNTY_DISPATCHER, "gp-12345"),  # another county
    "U": Actor("bgz", Role.UNIT_HANDLER, "zz-bgz"),  # the unit holding the order (county chain)
    "A": Actor("zzzjj", Role.UNIT_HANDLER, "zz-zjj"),  # an assisting unit
    "O": Actor("msz", Role.UNIT_HANDLER, "gp-msz"),  # a unit of another county
    "S": Actor("supervisor", Role.SUPERVISOR),
    "L": Actor("leader", Role.LEADER),
    "M": Actor("admin", Role.ADMIN),
    "P": Actor("desk110", Role.POLICE_DESK),  # a 110 platform's desk
    "K": Actor("linkage", Role.LINKAGE),  # a peer platform's answers
}
_PEER = {a: "K" for a in (Action.PEER_RECEIPT, Action.PEER_ACCEPT, Action.PEER_PROGRESS, Action.PEER_COMPLETE, Action.PEER_RETURN)}

# An order sent city → 泽州县 sub-centre → 巴公镇, with 泽州县住建局 assisting.
COUNTY = {"holder_code": "zz-bgz", "sender_code": "zz-12345", "sub_centre_code": "zz-12345", "assist_codes": frozenset({"zz-zjj"})}
AT_SUB = {"holder_code": "zz-12345", "sender_code": None, "sub_centre_code": "zz-12345"}
NOBODY = {"holder_code": None, "sender_code": None, "sub_centre_code": None}

# status: (facts, {action: actors allowed}); everything not listed is refused for everyone.
EXPECTED: dict[Status, tuple[dict, dict[Action, str]]] = {
    Status.RECEIVED: (NOBODY, {
        Action.DISPATCH: "DM", Action.ANSWER_DIRECTLY: "TM", Action.MERGE: "TDSM", Action.APPEND: "TSM",
        Action.SUPERVISE: "SLM", Action.REMIND: "SLDTM", Action.TRANSFER_110: "TDSM", Action.MARK_INVALID: "TDSM",
        Action.TRANSFER_12345: "PKM",
    }),
    Status.AT_SUB_CENTRE: (AT_SUB, {
        Action.DISPATCH: "CM", Action.REDISPATCH: "DM", Action.RETURN: "CM", Action.OBJECT: "CM", Action.MERGE: "TDSCM",
        Action.APPEND: "TSM", Action.SUPERVISE: "SLM", Action.REMIND: "SLDTCM", Action.TRANSFER_110: "TDSCM",
    }),
    Status.DISPATCHED: (COUNTY, {
        Action.REDISPATCH: "CM", Action.ACCEPT: "UM", Action.RETURN: "UM", Action.OBJECT: "UM", Action.ASSIST_OPINION: "AM",
        Action.NOTE: "USCM", Action.MERGE: "TDSCM", Action.APPEND: "TSM", Action.SUPERVISE: "SLM", Action.REMIND: "SLDTCM",
        Action.TRANSFER_110: "TDSUCM",
    }),
    Status.IN_PROGRESS: (COUNTY, {
        Action.REDISPATCH: "CM", Action.RETURN: "UM", Action.OBJECT: "UM", Action.REQUEST_EXTENSION: "UM", Action.ASSIST_OPINION: "AM",
        Action.NOTE: "USCM", Action.REPLY: "UM", Action.MERGE: "TDSCM", Action.APPEND: "TSM", Action.SUPERVISE: "SLM",
        Action.REMIND: "SLDTCM", Action.TRANSFER_110: "TDSUCM", Action.TRANSFER_12345: "PKM",
    }),
    Status.EXTENSION_REQUESTED: (COUNTY, {
        Action.APPROVE_EXTENSION: "SDCM", Action.REJECT_EXTENSION: "SDCM", Action.ASSIST_OPINION: "AM", Action.NOTE: "USCM",
        Action.MERGE: "TDSCM", Action.APPEND: "TSM", Action.SUPERVISE: "SLM", Action.REMIND: "SLDTCM", Action.TRANSFER_110: "TDSUCM",
    }),
    Status.OBJECTED: (COUNTY, {
        Action.DECIDE_OBJECTION: "CM", Action.ASSIST_OPINION: "AM", Action.MERGE: "TDSCM", Action.APPEND: "TSM",
        Action.SUPERVISE: "SLM", Action.REMIND: "SLDTCM", Action.TRANSFER_110: "TDSUCM",
    }),
    Status.RETURNED: (NOBODY, {
        Action.DISPATCH: "DM", Action.MERGE: "TDSM", Action.APPEND: "TSM", Action.SUPERVISE: "SLM", Action.REMIND: "SLDTM",
        Action.TRANSFER_110: "TDSM", Action.MARK_INVALID: "TDSM",
    }),
    Status.REPLIED: (COUNTY, {
        Action.REVIEW: "TSM", Action.APPEND: "TSM", Action.SUPERVISE: "SLM", Action.REMIND: "SLDTCM",
    }),
    Status.AWAITING_CALLBACK: (COUNTY, {
        Action.VISIT: "TSM", Action.CLOSE: "SM", Action.APPEND: "TSM", Action.SUPERVISE: "SLM", Action.REMIND: "SLDTCM",
    }),
    Status.CLOSED: (COUNTY, {Action.REOPEN: "SM", Action.APPEND: "TSM"}),
    Status.MERGED: (COUNTY, {}),
    Status.TRANSFERRED_110: (NOBODY, {Action.CLOSE: "STM", **_PEER}),
    Status.TRANSFERRED_12345: (NOBODY, dict(_PEER)),
}

# A peer's answers also reach an order that stays open here (分级响应's linked pair), from the linkage account only.
for _status in lifecycle.OPEN_STATUSES:
    EXPECTED[_status][1].update(_PEER)

# An order a peer platform transferred here: the desk answers it (受理、退回、处置反馈、办结反馈).
LINKED = {**NOBODY, "linked": True}
EXPECTED_LINKED: dict[Status, dict[Action, str]] = {
    Status.RECEIVED: {Action.LINK_ACCEPT: "PM", Action.LINK_RETURN: "PDM", Action.TRANSFER_12345: "PKM"},
    Status.IN_PROGRESS: {Action.LINK_RETURN: "PDM", Action.LINK_PROGRESS: "PM", Action.LINK_COMPLETE: "PM", Action.TRANSFER_12345: "PKM"},
}
LINK_ACTIONS = [Action.LINK_ACCEPT, Action.LINK_RETURN, Action.LINK_PROGRESS, Action.LINK_COMPLETE, Action.TRANSFER_12345]
LINKED_CASES = [(status, action, key) for status in EXPECTED_LINKED for action in LINK_ACTIONS for key in ACTORS]


@pytest.mark.parametrize(("status", "action", "key"), LINKED_CASES, ids=[f"linked-{s.value}-{a.value}-{k}" for s, a, k in LINKED_CASES])
def test_linked_orders_match_the_expectation(status, action, key):
    allowed = lifecycle.action_names(OrderFacts(status=status, request_type="report", now=NOW, **LINKED), ACTORS[key])
    assert (action.value in allowed) == (key in EXPECTED_LINKED[status].get(action, "")), f"{status} {action} {key}: {allowed}"


@pytest.mark.parametrize("level", ["一般", "较大", "重大", "特别重大"])
def test_a_linked_pair_is_for_major_events_only(level):
    """分级响应: 较大 and above — 110 dispatches first while 12345 keeps coordinating its own order."""
    order = OrderFacts(status=Status.DISPATCHED, request_type="report", now=NOW, level=level, **COUNTY)
    allowed = [ACTORS[k] for k in ACTORS if "link_pair" in lifecycle.action_names(order, ACTORS[k])]
    assert {a.name for a in allowed} == ({"hotline", "dispatcher", "supervisor", "admin", "desk110"} if level != "一般" else set())
    if level != "一般":
        assert lifecycle.decide(order, ACTORS["D"], Action.LINK_PAIR, {"note": "110 先期处置"}).target is Status.DISPATCHED


@pytest.mark.parametrize(("status", "target"), [(Status.TRANSFERRED_110, Status.AWAITING_CALLBACK), (Status.TRANSFERRED_12345, Status.CLOSED)])
def test_a_peers_completion_brings_the_order_home(status, target):
    """12345: 110's 办结反馈 puts the order up for 12345's callback; 110: 12345's completion closes the 警单."""
    assert lifecycle.decide(OrderFacts(status=status, request_type="report", now=NOW), ACTORS["K"], Action.PEER_COMPLETE, {}).target is target
    returned = lifecycle.decide(OrderFacts(status=status, request_type="report", now=NOW), ACTORS["K"], Action.PEER_RETURN, {"note": "非警务"})
    assert returned.target is Status.RECEIVED

# The same statuses on an order sent by the city straight to a city bureau (市住建局, 市城管局 assisting).
CITY = {"holder_code": "zjj", "sender_code": None, "sub_centre_code": None, "assist_codes": frozenset({"cgj"})}
CITY_ACTORS = {**ACTORS, "U": Actor("zjj", Role.UNIT_HANDLER, "zjj"), "A": Actor("cgj", Role.UNIT_HANDLER, "cgj")}
EXPECTED_CITY: dict[Status, dict[Action, str]] = {
    Status.DISPATCHED: {
        Action.REDISPATCH: "DM", Action.ACCEPT: "UM", Action.RETURN: "UM", Action.OBJECT: "UM", Action.ASSIST_OPINION: "AM",
        Action.NOTE: "USM", Action.MERGE: "TDSM", Action.APPEND: "TSM", Action.SUPERVISE: "SLM", Action.REMIND: "SLDTM",
        Action.TRANSFER_110: "TDSUM",
    },
    Status.OBJECTED: {
        Action.DECIDE_OBJECTION: "DSM", Action.ASSIST_OPINION: "AM", Action.MERGE: "TDSM", Action.APPEND: "TSM",
        Action.SUPERVISE: "SLM", Action.REMIND: "SLDTM", Action.TRANSFER_110: "TDSUM",
    },
}


for _table in EXPECTED_CITY.values():
    _table.update(_PEER)


def facts(status: Status, base: dict, **extra) -> OrderFacts:
    values = {"signed": status is not Status.DISPATCHED, "closed_at": NOW - timedelta(days=1), "request_type": "consult", **base, **extra}
    return OrderFacts(status=status, now=NOW, **values)


CASES = [(status, action, key) for status in Status for action in Action for key in ACTORS]


@pytest.mark.parametrize(("status", "action", "key"), CASES, ids=[f"{s.value}-{a.value}-{k}" for s, a, k in CASES])
def test_permitted_matches_the_expectation(status, action, key):
    base, table = EXPECTED[status]
    allowed = lifecycle.action_names(facts(status, base), ACTORS[key])
    assert (action.value in allowed) == (key in table.get(action, "")), f"{status} {action} {key}: {allowed}"


CITY_CASES = [(status, action, key) for status in EXPECTED_CITY for action in Action for key in CITY_ACTORS]


@pytest.mark.parametrize(("status", "action", "key"), CITY_CASES, ids=[f"city-{s.value}-{a.value}-{k}" for s, a, k in CITY_CASES])
def test_city_chain_matches_the_expectation(status, action, key):
    allowed = lifecycle.action_names(facts(status, CITY), CITY_ACTORS[key])
    assert (action.value in allowed) == (key in EXPECTED_CITY[status].get(action, "")), f"{status} {action} {key}: {allowed}"


VALID_INPUTS = {
    Action.DISPATCH: {"to": "x", "to_kind": "bureau"},
    Action.REDISPATCH: {"to": "x", "to_kind": "bureau", "note": "改派"},
    Action.RETURN: {"note": "不属本单位"},
    Action.OBJECT: {"reason": "not_our_duty", "note": "依据三定方案"},
    Action.DECIDE_OBJECTION: {"uphold": False, "note": "驳回"},
    Action.REQUEST_EXTENSION: {"note": "需现场核查"},
    Action.REJECT_EXTENSION: {"note": "理由不足"},
    Action.ASSIST_OPINION: {"note": "已配合核查"},
    Action.NOTE: {"note": "已联系来电人"},
    Action.REPLY: {"result": "resolved", "note": "已处理", "handler": "王工", "handler_phone": "13800000000", "contacted": True},
    Action.REVIEW: {"passed": True},
    Action.VISIT: {"outcome": "reached", "satisfaction": "4", "resolved": True},
    Action.REOPEN: {"note": "重办"},
    Action.CLOSE: {"note": "办结"},
    Action.ANSWER_DIRECTLY: {"note": "已答复"},
    Action.MARK_INVALID: {"reason": "malicious", "note": "辱骂话务员"},
    Action.MERGE: {"into": "JC-1"},
    Action.APPEND: {"note": "来电人补充"},
    Action.TRANSFER_110: {"to": "110", "note": "转警"},
    Action.TRANSFER_12345: {"note": "非警务求助"},
    Action.PEER_RETURN: {"note": "非警务事项"},
}


@pytest.mark.parametrize(("status", "action", "key"), CASES, ids=[f"decide-{s.value}-{a.value}-{k}" for s, a, k in CASES])
def test_decide_refuses_exactly_what_permitted_leaves_out(status, action, key):
    base, table = EXPECTED[status]
    inputs = VALID_INPUTS.get(action, {})
    if key in table.get(action, ""):
        assert lifecycle.decide(facts(status, base), ACTORS[key], action, inputs).source is status
    else:
        with pytest.raises((PermissionDenied, InvalidTransition)):
            lifecycle.decide(facts(status, base), ACTORS[key], action, inputs)


@pytest.mark.parametrize(
    ("status", "action", "base", "inputs", "target"),
    [
        (Status.RECEIVED, Action.DISPATCH, NOBODY, {"to": "zz-12345", "to_kind": "sub_centre"}, Status.AT_SUB_CENTRE),
        (Status.RECEIVED, Action.DISPATCH, NOBODY, {"to": "zjj", "to_kind": "bureau"}, Status.DISPATCHED),
        (Status.AT_SUB_CENTRE, Action.DISPATCH, AT_SUB, {"to": "zz-bgz", "to_kind": "township"}, Status.DISPATCHED),
        (Status.DISPATCHED, Action.RETURN, COUNTY, {"note": "非本辖区"}, Status.AT_SUB_CENTRE),
        (Status.DISPATCHED, Action.RETURN, CITY, {"note": "非本单位"}, Status.RETURNED),
        (Status.AT_SUB_CENTRE, Action.RETURN, AT_SUB, {"note": "非本县"}, Status.RETURNED),
        (Status.IN_PROGRESS, Action.OBJECT, COUNTY, {"reason": "wrong_area", "note": "不在本镇"}, Status.OBJECTED),
        (Status.OBJECTED, Action.DECIDE_OBJECTION, COUNTY, {"uphold": True, "to": "zz-ncz", "to_kind": "township"}, Status.DISPATCHED),
        (Status.OBJECTED, Action.DECIDE_OBJECTION, COUNTY, {"uphold": True}, Status.AT_SUB_CENTRE),
        (Status.OBJECTED, Action.DECIDE_OBJECTION, CITY, {"uphold": True}, Status.RETURNED),
        (Status.OBJECTED, Action.DECIDE_OBJECTION, COUNTY, {"uphold": False, "note": "属本单位职责"}, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Action.REPLY, COUNTY, VALID_INPUTS[Action.REPLY], Status.REPLIED),
        (Status.REPLIED, Action.REVIEW, COUNTY, {"passed": True}, Status.AWAITING_CALLBACK),
        (Status.REPLIED, Action.REVIEW, COUNTY, {"passed": False, "note": "答非所问"}, Status.IN_PROGRESS),
        (Status.AWAITING_CALLBACK, Action.VISIT, COUNTY, {"outcome": "reached", "satisfaction": "5", "resolved": True}, Status.CLOSED),
        (Status.AWAITING_CALLBACK, Action.VISIT, COUNTY, {"outcome": "reached", "satisfaction": "3", "resolved": True}, Status.CLOSED),
        (Status.AWAITING_CALLBACK, Action.VISIT, COUNTY, {"outcome": "reached", "satisfaction": "2", "resolved": True}, Status.IN_PROGRESS),
        (Status.AWAITING_CALLBACK, Action.VISIT, COUNTY, {"outcome": "reached", "satisfaction": "5", "resolved": False}, Status.IN_PROGRESS),
        (Status.AWAITING_CALLBACK, Action.VISIT, COUNTY, {"outcome": "unreachable"}, Status.AWAITING_CALLBACK),
        (Status.AWAITING_CALLBACK, Action.VISIT, COUNTY, {"outcome": "refused"}, Status.CLOSED),
        (Status.AWAITING_CALLBACK, Action.VISIT, COUNTY, {"outcome": "wrong_number"}, Status.CLOSED),
        (Status.CLOSED, Action.REOPEN, COUNTY, {"note": "来电人再次反映"}, Status.IN_PROGRESS),
        (Status.CLOSED, Action.REOPEN, NOBODY, {"note": "来电人再次反映"}, Status.RECEIVED),
        (Status.IN_PROGRESS, Action.NOTE, COUNTY, {"note": "已上门"}, Status.IN_PROGRESS),
        (Status.RECEIVED, Action.MARK_INVALID, NOBODY, {"reason": "invalid", "note": "无实质内容"}, Status.CLOSED),
        (Status.RETURNED, Action.MARK_INVALID, NOBODY, {"reason": "malicious", "note": "恶意骚扰"}, Status.CLOSED),
    ],
)
def test_targets(status, action, base, inputs, target):
    assert lifecycle.decide(facts(status, base), ACTORS["M"], action, inputs).target is target


def test_review_without_a_reply_wanted_closes():
    order = facts(Status.REPLIED, COUNTY, reply_wanted=False)
    assert lifecycle.decide(order, ACTORS["S"], Action.REVIEW, {"passed": True}).target is Status.CLOSED


@pytest.mark.parametrize(
    ("attempts", "hours_since_first", "target"),
    [(0, 0, Status.AWAITING_CALLBACK), (1, 30, Status.AWAITING_CALLBACK), (2, 2, Status.AWAITING_CALLBACK), (2, 24, Status.CLOSED), (5, 23, Status.AWAITING_CALLBACK)],
)
def test_unreachable_callbacks_close_after_the_policy(attempts, hours_since_first, target):
    order = facts(Status.AWAITING_CALLBACK, COUNTY, callback_attempts=attempts, first_attempt_at=NOW - timedelta(hours=hours_since_first))
    status, reason = lifecycle.visit_outcome(order, {"outcome": "unreachable"}, CallbackPolicy(max_attempts=3, window_hours=24))
    assert status is target
    assert (reason == "callback_failed") == (target is Status.CLOSED)


@pytest.mark.parametrize(
    ("action", "inputs", "field"),
    [
        (Action.OBJECT, {"note": "理由"}, "reason"),
        (Action.OBJECT, {"reason": "because", "note": "理由"}, "reason"),
        (Action.REPLY, {"result": "resolved", "note": "已处理", "handler": "王工", "contacted": True}, "handler_phone"),
        (Action.REPLY, {"result": "done", "note": "已处理", "handler": "王工", "handler_phone": "1", "contacted": True}, "result"),
        (Action.REVIEW, {"passed": False}, "note"),
        (Action.MARK_INVALID, {"note": "无实质内容"}, "reason"),
        (Action.MARK_INVALID, {"reason": "prank", "note": "无实质内容"}, "reason"),
    ],
)
def test_missing_or_invalid_inputs_are_named(action, inputs, field):
    status = {Action.REVIEW: Status.REPLIED, Action.MARK_INVALID: Status.RECEIVED}.get(action, Status.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.decide(facts(status, COUNTY), ACTORS["M"], action, inputs)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"outcome": "reached", "resolved": True}, "satisfaction"),
        ({"outcome": "reached", "satisfaction": "6", "resolved": True}, "satisfaction"),
        ({"outcome": "reached", "satisfaction": "4"}, "resolved"),
        ({"outcome": "called"}, "outcome"),
    ],
)
def test_callback_inputs(inputs, field):
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.decide(facts(Status.AWAITING_CALLBACK, COUNTY), ACTORS["T"], Action.VISIT, inputs)
    assert refused.value.field == field


def test_answer_directly_only_for_consultations():
    with pytest.raises(InvalidTransition, match="咨询"):
        lifecycle.decide(facts(Status.RECEIVED, NOBODY, request_type="complaint"), ACTORS["T"], Action.ANSWER_DIRECTLY, {"note": "x"})


def test_append_only_to_recently_closed_orders():
    old = facts(Status.CLOSED, COUNTY, closed_at=NOW - timedelta(days=30))
    assert "append" not in lifecycle.action_names(old, ACTORS["T"])


def test_refusals_explain_what_is_possible():
    with pytest.raises(InvalidTransition, match="当前可执行：签收"):
        lifecycle.decide(facts(Status.DISPATCHED, COUNTY), ACTORS["U"], Action.REPLY, {})
    with pytest.raises(PermissionDenied, match="不在本单位"):
        lifecycle.decide(facts(Status.DISPATCHED, COUNTY), ACTORS["O"], Action.ACCEPT, {})


def test_every_action_is_in_the_table_and_labelled():
    assert {r.action for r in lifecycle.RULES} == set(Action)
    assert all(a in lifecycle.ACTION_LABELS for a in Action)
    assert all(s in lifecycle.STATUS_LABELS for s in Status)


def test_one_click_means_nothing_to_fill_in():
    for rule in lifecycle.RULES:
        assert rule.one_click == (not any(f.required for f in rule.fields))


def test_unknown_action():
    with pytest.raises(ValidationFailed, match="未知的操作"):
        lifecycle.parse_action("fly")


def test_the_documented_table_is_the_table():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    documented = doc.split("<!-- lifecycle-table -->\n", 1)[1].split("<!-- /lifecycle-table -->", 1)[0]
    assert documented == lifecycle.table_markdown(), "run: liandong orders lifecycle, and paste it into docs/lifecycle.md"
