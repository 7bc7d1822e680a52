"""Per-request database sessions: one transaction per write request, committed only on success."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from liandong.db import session_factory, writer


def write_session(request: Request) -> Iterator[Session]:
    # The connection (and SQLite's write lock) is taken at the first statement, after the caller is identified.
    session = session_factory(writer(request.app.state.engine))()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def read_session(request: Request) -> Iterator[Session]:
    session = session_factory(request.app.state.engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


# "function" scope: the transaction commits when the endpoint returns, before the response is sent,
# so a failed commit is reported to the caller instead of being lost after a 2xx.
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
ReadSession = Annotated[Session, Depends(read_session, scope="function")]
