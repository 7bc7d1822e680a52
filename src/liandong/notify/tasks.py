"""Notifications' scheduled work: send what is due (every second) and raise 派单延时 messages (every minute)."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from liandong.config import settings
from liandong.core.clock import now as clock_now
from liandong.core.tasks import scheduled
from liandong.db import get_engine, unit_of_work
from liandong.notify import service
from liandong.notify.providers import from_settings


@functools.cache
def _sender(url: str, notifier: str, path: str) -> service.Sender:
    # One provider per process and configuration: the file notifier remembers the keys it has seen.
    return service.Sender(get_engine(url), from_settings(settings()))


def sender() -> service.Sender:
    config = settings()
    return _sender(config.database_url, config.notifier, str(config.notify_file))


@scheduled("notify.send", every=timedelta(seconds=1), description="发送到期的市民短信通知（免打扰时段顺延，失败退避重试）")
def send_due(now: datetime) -> dict:
    # `now` is when the tick began; each claim and record reads the clock again (a batch may take a while).
    return sender().drain(now_fn=clock_now, budget=10.0).as_dict()


@scheduled("notify.sign_overdue", every=timedelta(minutes=1), description="派单超过签收时限仍未签收：通知来电人")
def sign_overdue(now: datetime) -> dict:
    with unit_of_work() as session:
        return {"raised": service.raise_sign_overdue(session, now=now)}
