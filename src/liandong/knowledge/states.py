"""The 一问一答 lifecycle as one table of the same shape as the work orders' (core.statemachine). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from liandong.core.actor import Actor, Role
from liandong.core.errors import ValidationFailed
from liandong.core.statemachine import Grant, Machine, rule


class ItemStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    EXPIRED = "expired"


class ItemAction(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    PUBLISH = "publish"
    EXPIRE = "expire"
    REVISE = "revise"


STATUS_LABELS = {
    ItemStatus.DRAFT: "草稿",
    ItemStatus.IN_REVIEW: "待审核",
    ItemStatus.APPROVED: "已审核待发布",
    ItemStatus.PUBLISHED: "已发布",
    ItemStatus.EXPIRED: "已失效",
}

ACTION_LABELS = {
    ItemAction.CREATE: "新建",
    ItemAction.EDIT: "修改",
    ItemAction.SUBMIT: "提交审核",
    ItemAction.APPROVE: "审核通过",
    ItemAction.REJECT: "退回修改",
    ItemAction.PUBLISH: "发布",
    ItemAction.EXPIRE: "失效",
    ItemAction.REVISE: "重新修订",
}

@dataclass(frozen=True)
class ItemFacts:
    status: ItemStatus
    department_code: str | None = None  # the unit whose 口径 it is


def _own_unit(facts: ItemFacts, actor: Actor) -> bool:
    """A unit writes its own 口径, and items no unit owns yet."""
    return facts.department_code is None or actor.department_code == facts.department_code


SCOPES = {"own_unit": (_own_unit, "只能修改本单位的知识条目")}
_AUTHORS = (Grant(Role.UNIT_HANDLER, "own_unit"), Grant(Role.SUPERVISOR))
_REVIEWERS = (Grant(Role.SUPERVISOR),)
S, A = ItemStatus, ItemAction

# The same shape as the work-order table (core.statemachine): editing keeps the status and is allowed only in a draft.
RULES = (
    rule(A.EDIT, {S.DRAFT}, None, _AUTHORS),
    rule(A.SUBMIT, {S.DRAFT}, S.IN_REVIEW, _AUTHORS),
    rule(A.APPROVE, {S.IN_REVIEW}, S.APPROVED, _REVIEWERS),
    rule(A.REJECT, {S.IN_REVIEW, S.APPROVED}, S.DRAFT, _REVIEWERS),
    rule(A.PUBLISH, {S.APPROVED}, S.PUBLISHED, _REVIEWERS),
    rule(A.EXPIRE, {S.PUBLISHED}, S.EXPIRED, _REVIEWERS),
    rule(A.REVISE, {S.PUBLISHED, S.EXPIRED}, S.DRAFT, _AUTHORS),
)
MACHINE = Machine(
    noun="知识条目", actions=ItemAction, rules=RULES, status_labels=STATUS_LABELS, action_labels=ACTION_LABELS, scopes=SCOPES
)


def parse_action(value: str) -> ItemAction:
    try:
        return ItemAction(value)
    except ValueError:
        known = "、".join(action.value for action in ItemAction if action is not ItemAction.CREATE)
        raise ValidationFailed(f"未知的操作：{value}（可用：{known}）", field="action") from None


def next_status(status: str, action: ItemAction, actor: Actor | Role, department_code: str | None = None) -> ItemStatus:
    """Where an item goes, or the refusal; a unit handler acts only on its own unit's items."""
    who = actor if isinstance(actor, Actor) else Actor(name="", role=actor)
    return MACHINE.decide(ItemFacts(ItemStatus(status), department_code), who, action, {}).target


def permitted(status: str, actor: Actor, department_code: str | None = None) -> list[ItemAction]:
    return [a.action for a in MACHINE.permitted(ItemFacts(ItemStatus(status), department_code), actor)]


def is_visible(status: str, valid_from: date | None, valid_until: date | None, today: date) -> bool:
    """Call-takers see only published items inside their validity dates."""
    if status != ItemStatus.PUBLISHED:
        return False
    if valid_from is not None and today < valid_from:
        return False
    return valid_until is None or today <= valid_until


def may_read(status: str, actor: Actor, department_code: str | None = None) -> bool:
    """Published items are for everyone logged in; drafts and items in review (possibly mined from calls, with
    personal data) only for reviewers, the centre's administrators and the owning unit."""
    if status == ItemStatus.PUBLISHED:
        return True
    if actor.centre_wide or actor.role is Role.SUPERVISOR:
        return True
    return actor.role is Role.UNIT_HANDLER and department_code is not None and actor.department_code == department_code
