"""Report periods: a month (2023-10) or a quarter (2023-Q4) as [from, to) local dates (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from liandong.core.errors import ValidationFailed

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")


@dataclass(frozen=True)
class Period:
    code: str  # 2023-10 / 2023-Q4
    start: date
    end: date  # exclusive
    kind: str  # month / quarter

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年第{'一二三四'[(self.start.month - 1) // 3]}季度"

    @property
    def title(self) -> str:
        return f"{self.label}{'月报' if self.kind == 'month' else '季报'}"

    def previous(self) -> Period:
        if self.kind == "month":
            index = self.start.year * 12 + self.start.month - 2
            return month(index // 12, index % 12 + 1)
        q = (self.start.month - 1) // 3 + 1
        return quarter(self.start.year - 1, 4) if q == 1 else quarter(self.start.year, q - 1)


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    end = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return Period(f"{year}-{number:02d}", start, end, "month")


def quarter(year: int, number: int) -> Period:
    start = date(year, 3 * (number - 1) + 1, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(f"{year}-Q{number}", start, end, "quarter")


def parse(text: str) -> Period:
    value = (text or "").strip()
    if found := _MONTH.match(value):
        year, number = int(found.group(1)), int(found.group(2))
        if 1 <= number <= 12 and 2000 <= year <= 2100:
            return month(year, number)
    if found := _QUARTER.match(value):
        year = int(found.group(1))
        if 2000 <= year <= 2100:
            return quarter(year, int(found.group(2)))
    raise ValidationFailed(f"统计期无法识别：{value or '（空）'}。月报写作 2023-10，季报写作 2023-Q4", field="period")


def recent(today: date, *, months: int = 12, quarters: int = 4) -> list[Period]:
    """The latest months and quarters up to the one containing `today`, newest first."""
    out: list[Period] = []
    index = today.year * 12 + today.month - 1
    for back in range(months):
        i = index - back
        out.append(month(i // 12, i % 12 + 1))
    q_index = today.year * 4 + (today.month - 1) // 3
    for back in range(quarters):
        i = q_index - back
        out.append(quarter(i // 4, i % 4 + 1))
    return out
