"""Working days on China's statutory calendar, including make-up days (调休)."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from liandong.catalog.calendar import (
    ChineseCalendarSource,
    DaySource,
    HolidaysSource,
    Horizon,
    WorkingCalendar,
    horizon,
)

cal = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2023, 9, 28), True),  # Thursday before the holiday
        (date(2023, 9, 29), False),  # Mid-Autumn Festival
        (date(2023, 10, 1), False),  # National Day
        (date(2023, 10, 6), False),
        (date(2023, 10, 7), True),  # Saturday, make-up working day
        (date(2023, 10, 8), True),  # Sunday, make-up working day
        (date(2023, 10, 14), False),  # ordinary Saturday
        (date(2024, 2, 4), True),  # Sunday make-up day before Spring Festival 2024
        (date(2024, 2, 12), False),  # Spring Festival
        (date(2025, 1, 26), True),  # Sunday make-up day 2025
        (date(2026, 10, 1), False),
    ],
)
def test_statutory_days(day, workday):
    assert cal.is_workday(day) is workday


def test_add_working_days_skips_national_day_and_counts_make_up_weekend():
    # Spec example: a complaint received 2023-09-28 is due at the end of the 5th working day after.
    assert cal.add_working_days(date(2023, 9, 28), 5) == date(2023, 10, 11)
    assert cal.add_working_days(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert cal.add_working_days(date(2023, 9, 28), 2) == date(2023, 10, 8)
    assert cal.add_working_days(date(2023, 9, 28), 3) == date(2023, 10, 9)


def test_receipt_day_itself_never_counts_even_when_on_a_holiday():
    assert cal.add_working_days(date(2023, 10, 3), 1) == date(2023, 10, 7)
    assert cal.add_working_days(date(2023, 10, 14), 1) == date(2023, 10, 16)


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert cal.add_working_days(date(2023, 10, 1), 0) == date(2023, 10, 1)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2023, 10, 1), -1)


def test_working_days_between():
    assert cal.working_days_between(date(2023, 9, 28), date(2023, 10, 11)) == 5
    assert cal.working_days_between(date(2023, 10, 11), date(2023, 9, 28)) == 0


def test_unknown_year_falls_back_to_weekdays_less_fixed_holidays_and_says_so():
    assert not cal.known_year(2099)
    assert cal.is_workday(date(2099, 1, 5)) is True  # Monday
    assert cal.is_workday(date(2099, 1, 3)) is False  # Saturday
    assert cal.is_workday(date(2099, 1, 1)) is False  # Thursday, New Year's Day
    assert cal.is_workday(date(2027, 10, 1)) is False  # Friday, National Day
    assert cal.is_workday(date(2027, 5, 3)) is True  # Monday after Labour Day; 调休 needs overrides
    # a complaint received on the last working day of 2026 is not due on New Year's Day 2027
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.known_year(2023)


def test_overrides_take_precedence():
    local = WorkingCalendar({date(2099, 1, 5): False, date(2099, 1, 3): True})
    assert local.is_workday(date(2099, 1, 5)) is False
    assert local.is_workday(date(2099, 1, 3)) is True
    # a few local days do not make the statutory calendar of a year known
    assert not local.known_year(2099)
    # a city-declared closure moves deadlines too
    closed = WorkingCalendar({date(2023, 10, 9): False})
    assert closed.add_working_days(date(2023, 9, 28), 5) == date(2023, 10, 12)


class FakeSource:
    """A maintained package as the calendar sees it: the years it knows and its working days."""

    def __init__(self, source: DaySource, years: range, days_off: set[date] = frozenset(), working_weekends: set[date] = frozenset()):
        self.source = source
        self._years = years
        self._off = set(days_off)
        self._on = set(working_weekends)

    def years(self):
        return self._years

    def is_workday(self, day: date) -> bool:
        if day in self._on:
            return True
        return day.weekday() < 5 and day not in self._off


FIRST = FakeSource(DaySource.CHINESE_CALENDAR, range(2004, 2027), days_off={date(2026, 3, 2)})
SECOND = FakeSource(DaySource.HOLIDAYS, range(2001, 2028), days_off={date(2026, 3, 3), date(2027, 3, 2)}, working_weekends={date(2027, 3, 6)})
PRIORITY = WorkingCalendar(
    {date(2027, 3, 8): False, date(2026, 3, 2): True},
    notice_days={date(2028, 2, 1): False, date(2028, 2, 5): True, date(2027, 12, 31): False},
    notice_years={2028},
    sources=(FIRST, SECOND),
)


@pytest.mark.parametrize(
    ("day", "workday", "source"),
    [
        (date(2027, 3, 8), False, DaySource.OVERRIDE),  # a Monday an administrator closed
        (date(2026, 3, 2), True, DaySource.OVERRIDE),  # beats the first package
        (date(2028, 2, 1), False, DaySource.NOTICE),  # the imported notice's day off
        (date(2028, 2, 5), True, DaySource.NOTICE),  # its make-up Saturday
        (date(2028, 2, 7), True, DaySource.NOTICE),  # any other day of a notice's year: Monday to Friday
        (date(2028, 5, 1), True, DaySource.NOTICE),  # … even Labour Day (a Monday), when the notice leaves it out
        (date(2027, 12, 31), False, DaySource.NOTICE),  # a day of the year before that the notice names
        (date(2026, 3, 3), True, DaySource.CHINESE_CALENDAR),  # the first package wins where it knows the year
        (date(2027, 3, 2), False, DaySource.HOLIDAYS),  # the second package for a year only it knows
        (date(2027, 3, 6), True, DaySource.HOLIDAYS),
        (date(2029, 10, 1), False, DaySource.FALLBACK),  # nobody knows 2029: weekdays less fixed holidays
        (date(2029, 10, 8), True, DaySource.FALLBACK),
    ],
)
def test_priority_order(day, workday, source):
    assert PRIORITY.decide(day) == (workday, source)


def test_known_years_and_last_known_day_come_from_notices_and_packages_only():
    assert [PRIORITY.known_year(y) for y in (2003, 2026, 2027, 2028, 2029)] == [True, True, True, True, False]
    assert PRIORITY.last_known_day() == date(2028, 12, 31)
    assert WorkingCalendar(sources=(FIRST,)).last_known_day() == date(2026, 12, 31)
    assert WorkingCalendar({date(2030, 1, 1): False}, sources=()).last_known_day() is None


def test_the_real_packages_behind_the_default_calendar():
    first = ChineseCalendarSource()
    keys = chinese_calendar.holidays.keys()
    assert first.years() == range(min(keys).year, max(keys).year + 1)
    day = date(first.years().start, 1, 1)
    while day.year in first.years():
        assert first.is_workday(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    second = HolidaysSource()
    covered = second.years()
    # the second package only counts for years where it carries the 调休 make-up days
    assert 2024 in covered and 2026 in covered and 2099 not in covered
    assert cal.last_known_day() == date(max(max(first.years()), max(covered)), 12, 31)
    # where both know a year they agree day for day, except 2005-12-31 (a Saturday chinese_calendar keeps off)
    disagree = []
    day = date(max(2004, min(covered)), 1, 1)
    while day.year <= min(max(first.years()), max(covered)):
        if first.is_workday(day) != second.is_workday(day):
            disagree.append(day)
        day += timedelta(days=1)
    assert disagree == [date(2005, 12, 31)]


LAST = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("today", "days_left", "warn"),
    [
        (date(2026, 10, 1), 91, False),
        (date(2026, 11, 1), 60, False),  # exactly 60 days away: not yet
        (date(2026, 11, 2), 59, True),  # fewer than 60: warn
        (date(2026, 12, 31), 0, True),
        (date(2027, 1, 5), -5, True),
    ],
)
def test_sixty_day_warning_boundary(today, days_left, warn):
    status = horizon(WorkingCalendar(sources=(FIRST,)), today)
    assert (status.last_known_day, status.days_left, status.warn) == (LAST, days_left, warn)
    if warn:
        assert "国务院办公厅关于2027年部分节假日安排的通知" in status.message
        assert ("已过期" in status.message) is (days_left < 0)


def test_no_known_year_at_all_warns():
    status = Horizon(last_known_day=None, today=date(2026, 12, 1))
    assert status.warn and status.days_left is None and "请导入" in status.message
