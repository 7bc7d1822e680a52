"""Write eval/triage/eval_set.csv (all evaluation rows, one label per column) for `liandong model evaluate`.

    .venv/bin/python eval/triage/make_eval_csv.py
    .venv/bin/liandong model evaluate --data eval/triage/eval_set.csv --folds 5 --json --text-field text --label-field category1 --group-field group
"""

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

rows = [json.loads(line) for name in ("dev.jsonl", "heldout.jsonl") for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]
with (HERE / "eval_set.csv").open("w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["id", "text", "platform", "request_type", "department", "category1", "group"])
    for r in rows:
        writer.writerow([r["id"], r["text"], r["platform"], r["request_type"] or "", r["department"] or "", (r["category"] or [""])[0], r.get("group", "")])
print(len(rows))
