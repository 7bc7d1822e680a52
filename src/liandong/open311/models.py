"""What an Open311 partner sent beyond the order itself: the map point and media link, and its updates (idempotent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liandong.core import retention
from liandong.db import Base, UTCDateTime


class Open311Request(Base):
    """One order created through POST requests: which partner (its API token), the WGS84 point, the media URL."""

    __tablename__ = "open311_requests"

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)  # the token's name
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    media_url: Mapped[str | None] = mapped_column(String(500), default=None)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Open311Update(Base):
    """A partner's POST servicerequestupdates, kept so the same update_id sent twice is applied once."""

    __tablename__ = "open311_updates"
    __table_args__ = (UniqueConstraint("client", "update_ref", name="uq_open311_updates_client_update_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    update_ref: Mapped[str] = mapped_column(String(64))  # the partner's update_id
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("order_events.id"))
    status: Mapped[str] = mapped_column(String(32))  # the status the partner reported (OPEN, CLOSED …)
    client_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


retention.keep(Open311Request.__table__, order_column="order_id", columns=("latitude", "longitude", "media_url"),
               what="合作系统提交的地图位置和照片链接")
