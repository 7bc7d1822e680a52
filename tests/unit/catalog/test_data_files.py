"""The packaged unit tree: divisions.csv, departments.csv and places.csv agree with each other."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

import liandong.catalog
import liandong.triage

CATALOG_DATA = Path(liandong.catalog.__file__).parent / "data"
PLACES_FILE = Path(liandong.triage.__file__).parent / "data" / "places.csv"

LEVELS = {"city", "county", "township"}
KINDS = {"bureau", "enterprise", "placeholder", "government", "sub_centre", "township", "street"}
ROUTINGS = {"city", "county"}
# Which kinds each level may hold.
KINDS_BY_LEVEL = {
    "city": {"bureau", "enterprise", "placeholder"},
    "county": {"bureau", "government", "sub_centre"},
    "township": {"township", "street"},
}


def _read(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO("\n".join(lines)))]


DIVISIONS = _read(CATALOG_DATA / "divisions.csv")
UNITS = _read(CATALOG_DATA / "departments.csv")
PLACES = _read(PLACES_FILE)
DIVISION_BY_CODE = {d["code"]: d for d in DIVISIONS}
UNIT_BY_CODE = {u["code"]: u for u in UNITS}
CITY = next(d["code"] for d in DIVISIONS if d["level"] == "city")
COUNTIES = [d["code"] for d in DIVISIONS if d["level"] == "county"]
TOWNS = [d for d in DIVISIONS if d["level"] == "town"]


def _sub_centre(county: str) -> str:
    return next(u["code"] for u in UNITS if u["kind"] == "sub_centre" and u["division_code"] == county)


def _county_of(unit: dict[str, str]) -> str:
    division = DIVISION_BY_CODE[unit["division_code"]]
    return division["code"] if division["level"] == "county" else division["parent_code"]


@pytest.mark.parametrize(
    "rows, column",
    [(DIVISIONS, "code"), (UNITS, "code"), (UNITS, "name"), (PLACES, "name")],
    ids=["division code", "unit code", "unit name", "place name"],
)
def test_unique(rows, column):
    repeated = [value for value, count in Counter(r[column] for r in rows).items() if count > 1]
    assert not repeated


@pytest.mark.parametrize(
    "column, allowed",
    [("level", LEVELS), ("kind", KINDS), ("routing", ROUTINGS | {""})],
)
def test_unit_values_allowed(column, allowed):
    assert {u[column] for u in UNITS} <= allowed


def test_kind_fits_level():
    wrong = [u["code"] for u in UNITS if u["kind"] not in KINDS_BY_LEVEL[u["level"]]]
    assert not wrong


def test_routing_set_on_city_rows_only():
    assert not [u["code"] for u in UNITS if (u["level"] == "city") != bool(u["routing"])]


@pytest.mark.parametrize("column, limit", [("code", 32), ("name", 128)])
def test_lengths(column, limit):
    assert not [u[column] for u in UNITS if not 0 < len(u[column]) <= limit]


def test_division_tree():
    assert [d["code"] for d in DIVISIONS if d["level"] == "city"] == [CITY]
    for division in DIVISIONS:
        parent = DIVISION_BY_CODE.get(division["parent_code"])
        if division["level"] == "city":
            assert not division["parent_code"]
        elif division["level"] == "county":
            assert parent is not None and parent["level"] == "city", division
        else:
            assert division["level"] == "town", division
            # Statistical division codes: the county's six digits plus three.
            assert parent is not None and parent["level"] == "county", division
            assert len(division["code"]) == 9 and division["code"].isdigit() and division["code"].startswith(parent["code"]), division
            assert division["name"].endswith(("镇", "乡", "街道")), division


@pytest.mark.parametrize("column", ["parent_code", "counterpart_code"])
def test_unit_references_resolve(column):
    assert not [u["code"] for u in UNITS if u[column] and u[column] not in UNIT_BY_CODE]


def test_unit_divisions_resolve():
    assert not [u["code"] for u in UNITS if u["division_code"] not in DIVISION_BY_CODE]


def test_counterparts_are_city_units_handled_by_counties():
    for unit in UNITS:
        if unit["counterpart_code"]:
            counterpart = UNIT_BY_CODE[unit["counterpart_code"]]
            assert unit["level"] == "county" and counterpart["level"] == "city", unit["code"]
            assert counterpart["routing"] == "county", unit["code"]


def test_every_town_has_exactly_one_township_unit():
    units_by_town = Counter(u["division_code"] for u in UNITS if u["level"] == "township")
    assert {t["code"]: units_by_town[t["code"]] for t in TOWNS} == {t["code"]: 1 for t in TOWNS}
    assert set(units_by_town) <= {t["code"] for t in TOWNS}


def test_township_kind_follows_name():
    for unit in UNITS:
        if unit["level"] == "township":
            town = DIVISION_BY_CODE[unit["division_code"]]["name"]
            assert unit["kind"] == ("street" if town.endswith("街道") else "township"), unit["code"]
            assert unit["name"].startswith(town), unit["code"]


@pytest.mark.parametrize("kind", ["government", "sub_centre"])
def test_every_county_has_one(kind):
    found = Counter(u["division_code"] for u in UNITS if u["kind"] == kind)
    assert found == Counter(COUNTIES)


def test_county_units_hang_under_their_sub_centre():
    for unit in UNITS:
        if unit["kind"] == "sub_centre":
            assert unit["level"] == "county" and not unit["parent_code"], unit["code"]
        elif unit["level"] in ("county", "township"):
            assert unit["parent_code"] == _sub_centre(_county_of(unit)), unit["code"]


def test_city_rows_and_catch_all():
    assert all(not u["parent_code"] and u["division_code"] == CITY for u in UNITS if u["level"] == "city")
    assert UNITS[-1]["code"] == "sd" and UNITS[-1]["kind"] == "placeholder"
    assert [u["code"] for u in UNITS if u["kind"] == "placeholder"] == ["sd"]


def test_county_unit_codes_carry_the_county_prefix():
    prefix_of = {}
    for unit in UNITS:
        if unit["level"] != "city":
            prefix_of.setdefault(_county_of(unit), set()).add(unit["code"].split("-", 1)[0])
    assert all(len(prefixes) == 1 for prefixes in prefix_of.values()), prefix_of
    assert len({p for prefixes in prefix_of.values() for p in prefixes}) == len(COUNTIES)


def test_every_town_is_a_place_of_its_county():
    places = {p["name"]: p for p in PLACES}
    for town in TOWNS:
        place = places.get(town["name"])
        assert place is not None, town["name"]
        assert (place["division_code"], place["kind"]) == (town["parent_code"], "town"), town["name"]


def test_places_name_known_divisions():
    known = {CITY, *COUNTIES}
    assert not [p["name"] for p in PLACES if p["division_code"] not in known]


def test_county_routing_has_a_county_counterpart():
    counterparts = {u["counterpart_code"] for u in UNITS if u["counterpart_code"]}
    assert not [u["code"] for u in UNITS if u["routing"] == "county" and u["code"] not in counterparts]
