"""Build the fourth held-out bank (triage second pass): long board messages, phone transcripts, emergencies and
near-misses, from eval/triage/banks/*_heldout4.*, written before any tuning of that pass and never tuned on.

Each row has the unit that owns the duty (``department``, what the engine returns) and the front-line unit the
dispatch tree sends it to in the message's county (``front_line``: the county counterpart when the city unit
routes to counties and the county has one, else the city unit).

    .venv/bin/python eval/triage/make_heldout4.py
"""

from __future__ import annotations

import csv
import json
import random
import tomllib

from make_banks import BANKS, HERE, compose, parse_calls

PER_TOPIC = 5
DEPARTMENTS = HERE.parents[1] / "src" / "liandong" / "catalog" / "data" / "departments.csv"


def front_line_map() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    with DEPARTMENTS.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    routing = {r["code"]: r.get("routing") or "" for r in rows if (r.get("level") or "city") == "city"}
    counterpart = {(r["counterpart_code"], r["division_code"]): r["code"] for r in rows if r.get("counterpart_code")}
    return counterpart, routing


def front_line(unit: str | None, division: str | None, counterpart, routing) -> str | None:
    if not unit:
        return None
    if division and routing.get(unit) == "county":
        return counterpart.get((unit, division[:6]), unit)
    return unit


def main() -> None:
    data = tomllib.loads((BANKS / "long_heldout4.toml").read_text(encoding="utf-8"))
    rng = random.Random(20261204)
    long_rows = [compose(topic, data["pools"], data["topic"], rng, n) for n, topic in enumerate(data["topic"]) for _ in range(PER_TOPIC)]
    banks = {
        "long": long_rows,
        "phone": parse_calls(BANKS / "phone_heldout4.txt", "phone"),
        "emergency": parse_calls(BANKS / "emergency_heldout4.txt", "emergency"),
    }
    counterpart, routing = front_line_map()
    path = HERE / "heldout4.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for name, rows in banks.items():
            for i, row in enumerate(rows):
                row["front_line"] = front_line(row.get("department"), row.get("division_code"), counterpart, routing)
                handle.write(json.dumps({"id": f"h4-{name}-{i:04d}", **row}, ensure_ascii=False) + "\n")
            lengths = sorted(len(r["text"]) for r in rows)
            print(f"{name}: {len(rows)} rows, length median {lengths[len(lengths) // 2]} (min {lengths[0]}, max {lengths[-1]})")


if __name__ == "__main__":
    main()
