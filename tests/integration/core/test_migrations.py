"""Models and migrations never drift; migrations go down and up again on every backend."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from liandong.db import get_engine
from liandong.migrate import alembic_config, upgrade


def _with_connection(url, fn):
    config = alembic_config(url)
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        fn(config)


def test_models_match_migrations(engine, database_url):
    _with_connection(database_url, command.check)


def test_downgrade_and_upgrade_again(fresh_sqlite_url):
    result = upgrade(url=fresh_sqlite_url)
    assert result["seeded"]["departments"] == 30
    _with_connection(fresh_sqlite_url, lambda config: command.downgrade(config, "base"))
    assert set(inspect(get_engine(fresh_sqlite_url)).get_table_names()) <= {"alembic_version"}
    again = upgrade(url=fresh_sqlite_url)
    assert again["seeded"]["categories"] == 650
    # idempotent: a second upgrade neither fails nor seeds twice
    assert upgrade(url=fresh_sqlite_url)["seeded"] == {}
