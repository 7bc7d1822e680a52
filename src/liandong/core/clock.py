"""Time: the only place that reads the wall clock, and strict parsing of timestamps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from liandong.core.errors import ValidationFailed

UTC = timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def parse_aware(value: str, *, field: str = "time") -> datetime:
    """Parse ISO 8601 and insist on an explicit offset: a naive time is ambiguous."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(f"时间不能为空：{field}", field=field)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"时间格式无法识别：{value!r}，请使用 ISO 8601 格式并带时区，例如 2023-09-28T10:00:00+08:00", field=field
        ) from None
    return ensure_aware(parsed, field=field)


# No hotline record predates this; anything earlier is a typo or an attack on the numbering (JC-10101-…).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Clocks of callers and servers differ a little; beyond this a time is "in the future" or "in the past".
CLOCK_SKEW = timedelta(minutes=5)


def ensure_aware(value: datetime, *, field: str = "time") -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValidationFailed(f"时间缺少时区：{value.isoformat()}，请带上时区，例如 +08:00", field=field)
    if value < EARLIEST:
        raise ValidationFailed(f"时间不能早于 2000 年：{value.isoformat()}", field=field)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationFailed(f"时间超出范围：{value.isoformat()}", field=field) from None


def event_time(value: datetime | None, *, now: datetime, may_backdate: bool, field: str = "at") -> datetime:
    """When something happened: a person's action is timed by the server; only the system and integrations
    (which report what happened elsewhere) may give an earlier time; nobody a time in the future."""
    if value is None:
        return now
    when = ensure_aware(value, field=field)
    if when > now + CLOCK_SKEW:
        raise ValidationFailed("时间不能晚于当前时间", field=field)
    if when < now - CLOCK_SKEW and not may_backdate:
        raise ValidationFailed("操作时间由服务器记录，不能指定过去的时间（只有系统和对接系统可以补录）", field=field)
    return when


def local(value: datetime, zone: tzinfo = SHANGHAI) -> datetime:
    return value.astimezone(zone)
