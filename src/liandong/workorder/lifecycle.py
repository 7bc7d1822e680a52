"""The work-order lifecycle as one table: which action, from which status, by whom, to which status, with what form.

Pure: imports only the standard library and core. Every status change, every "may this person do this now",
every button on a page and every `allowed_actions` in the API and CLI is decided here and nowhere else.

A rule says: from these statuses, these grants (a role, limited to a scope such as "the unit holding the
order"), these guards on the order, this target (a status or a decision on the inputs), and the fields its
form needs. `permitted(facts, actor)` lists what an actor may do now; `decide(facts, actor, action, inputs)`
checks one request against the same rules and says where the order goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from liandong.core.actor import Actor, Role
from liandong.core.errors import ValidationFailed
from liandong.core.statemachine import Allowed, Decision, Field, Grant, Guard, Machine, Rule, missing, rule
from liandong.core.vocabulary import (
    CALLBACK_OUTCOMES,
    INVALID_REASONS,
    OBJECTION_REASONS,
    REPLY_RESULTS,
    SATISFACTION,
    SATISFIED_AT_LEAST,
    TRANSFER_TARGETS,
)


class Status(StrEnum):
    RECEIVED = "received"
    AT_SUB_CENTRE = "at_sub_centre"
    DISPATCHED = "dispatched"
    RETURNED = "returned"
    OBJECTED = "objected"
    IN_PROGRESS = "in_progress"
    EXTENSION_REQUESTED = "extension_requested"
    REPLIED = "replied"
    AWAITING_CALLBACK = "awaiting_callback"
    CLOSED = "closed"
    MERGED = "merged"
    TRANSFERRED_110 = "transferred_110"
    TRANSFERRED_12345 = "transferred_12345"  # a 110 desk's 警单 sent on to 12345 (警单转办)


STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "待派单",
    Status.AT_SUB_CENTRE: "分中心待派单",
    Status.DISPATCHED: "待签收",
    Status.RETURNED: "已退回待改派",
    Status.OBJECTED: "派单异议待审核",
    Status.IN_PROGRESS: "办理中",
    Status.EXTENSION_REQUESTED: "延期审核中",
    Status.REPLIED: "已答复待审核",
    Status.AWAITING_CALLBACK: "待回访",
    Status.CLOSED: "已办结",
    Status.MERGED: "已并单",
    Status.TRANSFERRED_110: "已转警",
    Status.TRANSFERRED_12345: "已转12345",
}

OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.AT_SUB_CENTRE,
        Status.DISPATCHED,
        Status.RETURNED,
        Status.OBJECTED,
        Status.IN_PROGRESS,
        Status.EXTENSION_REQUESTED,
        Status.REPLIED,
        Status.AWAITING_CALLBACK,
    }
)
TERMINAL_STATUSES = frozenset(set(Status) - OPEN_STATUSES)
# 撤回: a citizen may withdraw a request until a unit signs for it (before anyone has started handling it).
WITHDRAWABLE = frozenset({Status.RECEIVED, Status.AT_SUB_CENTRE, Status.RETURNED, Status.DISPATCHED})

# What a citizen reads on the status page: plain progress, no internal step.
PUBLIC_STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "已受理，正在分派",
    Status.AT_SUB_CENTRE: "已受理，正在分派",
    Status.RETURNED: "已受理，正在分派",
    Status.OBJECTED: "已受理，正在分派",
    Status.DISPATCHED: "已派单，等待承办单位签收",
    Status.IN_PROGRESS: "办理中",
    Status.EXTENSION_REQUESTED: "办理中",
    Status.REPLIED: "承办单位已答复，12345 审核中",
    Status.AWAITING_CALLBACK: "已答复，请您评价",
    Status.CLOSED: "已办结",
    Status.MERGED: "已与相同诉求合并办理",
    Status.TRANSFERRED_110: "已转交有关部门处置",
    Status.TRANSFERRED_12345: "已转交 12345 办理",
}
# The unit's reply clock runs until it replies; while 12345 reviews the reply or calls back, it is stopped.
REPLY_CLOCK_STATUSES = OPEN_STATUSES - {Status.REPLIED, Status.AWAITING_CALLBACK}
# A hop waits to be signed for (by a unit, or by a county sub-centre re-dispatching it).
SIGN_CLOCK_STATUSES = frozenset({Status.DISPATCHED, Status.AT_SUB_CENTRE})
# With a unit: the unit works on it (the main unit, and assisting units add their opinions).
WITH_UNIT = frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.EXTENSION_REQUESTED})


class Action(StrEnum):
    DISPATCH = "dispatch"
    REDISPATCH = "redispatch"
    ACCEPT = "accept"
    RETURN = "return"
    OBJECT = "object"
    DECIDE_OBJECTION = "decide_objection"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    ASSIST_OPINION = "assist_opinion"
    NOTE = "note"
    REPLY = "reply"
    REVIEW = "review"
    VISIT = "visit"
    REOPEN = "reopen"
    CLOSE = "close"
    ANSWER_DIRECTLY = "answer_directly"
    MARK_INVALID = "mark_invalid"
    MERGE = "merge"
    APPEND = "append"
    SUPERVISE = "supervise"
    REMIND = "remind"
    TRANSFER_110 = "transfer_110"
    # Linkage (docs/linkage.md). On the receiving platform a desk answers an order a peer transferred to it:
    LINK_ACCEPT = "link_accept"
    LINK_RETURN = "link_return"
    LINK_PROGRESS = "link_progress"
    LINK_COMPLETE = "link_complete"
    # ... a 110 desk sends a non-police request on to 12345:
    TRANSFER_12345 = "transfer_12345"
    # ... 分级响应: for 较大 and above 110 dispatches first while 12345 keeps coordinating its own order (a linked pair):
    LINK_PAIR = "link_pair"
    # ... and on the sending platform the peer's answers are applied by the integration account:
    PEER_RECEIPT = "peer_receipt"
    PEER_ACCEPT = "peer_accept"
    PEER_PROGRESS = "peer_progress"
    PEER_COMPLETE = "peer_complete"
    PEER_RETURN = "peer_return"
    # A citizen's own actions (public page, channel API), on the order they proved is theirs:
    RATE = "rate"
    SUPPLEMENT = "supplement"
    WITHDRAW = "withdraw"
    # Grid-worker ledgers (docs/grid.md), applied by the ledger import only:
    CLOSE_ON_SPOT = "close_on_spot"
    LEDGER_DISPATCH = "ledger_dispatch"


class Record(StrEnum):
    """Timeline entries that are not actions on the order itself."""

    CREATE = "create"
    MERGED_IN = "merged_in"
    NEGOTIATION = "negotiation"  # 协商记录 exchanged with a peer platform
    LINK_RECEIVED = "link_received"  # transferred here by a peer platform
    NOTIFIED = "notified"  # an SMS to the caller sent (or finally failed) by the notification worker
    DEADLINE_WARNING = "deadline_warning"  # the worker: the order turned yellow (near due) or red (overdue)
    LINK_SIGN_LATE = "link_sign_late"  # the worker: the peer has not signed for a transfer within the agreed time


ACTION_LABELS: dict[str, str] = {
    Action.DISPATCH: "派单",
    Action.REDISPATCH: "改派",
    Action.ACCEPT: "签收",
    Action.RETURN: "退单",
    Action.OBJECT: "派单异议",
    Action.DECIDE_OBJECTION: "异议审核",
    Action.REQUEST_EXTENSION: "延期申请",
    Action.APPROVE_EXTENSION: "同意延期",
    Action.REJECT_EXTENSION: "驳回延期",
    Action.ASSIST_OPINION: "协办意见",
    Action.NOTE: "办理进展",
    Action.REPLY: "答复",
    Action.REVIEW: "答复审核",
    Action.VISIT: "回访",
    Action.REOPEN: "重办",
    Action.CLOSE: "办结",
    Action.ANSWER_DIRECTLY: "直接答复",
    Action.MARK_INVALID: "无效来电",
    Action.MERGE: "并单",
    Action.APPEND: "追加诉求",
    Action.SUPERVISE: "督办",
    Action.REMIND: "催办",
    Action.TRANSFER_110: "转警",
    Action.LINK_ACCEPT: "受理",
    Action.LINK_RETURN: "退回",
    Action.LINK_PROGRESS: "处置反馈",
    Action.LINK_COMPLETE: "办结反馈",
    Action.TRANSFER_12345: "转12345",
    Action.LINK_PAIR: "联动处置（分级响应）",
    Action.PEER_RECEIPT: "对方签收",
    Action.PEER_ACCEPT: "对方受理",
    Action.PEER_PROGRESS: "对方处置反馈",
    Action.PEER_COMPLETE: "对方办结反馈",
    Action.PEER_RETURN: "对方退回",
    Action.RATE: "市民评价",
    Action.SUPPLEMENT: "市民补充",
    Action.WITHDRAW: "市民撤回",
    Action.CLOSE_ON_SPOT: "网格员当场处置",
    Action.LEDGER_DISPATCH: "网格台账派单",
    Record.CREATE: "受理",
    Record.MERGED_IN: "并入重复件",
    Record.NEGOTIATION: "协商记录",
    Record.LINK_RECEIVED: "对方转入",
    Record.NOTIFIED: "短信通知",
    Record.DEADLINE_WARNING: "超时预警",
    Record.LINK_SIGN_LATE: "对方超时未签收",
}


# ---------------------------------------------------------------- facts the rules read


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about one order, as plain values (built by the service from the database)."""

    status: Status
    request_type: str
    holder_code: str | None = None  # the unit (or sub-centre) holding the current hop
    sender_code: str | None = None  # who sent the current hop: None is the city 12345 centre, else a sub-centre
    sub_centre_code: str | None = None  # the county sub-centre the order went through, if any
    assist_codes: frozenset[str] = frozenset()
    signed: bool = False  # the current hop has been signed for
    reply_wanted: bool = True
    callback_attempts: int = 0  # attempts in the current callback round
    first_attempt_at: datetime | None = None
    closed_at: datetime | None = None
    now: datetime | None = None
    linked: bool = False  # transferred to this platform by a peer (it has `transferred_from`)
    level: str = "一般"
    order_id: int | None = None
    channel: str = "phone"


@dataclass(frozen=True)
class CallbackPolicy:
    max_attempts: int = 3
    window_hours: int = 24
    append_days: int = 7  # a caller may add to an order closed this many days ago


# ---------------------------------------------------------------- scopes: which members of a role


def _holder(facts: OrderFacts, actor: Actor) -> bool:
    return actor.department_code is not None and actor.department_code == facts.holder_code


def _assist(facts: OrderFacts, actor: Actor) -> bool:
    return actor.department_code is not None and actor.department_code in facts.assist_codes and actor.department_code != facts.holder_code


def _sender(facts: OrderFacts, actor: Actor) -> bool:
    """The dispatcher of the level that sent the current hop: the city centre, or one county sub-centre."""
    if facts.sender_code is None:
        return actor.role is not Role.COUNTY_DISPATCHER
    return actor.role is Role.COUNTY_DISPATCHER and actor.department_code == facts.sender_code


def _city_sender(facts: OrderFacts, actor: Actor) -> bool:
    return facts.sender_code is None


def _county(facts: OrderFacts, actor: Actor) -> bool:
    return actor.department_code is not None and actor.department_code == facts.sub_centre_code


def _own(facts: OrderFacts, actor: Actor) -> bool:
    """The citizen who submitted the order (proved by its tracking code and the phone's last four digits)."""
    return actor.own_order is not None and actor.own_order == facts.order_id


SCOPES: dict[str, tuple[Callable[[OrderFacts, Actor], bool], str]] = {
    "holder": (_holder, "该工单不在本单位办理"),
    "assist": (_assist, "本单位不是该工单的协办单位"),
    "sender": (_sender, "只有派出该工单的一级可以处理"),
    "city_sender": (_city_sender, "该工单由县级分中心派出，请由分中心处理"),
    "county": (_county, "该工单不属于本县（市、区）分中心"),
    "own": (_own, "只能办理您本人提交的诉求"),
}


# ---------------------------------------------------------------- form fields


def _note(label: str, required: bool = True, hint: str = "") -> Field:
    return Field("note", label, "textarea", required, hint=hint)


_TO = Field("to", "承办单位", "units", True, hint="在本级派单范围内选择")
_ASSIST = Field("assist", "协办单位", "units", False, many=True, hint="可多选；协办单位提出协办意见，主办单位统一答复")
_DAYS = Field("days", "延期工作日数", "number", False)


# ---------------------------------------------------------------- guards and decisions


def _consult(facts: OrderFacts) -> bool:
    return facts.request_type == "consult"


def _recently_closed_or_open(facts: OrderFacts) -> bool:
    if facts.status in OPEN_STATUSES:
        return True
    if facts.status is not Status.CLOSED or facts.closed_at is None or facts.now is None:
        return False
    return (facts.now - facts.closed_at).days < CallbackPolicy().append_days


def _dispatch_target(facts: OrderFacts, inputs: Mapping) -> Status:
    """派往县级分中心：分中心待派单；否则：待签收"""
    # The service tells whether the chosen unit is a county sub-centre (it has the catalogue).
    return Status.AT_SUB_CENTRE if inputs.get("to_kind") == "sub_centre" else Status.DISPATCHED


def _back_to_sender(facts: OrderFacts, inputs: Mapping) -> Status:
    """退回派出的一级：市中心（已退回待改派）或县级分中心（分中心待派单）"""
    return Status.RETURNED if facts.sender_code is None else Status.AT_SUB_CENTRE


def _objection_decided(facts: OrderFacts, inputs: Mapping) -> Status:
    """成立：改派或退回本级待派；驳回：回到原单位（已签收则办理中）"""
    if inputs.get("uphold"):
        return _dispatch_target(facts, inputs) if inputs.get("to") else _back_to_sender(facts, inputs)
    return Status.IN_PROGRESS if facts.signed else Status.DISPATCHED


def _reviewed(facts: OrderFacts, inputs: Mapping) -> Status:
    """通过：待回访（不需回复则办结）；退回：办理中"""
    if inputs.get("passed"):
        return Status.AWAITING_CALLBACK if facts.reply_wanted else Status.CLOSED
    return Status.IN_PROGRESS


def _back_to_unit(facts: OrderFacts) -> Status:
    return Status.IN_PROGRESS if facts.holder_code else Status.RECEIVED


def visit_outcome(facts: OrderFacts, inputs: Mapping, policy: CallbackPolicy) -> tuple[Status, str | None]:
    """Where a callback attempt takes the order, and the close reason when it closes it."""
    outcome = inputs.get("outcome")
    if outcome == "reached":
        if int(inputs["satisfaction"]) >= SATISFIED_AT_LEAST and inputs["resolved"]:
            return Status.CLOSED, "satisfied"
        return _back_to_unit(facts), None
    if outcome == "refused":
        return Status.CLOSED, "callback_refused"
    if outcome == "wrong_number":
        return Status.CLOSED, "callback_failed"
    attempts = facts.callback_attempts + 1
    first = facts.first_attempt_at or facts.now
    waited_hours = (facts.now - first).total_seconds() / 3600 if facts.now and first else 0.0
    if attempts >= policy.max_attempts and waited_hours >= policy.window_hours:
        return Status.CLOSED, "callback_failed"
    return Status.AWAITING_CALLBACK, None


def _visited(facts: OrderFacts, inputs: Mapping) -> Status:
    """满意且已解决：办结；不满意或未解决：重办；未接通：待回访，次数用尽后办结；拒访、号码错误：办结"""
    return visit_outcome(facts, inputs, inputs.get("policy") or CallbackPolicy())[0]


def _rated(facts: OrderFacts, inputs: Mapping) -> Status:
    """满意且已解决：办结；不满意或未解决：重办（同回访接通）"""
    return visit_outcome(facts, {**inputs, "outcome": "reached"}, inputs.get("policy") or CallbackPolicy())[0]


def _linked(facts: OrderFacts) -> bool:
    return facts.linked


def _peer_completed(facts: OrderFacts, inputs: Mapping) -> Status:
    """12345：待回访（12345 回访来电人）；110：已办结"""
    return Status.AWAITING_CALLBACK if facts.status is Status.TRANSFERRED_110 else Status.CLOSED


def _major(facts: OrderFacts) -> bool:
    return facts.level in ("较大", "重大", "特别重大")


def _grid(facts: OrderFacts) -> bool:
    return facts.channel == "grid"


def _peer_returned(facts: OrderFacts, inputs: Mapping) -> Status:
    """待派单（回到本平台派单员 / 接警台，附退回理由）"""
    return Status.RECEIVED


def _reopened(facts: OrderFacts, inputs: Mapping) -> Status:
    """有承办单位：办理中；否则：待派单"""
    return _back_to_unit(facts)


R = Role
S = Status
_CENTRE_DESK = (Grant(R.CALL_TAKER), Grant(R.DISPATCHER), Grant(R.SUPERVISOR))
_TRANSFERABLE = OPEN_STATUSES - {S.REPLIED, S.AWAITING_CALLBACK}
_LINK_DESK = (Grant(R.POLICE_DESK),)
_LINK_RETURNERS = (Grant(R.POLICE_DESK), Grant(R.DISPATCHER))  # 12345 answers a 警单 by dispatching it, or returns it
_LINKED = Guard(_linked, "该工单不是对方平台转来的，无需反馈")
_SENT = {S.TRANSFERRED_110, S.TRANSFERRED_12345}
_PEER = (Grant(R.LINKAGE),)
_CITIZEN = (Grant(R.CITIZEN, "own"),)
_GRID = Guard(_grid, "只有网格员台账导入的工单可以这样处理")
_LEDGER = (Grant(R.SYSTEM),)

RULES: tuple[Rule, ...] = (
    # 派单: the city centre to a city bureau or a county sub-centre; a sub-centre onward to its bureaus and townships.
    rule(Action.DISPATCH, {S.RECEIVED, S.RETURNED}, _dispatch_target, [Grant(R.DISPATCHER)],
          [_TO, _ASSIST, _note("派单意见", False, "承办单位可见")]),
    rule(Action.DISPATCH, {S.AT_SUB_CENTRE}, _dispatch_target, [Grant(R.COUNTY_DISPATCHER, "holder")],
          [_TO, _ASSIST, _note("派单意见", False, "承办单位可见")]),
    # 改派: only as an explicit action, by the level that sent the hop.
    rule(Action.REDISPATCH, {S.DISPATCHED, S.IN_PROGRESS, S.AT_SUB_CENTRE}, _dispatch_target,
          [Grant(R.DISPATCHER, "sender"), Grant(R.COUNTY_DISPATCHER, "sender")],
          [_TO, _ASSIST, _note("改派理由")]),
    rule(Action.ACCEPT, {S.DISPATCHED}, S.IN_PROGRESS, [Grant(R.UNIT_HANDLER, "holder")]),
    rule(Action.RETURN, {S.DISPATCHED, S.IN_PROGRESS}, _back_to_sender, [Grant(R.UNIT_HANDLER, "holder")],
          [_note("退单理由")], danger=True),
    rule(Action.RETURN, {S.AT_SUB_CENTRE}, _back_to_sender, [Grant(R.COUNTY_DISPATCHER, "holder")],
          [_note("退单理由")], danger=True),
    # 派单异议: a formal objection the sending level decides (改派 or 驳回), with a reason category and evidence.
    rule(Action.OBJECT, {S.DISPATCHED, S.IN_PROGRESS}, S.OBJECTED, [Grant(R.UNIT_HANDLER, "holder")],
          [Field("reason", "异议理由", "choice", True, OBJECTION_REASONS), _note("异议说明与依据")], danger=True),
    rule(Action.OBJECT, {S.AT_SUB_CENTRE}, S.OBJECTED, [Grant(R.COUNTY_DISPATCHER, "holder")],
          [Field("reason", "异议理由", "choice", True, OBJECTION_REASONS), _note("异议说明与依据")], danger=True),
    rule(Action.DECIDE_OBJECTION, {S.OBJECTED}, _objection_decided,
          [Grant(R.DISPATCHER, "sender"), Grant(R.COUNTY_DISPATCHER, "sender"), Grant(R.SUPERVISOR, "city_sender")],
          [Field("uphold", "审核结果", "yesno", True, hint="是：异议成立，改派；否：驳回，原单位继续办理"),
           Field("to", "改派至", "units", False, hint="异议成立时选择新的承办单位；不选则退回本级待派"),
           _ASSIST, _note("审核意见", False, "驳回时必填")]),
    rule(Action.REQUEST_EXTENSION, {S.IN_PROGRESS}, S.EXTENSION_REQUESTED, [Grant(R.UNIT_HANDLER, "holder")],
          [_DAYS, _note("延期理由")]),
    rule(Action.APPROVE_EXTENSION, {S.EXTENSION_REQUESTED}, S.IN_PROGRESS,
          [Grant(R.SUPERVISOR), Grant(R.DISPATCHER), Grant(R.COUNTY_DISPATCHER, "county")],
          [_DAYS, _note("审核意见", False)]),
    rule(Action.REJECT_EXTENSION, {S.EXTENSION_REQUESTED}, S.IN_PROGRESS,
          [Grant(R.SUPERVISOR), Grant(R.DISPATCHER), Grant(R.COUNTY_DISPATCHER, "county")],
          [_note("驳回理由")], danger=True),
    rule(Action.ASSIST_OPINION, WITH_UNIT | {S.OBJECTED}, None, [Grant(R.UNIT_HANDLER, "assist")],
          [_note("协办意见", hint="主办单位答复时统一汇总")]),
    rule(Action.NOTE, WITH_UNIT, None,
          [Grant(R.UNIT_HANDLER, "holder"), Grant(R.SUPERVISOR), Grant(R.COUNTY_DISPATCHER, "county")],
          [_note("办理进展", hint="如：已联系来电人，约定明日上门核查")]),
    rule(Action.REPLY, {S.IN_PROGRESS}, S.REPLIED, [Grant(R.UNIT_HANDLER, "holder")],
          [Field("result", "办理结果", "choice", True, REPLY_RESULTS),
           _note("处理经过与答复内容"),
           Field("handler", "答复人", "text", True),
           Field("handler_phone", "答复人电话", "text", True),
           Field("contacted", "是否已联系来电人", "yesno", True),
           Field("contacted_at", "联系时间", "datetime", False, hint="已联系时填写")]),
    # 12345 审核: a call-taker or supervisor passes the reply to callback, or sends it back with a reason.
    rule(Action.REVIEW, {S.REPLIED}, _reviewed, [Grant(R.CALL_TAKER), Grant(R.SUPERVISOR)],
          [Field("passed", "审核结果", "yesno", True, hint="是：通过，转回访；否：退回承办单位重新答复"),
           _note("审核意见", False, "退回时必填")]),
    rule(Action.VISIT, {S.AWAITING_CALLBACK}, _visited, [Grant(R.CALL_TAKER), Grant(R.SUPERVISOR)],
          [Field("outcome", "回访结果", "choice", True, CALLBACK_OUTCOMES),
           Field("satisfaction", "满意度", "choice", False, SATISFACTION, hint="接通时必填"),
           Field("resolved", "问题是否解决", "yesno", False, hint="接通时必填"),
           _note("回访记录", False)]),
    rule(Action.REOPEN, {S.CLOSED}, _reopened, [Grant(R.SUPERVISOR)], [_note("重办理由")]),
    rule(Action.CLOSE, {S.TRANSFERRED_110}, S.CLOSED, [Grant(R.SUPERVISOR), Grant(R.CALL_TAKER)], [_note("办结说明")]),
    rule(Action.CLOSE, {S.AWAITING_CALLBACK}, S.CLOSED, [Grant(R.SUPERVISOR)], [_note("免回访办结说明")]),
    rule(Action.ANSWER_DIRECTLY, {S.RECEIVED}, S.CLOSED, [Grant(R.CALL_TAKER)],
          [_note("答复口径"), Field("ref", "引用知识条目", "text", False)],
          guards=[Guard(_consult, "只有咨询类工单可以直接答复办结，其他诉求须派单办理")]),
    # 无效/恶意来电: closed at the desk before any unit works on it; counted as received, excluded from every rate.
    rule(Action.MARK_INVALID, {S.RECEIVED, S.RETURNED}, S.CLOSED, _CENTRE_DESK,
          [Field("reason", "无效原因", "choice", True, INVALID_REASONS), _note("情况说明", hint="如：来电无实质内容、骚扰辱骂话务员")],
          danger=True),
    rule(Action.MERGE, _TRANSFERABLE, S.MERGED, [*_CENTRE_DESK, Grant(R.COUNTY_DISPATCHER, "county")],
          [Field("into", "主工单编号", "order", True), _note("并单说明", False)]),
    rule(Action.APPEND, OPEN_STATUSES | {S.CLOSED}, None, [Grant(R.CALL_TAKER), Grant(R.SUPERVISOR)],
          [_note("追加诉求内容")],
          guards=[Guard(_recently_closed_or_open, "该工单办结已超过 7 天，请新建工单")]),
    rule(Action.SUPERVISE, OPEN_STATUSES, None, [Grant(R.SUPERVISOR), Grant(R.LEADER)], [_note("督办意见", False)]),
    rule(Action.REMIND, OPEN_STATUSES, None,
          [Grant(R.SUPERVISOR), Grant(R.LEADER), Grant(R.DISPATCHER), Grant(R.CALL_TAKER), Grant(R.COUNTY_DISPATCHER, "county"),
           Grant(R.SYSTEM)],  # the worker's automatic 催办 of overdue hops (workorder/warnings.py)
          [_note("催办说明", False)]),
    rule(Action.TRANSFER_110, _TRANSFERABLE, S.TRANSFERRED_110,
          [*_CENTRE_DESK, Grant(R.UNIT_HANDLER, "holder"), Grant(R.COUNTY_DISPATCHER, "county")],
          [Field("to", "转接平台", "choice", True, TRANSFER_TARGETS), _note("转警说明")], danger=True),
    # Linkage, receiving side: the desk of the platform a peer transferred the order to answers it (首接负责).
    rule(Action.LINK_ACCEPT, {S.RECEIVED}, S.IN_PROGRESS, _LINK_DESK, [_note("受理反馈", False, "对方平台可见")],
          guards=[_LINKED]),
    rule(Action.LINK_RETURN, {S.RECEIVED, S.IN_PROGRESS}, S.CLOSED, _LINK_RETURNERS,
          [_note("退回理由", hint="如：不属于公安机关职责，建议由 12345 派相关部门办理")], guards=[_LINKED], danger=True),
    rule(Action.LINK_PROGRESS, {S.IN_PROGRESS}, None, _LINK_DESK, [_note("处置反馈")], guards=[_LINKED]),
    rule(Action.LINK_COMPLETE, {S.IN_PROGRESS}, S.CLOSED, _LINK_DESK, [_note("办结反馈", hint="处置结果，对方据此回访来电人")],
          guards=[_LINKED]),
    # 警单转办: a 110 desk sends a request outside police duties to 12345 with the incident facts.
    # The linkage itself forwards a county 110's 警单 from the city 110 (county 110 → city 110 → city 12345).
    rule(Action.TRANSFER_12345, {S.RECEIVED, S.IN_PROGRESS}, S.TRANSFERRED_12345, [Grant(R.POLICE_DESK), Grant(R.LINKAGE)],
          [_note("转办说明")], danger=True),
    # Linkage, sending side: the peer's answers, applied by the integration account only.
    rule(Action.PEER_RECEIPT, _SENT | OPEN_STATUSES, None, _PEER, exclusive=True),
    rule(Action.PEER_ACCEPT, _SENT | OPEN_STATUSES, None, _PEER, exclusive=True),
    rule(Action.PEER_PROGRESS, _SENT | OPEN_STATUSES, None, _PEER, exclusive=True),
    rule(Action.PEER_COMPLETE, _SENT, _peer_completed, _PEER, exclusive=True),
    rule(Action.PEER_RETURN, _SENT, _peer_returned, _PEER, [_note("退回理由")], exclusive=True),
    # A linked pair (分级响应): 110's answers go on the 12345 order's timeline; 12345 keeps its own course.
    rule(Action.PEER_COMPLETE, OPEN_STATUSES, None, _PEER, exclusive=True),
    rule(Action.PEER_RETURN, OPEN_STATUSES, None, _PEER, [_note("退回理由")], exclusive=True),
    rule(Action.LINK_PAIR, _TRANSFERABLE, None, (*_CENTRE_DESK, Grant(R.POLICE_DESK)),
          [_note("联动说明", hint="110 先期处置，12345 协调相关部门")],
          guards=[Guard(_major, "只有较大及以上事件采用 110 与 12345 联动处置，一般事件请直接派单或转警")]),
    # The citizen's own actions (docs/channels.md); exclusive: nobody rates, adds or withdraws on a citizen's behalf.
    # 好差评 after the reply passed 12345 review: recorded as a reached callback, so it closes or reopens alike.
    rule(Action.RATE, {S.AWAITING_CALLBACK}, _rated, _CITIZEN,
          [Field("satisfaction", "评价", "choice", True, SATISFACTION),
           Field("resolved", "问题是否解决", "yesno", True),
           _note("评价意见", False)], exclusive=True),
    rule(Action.SUPPLEMENT, OPEN_STATUSES, None, _CITIZEN, [_note("补充内容", hint="承办单位可见")], exclusive=True),
    rule(Action.WITHDRAW, WITHDRAWABLE, S.CLOSED, _CITIZEN, [_note("撤回原因")], exclusive=True, danger=True),
    # Grid-worker ledgers: a problem the worker already solved on patrol is recorded closed with the worker's note;
    # the rest go straight to the unit the ledger routes them to (the township for 周末集中处置, or the duty unit).
    rule(Action.CLOSE_ON_SPOT, {S.RECEIVED}, S.CLOSED, _LEDGER, [_note("网格员处置说明")], guards=[_GRID], exclusive=True),
    rule(Action.LEDGER_DISPATCH, {S.RECEIVED}, _dispatch_target, _LEDGER, [_TO, _note("派单意见", False)], guards=[_GRID],
          exclusive=True),
)

def _check_conditional(action: Action, facts: OrderFacts, inputs: Mapping) -> None:
    """Inputs required only in some cases (a satisfaction only when the caller was reached, …)."""
    if action is Action.VISIT and inputs.get("outcome") == "reached":
        if missing(inputs.get("satisfaction")):
            raise ValidationFailed("接通回访需要记录满意度（1–5：非常不满意 … 非常满意）", field="satisfaction")
        if inputs.get("resolved") is None:
            raise ValidationFailed("接通回访需要记录问题是否解决（resolved yes|no）", field="resolved")
    if action is Action.RATE and inputs.get("resolved") is None:
        raise ValidationFailed("请选择问题是否已解决", field="resolved")
    if action is Action.REVIEW and inputs.get("passed") is False and missing(inputs.get("note")):
        raise ValidationFailed("退回答复需要填写审核意见（退回理由）", field="note")
    if action is Action.DECIDE_OBJECTION and inputs.get("uphold") is False:
        if inputs.get("to"):
            raise ValidationFailed("驳回异议时不能改派，请去掉改派单位", field="to")
        if missing(inputs.get("note")):
            raise ValidationFailed("驳回异议需要填写审核意见（为什么仍由原单位办理）", field="note")
    if action is Action.REDISPATCH and inputs.get("to") and inputs.get("to") == facts.holder_code:
        raise ValidationFailed("改派须选择另一个承办单位", field="to")


MACHINE = Machine(
    noun="工单",
    actions=Action,
    rules=RULES,
    status_labels=STATUS_LABELS,
    action_labels=ACTION_LABELS,
    scopes=SCOPES,
    validate=_check_conditional,
)
RULES_BY_ACTION = MACHINE.by_action
permitted = MACHINE.permitted
authorize = MACHINE.authorize
decide = MACHINE.decide


def action_names(facts: OrderFacts, actor: Actor) -> list[str]:
    return [a.action.value for a in permitted(facts, actor)]


def actions_from(status: Status) -> list[Action]:
    """Actions some role may take from a status (for documentation and the lifecycle table in the docs)."""
    return MACHINE.sources_of(status)


def parse_action(value: str) -> Action:
    try:
        return Action(str(value).strip())
    except ValueError:
        known = "、".join(f"{a.value}（{ACTION_LABELS[a]}）" for a in Action)
        raise ValidationFailed(f"未知的操作：{value}。可用操作：{known}", field="action") from None


__all__ = ["Allowed", "Decision", "Field", "Grant", "Guard", "Rule"]


SCOPE_LABELS = {
    "any": "",
    "holder": "（当前承办方）",
    "assist": "（协办单位）",
    "sender": "（派出本级的派单员）",
    "city_sender": "（本级由市中心派出时）",
    "county": "（本县分中心）",
    "own": "（本人，凭查询码和手机尾号）",
}


def table_markdown() -> str:
    """The lifecycle table as the documentation shows it: status, action, who, where it goes, what must be filled in."""
    from liandong.core.actor import ROLE_LABELS

    lines = ["| 状态 status | 操作 action | 谁可以 who | 去向 to | 必填 required |", "|---|---|---|---|---|"]
    for status in Status:
        for r in RULES:
            if status not in r.sources:
                continue
            who = "、".join(f"{ROLE_LABELS[g.role]}{SCOPE_LABELS.get(g.scope, '')}" for g in r.grants)
            if r.target is None:
                to = "（不变）"
            elif isinstance(r.target, Status):
                to = f"{STATUS_LABELS[r.target]} `{r.target.value}`"
            else:
                to = (r.target.__doc__ or "按输入决定").strip().split("\n")[0]
            required = "、".join(f.label for f in r.fields if f.required) or "—"
            lines.append(f"| {STATUS_LABELS[status]} `{status.value}` | {ACTION_LABELS[r.action]} `{r.action.value}` | {who} | {to} | {required} |")
    return "\n".join(lines) + "\n"
