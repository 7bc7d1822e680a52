"""Tables: the editable templates and the messages to send (one row per recipient, claimed with leases)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liandong.db import Base, UTCDateTime

STATES = ("pending", "failed", "sent", "dead", "skipped")  # failed = waiting for a retry; sent, dead, skipped are final
STATE_LABELS = {"pending": "待发送", "failed": "重试中", "sent": "已发送", "dead": "发送失败", "skipped": "不发送"}


class NotifyTemplate(Base):
    __tablename__ = "notify_templates"

    event: Mapped[str] = mapped_column(String(32), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_state_due_at", "state", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(96), unique=True)  # idempotency key, also given to the provider
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    order_number: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(20), default=None)  # None: skipped (no number or no consent)
    text: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # next attempt (quiet hours and back-off move it)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    provider: Mapped[str | None] = mapped_column(String(16), default=None)
    receipt: Mapped[str | None] = mapped_column(String(128), default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    fields: Mapped[dict] = mapped_column(JSON, default=dict)  # what the text was made from
