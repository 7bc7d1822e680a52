"""Score the triage engine on the realistic banks and on the 120 real board messages.

    .venv/bin/python eval/triage/run_banks.py --split dev            # tune on this
    .venv/bin/python eval/triage/run_banks.py --split heldout        # score once, at the end
    .venv/bin/python eval/triage/run_banks.py --split dev --errors   # list the misses

Figures per bank: false-emergency rate (non-emergency rows sent to 110/119/120), emergency recall
(emergency rows sent to any of 110/119/120) and exact-platform accuracy on them, secondary-target recall,
unit accuracy strict (the one best unit) and lenient (any unit the bank accepts for that message),
request-type accuracy, how many results ask for review (需人工判断) and the unit accuracy of the rest,
and the calibration of ``confidence`` against unit correctness (Brier score, expected calibration error).

The 120 real messages (../shared/data, read here at run time, never copied) are all non-emergencies: the
script reports their false-emergency rate, and the request type against the type their title names
(建议 → suggestion, 咨询/请问 → consult, 投诉 → complaint, 举报 → report, 求助 → help), once with the
title given to the engine and once from the body alone.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# ../shared beside the checkout; a worktree elsewhere names it with LIANDONG_SHARED_DIR.
SHARED = Path(os.environ.get("LIANDONG_SHARED_DIR") or HERE.parents[1].parent / "shared")
REAL = SHARED / "data" / "board_messages_with_replies.jsonl"
REAL_LABELS = HERE / "real_board_labels.csv"
EMERGENCY = {"110", "119", "120"}
BLIND = ("heldout5", "heldout6", "emergency_holdout4", "heldout7", "heldout8", "heldout9", "heldout10", "route_holdout", "alarm_holdout")  # never tuned on: scored in aggregate only, misses never listed
# Hand-written banks of the 8-field format (banks/*.txt), scored by style.
STYLE_BANKS = ("heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10", "dev6", "route_dev", "route_holdout", "emergency_dev2", "nearmiss_dev", "nearmiss_short", "emergency_dev3", "emergency_dev4", "emergency_holdout4", "nearmiss_phone", "emergency_dev5", "alarm_dev", "alarm_holdout", "nearmiss_long", "nearmiss_calls", "emergency_dev6", "emergency_dev7", "mixed_dev8", "route_dev9", "route_dev10", "emergency_dev8", "route_dev11", "nearmiss_long2", "emergency_dev9", "emergency_dev10", "emergency_dev11", "nevermiss_dev", "route_dev12", "nearmiss_long3", "nearmiss_calls2", "nearmiss_calls3", "nearmiss_calls4", "nearmiss_calls5", "nearmiss_long4", "nearmiss_calls6", "nearmiss_calls7", "nearmiss_calls8")
TITLE_TYPES = [("建议", "suggestion"), ("咨询", "consult"), ("请问", "consult"), ("投诉", "complaint"), ("举报", "report"), ("求助", "help")]


def load(name: str) -> list[dict]:
    path = HERE / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(engine, rows: list[dict]) -> tuple[list[dict], float]:
    texts = [r["text"] for r in rows]
    titles = [r.get("title") for r in rows]
    accepts_titles = "titles" in inspect.signature(engine.triage_many).parameters
    started = time.perf_counter()
    if accepts_titles:
        results = engine.triage_many(texts, titles=titles)
    else:  # the engine before titles existed: the title is simply the first sentence
        results = engine.triage_many([f"{t}。{x}" if t else x for t, x in zip(titles, texts)])
    return [r.to_dict() for r in results], time.perf_counter() - started


def _rate(hits: int, n: int) -> dict | None:
    return {"value": round(hits / n, 4), "hits": hits, "n": n} if n else None


def calibration(pairs: list[tuple[float, bool]], bins: int = 10) -> dict | None:
    if not pairs:
        return None
    brier = sum((c - float(ok)) ** 2 for c, ok in pairs) / len(pairs)
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        part = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if part:
            conf = sum(c for c, _ in part) / len(part)
            acc = sum(ok for _, ok in part) / len(part)
            ece += len(part) / len(pairs) * abs(conf - acc)
    return {"brier": round(brier, 4), "ece": round(ece, 4), "n": len(pairs)}


def score(rows: list[dict], results: list[dict]) -> dict:
    pairs = list(zip(rows, results))
    non = [(r, o) for r, o in pairs if not r.get("emergency")]
    emerg = [(r, o) for r, o in pairs if r.get("emergency")]
    service = [(r, o) for r, o in pairs if r["platform"] == "12345"]
    with_unit = [(r, o) for r, o in service if r.get("department")]
    secondary = [(r, o, p) for r, o in emerg for p in r.get("secondary_platforms") or []]
    review = [(r, o) for r, o in with_unit if o.get("needs_review")]
    sure = [(r, o) for r, o in with_unit if not o.get("needs_review")]

    def reached(o: dict, platform: str) -> bool:
        return o["platform"] == platform or platform in (o.get("secondary_platforms") or [])

    return {
        "n": len(rows),
        "false_emergency": _rate(sum(o["platform"] in EMERGENCY for r, o in non if r["platform"] not in EMERGENCY), sum(r["platform"] not in EMERGENCY for r, _ in non)),
        "emergency_recall": _rate(sum(o["platform"] in EMERGENCY for _, o in emerg), len(emerg)),
        "emergency_exact_platform": _rate(sum(o["platform"] == r["platform"] for r, o in emerg), len(emerg)),
        "secondary_recall": _rate(sum(reached(o, p) for _, o, p in secondary), len(secondary)),
        # Every platform the bank expects (first and alongside) is alerted, whichever goes first.
        "emergency_all_targets": _rate(sum(all(reached(o, p) for p in [r["platform"], *(r.get("secondary_platforms") or [])]) for r, o in emerg), len(emerg)),
        "platform": _rate(sum(o["platform"] == r["platform"] for r, o in pairs), len(pairs)),
        "unit_strict": _rate(sum(o["department"] == r["department"] for r, o in with_unit), len(with_unit)),
        "unit_lenient": _rate(sum(o["department"] in (r.get("department_ok") or [r["department"]]) for r, o in with_unit), len(with_unit)),
        "request_type": _rate(sum(o["request_type"] == r["request_type"] for r, o in service if r.get("request_type")), sum(bool(r.get("request_type")) for r, _ in service)),
        "needs_review": _rate(len(review), len(with_unit)),
        "unit_strict_when_confident": _rate(sum(o["department"] == r["department"] for r, o in sure), len(sure)),
        "calibration_unit_strict": calibration([(float(o["confidence"]), o["department"] == r["department"]) for r, o in with_unit]),
    }


def title_type(title: str) -> str | None:
    found = [(title.find(word), kind) for word, kind in TITLE_TYPES if word in title]
    return min(found)[1] if found else None


def real_labels() -> dict[int, dict]:
    if not REAL_LABELS.exists():
        return {}
    import csv

    lines = [line for line in REAL_LABELS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    out = {}
    for row in csv.DictReader(lines):
        unit = None if row["unit"] == "-" else row["unit"]
        ok = [unit] + [u for u in (row.get("ok") or "").split(";") if u] if unit else []
        out[int(row["id"])] = {"level1": row["level1"], "department": unit, "department_ok": ok}
    return out


def score_real(engine) -> dict:
    if not REAL.exists():
        return {"skipped": f"{REAL} not found"}
    rows = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = real_labels()
    bank = [{"title": r["title"], "text": r["body"], "platform": "12345", "emergency": False, "id": r["id"], **labels.get(r["id"], {})} for r in rows]
    with_title, seconds = run(engine, bank)
    body_only, _ = run(engine, [{**b, "title": None} for b in bank])
    false = [(b, o) for b, o in zip(bank, with_title) if o["platform"] in EMERGENCY]
    unit_pairs = [(b, o) for b, o in zip(bank, with_title) if b.get("department")]
    level_pairs = [(b, o) for b, o in zip(bank, with_title) if b.get("level1")]
    typed = [(title_type(b["title"]), o, p) for b, o, p in zip(bank, with_title, body_only) if title_type(b["title"])]
    return {
        "n": len(rows),
        "mean_length": round(sum(len(r["body"]) for r in rows) / len(rows), 1),
        "false_emergency": _rate(len(false), len(bank)),
        "false_emergency_ids": [(b["id"], b["title"], o.get("transfer_item_id")) for b, o in false],
        "request_type_vs_title_with_title": _rate(sum(o["request_type"] == t for t, o, _ in typed), len(typed)),
        "request_type_vs_title_body_only": _rate(sum(p["request_type"] == t for t, _, p in typed), len(typed)),
        "request_type_vs_title_by_type": {
            kind: {"with_title": _rate(sum(o["request_type"] == t for t, o, _ in typed if t == kind), sum(t == kind for t, _, _ in typed)),
                   "body_only": _rate(sum(p["request_type"] == t for t, _, p in typed if t == kind), sum(t == kind for t, _, _ in typed))}
            for kind in sorted({t for t, _, _ in typed})
        },
        "needs_review": _rate(sum(bool(o.get("needs_review")) for o in with_title), len(with_title)),
        # Units and level-1 categories as labelled in real_board_labels.csv (our labels; the texts are theirs).
        "unit_strict": _rate(sum(o["department"] == b["department"] for b, o in unit_pairs), len(unit_pairs)),
        "unit_lenient": _rate(sum(o["department"] in b["department_ok"] for b, o in unit_pairs), len(unit_pairs)),
        "unit_lenient_when_confident": _rate(sum(o["department"] in b["department_ok"] for b, o in unit_pairs if not o.get("needs_review")), sum(not o.get("needs_review") for _, o in unit_pairs)),
        "category_level1": _rate(sum((o["category"] or [None])[0] == b["level1"] for b, o in level_pairs), len(level_pairs)),
        "mean_confidence": round(sum(float(o["confidence"]) for _, o in unit_pairs) / max(1, len(unit_pairs)), 3),
        "calibration_unit_lenient": calibration([(float(o["confidence"]), o["department"] in b["department_ok"]) for b, o in unit_pairs]),
        "seconds": round(seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", *STYLE_BANKS],
                        help="heldout4 = the second pass's bank (eval/triage/heldout4.jsonl), scored by style; dev6 = the route session's hand-written development bank (tuned on); "
                             "route_dev / route_holdout = the second route session's bank (banks/route_dev.txt): tuned on / every 4th message, never tuned on; "
                             "emergency_dev2 / nearmiss_dev = the lead's development banks; alarm_dev / alarm_holdout = the alarm session's bank (tuned on / never tuned on); heldout5/heldout6/heldout7/heldout8/heldout9/heldout10 = blind banks (aggregates only)")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="write the report as JSON here")
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    from liandong.triage.service import build_engine

    engine = build_engine(with_model=not args.no_model)
    report: dict = {"split": args.split}
    if args.split in STYLE_BANKS:
        every = load(args.split)
        groups = {f"{args.split}_{style}": [r for r in every if r["style"] == style] for style in ("board", "phone", "emergency")}
        names = [*groups, f"{args.split}_all"]
        groups[f"{args.split}_all"] = every
    else:
        names = [f"long_{args.split}", f"phone_{args.split}", f"emergency_{args.split}"]
        names += ["dev"] if args.split == "dev" else ["heldout", "heldout2", "heldout3"]
        groups = {}
    for name in names:
        rows = groups[name] if name in groups else load(name)
        if name in ("dev", "heldout", "heldout2", "heldout3"):  # the older generated banks: one acceptable unit
            rows = [{**r, "title": None, "department_ok": [r.get("department")]} for r in rows]
        results, seconds = run(engine, rows)
        report[name] = {**score(rows, results), "seconds": round(seconds, 3)}
        if name.startswith("heldout4"):
            with_front = [(r, o) for r, o in zip(rows, results) if r["platform"] == "12345" and r.get("front_line")]
            # The front-line unit: the engine names the duty's city unit; its county counterpart is the dispatch tree's step.
            report[name]["unit_front_line_ok"] = _rate(
                sum(o["department"] in (r.get("department_ok") or [r["department"]]) for r, o in with_front), len(with_front))
        if args.errors and args.split not in BLIND:  # the blind banks' misses are never listed
            for r, o in zip(rows, results):
                wrong = []
                if (r.get("emergency") and o["platform"] not in EMERGENCY) or (r["platform"] not in EMERGENCY and o["platform"] in EMERGENCY):
                    wrong.append("EMERGENCY")
                elif r["platform"] != o["platform"]:
                    wrong.append("platform")
                if r["platform"] == "12345" and r.get("department") and o["department"] not in (r.get("department_ok") or [r["department"]]):
                    wrong.append("unit")
                if r["platform"] == "12345" and r.get("request_type") and o["request_type"] != r["request_type"]:
                    wrong.append("type")
                if wrong:
                    print(f"- {name} {r['id']} {','.join(wrong)} | gold {r['platform']}/{r.get('request_type')}/{r.get('department')} "
                          f"| got {o['platform']}/{o['request_type']}/{o['department']} {o.get('transfer_item_id')} c={o['confidence']} "
                          f"| {(r.get('title') or '')[:30]} | {re.sub(chr(10), ' ', r['text'])[:160]}", file=sys.stderr)
    report["real_board_120"] = score_real(engine)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
