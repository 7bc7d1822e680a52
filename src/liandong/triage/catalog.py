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
    units = [(r["code"], r.get("name", r["code"]), r.get("duties", "")) for r in _rows(departments) if r.get("code") and (r.get("level") or "city") == "city"]
    paths = [tuple(n for n in (row.get("level1"), row.get("level2"), row.get("level3")) if n) for row in _rows(categories)]
    division_rows = [(r["code"], r["name"], r.get("level", "county")) for r in _rows(divisions) if r.get("code")]
    place_list = list(read_places(Path(places))) if places is not None and Path(places).exists() else []
    return build_catalog(units=units, category_paths=paths, divisions=division_rows, places=place_list, city_code=city_code)


def build_catalog(*, units, category_paths, divisions, places, city_code: str) -> TriageCatalog:
    """The catalogue from plain rows: units (code, name, duties), category paths, divisions (code, name, level), places."""
    tree: set[tuple[str, ...]] = set()
    for names in category_paths:
        names = tuple(n for n in names if n)
        for depth in range(1, len(names) + 1):
            tree.add(names[:depth])
    place_list: list[Place] = []
    # Division names themselves are places: "泽州县" and its short form "泽州".
    for code, name, level in divisions:
        if (level or "county") == "city" or code == city_code:
            continue
        place_list.append(Place(name, code, "county"))
        if len(name) >= 3 and name[-1] in "县市区":
            place_list.append(Place(name[:-1], code, "county"))
    place_list.extend(places)
    return TriageCatalog(
        units={code: Unit(code, name or code, duties or "") for code, name, duties in units},
        categories=frozenset(tree),
        divisions={code: name for code, name, _ in divisions},
        places=tuple(place_list),
        city_code=city_code,
    )
