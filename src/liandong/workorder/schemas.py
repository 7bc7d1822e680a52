"""API and CLI shapes of work orders (separate from the ORM models)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from liandong.catalog.deadlines import SHANGHAI, WARNING_LABELS
from liandong.db import MAX_ID
from liandong.workorder.models import CHANNEL_LABELS, REQUEST_TYPE_LABELS, OrderEvent, WorkOrder
from liandong.workorder.queries import warning_of
from liandong.workorder.states import ACTION_LABELS, STATUS_LABELS, Action, Status, allowed_actions

RequestType = Literal["consult", "help", "complaint", "report", "suggestion"]
Channel = Literal["phone", "web", "wechat", "app", "api", "grid", "transfer_110"]
Level = Literal["一般", "较大", "重大", "特别重大"]


def _local(value: datetime | None) -> str | None:
    return value.astimezone(SHANGHAI).isoformat() if value else None


class WorkOrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(description="诉求内容", max_length=10_000)
    title: str | None = Field(default=None, description="标题；缺省时取诉求内容的第一句")
    request_type: RequestType = "consult"
    channel: Channel = "phone"
    caller_name: str | None = None
    caller_phone: str | None = None
    division_code: str | None = Field(default=None, description="县（市、区）行政区划代码，缺省为本市")
    address: str | None = None
    category_code: str | None = None
    department_code: str | None = Field(default=None, description="拟派主办单位代码")
    assist_codes: list[str] = Field(default_factory=list, description="协办单位代码")
    level: Level = "一般"
    received_at: datetime | None = Field(default=None, description="受理时间（ISO 8601，必须带时区）；缺省为当前时间")
    transferred_from: str | None = None

    @field_validator("received_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("时间缺少时区，请带上时区，例如 +08:00")
        return value


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    to: str | None = Field(default=None, description="派单/改派的承办单位代码")
    note: str | None = Field(default=None, description="说明：退单理由、答复内容、延期理由等", max_length=10_000)
    satisfied: bool | None = Field(default=None, description="回访结果：是否满意")
    into: int | None = Field(default=None, ge=1, le=MAX_ID, description="并单的主工单 id")
    days: int | None = Field(default=None, ge=1, le=365, description="延期工作日数")
    at: datetime | None = Field(default=None, description="操作时间（ISO 8601，带时区）；缺省为当前时间")
    ref: str | None = Field(default=None, description="引用，例如直接答复所依据的知识条目")

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("时间缺少时区，请带上时区，例如 +08:00")
        return value


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


class WorkOrderRead(BaseModel):
    id: int
    number: str
    status: str
    status_label: str
    channel: str
    channel_label: str
    caller_name: str | None
    caller_phone: str | None
    anonymous: bool
    title: str
    content: str
    request_type: str
    request_type_label: str
    category_code: str | None
    category: list[str]
    division_code: str
    division_name: str
    address: str | None
    department: str | None
    department_name: str | None
    assists: list[str]
    level: str
    received_at: str
    sign_due_at: str
    reply_due_at: str
    dispatched_at: str | None
    accepted_at: str | None
    replied_at: str | None
    closed_at: str | None
    warning: str
    warning_label: str
    reply_text: str | None
    satisfaction: str | None
    pending_extension_days: int | None
    counts: dict[str, int]
    duplicate_of_id: int | None
    merged_into_id: int | None
    transferred_from: str | None
    allowed_actions: list[str]
    triage: dict | None
    events: list[EventRead] | None = None

    @classmethod
    def of(cls, order: WorkOrder, *, now: datetime, with_events: bool = False) -> WorkOrderRead:
        warning = warning_of(order, now)
        return cls(
            id=order.id,
            number=order.number,
            status=order.status,
            status_label=STATUS_LABELS[Status(order.status)],
            channel=order.channel,
            channel_label=CHANNEL_LABELS[order.channel],
            caller_name=order.caller_name,
            caller_phone=order.caller_phone,
            anonymous=order.anonymous,
            title=order.title,
            content=order.content,
            request_type=order.request_type,
            request_type_label=REQUEST_TYPE_LABELS[order.request_type],
            category_code=order.category_code,
            category=order.category.names if order.category else [],
            division_code=order.division_code,
            division_name=order.division.name,
            address=order.address,
            department=order.department_code,
            department_name=order.department.name if order.department else None,
            assists=[a.code for a in order.assists],
            level=order.level,
            received_at=_local(order.received_at),
            sign_due_at=_local(order.sign_due_at),
            reply_due_at=_local(order.reply_due_at),
            dispatched_at=_local(order.dispatched_at),
            accepted_at=_local(order.accepted_at),
            replied_at=_local(order.replied_at),
            closed_at=_local(order.closed_at),
            warning=warning.value,
            warning_label=WARNING_LABELS[warning],
            reply_text=order.reply_text,
            satisfaction=order.satisfaction,
            pending_extension_days=order.pending_extension_days,
            counts={
                "dispatch": order.dispatch_count,
                "return": order.return_count,
                "extension": order.extension_count,
                "reopen": order.reopen_count,
                "supervise": order.supervise_count,
                "remind": order.remind_count,
            },
            duplicate_of_id=order.duplicate_of_id,
            merged_into_id=order.merged_into_id,
            transferred_from=order.transferred_from,
            allowed_actions=[a.value for a in allowed_actions(Status(order.status))],
            triage=order.triage,
            events=[EventRead.of(e) for e in order.events] if with_events else None,
        )


class WorkOrderPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[WorkOrderRead]
