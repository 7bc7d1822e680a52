"""Per-request database sessions: one transaction per write request, committed only on success."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session, SessionTransaction

from liandong.db import session_factory, writer

# Opening a session takes no connection (that happens at its first statement, in the endpoint's thread, after the
# caller is identified), so it is done on the event loop: one thread-pool hop fewer per request than a generator
# run in the pool. Ending it (commit or rollback, the connection handed back) blocks, so that runs in a thread —
# shielded from cancellation and outside the pool's capacity, as FastAPI does for a generator's exit, so an ending
# transaction never waits for a free worker thread while holding a connection.


async def _in_thread(function, *args) -> None:
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(function, *args, limiter=anyio.CapacityLimiter(1))


def _end_write(session: Session, transaction: SessionTransaction, error: BaseException | None) -> None:
    try:
        transaction.__exit__(type(error) if error else None, error, error.__traceback__ if error else None)
    finally:
        session.close()


# session.info: the request's open write transaction, until it is ended (here or by `end_write`).
_OPEN = "liandong.write_transaction"


def end_write(session: Session) -> None:
    """End the request's write transaction now, in the calling thread (commit, connection handed back): for an endpoint
    that does its whole use case in one thread hop, so ending it takes no hop of its own. A failed commit raises here,
    to the endpoint's caller, as it would at the dependency's exit; the dependency then has nothing left to end."""
    _end_write(session, session.info.pop(_OPEN), None)


def _end_read(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


async def write_session(request: Request) -> AsyncIterator[Session]:
    session = session_factory(writer(request.app.state.engine))()
    transaction = session.info[_OPEN] = session.begin().__enter__()  # as `with session.begin():`, ended in _end_write
    try:
        yield session
    except BaseException as error:
        if session.info.pop(_OPEN, None) is not None:
            await _in_thread(_end_write, session, transaction, error)
        raise
    if session.info.pop(_OPEN, None) is not None:
        await _in_thread(_end_write, session, transaction, None)


async def read_session(request: Request) -> AsyncIterator[Session]:
    session = session_factory(request.app.state.engine)()
    try:
        yield session
    finally:
        await _in_thread(_end_read, session)


# "function" scope: the transaction commits when the endpoint returns, before the response is sent,
# so a failed commit is reported to the caller instead of being lost after a 2xx.
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
ReadSession = Annotated[Session, Depends(read_session, scope="function")]
