"""PostgreSQL connections are tested when they come out of the pool after being idle, so a connection the server
closed meanwhile is replaced instead of failing the request; one in steady use is handed out without a round trip."""

from __future__ import annotations

from sqlalchemy import text

import liandong.db as db


def test_a_connection_closed_by_the_server_is_replaced(postgres_database, monkeypatch):
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    engine = db.make_engine(postgres_database, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        killer = db.make_engine(postgres_database)
        with killer.connect() as other:
            assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one() is True
        killer.dispose()
        with engine.connect() as connection:  # the pool's only connection is dead: tested, dropped, replaced
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(postgres_database, monkeypatch):
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)
    engine = db.make_engine(postgres_database, pool_size=1, max_overflow=0)
    pings = []
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        raw = engine.pool._pool.queue[0].dbapi_connection  # the pooled DBAPI connection
        original = raw.cursor

        def counting_cursor(*args, **kwargs):
            pings.append(1)
            return original(*args, **kwargs)

        raw.cursor = counting_cursor
        for _ in range(5):
            with engine.connect() as connection:
                pass
        assert pings == []
    finally:
        engine.dispose()


def test_psycopg_caches_the_parsing_of_every_table_s_one_row_insert(postgres_database):
    """psycopg caches a statement's placeholder parsing only up to MAX_CACHED_STATEMENT_PARAMS parameters; an engine
    raises it to cover the widest table's one-row INSERT (the order's), so a creation does not parse it anew."""
    from psycopg import _queries
    from psycopg.adapt import Transformer
    from sqlalchemy import insert

    import liandong.app  # noqa: F401 - every model registered on the metadata

    engine = db.make_engine(postgres_database)
    try:
        widest = max(db.Base.metadata.tables.values(), key=lambda table: len(table.columns))
        statement = str(insert(widest).compile(dialect=engine.dialect)).encode()
        assert statement.count(b"%(") == len(widest.columns) <= _queries.MAX_CACHED_STATEMENT_PARAMS
        assert len(statement) <= _queries.MAX_CACHED_STATEMENT_LENGTH
        _queries._query2pg.cache_clear()
        for _ in range(2):
            _queries.PostgresQuery(Transformer()).convert(statement, {column.key: None for column in widest.columns})
        assert _queries._query2pg.cache_info().hits == 1
    finally:
        engine.dispose()
