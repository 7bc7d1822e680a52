"""China's statutory working-day calendar, including make-up working days (调休).

Each day is decided by the first of these that knows it:

1. an administrator's override (a local closure, a correction);
2. the State Council's notice imported for that year (its days; any other day of that year is Monday–Friday);
3. the maintained `chinese_calendar` package, for the years it carries;
4. the maintained `holidays` package, only for years where it carries the 调休 make-up days as well as the holidays;
5. Monday–Friday less the fixed-date statutory holidays (元旦, 劳动节, 国庆节) — the lunar festivals and the
   year's 调休 are unknown here, and `known_year` says so.

The decision itself is pure; the two packages are read through small adapters built once per process.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import Protocol

import chinese_calendar

# Fixed-date public holidays of the 全国年节及纪念日放假办法 (2024 revision): 1 Jan, 1–2 May, 1–3 Oct.
FIXED_STATUTORY_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})
# Administrators are warned when the calendar's last known day is fewer than this many days away.
HORIZON_WARNING_DAYS = 60


class DaySource(StrEnum):
    OVERRIDE = "override"
    NOTICE = "notice"
    CHINESE_CALENDAR = "chinesecalendar"
    HOLIDAYS = "holidays"
    FALLBACK = "fallback"


DAY_SOURCE_LABELS = {
    DaySource.OVERRIDE: "人工调整",
    DaySource.NOTICE: "导入的国务院通知",
    DaySource.CHINESE_CALENDAR: "chinesecalendar 数据包",
    DaySource.HOLIDAYS: "holidays 数据包",
    DaySource.FALLBACK: "周一至周五（扣除元旦、劳动节、国庆节）",
}


class StatutorySource(Protocol):
    """A maintained package's statutory calendar: the years it fully knows and the working days in them."""

    source: DaySource

    def years(self) -> Collection[int]: ...

    def is_workday(self, day: date) -> bool: ...


class ChineseCalendarSource:
    source = DaySource.CHINESE_CALENDAR

    def years(self) -> Collection[int]:
        # The package's own rule for what it supports (it raises NotImplementedError outside these years).
        keys = chinese_calendar.holidays.keys()
        return range(min(keys).year, max(keys).year + 1)

    def is_workday(self, day: date) -> bool:
        # The package's own rule on its public tables; its is_workday() re-derives the supported years on every call.
        return day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays)


class HolidaysSource:
    """`holidays.China`: it computes the festivals for any year, but the 调休 only for years whose notice it has entered."""

    source = DaySource.HOLIDAYS
    FIRST_YEAR = 2001  # its first year checked against a State Council notice
    LAST_YEAR = 2100  # the package computes festivals up to here

    def __init__(self) -> None:
        import holidays  # noqa: PLC0415  (80 ms to import; only needed when a day falls outside chinese_calendar)

        calendar = holidays.country_holidays("CN", years=range(self.FIRST_YEAR, self.LAST_YEAR + 1))
        # Years it has no notice for get festivals and "observed" days by rule, but no weekend working days. A late-December
        # working Saturday belongs to the next year's New Year arrangement, so it does not vouch for its own year.
        with_make_up_days = {day.year for day in calendar.weekend_workdays if (day.month, day.day) < (12, 20)}
        self._years = frozenset(year for year in range(self.FIRST_YEAR, self.LAST_YEAR + 1) if year in with_make_up_days)
        self._calendar = calendar

    def years(self) -> Collection[int]:
        return self._years

    def is_workday(self, day: date) -> bool:
        return self._calendar.is_working_day(day)


@cache
def default_sources() -> tuple[StatutorySource, ...]:
    return (ChineseCalendarSource(), _LazySource(HolidaysSource))


class _LazySource:
    """Builds the wrapped source on first use, so years chinese_calendar knows never pay for the second package."""

    def __init__(self, factory):
        self._factory = factory
        self._built = None
        self.source = factory.source

    def _get(self):
        if self._built is None:
            self._built = self._factory()
        return self._built

    def years(self) -> Collection[int]:
        return self._get().years()

    def is_workday(self, day: date) -> bool:
        return self._get().is_workday(day)


class WorkingCalendar:
    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        *,
        notice_days: Mapping[date, bool] | None = None,
        notice_years: Iterable[int] = (),
        sources: Sequence[StatutorySource] | None = None,
    ):
        self._overrides = dict(overrides or {})
        self._notice_days = dict(notice_days or {})
        self._notice_years = frozenset(notice_years)
        self._sources = tuple(default_sources() if sources is None else sources)
        self._years: dict[StatutorySource, Collection[int]] = {}

    def _covers(self, source: StatutorySource, year: int) -> bool:
        if source not in self._years:
            self._years[source] = source.years()
        return year in self._years[source]

    def decide(self, day: date) -> tuple[bool, DaySource]:
        """Whether `day` is a working day, and which source said so."""
        if day in self._overrides:
            return self._overrides[day], DaySource.OVERRIDE
        if day in self._notice_days:
            return self._notice_days[day], DaySource.NOTICE
        if day.year in self._notice_years:
            return day.weekday() < 5, DaySource.NOTICE
        for source in self._sources:
            # chinese_calendar's range is a cheap check; the second package is only built when that misses.
            if self._covers(source, day.year):
                return source.is_workday(day), source.source
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_STATUTORY_HOLIDAYS, DaySource.FALLBACK

    def is_workday(self, day: date) -> bool:
        return self.decide(day)[0]

    def known_year(self, year: int) -> bool:
        """True when an imported notice or a maintained package carries the year's holidays and 调休."""
        return year in self._notice_years or any(self._covers(source, year) for source in self._sources)

    def last_known_day(self) -> date | None:
        """31 December of the last year the calendar knows (manual overrides alone do not make a year known)."""
        years = set(self._notice_years)
        for source in self._sources:
            covered = source.years()
            if len(covered):
                years.add(max(covered))
        return date(max(years), 12, 31) if years else None

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


@dataclass(frozen=True)
class Horizon:
    """How far ahead the calendar knows the statutory days, seen from `today`."""

    last_known_day: date | None
    today: date
    warning_days: int = HORIZON_WARNING_DAYS

    @property
    def days_left(self) -> int | None:
        return None if self.last_known_day is None else (self.last_known_day - self.today).days

    @property
    def warn(self) -> bool:
        return self.days_left is None or self.days_left < self.warning_days

    @property
    def message(self) -> str:
        if self.last_known_day is None:
            return "工作日历没有任何年份的法定节假日数据，请导入国务院办公厅的节假日安排通知。"
        next_year = self.last_known_day.year + 1
        if self.days_left < 0:
            return (
                f"工作日历只到 {self.last_known_day.isoformat()}，已过期 {-self.days_left} 天：{next_year} 年的办理时限"
                f"按周一至周五（扣除元旦、劳动节、国庆节）计算。请导入国务院办公厅关于{next_year}年部分节假日安排的通知。"
            )
        return (
            f"工作日历只到 {self.last_known_day.isoformat()}，还剩 {self.days_left} 天。请导入国务院办公厅关于"
            f"{next_year}年部分节假日安排的通知，否则跨年的办理时限将不计春节等节假日和调休。"
        )


def horizon(calendar: WorkingCalendar, today: date, warning_days: int = HORIZON_WARNING_DAYS) -> Horizon:
    return Horizon(last_known_day=calendar.last_known_day(), today=today, warning_days=warning_days)
