"""Score the triage engine on the evaluation set: platform, emergency recall, request type, unit, category, division, level.

    .venv/bin/python eval/triage/run_eval.py --split heldout [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
EMERGENCY = {"110", "119", "120"}


def score(rows: list[dict], results: list[dict]) -> dict:
    def acc(pairs):
        pairs = list(pairs)
        return {"accuracy": round(sum(a == b for a, b in pairs) / len(pairs), 4), "n": len(pairs)} if pairs else None

    emergency = [(r, o) for r, o in zip(rows, results) if r["platform"] in EMERGENCY and r.get("emergency")]
    police_all = [(r, o) for r, o in zip(rows, results) if r["platform"] in EMERGENCY]
    non_emergency = [(r, o) for r, o in zip(rows, results) if r["platform"] not in EMERGENCY]
    service = [(r, o) for r, o in zip(rows, results) if r["platform"] == "12345"]
    with_dept = [(r, o) for r, o in zip(rows, results) if r.get("department")]
    return {
        "n": len(rows),
        "platform": acc((r["platform"], o["platform"]) for r, o in zip(rows, results)),
        "emergency_recall": acc((True, o["platform"] in EMERGENCY) for r, o in emergency),
        "emergency_recall_all_110_119_120": acc((True, o["platform"] in EMERGENCY) for r, o in police_all),
        "false_emergency_rate": round(sum(o["platform"] in EMERGENCY for r, o in non_emergency) / max(1, len(non_emergency)), 4),
        "request_type_12345": acc((r["request_type"], o["request_type"]) for r, o in service),
        "department": acc((r["department"], o["department"]) for r, o in with_dept),
        "department_12345": acc((r["department"], o["department"]) for r, o in service),
        "category_full": acc((r["category"], o["category"]) for r, o in service),
        "category_level1": acc((r["category"][:1], o["category"][:1]) for r, o in service),
        "division": acc((r["division_code"], o["division_code"]) for r, o in zip(rows, results)),
        "level": acc((r["level"], o["level"]) for r, o in zip(rows, results)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "heldout2", "heldout3", "all"])
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    from liandong.triage.service import build_engine

    names = ["dev", "heldout"] if args.split == "all" else [args.split]
    rows = [json.loads(line) for n in names for line in (HERE / f"{n}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    engine = build_engine(with_model=not args.no_model)
    started = time.perf_counter()
    results = [r.to_dict() for r in engine.triage_many([row["text"] for row in rows])]
    elapsed = time.perf_counter() - started
    report = score(rows, results)
    report["seconds"] = round(elapsed, 3)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.errors:
        for row, out in zip(rows, results):
            wrong = [k for k in ("platform", "request_type", "department") if row.get(k) != out.get(k) and not (k == "request_type" and row["platform"] != "12345")]
            if row["division_code"] != out["division_code"]:
                wrong.append("division")
            if wrong:
                print(f"- {row['id']} {','.join(wrong)} | gold {row['platform']}/{row['request_type']}/{row['department']}/{row['division_code']} "
                      f"| got {out['platform']}/{out['request_type']}/{out['department']}/{out['division_code']} {out['transfer_item_id']} | {row['text']}")
    print(Counter(r["platform"] for r in results), file=sys.stderr)


if __name__ == "__main__":
    main()
