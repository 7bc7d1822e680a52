"""Check that the triage engine's outputs are unchanged: run every triage bank (and the 120 real board
messages when ../shared/data has them) and write or compare a canonical JSON of every output field.

    .venv/bin/python eval/triage/check_identical.py --save /tmp/triage_ref.json      # from the unmodified code
    .venv/bin/python eval/triage/check_identical.py --compare /tmp/triage_ref.json   # after a change: 0 differing rows

Every field of ``TriageResult.to_dict()`` is kept (floats rounded to 6 places), plus the calibration inputs
(``scores``). Rows are run in batches (as the CLI and the bench do) and a sample one at a time, and the texts the
throughput bench uses (cut to 100 and 500 characters) are included. Only equality is checked here: no figures
of accuracy are computed, so the blind banks are only run, never scored or read for misses.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = Path(os.environ.get("LIANDONG_SHARED_DIR") or ROOT.parent / "shared")
REAL = SHARED / "data" / "board_messages_with_replies.jsonl"
BATCH = 256
SINGLE_EVERY = 7  # every 7th row is also run alone (triage(), not triage_many())


def canonical(value):
    """The value with floats rounded to 6 places (and -0.0 as 0.0), tuples as lists, keys sorted on output."""
    if isinstance(value, float):
        return round(value, 6) + 0.0
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cases() -> dict[str, list[dict]]:
    """{bank name: [{"text", "title"}]} for every bank in eval/triage, the real messages and the bench texts."""
    out: dict[str, list[dict]] = {}
    for path in sorted(HERE.glob("*.jsonl")):
        out[path.stem] = [{"text": str(r.get("text") or ""), "title": r.get("title") if isinstance(r.get("title"), str) else None} for r in _read_jsonl(path)]
    if REAL.exists():
        rows = _read_jsonl(REAL)
        out["real_board"] = [{"text": str(r.get("body") or ""), "title": r.get("title") or None} for r in rows]
        out["real_board_body_only"] = [{"text": str(r.get("body") or ""), "title": None} for r in rows]
    sys.path.insert(0, str(ROOT / "bench"))
    from triage_bench import texts_of_length

    for length in (100, 500):
        out[f"bench_{length}"] = [{"text": t, "title": None} for t in texts_of_length(600, length)]
    return out


def run(engine, rows: list[dict]) -> list[dict]:
    results = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        got = engine.triage_many([r["text"] for r in chunk], titles=[r["title"] for r in chunk])
        results += [canonical({**g.to_dict(), "scores": g.scores}) for g in got]
    for i in range(0, len(rows), SINGLE_EVERY):
        alone = engine.triage(rows[i]["text"], title=rows[i]["title"])
        results.append(canonical({"single_row": i, **alone.to_dict(), "scores": alone.scores}))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the reference outputs here")
    group.add_argument("--compare", type=Path, help="compare with a reference written by --save")
    parser.add_argument("--show", type=int, default=5, help="differing rows to print (default 5)")
    args = parser.parse_args()

    from liandong.triage import service

    engine = service.build_engine()
    outputs = {name: run(engine, rows) for name, rows in cases().items()}
    total = sum(len(v) for v in outputs.values())
    if args.save:
        args.save.write_text(json.dumps(outputs, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(json.dumps({"saved": str(args.save), "banks": len(outputs), "rows": total}, ensure_ascii=False))
        return 0
    if not args.compare.exists():
        print(f"找不到参考文件：{args.compare}", file=sys.stderr)
        return 2
    try:
        reference = json.loads(args.compare.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        print(f"参考文件不是合法的 JSON：{args.compare}", file=sys.stderr)
        return 2
    differing, shown = 0, 0
    for name in sorted(set(reference) | set(outputs)):
        ref, got = reference.get(name, []), outputs.get(name, [])
        if len(ref) != len(got):
            print(f"{name}: {len(ref)} reference rows, {len(got)} now")
        for i in range(max(len(ref), len(got))):
            a = ref[i] if i < len(ref) else None
            b = json.loads(json.dumps(got[i], ensure_ascii=False, sort_keys=True)) if i < len(got) else None
            if a != b:
                differing += 1
                if shown < args.show:
                    shown += 1
                    keys = sorted(k for k in set(a or {}) | set(b or {}) if (a or {}).get(k) != (b or {}).get(k))
                    print(f"{name}[{i}] differs in {', '.join(keys)}")
    print(json.dumps({"banks": len(outputs), "rows": total, "differing_rows": differing}, ensure_ascii=False))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
