"""Shared fixtures: a migrated database per backend (SQLite always, PostgreSQL when configured), a savepoint per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from liandong.core.clock import SHANGHAI

POSTGRES_URL = os.environ.get("LIANDONG_TEST_POSTGRES_URL")
SEEDS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def local(*args: int) -> datetime:
    """A Shanghai wall-clock time, as operators think of it."""
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test session."""
    if not POSTGRES_URL:
        pytest.skip("LIANDONG_TEST_POSTGRES_URL is not set")
    base = make_url(POSTGRES_URL)
    name = f"liandong_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        from liandong.db import _engines

        for url in [u for u in _engines if name in u]:
            _engines.pop(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'liandong.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="session")
def engine(database_url):
    from liandong.db import get_engine
    from liandong.db.migrate import upgrade

    upgrade(url=database_url)
    return get_engine(database_url)


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """Each test runs in a transaction that is rolled back; service commits become savepoints."""
    connection = engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def fresh_sqlite_url(tmp_path) -> str:
    """An empty SQLite file for tests that migrate or commit for real."""
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@pytest.fixture
def run_cli(fresh_sqlite_url, capsys, monkeypatch, tmp_path):
    """The real `liandong` command against a fresh SQLite file: run(*args) → (exit code, stdout, stderr)."""
    from liandong.cli import main
    from liandong.config import configure, settings

    monkeypatch.setenv("LIANDONG_VAR_DIR", str(tmp_path / "var"))
    previous = settings()

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main(["--db", fresh_sqlite_url, *args])
            code = 0
        except SystemExit as exit_:
            code = exit_.code or 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    configure(**previous.model_dump(exclude_unset=True))
