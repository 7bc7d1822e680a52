"""The catalogue triage needs (units, category tree, divisions, place names), read from data files into plain values."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from liandong.triage.places import DivisionDetector, Place, read_places


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    duties: str = ""


@dataclass(frozen=True)
class TriageCatalog:
    units: dict[str, Unit]
    categories: frozenset[tuple[str, ...]]
    divisions: dict[str, str]
    places: tuple[Place, ...]
    city_code: str

    def valid_category(self, names: list[str] | tuple[str, ...]) -> list[str]:
        """The longest prefix of `names` that exists in the configured tree (a city may replace the tree)."""
        names = [n for n in names if n][:3]
        while names and tuple(names) not in self.categories:
            names = names[:-1]
        return names

    def detector(self) -> DivisionDetector:
        city_district = next((code for code, name in self.divisions.items() if name == "城区"), None)
        return DivisionDetector(list(self.places), city_code=self.city_code, city_district_code=city_district)


def _rows(path: Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def read_catalog(*, departments: Path, categories: Path, divisions: Path, places: Path | None, city_code: str) -> TriageCatalog:
    # Triage names city duties; the dispatch tree takes them down to county units and townships.
    units = {
        r["code"]: Unit(r["code"], r.get("name", r["code"]), r.get("duties", ""))
        for r in _rows(departments)
        if r.get("code") and (r.get("level") or "city") == "city"
    }
    tree: set[tuple[str, ...]] = set()
    for row in _rows(categories):
        names = tuple(n for n in (row.get("level1"), row.get("level2"), row.get("level3")) if n)
        for depth in range(1, len(names) + 1):
            tree.add(names[:depth])
    division_rows = _rows(divisions)
    division_names = {r["code"]: r["name"] for r in division_rows if r.get("code")}
    place_list: list[Place] = []
    # Division names themselves are places: "泽州县" and its short form "泽州".
    for row in division_rows:
        if row.get("level", "county") == "city" or row["code"] == city_code:
            continue
        name = row["name"]
        place_list.append(Place(name, row["code"], "county"))
        if len(name) >= 3 and name[-1] in "县市区":
            place_list.append(Place(name[:-1], row["code"], "county"))
    if places is not None and Path(places).exists():
        place_list.extend(read_places(Path(places)))
    return TriageCatalog(
        units=units,
        categories=frozenset(tree),
        divisions=division_names,
        places=tuple(place_list),
        city_code=city_code,
    )
