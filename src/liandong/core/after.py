"""Bookkeeping deferred until the response has been sent, each piece in its own short write transaction.

A read must not write: when the identity loader notes that a session was seen or a token was used, that mark is
written after the answer has gone out, in a transaction of its own that gives up quickly when another writer holds
the lock (SQLite's write lock, PostgreSQL's audit lock). A mark that could not be written is simply still due, and
the next request of that caller writes it — so nothing a read answers depends on the database being free to write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liandong.db import writer

log = logging.getLogger("liandong.after")
SCOPE_KEY = "liandong.after"
# How long deferred bookkeeping waits for a busy lock before leaving the mark for the caller's next request.
LOCK_WAIT_MS = 500
BUSY_TIMEOUT_MS = 10000  # the engine's ordinary SQLite busy timeout (db._sqlite_pragmas), restored afterwards

Job = Callable[[Session], object]


def short_write(engine: Engine, job: Job, *, wait_ms: int = LOCK_WAIT_MS) -> bool:
    """Run `job(session)` in its own write unit that waits at most `wait_ms` for a lock; False when it gave up."""
    sqlite = engine.dialect.name == "sqlite"
    with writer(engine).connect() as connection:
        raw = connection.connection.driver_connection
        if sqlite:
            raw.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
        try:
            with Session(bind=connection) as session, session.begin():
                if not sqlite:
                    session.execute(text(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'"))
                job(session)
            return True
        except OperationalError as error:
            log.warning("bookkeeping postponed, database busy: %s", type(error.orig).__name__)
            return False
        finally:
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def defer(scope: dict, engine: Engine, job: Job) -> None:
    """Write `job` after this request's response (or at once, in its own transaction, outside a request)."""
    pending = scope.get(SCOPE_KEY)
    if pending is None:
        short_write(engine, job)
    else:
        pending.append((engine, job))


class AfterResponse:
    """A pure ASGI middleware: runs the request's deferred jobs once the response has been sent."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        pending: list = []
        scope[SCOPE_KEY] = pending
        try:
            await self.app(scope, receive, send)
        finally:
            for engine, job in pending:
                try:
                    await run_in_threadpool(short_write, engine, job)
                except Exception:  # noqa: BLE001 - bookkeeping never turns into an error after the answer has gone
                    log.exception("deferred bookkeeping failed")
