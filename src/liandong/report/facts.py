"""One order's history folded into the dated facts every metric reads (pure).

Each fact is the *time* it became true (first dispatch, first late sign-for, acceptance of the reply …), so a
figure can be evaluated as of any moment by comparing times, without replaying the timeline. Some verdicts lie
in the future when they are derived — an unsigned hop's deadline, an open order's reply deadline — and stay true
unless a later event changes them, which makes the order's facts be derived again.

Input records are read by attribute, so ORM rows and the bulk generator's plain rows are folded alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from liandong.core.clock import SHANGHAI

# Statuses whose reply clock runs (the unit has not replied yet): mirrors workorder.lifecycle.REPLY_CLOCK_STATUSES,
# passed in by the caller so this module stays free of the workorder domain.
RETURN_OUTCOMES = frozenset({"returned", "objection_upheld"})
REOPEN_ACTIONS = frozenset({"reopen"})


@dataclass
class Fact:
    order_id: int
    received_at: datetime
    channel: str
    request_type: str
    division_code: str
    town_code: str | None
    category_code: str | None
    unit_code: str | None
    status: str
    reply_due_at: datetime | None = None
    merged_at: datetime | None = None
    invalid_at: datetime | None = None
    withdrawn_at: datetime | None = None  # 撤回: the citizen withdrew the request before a unit signed for it
    direct_answer_at: datetime | None = None
    transferred_at: datetime | None = None
    dispatched_at: datetime | None = None
    sign_ok_at: datetime | None = None
    sign_late_at: datetime | None = None
    accepted_at: datetime | None = None
    accepted_on_time: bool | None = None
    overdue_at: datetime | None = None
    handling_hours: float | None = None
    first_closed_at: datetime | None = None
    closed_at: datetime | None = None
    reopened_at: datetime | None = None
    open_again_at: datetime | None = None
    returned_at: datetime | None = None
    extended_at: datetime | None = None
    repeat_at: datetime | None = None
    callback_due_at: datetime | None = None
    first_reached_at: datetime | None = None
    first_satisfaction: int | None = None
    first_resolved: bool | None = None
    last_reached_at: datetime | None = None
    last_satisfaction: int | None = None
    last_resolved: bool | None = None
    topic_key: str | None = None
    place_key: str | None = None
    caller_key: str | None = None
    settled_at: datetime | None = None

    def settle(self) -> None:
        """Note the latest moment any figure of this order changes: from then on it counts the same at every as-of."""
        self.settled_at = max(t for t in (getattr(self, name) for name in EVENT_TIMES) if t is not None)

    def to_row(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}


FIELDS = tuple(f.name for f in fields(Fact))
# Every time a figure compares with its evaluation moment (reply_due_at, the deadline in force now, is not one).
EVENT_TIMES = (
    "received_at", "merged_at", "invalid_at", "withdrawn_at", "direct_answer_at", "transferred_at", "dispatched_at", "sign_ok_at", "sign_late_at",
    "accepted_at", "overdue_at", "first_closed_at", "closed_at", "reopened_at", "open_again_at", "returned_at", "extended_at",
    "repeat_at", "callback_due_at", "first_reached_at", "last_reached_at",
)


def _first(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


def caller_key(phone: str | None) -> str | None:
    """A one-way key so hotspots count distinct callers without any report holding a number."""
    if not phone:
        return None
    return hashlib.sha256(phone.encode("utf-8")).hexdigest()[:16]


def working_hours(start: datetime, end: datetime, is_workday: Callable[[date], bool]) -> float:
    """Hours of [start, end) that fall on working days of the statutory calendar (Asia/Shanghai days)."""
    if end <= start:
        return 0.0
    total = 0.0
    cursor = start.astimezone(SHANGHAI)
    stop = end.astimezone(SHANGHAI)
    while cursor < stop:
        day_end = datetime.combine(cursor.date() + timedelta(days=1), time(0), tzinfo=SHANGHAI)
        piece_end = min(day_end, stop)
        if is_workday(cursor.date()):
            total += (piece_end - cursor).total_seconds() / 3600
        cursor = piece_end
    return round(total, 3)


def _parse(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _overdue_at(events: Sequence, initial_due: datetime, clock_statuses: frozenset[str]) -> datetime | None:
    """The first moment the order was on the reply clock (no reply in) past the deadline then in force."""
    due = initial_due
    for index, event in enumerate(events):
        data = event.data or {}
        if event.action in ("approve_extension", "reopen") or (event.action == "visit" and "reply_due_at" in data):
            due = _parse(data.get("reply_due_at")) or due
        if event.to_status not in clock_statuses:
            continue
        end = events[index + 1].occurred_at if index + 1 < len(events) else None
        # On the clock from this event until the next one (or from now on): past the deadline from max(start, due).
        moment = max(event.occurred_at, due)
        if end is None or moment < end:
            return moment
    return None


def derive(
    order,
    *,
    hops: Iterable,
    replies: Iterable,
    callbacks: Iterable,
    events: Iterable,
    initial_reply_due: datetime,
    clock_statuses: frozenset[str],
    is_workday: Callable[[date], bool],
    topic_key: str | None = None,
    place_key: str | None = None,
) -> Fact:
    """Fold one order's records into its dated facts."""
    hops = sorted(hops, key=lambda h: h.seq)
    replies = sorted(replies, key=lambda r: r.seq)
    callbacks = sorted(callbacks, key=lambda c: (c.called_at, c.id or 0))
    events = sorted(events, key=lambda e: e.seq)

    def first_event(*actions: str, to_status: str | None = None) -> datetime | None:
        for event in events:
            if event.action in actions and (to_status is None or event.to_status == to_status):
                return event.occurred_at
        return None

    accepted = next((r for r in replies if r.review == "passed"), None)
    replied_unit = accepted.department_code if accepted else (replies[-1].department_code if replies else None)
    unit = replied_unit or order.department_code or (hops[-1].unit_code if hops else None)
    fact = Fact(
        order_id=order.id,
        received_at=order.received_at,
        channel=order.channel,
        request_type=order.request_type,
        division_code=order.division_code,
        town_code=order.town_code,
        category_code=order.category_code,
        unit_code=unit,
        status=order.status,
        reply_due_at=order.reply_due_at,
        topic_key=topic_key,
        place_key=place_key,
        caller_key=caller_key(order.caller_phone),
    )
    fact.merged_at = first_event("merge")
    fact.invalid_at = first_event("mark_invalid")
    fact.withdrawn_at = first_event("withdraw")
    fact.direct_answer_at = first_event("answer_directly")
    fact.transferred_at = first_event("transfer_110")
    fact.extended_at = first_event("approve_extension")
    fact.callback_due_at = first_event("review", to_status="awaiting_callback")

    # Sign-for verdicts, hop by hop: on time when signed by its deadline; late once the deadline passed unsigned
    # while the hop was still waiting (a hop returned or re-routed unsigned before its deadline has no verdict).
    if hops:
        fact.dispatched_at = min(h.dispatched_at for h in hops)
    for hop in hops:
        signed, due, ended = hop.signed_at, hop.sign_due_at, hop.ended_at
        if signed is not None and signed <= due:
            fact.sign_ok_at = _first(fact.sign_ok_at, signed)
        elif ended is None or ended > due or (signed is not None and signed > due):
            fact.sign_late_at = _first(fact.sign_late_at, due)
        if hop.outcome in RETURN_OUTCOMES and ended is not None:
            fact.returned_at = _first(fact.returned_at, ended)

    if accepted is not None:
        fact.accepted_at = accepted.reviewed_at
        reply_event = next((e for e in events if e.action == "reply" and (e.data or {}).get("reply_seq") == accepted.seq), None)
        fact.accepted_on_time = bool((reply_event.data or {}).get("on_time")) if reply_event is not None else None
        if fact.dispatched_at is not None:
            fact.handling_hours = working_hours(fact.dispatched_at, accepted.submitted_at, is_workday)
    fact.overdue_at = _overdue_at(events, initial_reply_due, clock_statuses)

    closes = [e.occurred_at for e in events if e.to_status == "closed" and e.from_status != "closed"]
    fact.first_closed_at = closes[0] if closes else None
    fact.closed_at = order.closed_at if order.status == "closed" else None
    reopens = [e for e in events if e.action in REOPEN_ACTIONS or (e.action == "visit" and e.to_status not in ("closed", "awaiting_callback"))]
    fact.reopened_at = reopens[0].occurred_at if reopens else None
    fact.open_again_at = first_event("reopen")

    repeat = order.received_at if (order.duplicate_of_id is not None and fact.merged_at is None) else None
    fact.repeat_at = _first(repeat, fact.merged_at, first_event("append"))

    reached = [c for c in callbacks if c.outcome == "reached"]
    if reached:
        fact.first_reached_at, fact.first_satisfaction, fact.first_resolved = reached[0].called_at, reached[0].satisfaction, reached[0].resolved
        fact.last_reached_at, fact.last_satisfaction, fact.last_resolved = reached[-1].called_at, reached[-1].satisfaction, reached[-1].resolved
    fact.settle()
    return fact
