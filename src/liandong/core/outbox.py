"""Transactional outbox: messages written in the same transaction as the change that caused them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from liandong.db import Base, UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    key: Mapped[str] = mapped_column(String(64))  # idempotency key for the receiver
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


def enqueue(session: Session, *, topic: str, key: str, payload: dict, at: datetime) -> OutboxMessage:
    message = OutboxMessage(topic=topic, key=key, payload=payload, created_at=at, attempts=0)
    session.add(message)
    return message
