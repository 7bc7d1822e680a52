"""The catalogue each order consults is built once per process and catalogue version: reused while nothing changed,
rebuilt after any edit (through the service, a plain ORM change or a bulk statement), by this process or another."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from liandong.catalog import edits
from liandong.catalog import service as catalog
from liandong.catalog.models import CalendarOverride, Department
from liandong.core.actor import Actor, Role
from liandong.db import make_engine, session_factory, unit_of_work

ADMIN = Actor("cache-admin", Role.ADMIN)


def test_the_snapshot_is_reused_until_the_catalogue_changes(session):
    first = catalog.snapshot(session)
    session.info.clear()  # a new transaction of the same process
    assert catalog.snapshot(session) is first
    zjj = first.tree.units["zjj"]
    edits.save_department(session, actor=ADMIN, code="zjj", name="市住建局（改名）", duties=zjj.duties, division_code=zjj.division_code)
    changed = catalog.snapshot(session)
    assert changed.version != first.version and changed.tree.name("zjj") == "市住建局（改名）"


def test_a_plain_orm_change_and_a_bulk_delete_also_replace_the_version(session):
    before = catalog.snapshot(session).version
    session.get(Department, "cgj").name = "城管（改）"
    session.flush()
    after_orm = catalog.snapshot(session)
    assert after_orm.version != before and after_orm.tree.name("cgj") == "城管（改）"
    session.add(CalendarOverride(day=date(2031, 5, 6), is_workday=False, note="测试"))
    session.flush()
    assert not catalog.snapshot(session).calendar.is_workday(date(2031, 5, 6))
    session.execute(delete(CalendarOverride).where(CalendarOverride.day == date(2031, 5, 6)))
    assert catalog.snapshot(session).calendar.is_workday(date(2031, 5, 6))


def test_a_rolled_back_edit_leaves_the_cached_catalogue(session):
    before = catalog.snapshot(session)
    nested = session.begin_nested()
    session.get(Department, "cgj").name = "不会保存"
    session.flush()
    assert catalog.snapshot(session).tree.name("cgj") == "不会保存"
    nested.rollback()
    session.info.clear()
    assert catalog.snapshot(session).version == before.version and catalog.snapshot(session).tree.name("cgj") != "不会保存"


def test_another_process_edit_is_seen(run_cli, fresh_sqlite_url):
    assert run_cli("db", "upgrade")[0] == 0
    ours, theirs = make_engine(fresh_sqlite_url), make_engine(fresh_sqlite_url)
    try:
        with session_factory(ours)() as db:
            first = catalog.snapshot(db)
        with unit_of_work(theirs) as db:  # an administrator's edit committed through another engine (process)
            db.get(Department, "zjj").duties = "另一进程修改的职责"
        with session_factory(ours)() as db:
            seen = catalog.snapshot(db)
        assert seen is not first and seen.tree.units["zjj"].duties == "另一进程修改的职责"
        with session_factory(ours)() as db:
            assert catalog.snapshot(db) is seen
    finally:
        ours.dispose()
        theirs.dispose()
