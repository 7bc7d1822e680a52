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
    assert nuisance.active(session, phone, now()) is not None and nuisance.active(session, _phone(), now()) is None


@pytest.fixture
def handling():
    """Switch the handling rule (LIANDONG_NUISANCE_HANDLING) for one test."""
    from liandong.config import configure, settings

    previous = settings()

    def use(value: str):
        configure(**{**previous.model_dump(exclude_unset=True), "nuisance_handling": value})

    yield use
    configure(**previous.model_dump(exclude_unset=True))


def _confirmed(session, phone: str):
    for _ in range(3):
        _invalid_call(session, phone)
    [flag] = [f for f in nuisance.list_flags(session) if f.caller_phone == phone]
    nuisance.review(session, flag_id=flag.id, actor=SUPERVISOR, now=now(), confirm=True, note="多次辱骂话务员")
    return flag


def _audited(session, action: str, target: str) -> int:
    from sqlalchemy import func, select

    from liandong.audit import service as audit
    from liandong.audit.models import AuditRecord

    audit.seal(session)  # records are chained onto the log at commit; seal this transaction's batch to count it
    return session.scalar(select(func.count()).where(AuditRecord.action == action, AuditRecord.target == target))


def _call(session, phone: str, **extra):
    return service.create_order(session, actor=DESK, now=now(), content="又打来了，说要投诉你们", request_type="complaint",
                                caller_phone=phone, **extra)


def test_a_confirmed_numbers_new_calls_are_marked_and_kept_as_evidence(session, handling):
    handling("mark")
    phone = _phone()
    flag = _confirmed(session, phone)
    assert flag.expires_at is not None and flag.expires_at - flag.reviewed_at == timedelta(days=90)
    order = _call(session, phone)
    assert order.status == "received"  # marked for the call-taker, not closed
    assert flag.later_order_ids == [order.id] and order.id in nuisance.evidence_ids(flag)
    assert _audited(session, "nuisance.call", f"flag:{flag.id}") == 1
    # Invalid calls after confirmation do not open a second flag for the same number.
    service.act(session, order_id=order.id, action=Action.MARK_INVALID, actor=DESK, now=now(), reason="malicious", note="辱骂")
    assert [f.status for f in nuisance.list_flags(session, status=None) if f.caller_phone == phone] == [nuisance.CONFIRMED]
    assert _call(session, _phone()).id not in nuisance.evidence_ids(flag)  # other numbers are untouched


def test_auto_invalid_closes_new_calls_as_malicious_but_never_an_emergency(session, handling):
    handling("auto_invalid")
    phone = _phone()
    flag = _confirmed(session, phone)
    closed = _call(session, phone)
    assert closed.status == "closed" and closed.close_reason == "malicious"
    assert closed.events[-1].actor == "system"
    emergency = _call(session, phone, triage={"platform": "110", "request_type": "help"})
    assert emergency.status == "received"
    assert flag.later_order_ids == [closed.id, emergency.id]


def test_the_confirmation_lapses_after_its_time_limit(session, handling):
    handling("auto_invalid")
    phone = _phone()
    flag = _confirmed(session, phone)
    assert nuisance.active(session, phone, flag.expires_at - timedelta(minutes=1)) is not None
    assert nuisance.active(session, phone, flag.expires_at + timedelta(minutes=1)) is None
    flag.expires_at = now() - timedelta(seconds=1)
    session.flush()
    assert _call(session, phone).status == "received" and flag.later_order_ids == []


def test_lifting_on_appeal_needs_a_reason_and_ends_the_rule(session, handling):
    from liandong.core.errors import InvalidTransition, ValidationFailed

    handling("auto_invalid")
    phone = _phone()
    flag = _confirmed(session, phone)
    with pytest.raises(ValidationFailed, match="理由"):
        nuisance.lift(session, flag_id=flag.id, actor=SUPERVISOR, now=now(), note="  ")
    with pytest.raises(ValidationFailed, match="NUL"):
        nuisance.lift(session, flag_id=flag.id, actor=SUPERVISOR, now=now(), note="申诉\x00")
    with pytest.raises(PermissionDenied):
        nuisance.lift(session, flag_id=flag.id, actor=DESK, now=now(), note="来电人申诉")
    nuisance.lift(session, flag_id=flag.id, actor=SUPERVISOR, now=now(), note="来电人申诉，经核实为正常诉求")
    assert flag.status == nuisance.LIFTED and flag.lifted_by == "supervisor"
    assert _audited(session, "nuisance.lifted", f"flag:{flag.id}") == 1
    assert _call(session, phone).status == "received"
    with pytest.raises(InvalidTransition):
        nuisance.lift(session, flag_id=flag.id, actor=SUPERVISOR, now=now(), note="再次解除")
