"""Run Alembic programmatically against the configured database, then seed the catalogue once."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from liandong.config import settings
from liandong.db import get_engine, unit_of_work

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", (url or settings().database_url).replace("%", "%%"))
    return config


def upgrade(*, url: str | None = None, seed: bool = True, revision: str = "head") -> dict:
    from liandong.catalog.service import is_loaded, load_defaults

    engine = get_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    seeded: dict[str, int] = {}
    if seed:
        with unit_of_work(engine) as session:
            if not is_loaded(session):
                seeded = load_defaults(session, settings())
    return {"revision": current_revision(engine), "seeded": seeded}


def current_revision(engine: Engine | None = None) -> str | None:
    with (engine or get_engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
