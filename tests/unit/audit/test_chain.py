"""The pure chain check: order, links, content and anchors."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from liandong.audit.chain import GENESIS, first_break, record_hash

AT = datetime(2026, 12, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Row:
    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    target: str | None
    detail: dict
    prev_hash: str
    hash: str = ""


def chain(n: int) -> list[Row]:
    rows, previous = [], GENESIS
    for i in range(1, n + 1):
        row = Row(i, AT, "a", "admin", "x", None, {"i": i}, previous)
        row = replace(row, hash=record_hash(**{k: v for k, v in row.__dict__.items() if k != "hash"}))
        rows.append(row)
        previous = row.hash
    return rows


def test_cases():
    rows = chain(4)
    assert first_break(rows) is None
    assert first_break([rows[0], rows[2], rows[3]]).id == 3
    assert first_break([rows[1], rows[0]]).id == 2
    assert first_break([rows[0], replace(rows[1], detail={"i": 9}), *rows[2:]]).id == 2
    assert first_break(rows[:2], anchors={3: rows[2].hash}).id == 3
    assert first_break(rows, anchors={2: "f" * 64}).id == 2
