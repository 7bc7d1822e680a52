"""`kb answer` latency: p50 / p99 of answers over an index of 10,000+ passages, index-level and service call.

Questions are the development banks' (answerable and not), some of them shuffled into fragments the way
hurried call-takers type. Also prints the first answer of a fresh process (pinyin table and caches cold).

Usage: .venv/bin/python bench/kb_answer.py [COPIES] [QUERIES]   (default 10 copies ≈ 10,500 passages, 1,000 queries)
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb_common import REPO, make_copies, temporary_database  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    questions = []
    for name in ("answer_dev.jsonl", "questions.jsonl", "questions_test2.jsonl"):
        path = REPO / "eval" / "knowledge" / name
        questions += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    tmp, _ = temporary_database()
    with tmp, tempfile.TemporaryDirectory() as work:
        from liandong.core.actor import SYSTEM
        from liandong.core.clock import local, now
        from liandong.db import unit_of_work
        from liandong.demo import DEMO_ITEMS
        from liandong.knowledge import items
        from liandong.knowledge.answer import answer, answer_from_index
        from liandong.knowledge.ingest import ingest_paths
        from liandong.knowledge.search import get_index
        from liandong.knowledge.states import ItemAction

        at = now()
        with unit_of_work() as session:
            results = ingest_paths(session, paths=make_copies(Path(work), copies), now=at)
            for department, question, text, tags in DEMO_ITEMS:
                item = items.create_item(session, actor=SYSTEM, now=at, question=question, answer=text, department_code=department, tags=tags)
                for action in (ItemAction.SUBMIT, ItemAction.APPROVE, ItemAction.PUBLISH):
                    items.transition(session, actor=SYSTEM, now=at, item_id=item.id, action=action)
        print(f"passages indexed: {sum(r.passages for r in results)}; published items: {len(DEMO_ITEMS)}")
        today = local(at).date()
        with unit_of_work() as session:
            index = get_index(session, today=today)
        started = time.perf_counter()
        answer_from_index(index, questions[0], city_code="140500")
        print(f"first answer in this process (pinyin table, caches): {(time.perf_counter() - started) * 1000:.0f} ms")

        queries = []
        for _ in range(count):
            question = rng.choice(questions)
            if rng.random() < 0.2:
                chars = list(question)
                rng.shuffle(chars)
                question = "".join(chars[: rng.randint(4, len(chars))])
            queries.append(question)
        index_times, service_times, cpu_times = [], [], []
        answered = 0
        for query in queries:
            started, cpu = time.perf_counter(), time.process_time()
            result = answer_from_index(index, query, city_code="140500")
            index_times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu)
            answered += result["answer"] is not None
        with unit_of_work() as session:
            for query in queries:
                started = time.perf_counter()
                answer(session, query, today=today)
                service_times.append(time.perf_counter() - started)
        # CPU time as well: on a machine shared with other jobs the wall clock mostly measures the queue.
        for name, values in (
            ("answer_from_index", index_times),
            ("  (CPU time)", cpu_times),
            ("service answer()", service_times),
        ):
            print(
                f"{name:18}: p50 {percentile(values, 0.5) * 1000:.2f} ms, p99 {percentile(values, 0.99) * 1000:.2f} ms, "
                f"max {max(values) * 1000:.2f} ms over {len(values)} questions"
            )
        print(f"answered {answered}/{len(queries)} (the rest: 知识库中没有找到可靠答案)")


if __name__ == "__main__":
    main()
