"""The 一问一答 lifecycle table: every status × action × role, and visibility dates."""

from __future__ import annotations

from datetime import date

import pytest

from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from liandong.knowledge.states import MACHINE, ItemAction, ItemStatus, is_visible, next_status, parse_action

EXPECTED = {
    (ItemStatus.DRAFT, ItemAction.EDIT): ItemStatus.DRAFT,
    (ItemStatus.DRAFT, ItemAction.SUBMIT): ItemStatus.IN_REVIEW,
    (ItemStatus.IN_REVIEW, ItemAction.APPROVE): ItemStatus.APPROVED,
    (ItemStatus.IN_REVIEW, ItemAction.REJECT): ItemStatus.DRAFT,
    (ItemStatus.APPROVED, ItemAction.REJECT): ItemStatus.DRAFT,
    (ItemStatus.APPROVED, ItemAction.PUBLISH): ItemStatus.PUBLISHED,
    (ItemStatus.PUBLISHED, ItemAction.EXPIRE): ItemStatus.EXPIRED,
    (ItemStatus.PUBLISHED, ItemAction.REVISE): ItemStatus.DRAFT,
    (ItemStatus.EXPIRED, ItemAction.REVISE): ItemStatus.DRAFT,
}
REVIEW_ACTIONS = {ItemAction.APPROVE, ItemAction.REJECT, ItemAction.PUBLISH, ItemAction.EXPIRE}


@pytest.mark.parametrize("status", list(ItemStatus))
@pytest.mark.parametrize("action", [a for a in ItemAction if a is not ItemAction.CREATE])
@pytest.mark.parametrize("role", list(Role))
def test_every_status_action_role(status, action, role):
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_status(status.value, action, role)
        return
    allowed = role in {Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM} or (
        role is Role.UNIT_HANDLER and action not in REVIEW_ACTIONS
    )
    actor = Actor("someone", role, "zjj" if role is Role.UNIT_HANDLER else None)
    if allowed:
        assert next_status(status.value, action, actor, "zjj") is expected
    else:
        with pytest.raises(PermissionDenied):
            next_status(status.value, action, actor, "zjj")


@pytest.mark.parametrize("action", [ItemAction.EDIT, ItemAction.SUBMIT, ItemAction.REVISE])
def test_a_unit_writes_only_its_own_items(action):
    status = ItemStatus.PUBLISHED if action is ItemAction.REVISE else ItemStatus.DRAFT
    with pytest.raises(PermissionDenied, match="本单位"):
        next_status(status.value, action, Actor("cgj", Role.UNIT_HANDLER, "cgj"), "zjj")
    assert next_status(status.value, action, Actor("cgj", Role.UNIT_HANDLER, "cgj"), None) is EXPECTED[(status, action)]


def test_table_has_no_other_rules():
    table = {}
    for rule in MACHINE.rules:
        for source in rule.sources:
            table[(source, rule.action)] = rule.target or source
    assert table == EXPECTED


def test_unknown_action_is_refused_in_chinese():
    with pytest.raises(ValidationFailed, match="未知的操作"):
        parse_action("delete")
    assert parse_action("publish") is ItemAction.PUBLISH


@pytest.mark.parametrize(
    ("status", "valid_from", "valid_until", "today", "visible"),
    [
        ("published", None, None, date(2026, 11, 23), True),
        ("published", date(2026, 12, 1), None, date(2026, 11, 23), False),
        ("published", date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 23), True),
        ("published", None, date(2026, 11, 22), date(2026, 11, 23), False),
        ("approved", None, None, date(2026, 11, 23), False),
        ("expired", None, None, date(2026, 11, 23), False),
        ("draft", None, None, date(2026, 11, 23), False),
    ],
)
def test_visibility(status, valid_from, valid_until, today, visible):
    assert is_visible(status, valid_from, valid_until, today) is visible
