"""`liandong model evaluate` on every bank: 5-fold macro-F1 of our model next to the char n-gram SVM baseline,
with the time each took. Grouped folds where a bank has groups (the variants of one phrasing, the messages
built on one paragraph), so no near-copy of a test text is trained on.

    .venv/bin/python eval/triage/model_banks.py [--split dev|heldout|all] [--out eval/triage/results/model_banks.json]

The 120 real board messages are read from ../shared/data at run time (labels: real_board_labels.csv) and
written only to a temporary file.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = HERE.parents[1].parent / "shared" / "data" / "board_messages_with_replies.jsonl"


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def banks(split: str) -> list[tuple[str, list[dict], list[str], str, str | None]]:
    """(name, rows, text fields, label field, group field)."""
    out = []
    parts = ["dev", "heldout"] if split == "all" else [split]
    for part in parts:
        long_rows = _jsonl(f"long_{part}")
        out.append((f"long_{part} / unit", long_rows, ["title", "text"], "department", "group"))
        out.append((f"long_{part} / request type", long_rows, ["title", "text"], "request_type", "group"))
        calls = _jsonl(f"phone_{part}") + _jsonl(f"emergency_{part}")
        out.append((f"phone+emergency_{part} / platform", calls, ["text"], "platform", None))
    old = [r for name in (["dev"] if split == "dev" else ["heldout", "heldout2", "heldout3"] if split == "heldout" else ["dev", "heldout", "heldout2", "heldout3"]) for r in _jsonl(name)]
    for r in old:
        r["category1"] = (r.get("category") or [""])[0]
    label = "dev" if split == "dev" else "heldout 1-3" if split == "heldout" else "dev + heldout 1-3"
    out.append((f"generated {label} / unit", [r for r in old if r.get("department")], ["text"], "department", "group"))
    out.append((f"generated {label} / platform", old, ["text"], "platform", "group"))
    out.append((f"generated {label} / category level 1", [r for r in old if r["category1"]], ["text"], "category1", "group"))
    if REAL.exists() and split in ("heldout", "all"):
        lines = [line for line in (HERE / "real_board_labels.csv").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
        labels = {int(r["id"]): r for r in csv.DictReader(lines)}
        real = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [{"title": r["title"], "text": r["body"], "level1": labels[r["id"]]["level1"]} for r in real if r["id"] in labels]
        out.append(("real board 120 / category level 1", rows, ["title", "text"], "level1", None))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--dense-blend", type=float, default=None, help="also score ours blended with the dense unit head at this weight")
    args = parser.parse_args()
    from liandong.triage.service import evaluate_file

    report = []
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for name, rows, text_fields, label_field, group_field in banks(args.split):
            runs.append((name, rows, text_fields, label_field, None))
            if group_field:  # the same bank again with grouped folds: no near-copy of a test text is trained on
                runs.append((name + " (grouped)", rows, text_fields, label_field, group_field))
        for index, (name, rows, text_fields, label_field, group_field) in enumerate(runs):
            path = Path(tmp) / f"bank{index}.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if r.get(label_field)), encoding="utf-8")
            try:
                result = evaluate_file(path, folds=args.folds, text_fields=text_fields, label_field=label_field, group_field=group_field, dense_blend=args.dense_blend)
            except Exception as error:  # noqa: BLE001 - e.g. too few groups: say so and go on
                print(f"{name:45s} skipped: {error}", flush=True)
                continue
            line = {
                "bank": name,
                "n": result["n"],
                "classes": result["classes"],
                "grouped": result["grouped"],
                "macro_f1": result["macro_f1"],
                "baseline_macro_f1": result["baseline"]["macro_f1"],
                "gain": result["macro_f1_gain"],
                "seconds": result["fit_predict_seconds"]["model"],
                "baseline_seconds": result["fit_predict_seconds"]["baseline"],
                "time_ratio": result["time_ratio"],
                "dropped_classes": len(result["dropped_classes"]),
            }
            if "dense" in result:
                line["dense_macro_f1"] = result["dense"]["macro_f1"]
                line["dense_seconds"] = result["fit_predict_seconds"]["dense"]
            report.append(line)
            dense = f"  +dense {line['dense_macro_f1']:.4f} ({line['dense_seconds']:.1f}s)" if "dense_macro_f1" in line else ""
            print(f"{name:45s} n={line['n']:4d} k={line['classes']:2d} ours {line['macro_f1']:.4f}  baseline {line['baseline_macro_f1']:.4f}  "
                  f"gain {line['gain']:+.4f}  {line['seconds']:.1f}s vs {line['baseline_seconds']:.1f}s ({line['time_ratio']:.1f}x){dense}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
