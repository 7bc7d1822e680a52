"""The dense unit head (liandong.triage.dense) on the development banks: the department head alone and the engine.

The packaged model gets a dense head fitted in process on the packaged examples (nothing is written); then, for each
blend weight, (1) the department head's own top unit on the text the engine gives the model (long messages reduced to
their request), lenient against each row's accepted units, and (2) the engine's unit, strict and lenient.

    .venv/bin/python eval/triage/dense_banks.py [--blends 0,0.1,0.2,0.3] [--out FILE]

Development banks only: the blind banks are refused (run_banks.py scores those, in aggregate).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run_banks  # noqa: E402

DEV = ("long_dev", "phone_dev", "dev", "heldout4", "dev6", "route_dev", "nearmiss_dev", "nearmiss_short", "emergency_dev4",
       "nearmiss_phone", "emergency_dev5", "alarm_dev", "nearmiss_long", "nearmiss_calls", "emergency_dev7", "mixed_dev8",
       "route_dev9", "route_dev10")


def unit_rows(name: str) -> list[dict]:
    if name in run_banks.BLIND:
        raise SystemExit(f"{name} is a blind bank")
    rows = [r for r in run_banks.load(name) if r["platform"] == "12345" and r.get("department")]
    if name == "dev":  # the older generated bank: one acceptable unit, no title
        rows = [{**r, "title": None, "department_ok": [r["department"]]} for r in rows]
    return rows


def model_texts(engine, rows: list[dict]) -> list[str]:
    from liandong.triage.focus import Layout
    from liandong.triage.text import normalize

    out = []
    for r in rows:
        title = engine.fix_typos(normalize(r["title"])) if r.get("title") else ""
        body = engine.fix_typos(normalize(r["text"]))
        layout = Layout(f"{title}。{body}" if title else body, title_end=len(title) + 1 if title else 0)
        out.append(engine._model_text(layout, engine._match(layout)[0]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blends", default="0,0.1,0.2,0.3")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    from liandong.triage import service
    from liandong.triage.dense import DenseUnitHead, word_idf
    from liandong.triage.model import _label

    engine = service.build_engine()
    model = engine.model
    examples = [r for r in service.default_examples() if str(r.get("text", "")).strip() and _label(r, "department")]
    terms, idf = word_idf(model.vectorizer)
    head = DenseUnitHead().fit([r["text"] for r in examples], [_label(r, "department") for r in examples], idf_terms=terms, idf_values=idf)
    blends = [float(b) for b in args.blends.split(",")]
    report: dict = {}
    for name in DEV:
        rows = unit_rows(name)
        accepted = [set(r.get("department_ok") or [r["department"]]) for r in rows]
        texts = model_texts(engine, rows)
        model.dense = None
        classes, lexical = model.predict_proba(texts)["department"]
        line = {"n": len(rows)}
        for blend in blends:
            head.blend_ = blend
            p = head.blend(classes, lexical, texts)
            line[f"model_lenient@{blend}"] = int(sum(classes[i] in ok for i, ok in zip(np.argmax(p, axis=1), accepted)))
            model.dense = head if blend > 0 else None
            results, _ = run_banks.run(engine, rows)
            line[f"engine_strict@{blend}"] = sum(o["department"] == r["department"] for r, o in zip(rows, results))
            line[f"engine_lenient@{blend}"] = sum(o["department"] in ok for ok, o in zip(accepted, results))
        model.dense = None
        report[name] = line
        print(name, json.dumps(line), flush=True)
    total = {key: sum(line[key] for line in report.values()) for key in next(iter(report.values()))}
    report["total"] = total
    print("total", json.dumps(total))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
