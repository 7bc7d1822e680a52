"""Personal data kept beside an order in other domains' tables, cleared by the retention purge with the order's own
(workorder.service.purge_personal). Each domain declares its columns where it defines the table, so the purge names
no other domain and a new table with a citizen's map point or photo link cannot be forgotten by it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table


@dataclass(frozen=True)
class Kept:
    table: Table
    order_column: str
    columns: tuple[str, ...]
    what: str  # for the purge's report: "市民提交的地图位置" …


KEPT: list[Kept] = []


def keep(table: Table, *, order_column: str, columns: tuple[str, ...], what: str) -> None:
    """`columns` of `table` (nullable) hold a citizen's personal data about the order in `order_column`."""
    for name in (order_column, *columns):
        if name not in table.c:
            raise ValueError(f"{table.name} has no column {name}")
    if not any(k.table is table for k in KEPT):
        KEPT.append(Kept(table, order_column, tuple(columns), what))
