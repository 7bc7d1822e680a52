"""API and CLI shapes of work orders (separate from the ORM models). Labels come from the one vocabulary."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liandong.catalog.deadlines import SHANGHAI, WARNING_LABELS
from liandong.catalog.tree import CITY_CENTRE_NAME
from liandong.core.actor import Actor
from liandong.core.vocabulary import CALLBACK_OUTCOMES, CHANNELS, CLOSE_REASONS, OBJECTION_REASONS, REPLY_RESULTS, REQUEST_TYPES, SATISFACTION
from liandong.db import MAX_ID
from liandong.workorder import privacy
from liandong.workorder.lifecycle import ACTION_LABELS, STATUS_LABELS, Action, Status
from liandong.workorder.models import OrderCallback, OrderEvent, OrderHop, OrderReply, WorkOrder
from liandong.workorder.queries import warning_of
from liandong.workorder.service import caller_access, permitted

RequestType = Literal["consult", "help", "complaint", "report", "suggestion"]
Channel = Literal["phone", "web", "wechat", "app", "api", "grid", "transfer_110"]
Level = Literal["一般", "较大", "重大", "特别重大"]


def _local(value: datetime | None) -> str | None:
    return value.astimezone(SHANGHAI).isoformat() if value else None


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("时间缺少时区，请带上时区，例如 +08:00")
    return value


class WorkOrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(description="诉求内容", max_length=10_000)
    title: str | None = Field(default=None, max_length=100, description="标题；缺省时由地点和事项自动生成")
    request_type: RequestType = "consult"
    channel: Channel = "phone"
    caller_name: str | None = Field(default=None, max_length=64)
    caller_phone: str | None = Field(default=None, max_length=32)
    division_code: str | None = Field(default=None, max_length=12, description="县（市、区）行政区划代码，缺省为本市")
    town_code: str | None = Field(default=None, max_length=12, description="乡镇（街道）区划代码")
    address: str | None = Field(default=None, max_length=255)
    category_code: str | None = Field(default=None, max_length=16)
    department_code: str | None = Field(default=None, max_length=32, description="拟派主办单位代码")
    assist_codes: list[str] = Field(default_factory=list, max_length=20, description="协办单位代码")
    level: Level = "一般"
    received_at: datetime | None = Field(default=None, description="受理时间（ISO 8601，必须带时区）；缺省为当前时间")
    transferred_from: str | None = Field(default=None, max_length=64)
    confidential: bool = Field(default=False, description="保密：承办单位看不到来电人姓名和号码")
    reply_wanted: bool = Field(default=True, description="是否需要回复（回访）")

    @field_validator("received_at")
    @classmethod
    def _check_time(cls, value: datetime | None) -> datetime | None:
        return _aware(value)


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    to: str | None = Field(default=None, max_length=32, description="派单/改派的承办单位代码；转警时为 110/119/120")
    assist: list[str] = Field(default_factory=list, max_length=20, description="协办单位代码")
    note: str | None = Field(default=None, max_length=10_000, description="说明：派单意见、退单理由、答复内容、审核意见等")
    reason: str | None = Field(default=None, max_length=32, description="派单异议理由：" + OBJECTION_REASONS.describe())
    uphold: bool | None = Field(default=None, description="异议审核：是否成立")
    result: str | None = Field(default=None, max_length=16, description="办理结果：" + REPLY_RESULTS.describe())
    handler: str | None = Field(default=None, max_length=64, description="答复人")
    handler_phone: str | None = Field(default=None, max_length=32, description="答复人电话")
    contacted: bool | None = Field(default=None, description="是否已联系来电人")
    contacted_at: datetime | None = Field(default=None, description="联系来电人的时间（带时区）")
    passed: bool | None = Field(default=None, description="答复审核：是否通过")
    outcome: str | None = Field(default=None, max_length=16, description="回访结果：" + CALLBACK_OUTCOMES.describe())
    satisfaction: int | None = Field(default=None, ge=1, le=5, description="满意度 1–5（5 非常满意 … 1 非常不满意）")
    resolved: bool | None = Field(default=None, description="来电人是否认为问题已解决")
    satisfied: bool | None = Field(default=None, description="回访简写：满意/不满意（接通）")
    into: int | None = Field(default=None, ge=1, le=MAX_ID, description="并单的主工单 id")
    days: int | None = Field(default=None, ge=1, le=365, description="延期工作日数")
    at: datetime | None = Field(default=None, description="操作时间（ISO 8601，带时区）；缺省为当前时间")
    ref: str | None = Field(default=None, max_length=64, description="引用，例如直接答复所依据的知识条目")
    expected_version: int | None = Field(default=None, ge=1, le=MAX_ID, description="期望的工单版本；不一致时返回 409")

    @field_validator("at", "contacted_at")
    @classmethod
    def _check_times(cls, value: datetime | None) -> datetime | None:
        return _aware(value)


class EventRead(BaseModel):
    seq: int
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    actor: str
    actor_role: str
    note: str | None
    data: dict
    occurred_at: str
    recorded_at: str

    @classmethod
    def of(cls, event: OrderEvent) -> EventRead:
        return cls(
            seq=event.seq,
            action=event.action,
            action_label=ACTION_LABELS.get(event.action, event.action),
            from_status=event.from_status,
            to_status=event.to_status,
            actor=event.actor,
            actor_role=event.actor_role,
            note=event.note,
            data=event.data or {},
            occurred_at=_local(event.occurred_at),
            recorded_at=_local(event.recorded_at),
        )


class HopRead(BaseModel):
    """One hop of the dispatch chain with its own sign-for clock."""

    seq: int
    sender: str | None
    sender_name: str
    unit: str
    unit_name: str
    note: str | None
    dispatched_at: str
    dispatched_by: str
    sign_due_at: str
    signed_at: str | None
    signed_on_time: bool | None
    ended_at: str | None
    outcome: str | None

    @classmethod
    def of(cls, hop: OrderHop, names: dict[str, str]) -> HopRead:
        return cls(
            seq=hop.seq,
            sender=hop.sender_code,
            sender_name=names.get(hop.sender_code, hop.sender_code) if hop.sender_code else CITY_CENTRE_NAME,
            unit=hop.unit_code,
            unit_name=hop.unit.name,
            note=hop.note,
            dispatched_at=_local(hop.dispatched_at),
            dispatched_by=hop.dispatched_by,
            sign_due_at=_local(hop.sign_due_at),
            signed_at=_local(hop.signed_at),
            signed_on_time=(hop.signed_at <= hop.sign_due_at) if hop.signed_at else None,
            ended_at=_local(hop.ended_at),
            outcome=hop.outcome,
        )


class ReplyRead(BaseModel):
    seq: int
    department: str
    department_name: str
    result: str
    result_label: str
    text: str
    handler: str
    handler_phone: str
    contacted: bool
    contacted_at: str | None
    submitted_at: str
    review: str
    review_label: str
    reviewed_at: str | None
    reviewed_by: str | None
    review_note: str | None
    findings: list[dict]

    @classmethod
    def of(cls, reply: OrderReply) -> ReplyRead:
        return cls(
            seq=reply.seq,
            department=reply.department_code,
            department_name=reply.department.name,
            result=reply.result,
            result_label=REPLY_RESULTS.label(reply.result),
            text=reply.text,
            handler=reply.handler_name,
            handler_phone=reply.handler_phone,
            contacted=reply.contacted,
            contacted_at=_local(reply.contacted_at),
            submitted_at=_local(reply.submitted_at),
            review=reply.review,
            review_label={"pending": "待审核", "passed": "审核通过", "returned": "已退回"}.get(reply.review, reply.review),
            reviewed_at=_local(reply.reviewed_at),
            reviewed_by=reply.reviewed_by,
            review_note=reply.review_note,
            findings=list(reply.findings or []),
        )


class CallbackRead(BaseModel):
    round: int
    attempt: int
    outcome: str
    outcome_label: str
    satisfaction: int | None
    satisfaction_label: str | None
    resolved: bool | None
    note: str | None
    called_at: str
    called_by: str

    @classmethod
    def of(cls, callback: OrderCallback) -> CallbackRead:
        return cls(
            round=callback.round,
            attempt=callback.attempt,
            outcome=callback.outcome,
            outcome_label=CALLBACK_OUTCOMES.label(callback.outcome),
            satisfaction=callback.satisfaction,
            satisfaction_label=SATISFACTION.label(str(callback.satisfaction)) if callback.satisfaction else None,
            resolved=callback.resolved,
            note=callback.note,
            called_at=_local(callback.called_at),
            called_by=callback.called_by,
        )


class AssistRead(BaseModel):
    code: str
    name: str


def _named(order: WorkOrder, relation: str, code: str | None, known: dict | None) -> str | None:
    """The name of a related catalogue row: the loaded row's, else the snapshot's (no query), else loaded now."""
    if code is None:
        return None
    if relation not in order.__dict__ and known and code in known:
        return known[code].name
    related = getattr(order, relation)
    return related.name if related is not None else None


class WorkOrderRead(BaseModel):
    id: int
    number: str
    version: int
    status: str
    status_label: str
    channel: str
    channel_label: str
    caller_name: str | None
    caller_phone: str | None
    caller_hidden: bool
    caller_masked: bool = False
    caller_omitted: bool = False
    anonymous: bool
    confidential: bool
    reply_wanted: bool
    title: str
    content: str
    request_type: str
    request_type_label: str
    category_code: str | None
    category: list[str]
    division_code: str
    division_name: str
    town_code: str | None
    town_name: str | None
    address: str | None
    department: str | None
    department_name: str | None
    sender: str | None
    sub_centre: str | None
    assists: list[AssistRead]
    level: str
    received_at: str
    sign_due_at: str
    reply_due_at: str
    dispatched_at: str | None
    accepted_at: str | None
    replied_at: str | None
    closed_at: str | None
    close_reason: str | None
    close_reason_label: str | None
    warning: str
    warning_label: str
    reply_text: str | None
    satisfaction: int | None
    satisfaction_label: str | None
    resolved: bool | None
    callback_attempts: int
    pending_extension_days: int | None
    objection: dict | None
    counts: dict[str, int]
    duplicate_of_id: int | None
    merged_into_id: int | None
    transferred_from: str | None
    allowed_actions: list[str]
    triage: dict | None
    dispatch_chain: list[HopRead] | None = None
    reply: ReplyRead | None = None
    replies: list[ReplyRead] | None = None
    callbacks: list[CallbackRead] | None = None
    events: list[EventRead] | None = None

    @classmethod
    def of(
        cls, order: WorkOrder, *, now: datetime, actor: Actor, full: bool = False, names: dict[str, str] | None = None,
        personal: bool = True, tree=None,
    ) -> WorkOrderRead:
        """`full` adds the timeline, the dispatch chain, every reply and callback (load them with get_order(full=True)).
        `personal=False` (lists) leaves the caller's name and number out altogether. `tree` (the catalogue snapshot's
        UnitTree) names the division, town and unit of an order just made without loading them again."""
        warning = warning_of(order, now)
        access = caller_access(order, actor)
        name, phone = privacy.caller_view(name=order.caller_name, phone=order.caller_phone, access=access) if personal else (None, None)
        replies = [ReplyRead.of(r) for r in order.replies] if full else None
        objection = dict(order.objection) if order.objection else None
        if objection:
            objection["reason_label"] = OBJECTION_REASONS.label(objection.get("reason"))
        return cls(
            id=order.id,
            number=order.number,
            version=order.version,
            status=order.status,
            status_label=STATUS_LABELS[Status(order.status)],
            channel=order.channel,
            channel_label=CHANNELS.label(order.channel),
            caller_name=name,
            caller_phone=phone,
            caller_hidden=access is privacy.Access.HIDDEN,
            caller_masked=personal and access is privacy.Access.MASKED,
            caller_omitted=not personal,
            anonymous=order.anonymous,
            confidential=order.confidential,
            reply_wanted=order.reply_wanted,
            title=privacy.text_view(order.title, access),
            content=privacy.text_view(order.content, access),
            request_type=order.request_type,
            request_type_label=REQUEST_TYPES.label(order.request_type),
            category_code=order.category_code,
            category=order.category.names if order.category else [],
            division_code=order.division_code,
            division_name=_named(order, "division", order.division_code, tree and tree.divisions),
            town_code=order.town_code,
            town_name=_named(order, "town", order.town_code, tree and tree.divisions),
            address=order.address,
            department=order.department_code,
            department_name=_named(order, "department", order.department_code, tree and tree.units),
            sender=order.sender_code,
            sub_centre=order.sub_centre_code,
            assists=[AssistRead(code=d.code, name=d.name) for d in order.assists],
            level=order.level,
            received_at=_local(order.received_at),
            sign_due_at=_local(order.sign_due_at),
            reply_due_at=_local(order.reply_due_at),
            dispatched_at=_local(order.dispatched_at),
            accepted_at=_local(order.accepted_at),
            replied_at=_local(order.replied_at),
            closed_at=_local(order.closed_at),
            close_reason=order.close_reason,
            close_reason_label=CLOSE_REASONS.label(order.close_reason) if order.close_reason else None,
            warning=warning.value,
            warning_label=WARNING_LABELS[warning],
            reply_text=order.reply_text,
            satisfaction=order.satisfaction,
            satisfaction_label=SATISFACTION.label(str(order.satisfaction)) if order.satisfaction else None,
            resolved=order.resolved,
            callback_attempts=order.callback_attempts or 0,
            pending_extension_days=order.pending_extension_days,
            objection=objection,
            counts={
                "dispatch": order.dispatch_count,
                "return": order.return_count,
                "objection": order.objection_count,
                "extension": order.extension_count,
                "reopen": order.reopen_count,
                "supervise": order.supervise_count,
                "remind": order.remind_count,
                "append": order.append_count,
            },
            duplicate_of_id=order.duplicate_of_id,
            merged_into_id=order.merged_into_id,
            transferred_from=order.transferred_from,
            allowed_actions=[a.action.value for a in permitted(order, actor, now)],
            triage=order.triage,
            dispatch_chain=[HopRead.of(h, names or {}) for h in order.hops] if full else None,
            reply=replies[-1] if replies else None,
            replies=replies,
            callbacks=[CallbackRead.of(c) for c in order.callbacks] if full else None,
            events=[EventRead.of(e) for e in order.events] if full else None,
        )


class WorkOrderPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[WorkOrderRead]
