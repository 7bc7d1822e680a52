"""Catalogue tables: divisions (GB/T 2260), departments, categories, policy settings, calendar overrides and notices."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from liandong.db import Base, UTCDateTime


class Division(Base):
    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # city / county / town
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("divisions.code"), default=None)


class Department(Base):
    """A unit in the dispatch tree: a city bureau, a county sub-centre, a county bureau or government, a township."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16), default="city")  # city / county / township
    kind: Mapped[str] = mapped_column(String(16), default="bureau")  # see core.vocabulary.UNIT_KINDS
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"))
    # The level that dispatches to this unit: a county sub-centre for county units and townships, none for city units.
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None, index=True)
    # A county bureau's city counterpart (泽州县住建局 → 市住建局): how a city duty finds its local handler.
    counterpart_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None)
    routing: Mapped[str | None] = mapped_column(String(16), default=None)  # city units: county / city
    duties: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    division: Mapped[Division] = relationship(lazy="joined")


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), default=None, index=True)
    path: Mapped[str] = mapped_column(String(255))  # "城乡建设/安全生产/事故处理"

    @property
    def names(self) -> list[str]:
        return self.path.split("/")


class CatalogSetting(Base):
    """Editable policy values (deadlines, warning fractions) as JSON documents keyed by name."""

    __tablename__ = "catalog_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class CalendarNotice(Base):
    """A State Council holiday notice as an administrator pasted it; its days are stored as calendar overrides."""

    __tablename__ = "calendar_notices"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(64))


class CalendarOverride(Base):
    """One day declared a working day or a day off: by an administrator (`notice_year` empty) or by an imported notice."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(128), default="")
    notice_year: Mapped[int | None] = mapped_column(ForeignKey("calendar_notices.year"), default=None, index=True)

    @property
    def manual(self) -> bool:
        return self.notice_year is None


# ---------------------------------------------------------------- the catalogue version

# catalog_settings key of a random token that every write to a catalogue table replaces, in the writer's own
# transaction: processes keep the catalogue they built under the token they read and rebuild when it differs
# (catalog.service.snapshot). Random rather than a counter, so two concurrent edits never leave the same value.
VERSION_KEY = "catalogue_version"
CATALOGUE = (Division, Department, Category, CatalogSetting, CalendarNotice, CalendarOverride)


def _is_catalogue(instance) -> bool:
    return isinstance(instance, CATALOGUE) and not (isinstance(instance, CatalogSetting) and instance.key == VERSION_KEY)


# Where a session keeps what its transaction read of the catalogue (catalog.service): the version token and the snapshot.
SESSION_VERSION = "liandong.catalog_version"
SESSION_SNAPSHOT = "liandong.catalog_snapshot"


def forget_read(session: Session) -> None:
    """The session's transaction no longer holds a current read of the catalogue."""
    session.info.pop(SESSION_SNAPSHOT, None)
    session.info.pop(SESSION_VERSION, None)


def bump_version(session: Session) -> None:
    """Replace the token (the row is created the first time); the caller's transaction carries it."""
    forget_read(session)
    row = session.get(CatalogSetting, VERSION_KEY)
    token = {"token": secrets.token_hex(8)}
    if row is None:
        session.add(CatalogSetting(key=VERSION_KEY, value=token))
    else:
        row.value = token


@event.listens_for(Session, "before_flush")
def _version_on_flush(session: Session, _context, _instances) -> None:
    if any(_is_catalogue(o) for o in (*session.new, *session.dirty, *session.deleted)):
        with session.no_autoflush:
            bump_version(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_on_end(session: Session, transaction) -> None:
    # What a transaction read of the catalogue (its version, its snapshot) is not carried into the session's next one.
    if transaction.parent is None:
        forget_read(session)


@event.listens_for(Session, "do_orm_execute")
def _version_on_bulk(state) -> None:
    # ORM-enabled insert()/update()/delete() statements skip the flush; they change the catalogue just the same.
    if (state.is_update or state.is_delete or state.is_insert) and any(m.class_ in CATALOGUE for m in state.all_mappers):
        with state.session.no_autoflush:
            bump_version(state.session)
