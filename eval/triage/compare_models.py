"""Baseline (char 1-3 TF-IDF + LinearSVC) vs ours (word+char TF-IDF, SVM+LogReg+NB vote), trained on the packaged
examples and scored on the evaluation set, whose phrasings the examples never contain — a harder test than K-fold
over variants of the same sentences.

    .venv/bin/python eval/triage/compare_models.py
"""

import json
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from liandong.triage.features import baseline_pipeline, strong_pipeline
from liandong.triage.service import default_examples

HERE = Path(__file__).resolve().parent


def label(row, target):
    value = row.get(target)
    if target == "category1":
        value = (row.get("category") or [None])[0]
    return value or None


def main() -> None:
    train = default_examples()
    rows = {name: [json.loads(line) for line in (HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()] for name in ("dev", "heldout")}
    report = {}
    for target in ("platform", "department", "request_type", "category1"):
        tr = [(r["text"], label(r, target)) for r in train if label(r, target)]
        seen = {y for _, y in tr}
        for name, test_rows in rows.items():
            te = [(r["text"], label(r, target)) for r in test_rows if label(r, target) in seen]
            for model_name, factory in (("baseline", baseline_pipeline), ("ours", strong_pipeline)):
                model = factory().fit([t for t, _ in tr], [y for _, y in tr])
                pred = model.predict([t for t, _ in te])
                gold = [y for _, y in te]
                report.setdefault(target, {}).setdefault(name, {})[model_name] = {
                    "accuracy": round(accuracy_score(gold, pred), 4),
                    "macro_f1": round(f1_score(gold, pred, average="macro", zero_division=0), 4),
                    "n": len(gold),
                }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
