"""Working days on China's statutory calendar, including make-up days (调休)."""

from datetime import date

import pytest

from liandong.catalog.calendar import WorkingCalendar

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
    assert local.known_year(2099)
    # a city-declared closure moves deadlines too
    closed = WorkingCalendar({date(2023, 10, 9): False})
    assert closed.add_working_days(date(2023, 9, 28), 5) == date(2023, 10, 12)
