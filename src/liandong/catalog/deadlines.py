"""Deadline policy and the pure functions that turn (start, policy, calendar) into due times and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from liandong.catalog.calendar import WorkingCalendar
from liandong.core.vocabulary import REQUEST_TYPES as _REQUEST_TYPES

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)

REQUEST_TYPES = _REQUEST_TYPES.codes


class Warning(StrEnum):
    NONE = "none"  # closed or otherwise not running against a deadline
    NORMAL = "normal"
    YELLOW = "yellow"
    RED = "red"


WARNING_LABELS = {
    Warning.NONE: "无",
    Warning.NORMAL: "正常",
    Warning.YELLOW: "黄色预警",
    Warning.RED: "红色预警（已超期）",
}


@dataclass(frozen=True)
class DeadlinePolicy:
    sign_days: int = 1
    reply_days: dict[str, int] = field(
        default_factory=lambda: {"consult": 1, "help": 3, "complaint": 5, "report": 10, "suggestion": 10}
    )
    extension_default_days: int = 5
    extension_max_days: int = 30
    yellow_fraction: float = 0.25
    # 回访: how many unanswered attempts, over at least how many hours, before 回访不成功 closes the order.
    callback_max_attempts: int = 3
    callback_window_hours: int = 24
    # 自动催办: an overdue hop is reminded by the worker every N hours, at most M times for one deadline (0: never).
    remind_every_hours: int = 24
    remind_max: int = 3

    def reply_days_for(self, request_type: str) -> int:
        return self.reply_days[request_type]


def due_after_working_days(start: datetime, days: int, calendar: WorkingCalendar, zone=SHANGHAI) -> datetime:
    """End (23:59:59 local) of the N-th working day after the local day of `start`."""
    local_day = start.astimezone(zone).date()
    due_day = calendar.add_working_days(local_day, days)
    return datetime.combine(due_day, END_OF_DAY, tzinfo=zone)


def extend_due(due: datetime, days: int, calendar: WorkingCalendar, zone=SHANGHAI) -> datetime:
    """Move a due time on by N working days (an approved extension)."""
    return due_after_working_days(due, days, calendar, zone)


def yellow_at(start: datetime, due: datetime, fraction: float) -> datetime:
    """From this moment less than `fraction` of the allowed time (start → due) is left."""
    return due - (due - start) * fraction


def warning_level(now: datetime, yellow: datetime, due: datetime) -> Warning:
    """Red once overdue; yellow from `yellow` on; normal before."""
    if now > due:
        return Warning.RED
    if now >= yellow:
        return Warning.YELLOW
    return Warning.NORMAL


def worst(*levels: Warning) -> Warning:
    order = [Warning.NONE, Warning.NORMAL, Warning.YELLOW, Warning.RED]
    return max(levels, key=order.index) if levels else Warning.NONE
