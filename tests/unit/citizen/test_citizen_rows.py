"""The lifecycle table's citizen rows, status by status, written from the brief (not from the code). Pure."""

from __future__ import annotations

import pytest

from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from liandong.workorder import lifecycle
from liandong.workorder.lifecycle import Action, OrderFacts, Status

S = Status
OWN = Actor("citizen:public", Role.CITIZEN, own_order=7)
OTHER = Actor("citizen:public", Role.CITIZEN, own_order=8)
NOBODY = Actor("citizen:public", Role.CITIZEN)
STAFF = [Actor("admin", Role.ADMIN), Actor("taker", Role.CALL_TAKER), Actor("sup", Role.SUPERVISOR), Actor("sys", Role.SYSTEM)]

# status → the citizen actions the owner may take there
EXPECTED = {
    S.RECEIVED: {"supplement", "withdraw"},
    S.AT_SUB_CENTRE: {"supplement", "withdraw"},
    S.DISPATCHED: {"supplement", "withdraw"},
    S.RETURNED: {"supplement", "withdraw"},
    S.OBJECTED: {"supplement"},
    S.IN_PROGRESS: {"supplement"},
    S.EXTENSION_REQUESTED: {"supplement"},
    S.REPLIED: {"supplement"},
    S.AWAITING_CALLBACK: {"supplement", "rate"},
    S.CLOSED: set(),
    S.MERGED: set(),
    S.TRANSFERRED_110: set(),
    S.TRANSFERRED_12345: set(),
}
CITIZEN_ACTIONS = {Action.RATE, Action.SUPPLEMENT, Action.WITHDRAW}


def facts(status: Status, **kw) -> OrderFacts:
    return OrderFacts(status=status, request_type="complaint", holder_code="zjj", order_id=7, **kw)


@pytest.mark.parametrize("status", list(Status))
def test_the_owner_may_do_exactly_what_the_brief_says(status):
    assert set(lifecycle.action_names(facts(status), OWN)) == EXPECTED[status]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("actor", [OTHER, NOBODY], ids=["another-citizen", "no-order"])
def test_another_citizen_may_do_nothing(status, actor):
    assert lifecycle.action_names(facts(status), actor) == []


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("actor", STAFF, ids=lambda a: a.role.value)
def test_nobody_acts_in_a_citizens_name(status, actor):
    assert not set(lifecycle.action_names(facts(status), actor)) & {a.value for a in CITIZEN_ACTIONS}


@pytest.mark.parametrize(
    "satisfaction, resolved, target",
    [("5", True, S.CLOSED), ("3", True, S.CLOSED), ("2", True, S.IN_PROGRESS), ("5", False, S.IN_PROGRESS), ("1", False, S.IN_PROGRESS)],
)
def test_a_rating_closes_or_reopens_like_a_reached_callback(satisfaction, resolved, target):
    inputs = {"satisfaction": satisfaction, "resolved": resolved}
    assert lifecycle.decide(facts(S.AWAITING_CALLBACK), OWN, Action.RATE, inputs).target is target
    reached = {**inputs, "outcome": "reached"}
    assert lifecycle.decide(facts(S.AWAITING_CALLBACK), Actor("taker", Role.CALL_TAKER), Action.VISIT, reached).target is target


def test_refusals_name_the_reason():
    with pytest.raises(InvalidTransition):
        lifecycle.decide(facts(S.IN_PROGRESS), OWN, Action.WITHDRAW, {"note": "不要了"})
    with pytest.raises(PermissionDenied, match="本人"):
        lifecycle.decide(facts(S.RECEIVED), OTHER, Action.WITHDRAW, {"note": "不要了"})
    with pytest.raises(ValidationFailed, match="撤回原因"):
        lifecycle.decide(facts(S.RECEIVED), OWN, Action.WITHDRAW, {})
    with pytest.raises(ValidationFailed, match="问题是否解决"):
        lifecycle.decide(facts(S.AWAITING_CALLBACK), OWN, Action.RATE, {"satisfaction": "5"})
    with pytest.raises(ValidationFailed):
        lifecycle.decide(facts(S.AWAITING_CALLBACK), OWN, Action.RATE, {"satisfaction": "6", "resolved": True})


def test_every_status_has_a_public_label():
    assert set(lifecycle.PUBLIC_STATUS_LABELS) == set(Status)
