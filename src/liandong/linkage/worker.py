"""`liandong worker`: the relay and every registered scheduled task, on APScheduler.

The scheduler only decides when; claims and leases (relay.py) make several workers on several machines safe.
"""

from __future__ import annotations

import functools
import importlib
import logging
import pkgutil
import time
from datetime import datetime, timezone

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError

from liandong.core import taskruns
from liandong.core.clock import now as clock_now
from liandong.core.tasks import registered
from liandong.db import get_engine, unit_of_work
from liandong.linkage import service
from liandong.linkage.relay import Relay, RelayStats

log = logging.getLogger("liandong.worker")
logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: already running" is the point of max_instances


@functools.cache
def _import_domain_tasks() -> None:
    """Each domain's scheduled work lives in its own `tasks.py`; importing it registers its @scheduled functions."""
    import liandong

    for package in pkgutil.iter_modules(liandong.__path__):
        if package.ispkg and package.name != "core":
            try:
                importlib.import_module(f"liandong.{package.name}.tasks")
            except ModuleNotFoundError as error:
                if error.name != f"liandong.{package.name}.tasks":
                    raise


def load_tasks() -> list:
    _import_domain_tasks()
    return registered()


def _now() -> datetime:
    return clock_now()


class Worker:
    def __init__(self, engine=None, *, concurrency: int = 8):
        self.engine = engine or get_engine()
        self.relay = Relay(self.engine, concurrency=concurrency)
        self.totals = RelayStats()
        self.scheduler = None

    def fan_out(self) -> int:
        total = 0
        while True:
            with unit_of_work(self.engine) as session:
                published = service.fan_out(session, now=_now())
            total += published
            if published == 0:
                return total

    def tick(self, budget: float = 2.0) -> RelayStats:
        """Number new messages, then send what is due."""
        self.fan_out()
        stats = self.relay.drain(budget=budget)
        for key in ("sent", "delivered", "failed", "dead", "duplicates"):
            setattr(self.totals, key, getattr(self.totals, key) + getattr(stats, key))
        return stats

    def run_task(self, task) -> dict:
        started_at, started = _now(), time.monotonic()
        try:
            figures = task.run(started_at)
            ok = True
        except Exception:  # noqa: BLE001 - one task failing must not stop the worker; it runs again next time
            log.exception("scheduled task %s failed", task.name)
            figures, ok = {"error": True}, False
        else:
            # A tick that found nothing to do (notify.send runs every second) is not worth a log line.
            level = logging.INFO if any((figures or {}).values()) else logging.DEBUG
            log.log(level, "task %s done in %.2fs: %s", task.name, time.monotonic() - started, figures)
        self._record_run(task, started_at, ok)
        return figures or {}

    def _record_run(self, task, started_at: datetime, ok: bool) -> None:
        """When it ran and when it is next due, for /metrics (worker lag); bookkeeping, so a busy database skips it."""
        try:
            with unit_of_work(self.engine) as session:
                taskruns.finished(session, name=task.name, every=task.every, started=started_at, now=_now(), ok=ok)
        except SQLAlchemyError as error:
            log.warning("run of %s not recorded: %s", task.name, type(error).__name__)

    def announce(self) -> None:
        """Every task this worker runs is due from its start (worker lag in /metrics); bookkeeping, never fatal."""
        try:
            with unit_of_work(self.engine) as session:
                taskruns.announce(session, tasks=[(task.name, task.every) for task in load_tasks()], now=_now())
        except SQLAlchemyError as error:
            log.warning("scheduled tasks not announced: %s", type(error).__name__)

    def once(self, *, tasks: bool = True, budget: float = 30.0) -> dict:
        """Drain what is due now (fan-out and relay), run each scheduled task once, and return the figures."""
        deadline = time.monotonic() + budget
        while time.monotonic() < deadline:
            stats = self.tick(budget=max(0.1, deadline - time.monotonic()))
            if stats.sent == 0:
                break
        figures = {"relay": self.totals.as_dict()}
        if tasks:
            figures["tasks"] = {task.name: self.run_task(task) for task in load_tasks()}
        return figures

    def _jobs(self, scheduler, *, interval: float, tasks: bool = True) -> None:
        scheduler.add_job(self.tick, "interval", seconds=interval, id="linkage.relay", max_instances=1, coalesce=True,
                          next_run_time=_now(), misfire_grace_time=None)
        if not tasks:  # a relay-only worker (`--no-tasks`): other workers run the scheduled work
            return
        self.announce()
        for task in load_tasks():
            scheduler.add_job(self.run_task, "interval", args=[task], seconds=task.every.total_seconds(), id=task.name,
                              max_instances=1, coalesce=True, misfire_grace_time=None)

    def start_background(self, *, interval: float = 0.5) -> BackgroundScheduler:
        """In-process (SQLite `serve` and `demo`): a daemon thread started with the app."""
        self.scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(4)}, timezone=timezone.utc, daemon=True)
        self._jobs(self.scheduler, interval=interval)
        self.scheduler.start()
        return self.scheduler

    def run_forever(self, *, interval: float = 0.5, tasks: bool = True) -> None:
        self.scheduler = BlockingScheduler(executors={"default": ThreadPoolExecutor(4)}, timezone=timezone.utc)
        self._jobs(self.scheduler, interval=interval, tasks=tasks)
        try:
            self.scheduler.start()
        finally:
            self.relay.close()
