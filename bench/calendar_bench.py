"""Working-day calendar figures: deadline arithmetic per source, the second package's start-up, notice parsing.

Usage: python bench/calendar_bench.py [--repeat 2000]
Prints figures; it is not a test. The notices are the test texts in tests/data/notices (2027 is synthetic).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from liandong.catalog.calendar import HolidaysSource, WorkingCalendar
from liandong.catalog.notice import parse_notice

NOTICES = Path(__file__).resolve().parents[1] / "tests" / "data" / "notices"


def per_call(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()

    start = time.perf_counter()
    HolidaysSource()
    print(f"holidays package: import and build over 2001–2100, once per process: {(time.perf_counter() - start) * 1e3:.0f} ms")

    notice = parse_notice((NOTICES / "2027-synthetic.txt").read_text(encoding="utf-8"))
    plain = WorkingCalendar()
    imported = WorkingCalendar(notice_days=notice.days(), notice_years={notice.year})
    plain.is_workday(date(2027, 6, 1))  # build the second package outside the timings
    cases = [
        ("chinesecalendar year (2025-03-01 + 10)", plain, date(2025, 3, 1)),
        ("into a fallback year (2026-12-20 + 10)", plain, date(2026, 12, 20)),
        ("imported notice year (2027-02-03 + 10)", imported, date(2027, 2, 3)),
    ]
    for label, calendar, day in cases:
        micros = per_call(lambda calendar=calendar, day=day: calendar.add_working_days(day, 10), args.repeat)
        print(f"add_working_days, {label}: {micros:.1f} µs")

    for path in sorted(NOTICES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        micros = per_call(lambda text=text: parse_notice(text), max(1, args.repeat // 10))
        print(f"parse_notice {path.name} ({len(text)} characters): {micros:.0f} µs")


if __name__ == "__main__":
    main()
