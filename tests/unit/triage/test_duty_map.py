"""The duty map is complete: every level-2 category of the category tree has an owner — a 12345 transfer-list
item, or a row of category_owners.csv naming a unit that exists (its duties naming the topic) or guidance."""

from __future__ import annotations

import csv
from pathlib import Path

from liandong.triage.service import DATA_DIR

CATALOG = Path(__file__).resolve().parents[3] / "src" / "liandong" / "catalog" / "data"


def _rows(path: Path) -> list[dict]:
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_every_level2_category_has_an_owner(transfer_list):
    categories = {(r["level1"], r["level2"]) for r in _rows(CATALOG / "categories.csv") if r.get("level2")}
    by_item = {tuple(i.category[:2]) for i in transfer_list.items if i.platform == "12345" and len(i.category) >= 2}
    owners = {(r["level1"], r["level2"]): r for r in _rows(DATA_DIR / "category_owners.csv")}
    missing = sorted(c for c in categories if c not in by_item and c not in owners)
    assert not missing, f"level-2 categories without an owner: {missing}"
    assert not set(owners) - categories, "category_owners.csv names categories the tree does not have"


def test_owners_are_units_whose_duties_name_the_topic():
    units = {r["code"]: r for r in _rows(CATALOG / "departments.csv")}
    for row in _rows(DATA_DIR / "category_owners.csv"):
        if row["unit"] == "guidance":
            continue
        assert row["unit"] in units, row
        assert (units[row["unit"]].get("level") or "city") == "city", row
        if row.get("duty"):
            assert row["duty"] in units[row["unit"]]["duties"], row


def test_animal_quarantine_and_slaughter_stay_with_agriculture(engine):
    result = engine.triage("举报有人收购病死猪私自屠宰后卖到市场").to_dict()
    assert result["department"] == "nyncj"
    assert engine.triage("从国外带回来的猫入境要怎么检疫").to_dict()["department"] == "hg"
