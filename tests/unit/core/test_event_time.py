"""Who may say when something happened: people are timed by the server, integrations may report the past,
nobody the future or before 2000."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from liandong.core.actor import Actor, Role
from liandong.core.clock import event_time
from liandong.core.errors import ValidationFailed

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
PERSON = Actor("zjj", Role.UNIT_HANDLER, "zjj")
INTEGRATION = Actor("token:110", Role.DISPATCHER, token="110", scopes=frozenset())


@pytest.mark.parametrize(
    "actor, value, expected",
    [
        (PERSON, None, NOW),
        (PERSON, NOW - timedelta(minutes=2), NOW - timedelta(minutes=2)),  # clock skew
        (PERSON, NOW - timedelta(days=3), "不能指定过去的时间"),
        (INTEGRATION, NOW - timedelta(days=3), NOW - timedelta(days=3)),
        (Actor("system", Role.SYSTEM), NOW - timedelta(days=30), NOW - timedelta(days=30)),
        (Actor("cli", Role.ADMIN, records_history=True), NOW - timedelta(days=30), NOW - timedelta(days=30)),
        (Actor("admin", Role.ADMIN), NOW - timedelta(days=1), "不能指定过去的时间"),
        (INTEGRATION, NOW + timedelta(hours=1), "不能晚于当前时间"),
        (INTEGRATION, datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))), "不能早于 2000 年"),
        (INTEGRATION, datetime(1999, 12, 31, 23, 59, tzinfo=timezone.utc), "不能早于 2000 年"),
        (INTEGRATION, datetime(2026, 11, 30), "缺少时区"),
    ],
)
def test_event_time(actor, value, expected):
    if isinstance(expected, str):
        with pytest.raises(ValidationFailed, match=expected):
            event_time(value, now=NOW, may_backdate=actor.may_backdate)
    else:
        assert event_time(value, now=NOW, may_backdate=actor.may_backdate) == expected
