"""Every status × action of the lifecycle, against an expectation written out independently of the table."""

import pytest

from liandong.core.actor import Role
from liandong.core.errors import InvalidTransition, ValidationFailed
from liandong.workorder.states import RULES, Action, Context, Status, allowed_actions, may_act, next_status, parse_action

S = Status
OPEN = [S.RECEIVED, S.DISPATCHED, S.RETURNED, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REPLIED]

# (action) -> {source status: target status}. Anything not listed must be refused.
EXPECTED: dict[Action, dict[Status, Status]] = {
    Action.DISPATCH: {S.RECEIVED: S.DISPATCHED, S.RETURNED: S.DISPATCHED, S.DISPATCHED: S.DISPATCHED},
    Action.ACCEPT: {S.DISPATCHED: S.IN_PROGRESS},
    Action.RETURN: {S.DISPATCHED: S.RETURNED, S.IN_PROGRESS: S.RETURNED},
    Action.REQUEST_EXTENSION: {S.IN_PROGRESS: S.EXTENSION_REQUESTED},
    Action.APPROVE_EXTENSION: {S.EXTENSION_REQUESTED: S.IN_PROGRESS},
    Action.REJECT_EXTENSION: {S.EXTENSION_REQUESTED: S.IN_PROGRESS},
    Action.REPLY: {S.IN_PROGRESS: S.REPLIED},
    Action.VISIT: {S.REPLIED: S.CLOSED},  # satisfied; unsatisfied tested separately
    Action.REOPEN: {S.CLOSED: S.IN_PROGRESS},  # with a department; without, back to received
    Action.CLOSE: {S.REPLIED: S.CLOSED, S.TRANSFERRED_110: S.CLOSED},
    Action.ANSWER_DIRECTLY: {S.RECEIVED: S.CLOSED},
    Action.MERGE: {s: S.MERGED for s in OPEN if s is not S.REPLIED},
    Action.SUPERVISE: {s: s for s in OPEN},
    Action.REMIND: {s: s for s in OPEN},
    Action.TRANSFER_110: {s: S.TRANSFERRED_110 for s in OPEN if s is not S.REPLIED},
}


def ctx(**overrides) -> Context:
    values = {"request_type": "consult", "has_department": True, "satisfied": True, "note": "说明"}
    values.update(overrides)
    return Context(**values)


def test_expectation_covers_every_action():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_status_and_action(status, action):
    expected = EXPECTED[action].get(status)
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            next_status(status, action, ctx())
        assert "不能执行" in refused.value.message
    else:
        assert next_status(status, action, ctx()) is expected


def test_unsatisfied_callback_goes_back_to_the_unit():
    assert next_status(S.REPLIED, Action.VISIT, ctx(satisfied=False)) is S.IN_PROGRESS


def test_callback_needs_a_verdict():
    with pytest.raises(ValidationFailed):
        next_status(S.REPLIED, Action.VISIT, ctx(satisfied=None))


def test_reopen_without_a_unit_goes_back_to_intake():
    assert next_status(S.CLOSED, Action.REOPEN, ctx(has_department=False)) is S.RECEIVED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.DISPATCHED, Action.RETURN),
        (S.IN_PROGRESS, Action.REQUEST_EXTENSION),
        (S.EXTENSION_REQUESTED, Action.REJECT_EXTENSION),
        (S.IN_PROGRESS, Action.REPLY),
        (S.CLOSED, Action.REOPEN),
        (S.REPLIED, Action.CLOSE),
        (S.RECEIVED, Action.ANSWER_DIRECTLY),
    ],
)
@pytest.mark.parametrize("note", [None, "", "   "])
def test_actions_that_need_a_reason(status, action, note):
    with pytest.raises(ValidationFailed) as refused:
        next_status(status, action, ctx(note=note))
    assert "需要填写" in refused.value.message


@pytest.mark.parametrize("request_type", ["help", "complaint", "report", "suggestion"])
def test_only_consultations_are_answered_directly(request_type):
    with pytest.raises(InvalidTransition):
        next_status(S.RECEIVED, Action.ANSWER_DIRECTLY, ctx(request_type=request_type))


def test_accept_needs_a_unit():
    with pytest.raises(InvalidTransition):
        next_status(S.DISPATCHED, Action.ACCEPT, ctx(has_department=False))


def test_closed_order_accepts_nothing_but_reopen():
    assert allowed_actions(S.CLOSED) == [Action.REOPEN]
    assert allowed_actions(S.MERGED) == []


def test_roles():
    assert may_act(Role.UNIT_HANDLER, Action.ACCEPT)
    assert not may_act(Role.UNIT_HANDLER, Action.DISPATCH)
    assert not may_act(Role.CALL_TAKER, Action.APPROVE_EXTENSION)
    assert not may_act(Role.LEADER, Action.REPLY)
    assert all(may_act(Role.ADMIN, a) and may_act(Role.SYSTEM, a) for a in Action)
    assert all(rule.roles for rule in RULES.values())


def test_parse_action():
    assert parse_action("dispatch") is Action.DISPATCH
    with pytest.raises(ValidationFailed) as refused:
        parse_action("teleport")
    assert "未知的操作" in refused.value.message
