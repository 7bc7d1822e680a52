"""Work orders, their dispatch chain, assisting units, replies, callbacks, attachments and the append-only timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from liandong.catalog.models import Category, Department, Division
from liandong.core.actor import Actor
from liandong.db import Base, UTCDateTime
from liandong.workorder import lifecycle
from liandong.workorder.lifecycle import Status


def next_version(current: int | None) -> int:
    """A new order starts at version 2: its number was once written by a second statement after the INSERT, which
    counted as its first change; it is now written with the INSERT, and versions keep their meaning for clients."""
    return 2 if current is None else current + 1


class WorkOrder(Base):
    __tablename__ = "work_orders"
    __table_args__ = (
        Index("ix_work_orders_status_reply_due_at", "status", "reply_due_at"),
        Index("ix_work_orders_department_code_status", "department_code", "status"),
        Index("ix_work_orders_sub_centre_code_status", "sub_centre_code", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    channel: Mapped[str] = mapped_column(String(16))
    caller_name: Mapped[str | None] = mapped_column(String(64), default=None)
    caller_phone: Mapped[str | None] = mapped_column(String(20), default=None, index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # 保密: the handling units never see who called.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # 是否需要回复: a caller who wants no answer is not called back.
    reply_wanted: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    request_type: Mapped[str] = mapped_column(String(16), index=True)
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), default=None)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)  # the county (or the city)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("divisions.code"), default=None)  # 乡镇（街道）
    address: Mapped[str | None] = mapped_column(String(255), default=None)
    # The unit holding the current hop: a city bureau, a county sub-centre, a county bureau or a township.
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None)
    # Who sent the current hop: None is the city 12345 centre, else the county sub-centre.
    sender_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None)
    sub_centre_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None)
    level: Mapped[str] = mapped_column(String(8), default="一般")
    # Written only by WorkOrder.transition() (and at creation).
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
    last_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # when the last timeline entry happened

    reply_text: Mapped[str | None] = mapped_column(Text, default=None)
    # The last reached callback: 1 非常不满意 … 5 非常满意, and whether the caller said the problem was solved.
    satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
    resolved: Mapped[bool | None] = mapped_column(Boolean, default=None)
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)  # in the current callback round
    first_callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    close_reason: Mapped[str | None] = mapped_column(String(24), default=None)
    pending_extension_days: Mapped[int | None] = mapped_column(Integer, default=None)
    objection: Mapped[dict | None] = mapped_column(JSON, default=None)  # the 派单异议 waiting for a decision
    dispatch_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    objection_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    supervise_count: Mapped[int] = mapped_column(Integer, default=0)
    remind_count: Mapped[int] = mapped_column(Integer, default=0)
    append_count: Mapped[int] = mapped_column(Integer, default=0)
    event_count: Mapped[int] = mapped_column(Integer, default=0)

    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), default=None)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), default=None)
    transferred_from: Mapped[str | None] = mapped_column(String(64), default=None)  # e.g. a 110 alarm number
    triage: Mapped[dict | None] = mapped_column(JSON, default=None)  # the suggestion shown at intake
    handle_on: Mapped[date | None] = mapped_column(Date, default=None, index=True)  # 周末集中处置: the day set for it (grid)
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": next_version}

    department: Mapped[Department | None] = relationship(lazy="joined", foreign_keys=[department_code])
    division: Mapped[Division] = relationship(lazy="joined", foreign_keys=[division_code])
    town: Mapped[Division | None] = relationship(lazy="joined", foreign_keys=[town_code])
    category: Mapped[Category | None] = relationship(lazy="joined")
    assist_links: Mapped[list[OrderAssist]] = relationship(
        lazy="selectin", order_by="OrderAssist.department_code", cascade="all, delete-orphan"
    )
    # Loaded only where a page or read needs them (the order page, `orders show`), never for lists.
    events: Mapped[list[OrderEvent]] = relationship(order_by="OrderEvent.seq", lazy="select", viewonly=True)
    hops: Mapped[list[OrderHop]] = relationship(order_by="OrderHop.seq", lazy="select", viewonly=True)
    replies: Mapped[list[OrderReply]] = relationship(order_by="OrderReply.seq", lazy="select", viewonly=True)
    callbacks: Mapped[list[OrderCallback]] = relationship(order_by="OrderCallback.id", lazy="select", viewonly=True)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def assists(self) -> list[Department]:
        return [link.department for link in self.assist_links]

    @property
    def assist_codes(self) -> frozenset[str]:
        return frozenset(link.department_code for link in self.assist_links)

    def transition(
        self,
        action: lifecycle.Action,
        *,
        actor: Actor,
        facts: lifecycle.OrderFacts,
        inputs: dict,
        at: datetime,
        recorded_at: datetime,
        note: str | None = None,
        effect: Callable[[WorkOrder, lifecycle.Decision], dict | None] | None = None,
    ) -> tuple[lifecycle.Decision, OrderEvent]:
        """The one place an order's status changes: the table decides, the effect applies, the timeline records."""
        if facts.status.value != self.status:
            raise RuntimeError("order facts are stale")  # a programming error, never a user's
        decision = lifecycle.decide(facts, actor, action, inputs)
        data = (effect(self, decision) if effect else None) or {}
        entry = self.append_event(
            action.value, to_status=decision.target.value, actor=actor.name, actor_role=actor.role.value,
            at=at, recorded_at=recorded_at, note=note, data=data,
        )
        self.status = decision.target.value
        self.updated_at = recorded_at
        return decision, entry

    def append_event(self, action: str, **fields) -> OrderEvent:
        """Add one entry to the timeline without loading it (lists and bulk actions stay cheap)."""
        entry = self.next_event(action, **fields)
        object_session(self).add(entry)
        return entry

    def next_event(
        self,
        action: str,
        *,
        to_status: str,
        actor: str,
        actor_role: str,
        at: datetime,
        recorded_at: datetime,
        note: str | None = None,
        data: dict | None = None,
    ) -> OrderEvent:
        """The timeline's next entry, counted on the order, for the caller to add (a new order: after its INSERT)."""
        self.event_count = (self.event_count or 0) + 1
        self.last_action_at = at if self.last_action_at is None else max(self.last_action_at, at)
        entry = OrderEvent(
            order_id=self.id,
            seq=self.event_count,
            action=action,
            from_status=self.status,
            to_status=to_status,
            actor=actor,
            actor_role=actor_role,
            note=note,
            data=data or {},
            occurred_at=at,
            recorded_at=recorded_at,
        )
        return entry


class OrderAssist(Base):
    """协办单位: sees the order, adds its 协办意见 on the timeline; the main unit replies for all."""

    __tablename__ = "order_assists"

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"), primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), primary_key=True, index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    assigned_by: Mapped[str | None] = mapped_column(String(64), default=None)

    department: Mapped[Department] = relationship(lazy="joined")


class OrderHop(Base):
    """One hop of the dispatch chain (city → sub-centre → township …), with its own sign-for clock."""

    __tablename__ = "order_hops"
    __table_args__ = (UniqueConstraint("order_id", "seq", name="uq_order_hops_order_id_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sender_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None)  # None: the city centre
    unit_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    note: Mapped[str | None] = mapped_column(Text, default=None)  # 派单意见
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_by: Mapped[str] = mapped_column(String(64))
    sign_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sign_yellow_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    outcome: Mapped[str | None] = mapped_column(String(24), default=None)  # forwarded / returned / objected / redispatched / …

    unit: Mapped[Department] = relationship(lazy="joined", foreign_keys=[unit_code])


class OrderReply(Base):
    """办理结果 as a record: what was done, who answered, whether the caller was contacted; reviewed by 12345."""

    __tablename__ = "order_replies"
    __table_args__ = (UniqueConstraint("order_id", "seq", name="uq_order_replies_order_id_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    result: Mapped[str] = mapped_column(String(16))  # core.vocabulary.REPLY_RESULTS
    text: Mapped[str] = mapped_column(Text)  # 处理经过与答复内容
    handler_name: Mapped[str] = mapped_column(String(64))
    handler_phone: Mapped[str] = mapped_column(String(20))
    contacted: Mapped[bool] = mapped_column(Boolean, default=False)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str] = mapped_column(String(64))
    review: Mapped[str] = mapped_column(String(16), default="pending")  # pending / passed / returned
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reviewed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    review_note: Mapped[str | None] = mapped_column(Text, default=None)
    findings: Mapped[list | None] = mapped_column(JSON, default=None)  # the automatic reply check shown to the reviewer

    department: Mapped[Department] = relationship(lazy="joined")


class OrderCallback(Base):
    """One callback attempt (回访): its outcome, and for a reached caller the satisfaction and "was it solved"."""

    __tablename__ = "order_callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)  # 1 for the first reply, +1 after each reopen
    attempt: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))  # core.vocabulary.CALLBACK_OUTCOMES
    satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
    resolved: Mapped[bool | None] = mapped_column(Boolean, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    called_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_by: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None)  # the unit judged


class OrderAttachment(Base):
    """Files stored with the order, so a backup or a transaction covers both."""

    __tablename__ = "order_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Loaded only when the file itself is downloaded, never for lists.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What it documents: a reply, an objection (evidence), or the order in general.
    purpose: Mapped[str | None] = mapped_column(String(16), default=None)


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


class AppendOnlyViolation(RuntimeError):
    pass


@event.listens_for(OrderEvent, "before_update")
def _refuse_update(_mapper, _connection, target):  # pragma: no cover - guarded by tests
    raise AppendOnlyViolation(f"order event {target.id} is append-only")


@event.listens_for(OrderEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target):  # pragma: no cover - guarded by tests
    raise AppendOnlyViolation(f"order event {target.id} is append-only")
