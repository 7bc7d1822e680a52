"""What the person who reported a problem sees of its order — one wording for every public face.

The citizen's own pages and channel API (`citizen.service`) and partner systems over Open311 (`open311.service`:
`status_notes` and the service-request-updates extension) show the same status words and the same timeline
sentences. Internal working steps (notes, supervision, objections, returns, assisting opinions …) have no public
sentence and are never shown; a transfer to 110 reads as a transfer to the competent authority, as on the phone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session

from liandong.catalog.models import Department, Division
from liandong.core.vocabulary import CHANNELS, SATISFACTION
from liandong.workorder.lifecycle import PUBLIC_STATUS_LABELS, Action, Status

WITHDRAWN_LABEL = "已撤回"
# Every action `step_text` may have a sentence for (besides any step that closes the order): a superset, so a
# query can leave the internal steps out before the sentences are made.
PUBLIC_ACTIONS: frozenset[str] = frozenset({
    "create", Action.DISPATCH, Action.REDISPATCH, Action.DECIDE_OBJECTION, Action.ACCEPT, Action.APPROVE_EXTENSION, Action.REPLY,
    Action.REVIEW, Action.VISIT, Action.RATE, Action.SUPPLEMENT, Action.APPEND, Action.WITHDRAW, Action.REOPEN, Action.ANSWER_DIRECTLY,
    Action.MERGE, Action.TRANSFER_110, Action.TRANSFER_12345,
})


def status_label(status: str | Status, close_reason: str | None = None) -> str:
    """The status as the public reads it ("已撤回" for a request the citizen withdrew)."""
    return WITHDRAWN_LABEL if close_reason == "withdrawn" else PUBLIC_STATUS_LABELS[Status(status)]


def step_text(
    action: str, data: Mapping | None, *, from_status: str | None, to_status: str | None, unit_name: Callable[[str | None], str | None],
) -> str | None:
    """The public sentence for a timeline entry, or None when it is internal. `unit_name` names a unit for the
    public (a township by its county), e.g. `lambda code: public_unit(session, code)`."""
    data = data or {}
    if action == "create":
        return f"诉求已受理（{CHANNELS.label(data.get('channel'))}）"
    if action in (Action.DISPATCH, Action.REDISPATCH) or (action == Action.DECIDE_OBJECTION and data.get("department")):
        unit = unit_name(data.get("department"))
        return f"已派至{unit}办理" if unit else "已派单"
    if action == Action.ACCEPT:
        return "承办单位已签收，正在办理"
    if action == Action.APPROVE_EXTENSION:
        return "经审核，办理期限已延长"
    if action == Action.REPLY:
        return "承办单位已答复，等待 12345 审核"
    if action == Action.REVIEW:
        return "答复已通过 12345 审核" if data.get("passed") else "12345 审核后要求承办单位重新办理答复"
    if action == Action.VISIT:
        return "12345 已回访" + ("，转回承办单位重新办理" if to_status == Status.IN_PROGRESS else "")
    if action == Action.RATE:
        label = SATISFACTION.label(str(data.get("satisfaction")))
        solved = "已解决" if data.get("resolved") else "未解决"
        return f"您已评价：{label}，{solved}" + ("，转承办单位重新办理" if to_status != Status.CLOSED else "")
    if action == Action.SUPPLEMENT:
        return "您补充了情况，已转承办单位"
    if action == Action.APPEND:
        return "补充了诉求内容"
    if action == Action.WITHDRAW:
        return "您已撤回诉求"
    if action == Action.REOPEN:
        return "重新办理"
    if action == Action.ANSWER_DIRECTLY:
        return "12345 已直接答复"
    if action == Action.MERGE:
        return "已与相同诉求合并办理"
    if action in (Action.TRANSFER_110, Action.TRANSFER_12345):
        return "已转交有关部门处置"
    if to_status == Status.CLOSED and from_status != Status.CLOSED:
        return "已办结"
    return None


def public_unit(session: Session, code: str | None) -> str | None:
    """The unit at city or county level: a township is named by its county ("泽州县乡镇（街道）")."""
    if not code:
        return None
    unit = session.get(Department, code)
    if unit is None:
        return None
    if unit.level in ("city", "county"):
        return unit.name
    division = session.get(Division, unit.division_code)
    county = session.get(Division, division.parent_code) if division is not None and division.parent_code else division
    return f"{county.name}乡镇（街道）" if county is not None else "乡镇（街道）"
