"""Work orders, their assisting units and the append-only timeline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liandong.catalog.models import Category, Department, Division
from liandong.db import Base, UTCDateTime
from liandong.workorder.states import Status

CHANNELS = ("phone", "web", "wechat", "app", "api", "grid", "transfer_110")
CHANNEL_LABELS = {
    "phone": "电话",
    "web": "网站",
    "wechat": "微信",
    "app": "移动端",
    "api": "接口",
    "grid": "网格员",
    "transfer_110": "110转来",
}
REQUEST_TYPE_LABELS = {"consult": "咨询", "help": "求助", "complaint": "投诉", "report": "举报", "suggestion": "建议"}
LEVELS = ("一般", "较大", "重大", "特别重大")

order_assists = Table(
    "order_assists",
    Base.metadata,
    Column("order_id", ForeignKey("work_orders.id", ondelete="CASCADE"), primary_key=True),
    Column("department_code", ForeignKey("departments.code"), primary_key=True),
)


class WorkOrder(Base):
    __tablename__ = "work_orders"
    __table_args__ = (
        Index("ix_work_orders_status_reply_due_at", "status", "reply_due_at"),
        Index("ix_work_orders_department_code_status", "department_code", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    channel: Mapped[str] = mapped_column(String(16))
    caller_name: Mapped[str | None] = mapped_column(String(64), default=None)
    caller_phone: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    request_type: Mapped[str] = mapped_column(String(16), index=True)
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), default=None)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(255), default=None)
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None)
    level: Mapped[str] = mapped_column(String(8), default="一般")
    # Written only by WorkOrder.record() (and at creation).
    status: Mapped[str] = mapped_column(String(24), index=True)

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sign_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sign_yellow_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reply_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reply_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reply_yellow_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reply_text: Mapped[str | None] = mapped_column(Text, default=None)
    satisfaction: Mapped[str | None] = mapped_column(String(16), default=None)  # satisfied / unsatisfied
    pending_extension_days: Mapped[int | None] = mapped_column(Integer, default=None)
    dispatch_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    supervise_count: Mapped[int] = mapped_column(Integer, default=0)
    remind_count: Mapped[int] = mapped_column(Integer, default=0)

    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), default=None)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), default=None)
    transferred_from: Mapped[str | None] = mapped_column(String(64), default=None)  # e.g. a 110 alarm number
    triage: Mapped[dict | None] = mapped_column(JSON, default=None)  # the suggestion shown at intake
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

    department: Mapped[Department | None] = relationship(lazy="joined", foreign_keys=[department_code])
    division: Mapped[Division] = relationship(lazy="joined")
    category: Mapped[Category | None] = relationship(lazy="joined")
    assists: Mapped[list[Department]] = relationship(secondary=order_assists, lazy="selectin", order_by=Department.code)
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.seq", lazy="selectin", cascade="save-update, merge"
    )

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    def record(
        self,
        action: str,
        to_status: Status,
        *,
        actor: str,
        actor_role: str,
        at: datetime,
        recorded_at: datetime,
        note: str | None = None,
        data: dict | None = None,
    ) -> OrderEvent:
        """The one place an order's status is written: set it and append the timeline event together."""
        from_status = self.status
        self.status = to_status.value
        self.updated_at = recorded_at
        entry = OrderEvent(
            seq=len(self.events) + 1,
            action=action,
            from_status=from_status,
            to_status=to_status.value,
            actor=actor,
            actor_role=actor_role,
            note=note,
            data=data or {},
            occurred_at=at,
            recorded_at=recorded_at,
        )
        self.events.append(entry)
        return entry


class OrderEvent(Base):
    """Append-only: the ORM refuses updates and deletes, and database triggers back that up."""

    __tablename__ = "order_events"
    __table_args__ = (UniqueConstraint("order_id", "seq", name="uq_order_events_order_id_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    order: Mapped[WorkOrder] = relationship(back_populates="events")


class AppendOnlyViolation(RuntimeError):
    pass


@event.listens_for(OrderEvent, "before_update")
def _refuse_update(_mapper, _connection, target):  # pragma: no cover - guarded by tests
    raise AppendOnlyViolation(f"order event {target.id} is append-only")


@event.listens_for(OrderEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target):  # pragma: no cover - guarded by tests
    raise AppendOnlyViolation(f"order event {target.id} is append-only")
