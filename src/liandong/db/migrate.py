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
    _migrate(engine, config, lambda: command.upgrade(config, revision))
    seeded: dict[str, int] = {}
    if seed:
        with unit_of_work(engine) as session:
            # First run: the whole catalogue; later upgrades: only rows the packaged files gained (edits are kept).
            seeded = load_defaults(session, settings())
            from liandong.notify.service import load_templates

            seeded["notify_templates"] = load_templates(session)  # the SMS templates, editable at /admin/notify
            if is_loaded(session) and not any(seeded.values()):
                seeded = {}
    return {"revision": current_revision(engine), "seeded": seeded}


def _migrate(engine: Engine, config: Config, run) -> None:
    """Run Alembic in one transaction. On SQLite, batch migrations rebuild tables, which foreign keys would refuse
    (a DROP of a referenced table), so they are off during the migration and checked as a whole before commit."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # On the driver connection, outside any transaction (inside one SQLite ignores the pragma).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                run()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left {len(broken)} broken references, first: {broken[0]}")
        finally:
            if sqlite:
                connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def downgrade(*, url: str | None = None, revision: str) -> None:
    engine = get_engine(url)
    config = alembic_config(url)
    _migrate(engine, config, lambda: command.downgrade(config, revision))


def current_revision(engine: Engine | None = None) -> str | None:
    with (engine or get_engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
