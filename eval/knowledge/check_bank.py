"""Check a hand-written answer bank before it is scored: every gold span occurs in the text of the seed it names
(whitespace-insensitive, as the scorer compares), no gold span shares an 8-character stretch with the gold of any
other bank, no two golds of the bank overlap, and no question repeats one of another bank.

    .venv/bin/python eval/knowledge/check_bank.py answer_heldout8

Prints only counts and the failing rows' ids (never the engine's answers); exits 1 on any failure.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from common import BANKS, PACKAGED, load_bank, normalize

STRETCH = 8


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "answer_heldout8"
    rows = load_bank(name)
    seeds = {path.name[:3]: normalize(path.read_text(encoding="utf-8")) for path in PACKAGED.glob("*.txt")}
    others, questions = [], set()
    for path in BANKS.values():
        if path == BANKS[name]:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                questions.add(row["question"])
                gold = row.get("answer")
                others += [normalize(g) for g in (gold if isinstance(gold, list) else [gold] if gold else [])]
    stretches = {g[i:i + STRETCH] for g in others for i in range(len(g) - STRETCH + 1)}
    failures = []
    golds: list[tuple[str, str]] = []
    for row in rows:
        if row["question"] in questions:
            failures.append((row["id"], "question repeats another bank"))
        if not row["answer"]:
            continue
        gold = normalize(row["answer"])
        if gold not in seeds.get(row["source"], ""):
            failures.append((row["id"], f"gold not in seed {row['source']}"))
        if any(gold[i:i + STRETCH] in stretches for i in range(len(gold) - STRETCH + 1)):
            failures.append((row["id"], "gold shares a stretch with another bank's gold"))
        for other_id, other in golds:
            if gold in other or other in gold:
                failures.append((row["id"], f"gold overlaps {other_id}"))
        golds.append((row["id"], gold))
    print(f"{name}: {len(golds)} answerable, {len(rows) - len(golds)} unanswerable; "
          f"sources {dict(sorted(Counter(r['source'] for r in rows if r['answer']).items()))}; "
          f"styles {dict(sorted(Counter(r['style'] for r in rows).items()))}")
    for row_id, why in failures:
        print(f"FAIL {row_id}: {why}")
    print("ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
