"""Which order event notifies whom, and when a message may go out (quiet hours). Pure: standard library and core only.

The workorder service calls `event_for` on every transition through its one hook; an answer other than None is
written to the outbox in the same transaction. Everything else (who may receive it, the text) is decided later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Event(StrEnum):
    ACCEPTED = "accepted"  # 受理
    SIGN_OVERDUE = "sign_overdue"  # 派单后超过签收时限仍未签收
    REPLIED = "replied"  # 答复经 12345 审核通过
    CALLBACK = "callback"  # 回访完成
    CLOSED = "closed"  # 办结


class Recipient(StrEnum):
    CALLER = "caller"  # the citizen who asked, on the number they gave


EVENT_LABELS: dict[Event, str] = {
    Event.ACCEPTED: "受理通知",
    Event.SIGN_OVERDUE: "派单延时通知",
    Event.REPLIED: "答复通知",
    Event.CALLBACK: "回访通知",
    Event.CLOSED: "办结通知",
}


@dataclass(frozen=True)
class Trigger:
    """One timeline entry as the rules see it: the action (or record) and the statuses around it."""

    action: str
    from_status: str | None
    to_status: str
    outcome: str | None = None  # 回访结果 (reached, unreachable, …) for a callback attempt


@dataclass(frozen=True)
class Rule:
    event: Event
    actions: frozenset[str]
    recipients: tuple[Recipient, ...]
    to_status: frozenset[str] | None = None  # only when the entry leads here
    outcome: str | None = None  # only this 回访结果
    urgent: bool = False  # sent in quiet hours too


CLOSED_STATUS = "closed"
INVALID_ACTIONS = frozenset({"mark_invalid", "merge", "transfer_110"})  # closures that are not 办结 for the caller

# First match wins: a callback that closes the order is one 办结 message, not two.
RULES: tuple[Rule, ...] = (
    Rule(Event.ACCEPTED, frozenset({"create"}), (Recipient.CALLER,)),
    Rule(Event.CLOSED, frozenset({"visit", "close", "review", "answer_directly", "link_complete", "peer_complete"}),
         (Recipient.CALLER,), to_status=frozenset({CLOSED_STATUS})),
    Rule(Event.REPLIED, frozenset({"review"}), (Recipient.CALLER,), to_status=frozenset({"awaiting_callback"})),
    Rule(Event.CALLBACK, frozenset({"visit"}), (Recipient.CALLER,), outcome="reached"),
    # Raised by the scheduled check, not by a transition: listed so that the table names every event.
    Rule(Event.SIGN_OVERDUE, frozenset({"sign_overdue"}), (Recipient.CALLER,)),
)

# Orders at these levels notify at any hour (an emergency the caller is waiting on).
URGENT_LEVELS = frozenset({"重大", "特别重大"})


def rule_for(trigger: Trigger) -> Rule | None:
    """The rule an entry matches, or None (most entries notify nobody)."""
    for rule in RULES:
        if trigger.action not in rule.actions:
            continue
        if rule.to_status is not None and trigger.to_status not in rule.to_status:
            continue
        if rule.outcome is not None and trigger.outcome != rule.outcome:
            continue
        if trigger.from_status == CLOSED_STATUS and trigger.to_status == CLOSED_STATUS:
            continue  # a note on a closed order closes nothing
        return rule
    return None


def event_for(trigger: Trigger) -> Event | None:
    rule = rule_for(trigger)
    return rule.event if rule else None


def is_urgent(rule: Rule, *, level: str | None) -> bool:
    return rule.urgent or (level in URGENT_LEVELS)


def may_notify_caller(*, phone: str | None, anonymous: bool, consented: bool) -> bool:
    """Only a caller who left a number, is not anonymous and agreed to be contacted (是否需要回复 / the citizen's choice)."""
    return bool(phone) and not anonymous and consented


# ---------------------------------------------------------------- quiet hours


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str | None) -> QuietHours | None:
        """'22:00-08:00' → QuietHours; '' or None → no quiet period."""
        text = (text or "").strip()
        if not text:
            return None
        first, _, second = text.partition("-")
        start, end = time.fromisoformat(first.strip()), time.fromisoformat(second.strip())
        if start == end:
            raise ValueError("quiet hours start and end must differ")
        return cls(start, end)

    def contains(self, moment: time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # across midnight


def due_at(moment: datetime, *, quiet: QuietHours | None, urgent: bool, tz: ZoneInfo = SHANGHAI) -> datetime:
    """When a message created at `moment` may be sent: now, or the end of the quiet period it falls in."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    if urgent or quiet is None:
        return moment
    local = moment.astimezone(tz)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return moment
    end = datetime.combine(local.date(), quiet.end, tzinfo=tz)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(moment.tzinfo)


def backoff_delay(failures: int, *, base: float, cap: float, rand: float) -> float:
    """Seconds before the next attempt after `failures` failures: doubling, capped, half of it random (rand in [0, 1))."""
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    return ceiling / 2 + rand * ceiling / 2


# ---------------------------------------------------------------- what the outbox carries

TOPIC = "notify.order"  # not "order.…": the linkage relay takes those


def outbox_key(order_number: str, seq: int | str, event: Event) -> str:
    """One message per order event: the key the provider sees (with the recipient appended) and dedups on."""
    return f"notify:{order_number}:{seq}:{event.value}"


def notification_key(outbox_key_: str, recipient: Recipient) -> str:
    return f"{outbox_key_}:{recipient.value}"


def outbox_payload(*, order_id: int, order_number: str, event: Event, seq: int | str, at: datetime,
                   department_code: str | None, level: str | None) -> dict:
    return {"order_id": order_id, "order_number": order_number, "event": event.value, "seq": seq, "at": at.isoformat(),
            "department_code": department_code, "level": level}
