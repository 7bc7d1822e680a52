"""Scheduled account housekeeping: old log-in counters and ended sessions do not pile up."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from liandong.account import throttle
from liandong.account.models import UserSession
from liandong.core.tasks import scheduled
from liandong.db import unit_of_work

# Ended sessions are kept a while as evidence (who was logged in when), then dropped.
KEEP_ENDED_SESSIONS = timedelta(days=90)


@scheduled("account.purge", every=timedelta(hours=1), description="清理过期的登录计数与已结束的会话")
def purge(now: datetime) -> dict:
    with unit_of_work() as session:
        counters = throttle.purge(session, now=now)
        ended = session.execute(delete(UserSession).where(UserSession.expires_at < now - KEEP_ENDED_SESSIONS)).rowcount or 0
    return {"counters": counters, "sessions": ended}
