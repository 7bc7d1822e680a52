"""Linkage tables: peers, deliveries per message per destination, the inbox, links between orders, refusals, nonces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liandong.db import Base, UTCDateTime

DELIVERY_STATES = ("pending", "failed", "delivered", "dead")
DELIVERY_LABELS = {"pending": "待发送", "failed": "发送失败待重试", "delivered": "已送达", "dead": "死信（需人工重试）"}


class Peer(Base):
    """Another platform this one exchanges messages with, and the secret both sides sign with."""

    __tablename__ = "link_peers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # the name it signs as, and we sign to
    platform: Mapped[str] = mapped_column(String(8))  # 12345 | 110 | 119 | 120 | 122
    url: Mapped[str] = mapped_column(String(512))
    secret: Mapped[str] = mapped_column(String(256))
    division_code: Mapped[str | None] = mapped_column(String(12), default=None)  # the area it serves (county → city routing)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One message to one destination: its state, attempts, and the lease of the worker sending it."""

    __tablename__ = "link_deliveries"
    __table_args__ = (
        UniqueConstraint("peer_name", "conversation", "seq", name="uq_link_deliveries_stream"),
        Index("ix_link_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    peer_name: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    conversation: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    message: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)  # answers "already applied": an earlier send's answer was lost
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class InboxEntry(Base):
    """A message this platform applied (or recorded): the idempotency key that drops duplicates."""

    __tablename__ = "link_inbox"
    __table_args__ = (
        UniqueConstraint("peer_name", "message_id", name="uq_link_inbox_message"),
        UniqueConstraint("peer_name", "conversation", "seq", name="uq_link_inbox_stream"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_name: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    conversation: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(Integer, default=None)
    outcome: Mapped[str] = mapped_column(String(16))  # applied | recorded (valid, but nothing to change)
    detail: Mapped[str | None] = mapped_column(Text, default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderLink(Base):
    """A local order and the order on a peer it was transferred to (out) or from (in), with what the peer reported."""

    __tablename__ = "link_orders"
    __table_args__ = (UniqueConstraint("order_id", "peer_name", name="uq_link_orders_order_peer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    peer_name: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(4))  # out | in
    conversation: Mapped[str] = mapped_column(String(32), index=True)
    remote_number: Mapped[str | None] = mapped_column(String(32), default=None)
    remote_status: Mapped[str | None] = mapped_column(String(32), default=None)
    remote_status_label: Mapped[str | None] = mapped_column(String(32), default=None)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sign_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # 签收
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    return_reason: Mapped[str | None] = mapped_column(Text, default=None)
    linked_order_number: Mapped[str | None] = mapped_column(String(32), default=None)  # 较大及以上：联动的另一张工单
    negotiation: Mapped[dict | None] = mapped_column(JSON, default=None)


class Refusal(Base):
    """A message refused at the door (malformed, unknown version, unsigned, replayed …): recorded, nothing changed."""

    __tablename__ = "link_refusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    peer_name: Mapped[str | None] = mapped_column(String(64), default=None)
    remote_addr: Mapped[str | None] = mapped_column(String(64), default=None)
    code: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    excerpt: Mapped[str | None] = mapped_column(Text, default=None)


class SeenNonce(Base):
    __tablename__ = "link_nonces"
    __table_args__ = (UniqueConstraint("peer_name", "nonce", name="uq_link_nonces_peer_nonce"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_name: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PeerTransferList(Base):
    """A version of a peer's 分流转办清单 (the items it hands over and takes on), as the peer published it to us."""

    __tablename__ = "link_transfer_lists"
    __table_args__ = (UniqueConstraint("peer_name", "version", name="uq_link_transfer_lists_peer_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_name: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)  # by the peer
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    items: Mapped[list] = mapped_column(JSON)
