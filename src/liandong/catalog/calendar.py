"""China's statutory working-day calendar, including make-up working days (调休).

Pure: the statutory data comes from the maintained `chinese_calendar` package; a city's own
overrides (a later year's schedule before the package has it, a local closure) take precedence.
Years neither source knows fall back to Monday-to-Friday less the fixed-date statutory holidays
(元旦, 劳动节, 国庆节 — the lunar festivals and the year's 调休 must come from overrides until the package has
the year), and are reported by `known_year`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar

# Fixed-date public holidays of the 全国年节及纪念日放假办法 (2024 revision): 1 Jan, 1–2 May, 1–3 Oct.
FIXED_STATUTORY_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


class WorkingCalendar:
    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self._overrides = dict(overrides or {})

    def is_workday(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5 and (day.month, day.day) not in FIXED_STATUTORY_HOLIDAYS

    def known_year(self, year: int) -> bool:
        if any(d.year == year for d in self._overrides):
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def add_working_days(self, start: date, days: int) -> date:
        """The N-th working day after `start` (start itself never counts). N=0 gives `start`."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        if end <= start:
            return 0
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count
