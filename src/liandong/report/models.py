"""Report tables: one derived fact row per order (the rollup every figure reads), frozen period snapshots,
hotspots found in the stream of orders, 110 incident records for 融合研判, and the refresh watermark."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from liandong.db import Base, UTCDateTime
from liandong.workorder.lifecycle import OPEN_STATUSES
from liandong.workorder.models import WorkOrder

# Open orders, as literal SQL: a partial index is used only when the query states its condition the same way
# (SQLite cannot match bound parameters against it).
OPEN_ORDERS = text("status IN (" + ", ".join(f"'{s.value}'" for s in sorted(OPEN_STATUSES, key=lambda s: s.value)) + ")")
# The dashboard's live counts read this index only: open orders with every clock they compare.
OPEN_CLOCKS_INDEX = Index(
    "ix_work_orders_open_clocks", WorkOrder.status, WorkOrder.reply_due_at, WorkOrder.sign_due_at, WorkOrder.reply_yellow_at,
    WorkOrder.sign_yellow_at, postgresql_where=OPEN_ORDERS, sqlite_where=OPEN_ORDERS,
)


class OrderFact(Base):
    """What the metrics need of one order, with the time each fact became true, so any figure can be read as of a time.

    Derived from the order's hops, replies, callbacks and timeline by `report.facts.derive` — never written by hand.
    """

    __tablename__ = "report_order_facts"
    __table_args__ = (
        # The cohort range scan; with settled_at, the rows of a cohort still moving at an as-of in the past.
        Index("ix_report_order_facts_received_at_settled_at", "received_at", "settled_at"),
        Index("ix_report_order_facts_topic_key_place_key_received_at", "topic_key", "place_key", "received_at"),
        # The recurring problems of a period (每月一题: per topic, places, callers, repeats, dissatisfaction) read this
        # index alone: every column they need is in it, so a month of a city is an index-only range scan.
        Index("ix_report_order_facts_problems", "received_at", "topic_key", "place_key", "caller_key", "merged_at", "invalid_at",
              "repeat_at", "reopened_at", "first_reached_at", "last_reached_at", "first_satisfaction", "last_satisfaction", "order_id"),
        # The few rows not yet in the daily rollup (recent and still moving), read on every as-of-now request.
        Index("ix_report_order_facts_unrolled", "received_at", "settled_at", postgresql_where=text("NOT rolled"), sqlite_where=text("NOT rolled")),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    request_type: Mapped[str] = mapped_column(String(16))
    division_code: Mapped[str] = mapped_column(String(12))  # the county (or the city when unknown)
    town_code: Mapped[str | None] = mapped_column(String(12), default=None)
    category_code: Mapped[str | None] = mapped_column(String(16), default=None)
    unit_code: Mapped[str | None] = mapped_column(String(32), default=None)  # the main unit that replied, else the current one
    status: Mapped[str] = mapped_column(String(24))
    reply_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # in force now (extensions included)

    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    invalid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    direct_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # first dispatch
    # 按时签收: the first moment a hop's sign-for was judged on time, and the first moment one was judged late.
    sign_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    sign_late_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # 按时办结: when the first reply 12345 accepted was accepted, whether it came in time, and when the order first ran
    # past its reply deadline with no reply in.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    accepted_on_time: Mapped[bool | None] = mapped_column(Boolean, default=None)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    handling_hours: Mapped[float | None] = mapped_column(Float, default=None)  # working hours, first dispatch → accepted reply
    first_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # the last close, None while reopened
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # first 重办 (after a callback or a close)
    open_again_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # first reopen of a closed order
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # first 退单
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # first approved extension
    repeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # marked duplicate or appended
    callback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # first reached the callback stage
    first_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    first_satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
    first_resolved: Mapped[bool | None] = mapped_column(Boolean, default=None)
    last_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
    last_resolved: Mapped[bool | None] = mapped_column(Boolean, default=None)

    # For 民意热点: what it is about and where, as extracted from the text; a one-way key of the caller's number.
    topic_key: Mapped[str | None] = mapped_column(String(48), default=None)
    place_key: Mapped[str | None] = mapped_column(String(64), default=None)
    caller_key: Mapped[str | None] = mapped_column(String(16), default=None)

    # The latest of the dated facts (`facts.EVENT_TIMES`): from then on the order counts the same at every as-of, so
    # once that moment has passed its figures can be summed into `report_daily_figures` (then `rolled`).
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    rolled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# The additive measures of one group of orders (numerators, denominators, sums and counts), as the metrics' SQL labels them.
MEASURES = (
    "received", "merged", "invalid", "withdrawn", "dispatched",
    "direct_answer_rate__n", "direct_answer_rate__d", "response_rate__n", "response_rate__d",
    "on_time_reply_rate__n", "on_time_reply_rate__d", "completion_rate__n", "completion_rate__d",
    "callback_rate__n", "callback_rate__d", "resolution_rate__n", "resolution_rate__d",
    "satisfaction_rate__n", "satisfaction_rate__d", "return_rate__n", "return_rate__d",
    "reopen_rate__n", "reopen_rate__d", "extension_rate__n", "extension_rate__d", "repeat_rate__n",
    "satisfaction_score__s", "satisfaction_score__c", "avg_handling_hours__s", "avg_handling_hours__c",
)
# The groupings the daily rollup keeps (each order counts once in each): "all" for the overall figures and the trend.
DIMENSIONS = ("all", "department", "division", "category", "channel", "type")


class DailyFigures(Base):
    """The settled orders' measures per local day of receipt and one grouping key — the rollup "as of now" reads.

    A row holds the sums over the orders of that day and key whose facts are `rolled`, each counted as it stands at
    any moment after its `settled_at`. Maintained only by `report.rollup` (adding newly settled orders, taking out
    an order whose facts are derived again), never by hand; `liandong report refresh --rebuild` makes it again.
    """

    __tablename__ = "report_daily_figures"
    __table_args__ = (UniqueConstraint("dimension", "day", "key", name="uq_report_daily_figures_dimension_day_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)  # Asia/Shanghai date of receipt
    key: Mapped[str] = mapped_column(String(32))  # the unit, county, level-3 category, channel or type; "" for none
    received: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    dispatched: Mapped[int] = mapped_column(Integer, default=0)
    direct_answer_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    direct_answer_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    response_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    response_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    on_time_reply_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    on_time_reply_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    completion_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    completion_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    callback_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    callback_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    resolution_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    resolution_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    return_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    return_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    reopen_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    reopen_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    extension_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    extension_rate__d: Mapped[int] = mapped_column(Integer, default=0)
    repeat_rate__n: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_score__s: Mapped[int] = mapped_column(Integer, default=0)  # sum of the last reached ratings (1–5)
    satisfaction_score__c: Mapped[int] = mapped_column(Integer, default=0)
    avg_handling_hours__s: Mapped[int] = mapped_column(BigInteger, default=0)  # thousandths of a working hour
    avg_handling_hours__c: Mapped[int] = mapped_column(Integer, default=0)


class ReportState(Base):
    """Small named counters: how far the fact rollup has read the timeline."""

    __tablename__ = "report_state"

    key: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportSnapshot(Base):
    """A closed period's figures frozen with the definitions' version; a recompute adds a new revision."""

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("period", "revision", name="uq_report_snapshots_period_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(16), index=True)  # 2023-10 / 2023-Q4
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)  # exclusive
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    definitions_version: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(128))
    figures: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class Hotspot(Base):
    """民意热点: requests on one topic at one place within hours to days, raised to supervisors."""

    __tablename__ = "report_hotspots"
    __table_args__ = (Index("ix_report_hotspots_topic_key_place_key", "topic_key", "place_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_key: Mapped[str] = mapped_column(String(48))
    topic: Mapped[str] = mapped_column(String(128))
    place_key: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(128))
    division_code: Mapped[str | None] = mapped_column(String(12), default=None)
    town_code: Mapped[str | None] = mapped_column(String(12), default=None)
    order_ids: Mapped[list] = mapped_column(JSON)
    size: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float, default=0.0)  # the background count the window would have had
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open / merged / supervised / dismissed
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(64), default=None)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class PoliceIncident(Base):
    """One 110 incident record (imported or received through the linkage), without the caller: time, place, type, summary."""

    __tablename__ = "police_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)  # 警情编号
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(255))
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("divisions.code"), default=None)
    incident_type: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    topic_key: Mapped[str | None] = mapped_column(String(48), default=None)
    place_key: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    source: Mapped[str] = mapped_column(String(16))  # file / linkage
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(64))
