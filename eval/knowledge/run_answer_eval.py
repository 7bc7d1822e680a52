"""Knowledge answers against the current search, same run: hit@1, hit@3, span-contains-gold, not-found.

For each bank (answerable questions with a gold answer span, unanswerable ones with none):
- hit@1 / hit@3: the gold text is in the first / one of the first three passages shown (search: its
  results; answer: the passage of the answer, else of the first alternative, then the alternatives);
- span: the short answer given contains the gold text (search: its highlighted `matched` stretch of the
  first result; a question answered "not found" counts as a miss);
- answered: share of answerable questions given an answer; not-found: share of unanswerable ones
  answered "not found" (the search always shows something, so its not-found rate is 0).

Usage: .venv/bin/python eval/knowledge/run_answer_eval.py [--split dev|dev2|dev3|dev4|heldout|…|heldout5|heldout6|heldout7|heldout8|heldout9|heldout10|holdout3|holdout4b] [--misses] [--classify]
`dev` is every development bank; `heldout`…`heldout4`, `dev2`, `dev3` and `dev4` one development bank each; `heldout5`,
`heldout6`, `heldout7`, `heldout8`, `heldout9` and `heldout10` are the blind banks and `holdout3` / `holdout4b` the held-out quarters of answer_dev3.jsonl / answer_dev4.jsonl, each scored only on its own
and only in aggregate (`--misses` never lists them).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEV_BANKS, HELDOUT_BANKS, contains, load_bank, open_knowledge_base  # noqa: E402


def run_search(index, question: str, city_code: str) -> dict:
    try:
        results = index.search(question, top=3, city_code=city_code)
    except TypeError:  # the search before answers existed (see --search-only) knew no city
        results = index.search(question, top=3)
    return {"passages": [r["passage"] for r in results], "span": results[0]["matched"] if results else None, "answered": bool(results)}


def run_answer(index, question: str, city_code: str) -> dict:
    from liandong.knowledge.answer import answer_from_index

    result = answer_from_index(index, question, city_code=city_code, top=3)
    passages = ([result["passage"]] if result["passage"] else []) + [a["passage"] for a in result["alternatives"]]
    return {"passages": passages[:3], "span": result["answer"], "answered": result["answer"] is not None, "result": result}


# Where a miss arises, earliest first: the gold passage is not among the passages read (search); it is, but
# none of the sentences offered to the ranker holds the gold (sentence); one does, ranked below the first
# (ranking); the first holds the gold but the answer given does not — cut or joined wrong (span); the first
# holds it and the answer was "not found" (decider).
MISS_CLASSES = ("search", "sentence", "ranking", "span", "decider")


def classify(index, rows: list[dict], answered: dict[str, dict], city_code: str) -> dict[str, str]:
    from liandong.knowledge import answer, ranking

    classes = {}
    for row in rows:
        run = answered[row["key"]]
        if not row["answer"] or row["bank"] in HELDOUT_BANKS or (run["answered"] and contains(run["span"], row["answer"])):
            continue
        decision = answer.decide(index, row["question"], city_code=city_code)
        scores, _ = index.rank(decision.prepared, city_code=city_code)
        read = ranking.top_indexes(scores, answer.CANDIDATES)
        first = next((rank for rank, c in enumerate(decision.candidates) if contains(c.sentence, row["answer"])), None)
        read_holds = any(contains(index.entries[position].text, row["answer"]) for position in read)
        classes[row["key"]] = miss_class(read_holds, first, run["answered"])
    return classes


def miss_class(read_holds_gold: bool, first_answering: int | None, answered: bool) -> str:
    """The class of a miss (MISS_CLASSES) from whether a passage read holds the gold, the rank of the first
    candidate sentence that does (None: none) and whether an answer was given."""
    if not read_holds_gold:
        return "search"
    if first_answering is None:
        return "sentence"
    if first_answering > 0:
        return "ranking"
    return "span" if answered else "decider"


def score(rows: list[dict], runs: dict[str, dict]) -> dict:
    answerable = [row for row in rows if row["answer"]]
    unanswerable = [row for row in rows if not row["answer"]]
    out = {"n": len(answerable), "u": len(unanswerable)}
    if answerable:
        out["hit1"] = sum(contains(runs[r["key"]]["passages"][0] if runs[r["key"]]["passages"] else None, r["answer"]) for r in answerable) / len(answerable)
        out["hit3"] = sum(any(contains(p, r["answer"]) for p in runs[r["key"]]["passages"][:3]) for r in answerable) / len(answerable)
        out["span"] = sum(runs[r["key"]]["answered"] and contains(runs[r["key"]]["span"], r["answer"]) for r in answerable) / len(answerable)
        out["answered"] = sum(runs[r["key"]]["answered"] for r in answerable) / len(answerable)
    if unanswerable:
        out["not_found"] = sum(not runs[r["key"]]["answered"] for r in unanswerable) / len(unanswerable)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    single = {"dev2": "answer_dev2", "heldout": "answer_heldout", "heldout2": "answer_heldout2", "heldout3": "answer_heldout3",
              "heldout4": "answer_heldout4", "heldout5": "answer_heldout5", "heldout6": "answer_heldout6",
              "heldout7": "answer_heldout7", "heldout8": "answer_heldout8", "heldout9": "answer_heldout9", "heldout10": "answer_heldout10",
              "dev3": "answer_dev3", "holdout3": "answer_holdout3",
              "dev4": "answer_dev4", "holdout4b": "answer_holdout4b"}
    parser.add_argument("--split", choices=("dev", *single), default="dev")
    parser.add_argument("--misses", action="store_true", help="list development misses (never the held-out ones)")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="score the search alone (e.g. an older checkout: PYTHONPATH=OLD/src … --search-only) as the 'before' figures",
    )
    parser.add_argument(
        "--classify",
        action="store_true",
        help="count the development misses by where they arise: search, sentence, ranking, span, decider (never the held-out ones)",
    )
    args = parser.parse_args()

    banks = list(DEV_BANKS) if args.split == "dev" else [single[args.split]]
    rows = []
    for name in banks:
        for row in load_bank(name):
            row["key"] = f"{name}:{row['id']}"
            rows.append(row)

    from liandong.config import settings

    city_code = settings().city_code
    tmp, index = open_knowledge_base()
    with tmp:
        index.search("预热", top=1)
        searched, answered, latencies = {}, {}, []
        for row in rows:
            searched[row["key"]] = run_search(index, row["question"], city_code)
            if args.search_only:
                continue
            started = time.perf_counter()
            answered[row["key"]] = run_answer(index, row["question"], city_code)
            latencies.append(time.perf_counter() - started)
        development = [row for row in rows if row["bank"] not in HELDOUT_BANKS]
        classes = classify(index, development, answered, city_code) if args.classify and not args.search_only else None

    def fmt(value) -> str:
        return f"{value:6.3f}" if value is not None else "     —"

    print(f"city {city_code}; banks: {', '.join(banks)}")
    print(f"{'bank':16} {'n':>3} {'u':>3} | {'method':7} {'hit@1':>6} {'hit@3':>6} {'span':>6} {'answd':>6} {'notfnd':>6}")
    groups = {name: [row for row in rows if row["bank"] == name] for name in banks}
    if len(banks) > 1:
        groups["all"] = rows
    for name, chosen in groups.items():
        for method, runs in (("search", searched), ("answer", answered)):
            if not runs:
                continue
            s = score(chosen, runs)
            print(
                f"{name:16} {s['n']:>3} {s['u']:>3} | {method:7} {fmt(s.get('hit1'))} {fmt(s.get('hit3'))} {fmt(s.get('span'))}"
                f" {fmt(s.get('answered'))} {fmt(s.get('not_found'))}"
            )
    latencies.sort()
    if not latencies:
        return 0
    print(f"answer latency: p50 {latencies[len(latencies) // 2] * 1000:.2f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.2f} ms")

    if classes is not None:
        print("development misses by class (answerable questions not answered with the gold):")
        for name in MISS_CLASSES:
            print(f"  {name:10} {sum(1 for label in classes.values() if label == name):4}")
        if args.misses:
            for key, label in classes.items():
                print(f"{label:10} {key}")

    if args.misses:
        for row in rows:
            if row["bank"] in HELDOUT_BANKS:
                continue
            run = answered[row["key"]]
            result = run["result"]
            if row["answer"]:
                hit1 = bool(run["passages"]) and contains(run["passages"][0], row["answer"])
                span = run["answered"] and contains(run["span"], row["answer"])
                if hit1 and span:
                    continue
                label = "NOANSWER" if not run["answered"] else ("WRONGDOC" if not hit1 else "SPAN")
                print(f"{label:8} {row['key']} p={result['confidence']:.2f} {row['question']} → {row['answer']}")
                shown = run["span"] or (result["alternatives"][0]["answer"] if result["alternatives"] else "")
                print(f"         got: {shown[:100]}")
            elif run["answered"]:
                print(f"FALSEANS {row['key']} p={result['confidence']:.2f} {row['question']} → {run['span'][:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
