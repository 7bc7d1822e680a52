"""Check a hand-written triage bank (banks/NAME.txt, built by make_heldout5.py) before it is scored: no sentence or
long clause of it occurs in another bank or in ../shared/data (nor one of theirs inside one of its), every unit code of the catalogue is the strict unit
of at least two non-emergency rows (four for heldout10), every county appears, and the size of each part.

    .venv/bin/python eval/triage/check_bank.py heldout8

Prints counts and the offending sentences only (never the engine's output); exits 1 on any failure.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter

from make_heldout5 import HERE, PREFIXES, parse

CATALOG = HERE.parents[1] / "src" / "liandong" / "catalog" / "data"
SHARED = HERE.parents[1].parent / "shared" / "data"
COUNTIES = ("城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县")
# The least number of non-emergency rows whose strict unit is each unit code (2 unless the bank's brief asked more).
MIN_STRICT = {"heldout10": 4}


def _others(name: str) -> str:
    texts = [p.read_text(encoding="utf-8") for p in (HERE / "banks").glob("*") if p.stem != name]
    for path in [*HERE.glob("*.jsonl"), *HERE.parent.glob("knowledge/*.jsonl"), *SHARED.glob("*.jsonl")]:
        if path.stem == name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(" ".join(str(row.get(k) or "") for k in ("title", "text", "question", "answer", "content")))
    return "\n".join(texts)


def _pieces(field: str) -> set[str]:
    """The sentences of 8 characters or more and the clauses of 14 or more of a text."""
    sentences = [s.strip("，") for s in re.split(r"[。！？；]", field)]
    clauses = [c for c in re.split(r"[。！？；，]", field) if len(c) >= 14]
    return {s for s in sentences if len(s) >= 8} | set(clauses)


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "heldout8"
    rows = parse(HERE / "banks" / f"{name}.txt", PREFIXES[name])
    others = _others(name)
    # The other direction: a sentence of another bank inside one of this bank's (the other bank may be blind, so
    # only this bank's row and field are named, never the sentence).
    foreign = {p for line in others.splitlines() for part in line.split(" | ") for p in _pieces(part.strip())}
    failures = []
    for row in rows:
        for label, field in (("title", row["title"] or ""), ("text", row["text"])):
            for piece in _pieces(field):
                if piece in others:
                    failures.append(f"{row['id']}: shared with another bank: {piece}")
            if any(piece in field for piece in foreign if len(piece) <= len(field)):
                failures.append(f"{row['id']}: its {label} holds a sentence of another bank")
    with (CATALOG / "departments.csv").open(encoding="utf-8") as handle:
        units = {r["code"] for r in csv.DictReader(handle) if r["level"] == "city"} | {"sd"}
    strict = Counter(r["department"] for r in rows if not r["emergency"])
    least = MIN_STRICT.get(name, 2)
    failures += [f"unit {u} is the strict unit of {strict[u]} rows" for u in sorted(units) if strict[u] < least]
    failures += [f"county {c} never appears" for c in COUNTIES if not any(c in r["text"] for r in rows)]
    board = [r for r in rows if r["style"] == "board"]
    print(f"{name}: {len(rows)} rows {dict(Counter(r['style'] for r in rows))}; board posts of 250–450 characters: "
          f"{sum(250 <= len(r['text']) <= 450 for r in board)}; near-misses: {sum('near_miss' in r['traps'] for r in rows)}; "
          f"strict units: {len(strict)} of {len(units)}")
    for failure in failures:
        print("FAIL", failure)
    print("ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
