"""The ledger rows imported as orders: each row's identity (so a file imported twice adds nothing) and what the ledger said."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liandong.db import Base, UTCDateTime
from liandong.grid import ledger
from liandong.workorder.models import WorkOrder


class LedgerItem(Base):
    __tablename__ = "grid_ledger_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_key: Mapped[str] = mapped_column(String(64), unique=True)  # ledger.row_key: grid + date + place + problem
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), unique=True)
    patrol_date: Mapped[date] = mapped_column(Date, index=True)
    grid: Mapped[str] = mapped_column(String(ledger.MAX_GRID), index=True)
    place: Mapped[str] = mapped_column(String(ledger.MAX_PLACE))
    problem: Mapped[str] = mapped_column(Text)
    resident_request: Mapped[str | None] = mapped_column(Text, default=None)
    photos: Mapped[list] = mapped_column(JSON, default=list)
    worker: Mapped[str] = mapped_column(String(ledger.MAX_WORKER))
    on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("divisions.code"), default=None, index=True)
    source_file: Mapped[str] = mapped_column(String(255))
    source_row: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(64))

    order: Mapped[WorkOrder] = relationship(lazy="joined")
