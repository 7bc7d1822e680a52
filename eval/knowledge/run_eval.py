"""Knowledge-base evaluation: hit@1 / hit@3 of `liandong kb` search against a naive baseline, same run.

A question is a hit at k when its expected answer text occurs in one of the first k passages returned
(both compared without whitespace and with one form of punctuation). The baseline is the floor named in
the issue: character-bigram overlap over fixed 300-character windows of the raw seed text.

Usage: .venv/bin/python eval/knowledge/run_eval.py [--seeds DIR] [--questions FILE] [--misses]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
PACKAGED = REPO / "src" / "liandong" / "knowledge" / "data" / "corpus"

_PUNCT = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"})


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_PUNCT)


def bigram_set(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def baseline_search(windows: list[str], question: str, top: int) -> list[str]:
    query = bigram_set(question)
    scored = sorted(((len(query & bigram_set(w)), i) for i, w in enumerate(windows)), key=lambda x: (-x[0], x[1]))
    return [windows[i] for score, i in scored[:top] if score > 0]


def hits(passages: list[str], answer: str) -> tuple[bool, bool]:
    target = normalize(answer)
    found = [target in normalize(p) for p in passages]
    return any(found[:1]), any(found[:3])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS if DEFAULT_SEEDS.exists() else PACKAGED)
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    parser.add_argument("--misses", action="store_true", help="print the questions missed at 3 (dev split only)")
    args = parser.parse_args()

    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    raw_files = sorted(args.seeds.glob("*.txt"))

    windows = []
    for path in raw_files:
        raw = path.read_text(encoding="utf-8")
        windows.extend(raw[i : i + 300] for i in range(0, len(raw), 300))

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/eval.db"
        from liandong.config import configure

        configure(database_url=url, var_dir=Path(tmp) / "var")
        from liandong.core.clock import local, now
        from liandong.db import unit_of_work
        from liandong.db.migrate import upgrade
        from liandong.knowledge.ingest import ingest_paths
        from liandong.knowledge.search import search

        upgrade(url=url)
        with unit_of_work() as session:
            ingest_paths(session, paths=raw_files, now=now())
        today = local(now()).date()
        ours: dict[str, list[str]] = {}
        latencies = []
        with unit_of_work() as session:
            search(session, question="预热", today=today)
            for q in questions:
                started = time.perf_counter()
                results = search(session, question=q["question"], today=today, top=3)
                latencies.append(time.perf_counter() - started)
                ours[q["id"]] = [r["passage"] for r in results]

    table = {}
    for split in ("dev", "heldout", "all"):
        chosen = [q for q in questions if split == "all" or q.get("split", "dev") == split]
        if not chosen:
            continue
        row = {}
        for name, get in (("ours", lambda q: ours[q["id"]]), ("baseline", lambda q: baseline_search(windows, q["question"], 3))):
            h1 = h3 = 0
            for q in chosen:
                a, b = hits(get(q), q["answer"])
                h1 += a
                h3 += b
            row[name] = (h1 / len(chosen), h3 / len(chosen))
        table[split] = (len(chosen), row)

    print(f"questions: {len(questions)}  seeds: {args.seeds}")
    print(f"{'split':8} {'n':>3}  {'ours hit@1':>10} {'ours hit@3':>10}  {'base hit@1':>10} {'base hit@3':>10}")
    for split, (n, row) in table.items():
        print(f"{split:8} {n:>3}  {row['ours'][0]:>10.3f} {row['ours'][1]:>10.3f}  {row['baseline'][0]:>10.3f} {row['baseline'][1]:>10.3f}")
    latencies.sort()
    print(f"search latency over {len(latencies)} questions: p50 {latencies[len(latencies)//2]*1000:.2f} ms, max {latencies[-1]*1000:.2f} ms")
    if args.misses:
        for q in questions:
            if q.get("split", "dev") == "heldout":
                continue
            a, b = hits(ours[q["id"]], q["answer"])
            if not a:
                print(f"{'MISS@3' if not b else 'miss@1'} {q['id']} {q['question']} → {q['answer']}")
                for p in ours[q["id"]][:3]:
                    print("      ", p[:90].replace("\n", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
