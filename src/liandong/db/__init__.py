"""Engine, session factory, declarative base with a naming convention, and a UTC datetime type."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from liandong.config import settings
from liandong.db.turn import WriteTurn, lock_file_for

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Largest value an Integer primary key holds on every backend (PostgreSQL's int4).
MAX_ID = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; SQLite gives them back naive, so re-attach UTC on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; pass an aware datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# How long a SQLite writer waits for its turn, and then in SQLite's own busy handler.
BUSY_SECONDS = 10
_HOLDS = "liandong_write_turn"  # connection.info: the turn this connection's write transaction holds
_TURN = "_liandong_write_turn"  # pool.__dict__: an in-memory database's turn (the database is its engine's alone)
# One turn per database file in this process, whichever engines (and pools: dispose() makes a new one) reach it.
_TURNS: dict[str, WriteTurn] = {}


def _sqlite_pragmas(dbapi_connection, _record):
    # SQLAlchemy, not the sqlite3 module, says when a transaction begins (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.close()


WRITE = {"liandong_write": True}


def _sqlite_begin(connection) -> None:
    """A write unit takes SQLite's write lock up front (BEGIN IMMEDIATE): writers queue instead of two transactions
    reading the same row and failing on upgrade ("database is locked"), and a racing action reads the winner's state.
    Reads stay deferred, so page readers never wait for writers (WAL).

    Writers take their turn first (db.turn: one writer at a time across threads and processes, handed on at once
    when the previous one commits) instead of SQLite's busy handler and its growing sleeps."""
    immediate = connection.get_execution_options().get("liandong_write")
    if immediate:
        turn = _TURNS.get(connection.engine.url.database) or connection.engine.pool.__dict__.get(_TURN)
        if turn is not None and turn.acquire(timeout=BUSY_SECONDS):
            connection.info[_HOLDS] = turn
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _hand_on(connection.info)
            raise
    else:
        connection.exec_driver_sql("BEGIN")


def _hand_on(info: dict) -> None:
    turn = info.pop(_HOLDS, None)
    if turn is not None:
        turn.release()




def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = url or settings().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        lock_file = lock_file_for(database)
        if lock_file is not None:
            _TURNS.setdefault(database, WriteTurn(lock_file))
        else:
            engine.pool.__dict__[_TURN] = WriteTurn(None)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "commit", lambda connection: _hand_on(connection.info))
        event.listen(engine, "rollback", lambda connection: _hand_on(connection.info))
        event.listen(engine.pool, "checkin", lambda _dbapi, record: _hand_on(record.info) if record is not None else None)
        return engine
    if parsed.get_driver_name() == "psycopg":
        _cache_wide_statements()
    engine = create_engine(url, **kwargs)
    event.listen(engine.pool, "checkin", _note_checkin)
    event.listen(engine.pool, "checkout", _ping_if_idle)
    return engine


# psycopg turns a statement's `%(name)s` placeholders into PostgreSQL's `$n` once and caches that, but not for a
# statement with more than 50 parameters (a limit meant for multi-row INSERTs, whose text varies with the row
# count). A new order's one-row INSERT has one parameter per column (the ORM sends every column), so it was parsed
# anew on every creation, ~0.2 ms each. Its text never varies: the limit is raised to cover the widest table.
# psycopg is pinned (pyproject.toml); tests/integration/core/test_pool_ping.py checks the setting still exists.
WIDE_STATEMENT_PARAMS = 64


def _cache_wide_statements() -> None:
    from psycopg import _queries

    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, WIDE_STATEMENT_PARAMS)


# A pooled connection unused for longer than this is tested before it is handed out (the server may have closed
# it, or restarted meanwhile); one in steady use is not, which saves a round trip on every request.
IDLE_PING_SECONDS = 10.0


def _note_checkin(_dbapi, record) -> None:
    if record is not None:
        record.info["liandong_idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    since = record.info.get("liandong_idle_since")
    if since is not None and time.monotonic() - since < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:  # noqa: BLE001 - any failure means: not usable, give me another
        raise DisconnectionError("pooled connection no longer usable") from exc


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    url = url or settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


_FACTORY = "_liandong_session_factory"
_WRITER = "_liandong_writer"


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    """The engine's session factory, made once per engine: a sessionmaker defines a Session subclass, and a new class
    per request costs SQLAlchemy's event set-up for it on every request."""
    engine = engine or get_engine()
    factory = engine.__dict__.get(_FACTORY)
    if factory is None:
        factory = engine.__dict__[_FACTORY] = sessionmaker(bind=engine, expire_on_commit=False)
    return factory


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One use case, one transaction: commit on success, roll back on any error."""
    session = session_factory(writer(engine or get_engine()))()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def writer(engine: Engine) -> Engine:
    """The same engine (and pool) whose transactions are write units (BEGIN IMMEDIATE on SQLite), made once per engine."""
    found = engine.__dict__.get(_WRITER)
    if found is None:
        found = engine.__dict__[_WRITER] = engine.execution_options(**WRITE)
    return found
