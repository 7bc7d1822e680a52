"""The 一问一答 lifecycle as one table: (status, action) → status, with the roles allowed. Pure."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from liandong.core.actor import Role
from liandong.core.errors import InvalidTransition, PermissionDenied, ValidationFailed


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

_AUTHORS = frozenset({Role.UNIT_HANDLER, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
_REVIEWERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})

# (status, action) → (new status, roles allowed). Editing keeps the status and is allowed only in a draft.
TRANSITIONS: dict[tuple[ItemStatus, ItemAction], tuple[ItemStatus, frozenset[Role]]] = {
    (ItemStatus.DRAFT, ItemAction.EDIT): (ItemStatus.DRAFT, _AUTHORS),
    (ItemStatus.DRAFT, ItemAction.SUBMIT): (ItemStatus.IN_REVIEW, _AUTHORS),
    (ItemStatus.IN_REVIEW, ItemAction.APPROVE): (ItemStatus.APPROVED, _REVIEWERS),
    (ItemStatus.IN_REVIEW, ItemAction.REJECT): (ItemStatus.DRAFT, _REVIEWERS),
    (ItemStatus.APPROVED, ItemAction.REJECT): (ItemStatus.DRAFT, _REVIEWERS),
    (ItemStatus.APPROVED, ItemAction.PUBLISH): (ItemStatus.PUBLISHED, _REVIEWERS),
    (ItemStatus.PUBLISHED, ItemAction.EXPIRE): (ItemStatus.EXPIRED, _REVIEWERS),
    (ItemStatus.PUBLISHED, ItemAction.REVISE): (ItemStatus.DRAFT, _AUTHORS),
    (ItemStatus.EXPIRED, ItemAction.REVISE): (ItemStatus.DRAFT, _AUTHORS),
}


def parse_action(value: str) -> ItemAction:
    try:
        return ItemAction(value)
    except ValueError:
        known = "、".join(action.value for action in ItemAction if action is not ItemAction.CREATE)
        raise ValidationFailed(f"未知的操作：{value}（可用：{known}）", field="action") from None


def next_status(status: str, action: ItemAction, role: Role) -> ItemStatus:
    current = ItemStatus(status)
    rule = TRANSITIONS.get((current, action))
    if rule is None:
        raise InvalidTransition(f"知识条目当前为“{STATUS_LABELS[current]}”，不能“{ACTION_LABELS[action]}”")
    target, roles = rule
    if role not in roles:
        raise PermissionDenied(f"当前角色无权“{ACTION_LABELS[action]}”知识条目")
    return target


def is_visible(status: str, valid_from: date | None, valid_until: date | None, today: date) -> bool:
    """Call-takers see only published items inside their validity dates."""
    if status != ItemStatus.PUBLISHED:
        return False
    if valid_from is not None and today < valid_from:
        return False
    return valid_until is None or today <= valid_until
