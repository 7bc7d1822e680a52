"""The 办理时限与日历 admin tab: paste the State Council's notice, preview, save; the calendar's 60-day warning banner."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete

from liandong.catalog.models import CalendarNotice, CalendarOverride
from liandong.core.clock import SHANGHAI
from liandong.db import unit_of_work

NOTICE_2027 = (Path(__file__).resolve().parents[2] / "data" / "notices" / "2027-synthetic.txt").read_text(encoding="utf-8")


@pytest.fixture
def clean_calendar(engine):
    """The web writes commit for real: leave no imported notice behind for other tests."""

    def wipe():
        with unit_of_work(engine) as session:
            session.execute(delete(CalendarOverride).where(CalendarOverride.notice_year.is_not(None)))
            session.execute(delete(CalendarNotice))

    wipe()
    yield
    wipe()


@pytest.fixture
def today(monkeypatch):
    """Pin the admin pages' clock."""

    def set_to(*args):
        moment = datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr("liandong.web.admin.clock_now", lambda: moment)
        return moment

    return set_to


def test_banner_when_the_calendar_ends_in_fewer_than_sixty_days(browser, clean_calendar, today):
    admin = browser("w_admin")
    today(2026, 10, 1, 9)
    assert 'id="calendar-warning"' not in admin.get("/admin/units").text
    today(2026, 12, 1, 9)
    for url in ("/admin/units", "/admin/users", "/admin/deadlines", "/admin/transfer"):
        page = admin.get(url).text
        assert 'id="calendar-warning"' in page, url
        assert "请导入国务院办公厅关于2027年部分节假日安排的通知" in page
    # the admin's home is the units tab, so the warning is the first thing an administrator sees
    assert admin.get("/admin", follow_redirects=True).text.count('id="calendar-warning"') == 1


def test_paste_preview_save_then_the_banner_goes(browser, clean_calendar, today):
    today(2026, 12, 1, 9)
    admin = browser("w_admin")
    admin.get("/admin/deadlines")
    preview = admin.post("/admin/calendar/notice/preview", {"text": NOTICE_2027})
    assert preview.status_code == 200
    html = preview.text
    assert "国务院办公厅关于2027年部分节假日安排的通知" in html
    assert 'id="notice-changes"' in html and "将改变的日期（21 天）" in html
    assert "2027-02-13" in html and "春节调休上班（2027年节假日安排通知）" in html
    # the preview wrote nothing
    assert "2027 年通知" not in admin.get("/admin/deadlines").text

    saved = admin.post("/admin/calendar/notice", {"text": NOTICE_2027, "year": ""})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin/deadlines")
    page = admin.get("/admin/deadlines").text
    assert "已导入国务院办公厅关于2027年部分节假日安排的通知：放假 28 天，调休上班 5 天，改变 21 天的安排" in page
    assert "2027 年通知" in page and 'id="calendar-warning"' not in page
    assert "2027-12-31" in page


def test_refused_notice_keeps_the_text_and_quotes_the_clause(browser, clean_calendar, today):
    today(2026, 12, 1, 9)
    admin = browser("w_admin")
    admin.get("/admin/deadlines")
    broken = NOTICE_2027.replace("5月8日（周六）上班", "5月7日（周五）上班")
    response = admin.post("/admin/calendar/notice/preview", {"text": broken})
    assert response.status_code == 422
    assert "调休上班日 2027-05-07 是周五，不是周末：「四、劳动节" in response.text
    assert "5月7日（周五）上班" in response.text  # still in the textarea
    response = admin.post("/admin/calendar/notice", {"text": broken})
    assert response.status_code == 422 and 'id="notice-error"' in response.text
    assert "2027 年通知" not in admin.get("/admin/deadlines").text


def test_only_administrators_and_only_with_the_csrf_token(browser, clean_calendar):
    taker = browser("w_taker")
    taker.get("/intake")
    assert taker.post("/admin/calendar/notice", {"text": NOTICE_2027}).status_code == 403
    admin = browser("w_admin")
    admin.get("/admin/deadlines")
    assert admin.post("/admin/calendar/notice", {"text": NOTICE_2027}, token=False).status_code == 403
    assert "2027 年通知" not in admin.get("/admin/deadlines").text
