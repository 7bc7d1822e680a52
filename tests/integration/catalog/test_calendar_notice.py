"""Importing the State Council's notice: preview, save, re-import, manual overrides, and deadlines across Spring Festival 2027.

The 2027 notice used here is synthetic (tests/data/notices/2027-synthetic.txt): the real one was not available.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from liandong.catalog import edits
from liandong.catalog import service as catalog
from liandong.catalog.calendar import DaySource
from liandong.catalog.models import CalendarNotice, CalendarOverride
from liandong.core.actor import Actor, Role
from liandong.core.clock import SHANGHAI
from liandong.core.errors import NotFound, PermissionDenied, ValidationFailed
from liandong.workorder import service as orders

NOTICES = Path(__file__).resolve().parents[2] / "data" / "notices"
TEXT_2027 = (NOTICES / "2027-synthetic.txt").read_text(encoding="utf-8")
ADMIN = Actor("calendar-admin", Role.ADMIN)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


def d(text: str) -> date:
    return date.fromisoformat(text)


def rows(session) -> dict[date, tuple[bool, int | None]]:
    return {r.day: (r.is_workday, r.notice_year) for r in session.scalars(select(CalendarOverride))}


def test_preview_lists_the_changed_days_and_writes_nothing(session):
    before = rows(session)
    preview = edits.preview_calendar_notice(session, text=TEXT_2027)
    assert rows(session) == before
    assert session.scalar(select(func.count()).select_from(CalendarNotice)) == 0
    changed = {c.day: (c.before, c.after) for c in preview.changes}
    # weekdays of the Spring Festival break were working days on the fallback calendar
    assert changed[d("2027-02-08")] == (True, False)
    assert changed[d("2027-02-12")] == (True, False)
    # make-up weekend days become working days
    assert changed[d("2027-01-31")] == (False, True) and changed[d("2027-02-13")] == (False, True)
    # days the fallback already had right are not listed (New Year's Day, the Spring Festival weekend)
    assert d("2027-01-01") not in changed and d("2027-02-06") not in changed
    assert {c.before_source for c in preview.changes} == {DaySource.FALLBACK}
    assert len(preview.changes) == 21 and preview.replaced_at is None and preview.kept == ()


def test_save_stores_each_day_with_the_notice_as_source(session):
    assert not catalog.get_calendar(session).known_year(2027)
    edits.import_calendar_notice(session, actor=ADMIN, text=TEXT_2027, now=NOW)
    stored = session.get(CalendarNotice, 2027)
    assert stored.title == "国务院办公厅关于2027年部分节假日安排的通知" and stored.imported_by == "calendar-admin"
    assert stored.text == TEXT_2027.strip()
    spring = session.get(CalendarOverride, d("2027-02-09"))
    assert (spring.is_workday, spring.notice_year, spring.note) == (False, 2027, "春节放假（2027年节假日安排通知）")
    makeup = session.get(CalendarOverride, d("2027-02-13"))
    assert (makeup.is_workday, makeup.note) == (True, "春节调休上班（2027年节假日安排通知）")
    calendar = catalog.get_calendar(session)
    assert calendar.known_year(2027)
    assert calendar.decide(d("2027-02-09")) == (False, DaySource.NOTICE)
    assert calendar.decide(d("2027-03-01")) == (True, DaySource.NOTICE)
    assert calendar.last_known_day() == d("2027-12-31")
    assert catalog.calendar_horizon(session, today=d("2026-12-01")).warn is False


def test_deadline_across_spring_festival_2027_skips_the_holidays_and_counts_the_make_up_saturday(session):
    received = datetime(2027, 2, 3, 10, 0, tzinfo=SHANGHAI)
    before = orders.create_order(session, actor=ADMIN, now=received, content="小区供暖温度不达标，室内只有十二度。", request_type="complaint", received_at=received)
    # without the notice: Monday to Friday less New Year, Labour Day and National Day only
    assert before.reply_due_at.astimezone(SHANGHAI).date() == d("2027-02-10")
    edits.import_calendar_notice(session, actor=ADMIN, text=TEXT_2027, now=NOW)
    order = orders.create_order(session, actor=ADMIN, now=received, content="小区供暖温度不达标，室内只有十二度。", request_type="complaint", received_at=received)
    # 02-04 (Thu), 02-13 (make-up Saturday), 02-15, 02-16, 02-17: the fifth working day
    assert order.reply_due_at == datetime(2027, 2, 17, 23, 59, 59, tzinfo=SHANGHAI)
    assert order.sign_due_at.astimezone(SHANGHAI).date() == d("2027-02-04")


def test_reimport_replaces_that_years_notice_days_and_keeps_manual_overrides(session):
    edits.import_calendar_notice(session, actor=ADMIN, text=TEXT_2027, now=NOW)
    edits.set_calendar_day(session, actor=ADMIN, day=d("2027-02-12"), is_workday=True, note="市政务服务中心春节值守")
    edits.set_calendar_day(session, actor=ADMIN, day=d("2027-03-01"), is_workday=False, note="本市特别安排")
    corrected = TEXT_2027.replace("2月13日（周六）上班", "2月20日（周六）上班")
    preview = edits.preview_calendar_notice(session, text=corrected)
    assert preview.replaced_at == NOW and preview.replaced_by == "calendar-admin"
    assert {(c.day, c.after) for c in preview.changes} == {(d("2027-02-13"), False), (d("2027-02-20"), True)}
    assert [(k.day, k.is_workday, k.notice_says) for k in preview.kept] == [(d("2027-02-12"), True, False)]

    later = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
    edits.import_calendar_notice(session, actor=ADMIN, text=corrected, now=later)
    stored = rows(session)
    assert d("2027-02-13") not in stored
    assert stored[d("2027-02-20")] == (True, 2027)
    assert stored[d("2027-02-12")] == (True, None)  # the administrator's override stays
    assert stored[d("2027-03-01")] == (False, None)
    assert session.get(CalendarNotice, 2027).imported_at == later
    assert sum(1 for _, year in stored.values() if year == 2027) == len(edits.preview_calendar_notice(session, text=corrected).notice.entries()) - 1
    calendar = catalog.get_calendar(session)
    assert calendar.is_workday(d("2027-02-13")) is False  # back to an ordinary Saturday
    assert calendar.decide(d("2027-02-12")) == (True, DaySource.OVERRIDE)


def test_removing_a_manual_override_brings_the_notice_day_back(session):
    edits.import_calendar_notice(session, actor=ADMIN, text=TEXT_2027, now=NOW)
    edits.set_calendar_day(session, actor=ADMIN, day=d("2027-02-10"), is_workday=True, note="值守")
    assert session.get(CalendarOverride, d("2027-02-10")).notice_year is None
    edits.set_calendar_day(session, actor=ADMIN, day=d("2027-02-10"), is_workday=None)
    restored = session.get(CalendarOverride, d("2027-02-10"))
    assert (restored.is_workday, restored.notice_year) == (False, 2027)
    # a notice's own day is not a manual override to remove
    with pytest.raises(NotFound, match="来自导入的国务院通知"):
        edits.set_calendar_day(session, actor=ADMIN, day=d("2027-02-10"), is_workday=None)


def test_a_notice_may_name_a_day_of_the_year_before(session):
    text = (NOTICES / "2023.txt").read_text(encoding="utf-8")
    edits.import_calendar_notice(session, actor=ADMIN, text=text, now=NOW)
    assert rows(session)[d("2022-12-31")] == (False, 2023)
    assert catalog.get_calendar(session).decide(d("2022-12-31")) == (False, DaySource.NOTICE)


@pytest.mark.parametrize(
    ("actor", "text", "error"),
    [
        (Actor("dispatcher", Role.DISPATCHER), TEXT_2027, PermissionDenied),
        (ADMIN, TEXT_2027.replace("共8天", "共9天"), ValidationFailed),
        (ADMIN, "随便一段话", ValidationFailed),
    ],
)
def test_refused_imports_change_nothing(session, actor, text, error):
    before = rows(session)
    with pytest.raises(error):
        edits.import_calendar_notice(session, actor=actor, text=text, now=NOW)
    assert rows(session) == before
    assert session.get(CalendarNotice, 2027) is None
