"""Time: the only place that reads the wall clock, and strict parsing of timestamps."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
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


def ensure_aware(value: datetime, *, field: str = "time") -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValidationFailed(f"时间缺少时区：{value.isoformat()}，请带上时区，例如 +08:00", field=field)
    return value.astimezone(UTC)


def local(value: datetime, zone: tzinfo = SHANGHAI) -> datetime:
    return value.astimezone(zone)
