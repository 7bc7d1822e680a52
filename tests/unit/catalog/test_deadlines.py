"""Due times and warning levels are pure functions of (start, policy, calendar, now)."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liandong.catalog.calendar import WorkingCalendar
from liandong.catalog.deadlines import (
    SHANGHAI,
    DeadlinePolicy,
    Warning,
    due_after_working_days,
    extend_due,
    warning_level,
    worst,
    yellow_at,
)

cal = WorkingCalendar()


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("request_type", "due"),
    [
        ("consult", at(2023, 10, 7, 23, 59, 59)),
        ("help", at(2023, 10, 9, 23, 59, 59)),
        ("complaint", at(2023, 10, 11, 23, 59, 59)),
        ("report", at(2023, 10, 18, 23, 59, 59)),
        ("suggestion", at(2023, 10, 18, 23, 59, 59)),
    ],
)
def test_default_reply_deadlines_across_national_day_2023(request_type, due):
    policy = DeadlinePolicy()
    received = at(2023, 9, 28, 10, 0)
    assert due_after_working_days(received, policy.reply_days_for(request_type), cal) == due


def test_local_day_decides_not_utc_day():
    # 2023-09-28 01:00 in Shanghai is still 09-27 in UTC; the local day is what counts.
    received = datetime(2023, 9, 27, 17, 0, tzinfo=timezone.utc)
    assert due_after_working_days(received, 5, cal) == at(2023, 10, 11, 23, 59, 59)


def test_extension_counts_working_days_from_the_old_due_date():
    assert extend_due(at(2023, 10, 11, 23, 59, 59), 5, cal) == at(2023, 10, 18, 23, 59, 59)


def test_warning_levels():
    start, due = at(2023, 10, 9, 0, 0), at(2023, 10, 13, 0, 0)  # four days
    yellow = yellow_at(start, due, 0.25)
    assert yellow == at(2023, 10, 12, 0, 0)
    assert warning_level(at(2023, 10, 10), yellow, due) is Warning.NORMAL
    assert warning_level(at(2023, 10, 12, 0, 0), yellow, due) is Warning.YELLOW
    assert warning_level(due, yellow, due) is Warning.YELLOW
    assert warning_level(due + timedelta(seconds=1), yellow, due) is Warning.RED


def test_worst():
    assert worst(Warning.NORMAL, Warning.RED, Warning.YELLOW) is Warning.RED
    assert worst() is Warning.NONE


@given(
    received=st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(SHANGHAI)),
    days=st.integers(min_value=0, max_value=30),
)
def test_due_never_precedes_receipt_and_lands_on_a_working_day(received, days):
    due = due_after_working_days(received, days, cal)
    assert due >= received
    if days:
        assert cal.is_workday(due.date())
        assert cal.working_days_between(received.astimezone(SHANGHAI).date(), due.date()) == days
