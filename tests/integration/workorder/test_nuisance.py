"""恶意骚扰: repeated invalid or malicious calls from one number within the window flag it for review with the calls
as evidence; supervisors confirm or dismiss; other numbers and older calls do not count."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from liandong.core.actor import Actor, Role
from liandong.core.clock import now
from liandong.core.errors import PermissionDenied
from liandong.workorder import nuisance, service
from liandong.workorder.lifecycle import Action

DESK = Actor("dispatcher", Role.DISPATCHER)
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR)
RULE = nuisance.Rule(threshold=3, window=timedelta(hours=24))


def _phone() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


def _invalid_call(session, phone: str, reason: str = "malicious") -> int:
    order = service.create_order(session, actor=DESK, now=now(), content="来电辱骂话务员，无实质诉求", request_type="consult", caller_phone=phone)
    service.act(session, order_id=order.id, action=Action.MARK_INVALID, actor=DESK, now=now(), reason=reason, note="骚扰辱骂话务员")
    return order.id


def test_the_third_invalid_call_flags_the_number_with_evidence(session):
    phone = _phone()
    ids = [_invalid_call(session, phone, reason) for reason in ("invalid", "malicious")]
    assert nuisance.check(session, phone=phone, now=now(), rule=RULE) is None
    ids.append(_invalid_call(session, phone))
    [flag] = [f for f in nuisance.list_flags(session) if f.caller_phone == phone]
    assert flag.order_ids == ids and flag.status == nuisance.OPEN
    _invalid_call(session, _phone())  # another number does not add to it
    [again] = [f for f in nuisance.list_flags(session) if f.caller_phone == phone]
    assert again.order_ids == ids


def test_calls_outside_the_window_do_not_count(session):
    phone = _phone()
    for _ in range(3):
        _invalid_call(session, phone)
    assert nuisance.check(session, phone=phone, now=now() + timedelta(hours=25), rule=RULE) is None


def test_supervisors_review_flags(session):
    phone = _phone()
    for _ in range(3):
        _invalid_call(session, phone)
    [flag] = [f for f in nuisance.list_flags(session) if f.caller_phone == phone]
    with pytest.raises(PermissionDenied):
        nuisance.review(session, flag_id=flag.id, actor=Actor("zjj", Role.UNIT_HANDLER, "zjj"), now=now(), confirm=True)
    nuisance.review(session, flag_id=flag.id, actor=SUPERVISOR, now=now(), confirm=True, note="多次辱骂话务员")
    assert nuisance.confirmed(session, phone) and not nuisance.confirmed(session, _phone())
