"""The work-order lifecycle as one explicit table: (status, action) → status, with roles and guards.

Pure: imports only the standard library and core. Every status change in the product is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from liandong.core.actor import CENTRE_WIDE, Role
from liandong.core.errors import InvalidTransition, ValidationFailed


class Status(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    RETURNED = "returned"
    IN_PROGRESS = "in_progress"
    EXTENSION_REQUESTED = "extension_requested"
    REPLIED = "replied"
    CLOSED = "closed"
    MERGED = "merged"
    TRANSFERRED_110 = "transferred_110"


STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "已受理",
    Status.DISPATCHED: "已派单",
    Status.RETURNED: "已退单",
    Status.IN_PROGRESS: "办理中",
    Status.EXTENSION_REQUESTED: "延期审核中",
    Status.REPLIED: "已答复待回访",
    Status.CLOSED: "已办结",
    Status.MERGED: "已并单",
    Status.TRANSFERRED_110: "已转110",
}

OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.RETURNED,
        Status.IN_PROGRESS,
        Status.EXTENSION_REQUESTED,
        Status.REPLIED,
    }
)
TERMINAL_STATUSES = frozenset(set(Status) - OPEN_STATUSES)
# While the unit's reply clock runs (replied orders wait for the callback, not for the unit).
REPLY_CLOCK_STATUSES = OPEN_STATUSES - {Status.REPLIED}


class Action(StrEnum):
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    REPLY = "reply"
    VISIT = "visit"
    REOPEN = "reopen"
    CLOSE = "close"
    ANSWER_DIRECTLY = "answer_directly"
    MERGE = "merge"
    SUPERVISE = "supervise"
    REMIND = "remind"
    TRANSFER_110 = "transfer_110"


# Timeline entries that are not transitions of the order itself.
class Record(StrEnum):
    CREATE = "create"
    MERGED_IN = "merged_in"


ACTION_LABELS: dict[str, str] = {
    Action.DISPATCH: "派单",
    Action.ACCEPT: "签收",
    Action.RETURN: "退单",
    Action.REQUEST_EXTENSION: "延期申请",
    Action.APPROVE_EXTENSION: "同意延期",
    Action.REJECT_EXTENSION: "驳回延期",
    Action.REPLY: "答复",
    Action.VISIT: "回访",
    Action.REOPEN: "重办",
    Action.CLOSE: "办结",
    Action.ANSWER_DIRECTLY: "直接答复",
    Action.MERGE: "并单",
    Action.SUPERVISE: "督办",
    Action.REMIND: "催办",
    Action.TRANSFER_110: "转110",
    Record.CREATE: "受理",
    Record.MERGED_IN: "并入重复件",
}




@dataclass(frozen=True)
class Rule:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the status stays as it is (督办、催办)
    roles: frozenset[Role]
    needs_note: bool = False
    note_label: str = "说明"


def _rule(action, sources, target, roles, **kw) -> Rule:
    return Rule(action, frozenset(sources), target, frozenset(roles) | CENTRE_WIDE, **kw)


_OPEN = OPEN_STATUSES
RULES: dict[Action, Rule] = {
    rule.action: rule
    for rule in (
        _rule(Action.DISPATCH, {Status.RECEIVED, Status.RETURNED, Status.DISPATCHED}, Status.DISPATCHED, {Role.DISPATCHER}),
        _rule(Action.ACCEPT, {Status.DISPATCHED}, Status.IN_PROGRESS, {Role.UNIT_HANDLER}),
        _rule(
            Action.RETURN,
            {Status.DISPATCHED, Status.IN_PROGRESS},
            Status.RETURNED,
            {Role.UNIT_HANDLER},
            needs_note=True,
            note_label="退单理由",
        ),
        _rule(
            Action.REQUEST_EXTENSION,
            {Status.IN_PROGRESS},
            Status.EXTENSION_REQUESTED,
            {Role.UNIT_HANDLER},
            needs_note=True,
            note_label="延期理由",
        ),
        _rule(Action.APPROVE_EXTENSION, {Status.EXTENSION_REQUESTED}, Status.IN_PROGRESS, {Role.SUPERVISOR, Role.DISPATCHER}),
        _rule(
            Action.REJECT_EXTENSION,
            {Status.EXTENSION_REQUESTED},
            Status.IN_PROGRESS,
            {Role.SUPERVISOR, Role.DISPATCHER},
            needs_note=True,
            note_label="驳回理由",
        ),
        _rule(
            Action.REPLY,
            {Status.IN_PROGRESS},
            Status.REPLIED,
            {Role.UNIT_HANDLER},
            needs_note=True,
            note_label="答复内容",
        ),
        # Target decided by the callback result: satisfied → closed, unsatisfied → back to the unit.
        _rule(Action.VISIT, {Status.REPLIED}, None, {Role.CALL_TAKER, Role.SUPERVISOR}),
        _rule(Action.REOPEN, {Status.CLOSED}, None, {Role.SUPERVISOR}, needs_note=True, note_label="重办理由"),
        _rule(
            Action.CLOSE,
            {Status.REPLIED, Status.TRANSFERRED_110},
            Status.CLOSED,
            {Role.SUPERVISOR, Role.CALL_TAKER},
            needs_note=True,
            note_label="办结说明",
        ),
        _rule(
            Action.ANSWER_DIRECTLY,
            {Status.RECEIVED},
            Status.CLOSED,
            {Role.CALL_TAKER},
            needs_note=True,
            note_label="答复口径",
        ),
        _rule(
            Action.MERGE,
            _OPEN - {Status.REPLIED},
            Status.MERGED,
            {Role.CALL_TAKER, Role.DISPATCHER, Role.SUPERVISOR},
        ),
        _rule(Action.SUPERVISE, _OPEN, None, {Role.SUPERVISOR, Role.LEADER}),
        _rule(Action.REMIND, _OPEN, None, {Role.SUPERVISOR, Role.DISPATCHER, Role.CALL_TAKER, Role.LEADER}),
        _rule(
            Action.TRANSFER_110,
            _OPEN - {Status.REPLIED},
            Status.TRANSFERRED_110,
            {Role.CALL_TAKER, Role.DISPATCHER, Role.UNIT_HANDLER, Role.SUPERVISOR},
        ),
    )
}

# Actions that do not change status but still require an open order.
STATUS_PRESERVING = frozenset(a for a, r in RULES.items() if r.target is None and a not in (Action.VISIT, Action.REOPEN))


@dataclass(frozen=True)
class Context:
    """What the guards need to know about the order and the request, beyond its status."""

    request_type: str
    has_department: bool
    satisfied: bool | None = None
    note: str | None = None


def parse_action(value: str) -> Action:
    try:
        return Action(value)
    except ValueError:
        known = "、".join(f"{a.value}（{ACTION_LABELS[a]}）" for a in Action)
        raise ValidationFailed(f"未知的操作：{value}。可用操作：{known}", field="action") from None


def allowed_actions(status: Status) -> list[Action]:
    return [action for action, rule in RULES.items() if status in rule.sources]


def next_status(status: Status, action: Action, ctx: Context) -> Status:
    """Decide the status after `action`, or raise with a message a person can act on."""
    rule = RULES[action]
    if status not in rule.sources:
        allowed = "、".join(ACTION_LABELS[a] for a in allowed_actions(status)) or "无"
        raise InvalidTransition(
            f"工单当前状态为「{STATUS_LABELS[status]}」，不能执行「{ACTION_LABELS[action]}」。当前可执行：{allowed}"
        )
    if rule.needs_note and not (ctx.note and ctx.note.strip()):
        raise ValidationFailed(f"「{ACTION_LABELS[action]}」需要填写{rule.note_label}", field="note")
    if action is Action.ANSWER_DIRECTLY and ctx.request_type != "consult":
        raise InvalidTransition("只有咨询类工单可以直接答复办结，其他诉求须派单办理")
    if action is Action.ACCEPT and not ctx.has_department:
        raise InvalidTransition("工单尚未指定承办单位，不能签收")
    if action is Action.VISIT:
        if ctx.satisfied is None:
            raise ValidationFailed("回访需要记录来电人是否满意（satisfied）", field="satisfied")
        return Status.CLOSED if ctx.satisfied else Status.IN_PROGRESS
    if action is Action.REOPEN:
        return Status.IN_PROGRESS if ctx.has_department else Status.RECEIVED
    return rule.target if rule.target is not None else status


def may_act(role: Role, action: Action) -> bool:
    return role in RULES[action].roles
