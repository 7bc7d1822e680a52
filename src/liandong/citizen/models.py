"""A citizen's ticket for a self-service request: the tracking code, where it came from, and the gateway's request id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liandong.core import retention
from liandong.db import Base, UTCDateTime
from liandong.workorder.models import WorkOrder


class CitizenTicket(Base):
    __tablename__ = "citizen_tickets"
    # One order per gateway request id: a gateway that sends the same request twice gets the same order back.
    __table_args__ = (UniqueConstraint("source", "request_id", name="uq_citizen_tickets_source_request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), unique=True)
    # Random, unguessable, readable aloud (citizen/codes.py); with the phone's last four digits it opens the status page.
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    source: Mapped[str] = mapped_column(String(80))  # "public" (the page) or "token:<name>" (a channel gateway)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    request_digest: Mapped[str | None] = mapped_column(String(64), default=None)  # same id, other content → refused
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    order: Mapped[WorkOrder] = relationship(lazy="joined")


retention.keep(CitizenTicket.__table__, order_column="order_id", columns=("latitude", "longitude"), what="市民提交的地图位置")
