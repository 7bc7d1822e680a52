"""Search latency over an index of 10,000+ passages: p50 / p99 for the index alone and the full service call.

Usage: .venv/bin/python bench/kb_search.py [COPIES] [QUERIES]   (default 10 copies ≈ 10,500 passages, 2,000 queries)
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
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    questions = [
        json.loads(line)["question"]
        for line in (REPO / "eval" / "knowledge" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(7)
    tmp, _ = temporary_database()
    with tmp, tempfile.TemporaryDirectory() as work:
        from liandong.core.clock import local, now
        from liandong.db import unit_of_work
        from liandong.knowledge.ingest import ingest_paths
        from liandong.knowledge.search import get_index, search

        with unit_of_work() as session:
            results = ingest_paths(session, paths=make_copies(Path(work), copies), now=now())
        print(f"passages indexed: {sum(r.passages for r in results)}")
        today = local(now()).date()
        started = time.perf_counter()
        with unit_of_work() as session:
            index = get_index(session, today=today)
        print(f"cold index build: {time.perf_counter() - started:.2f} s; entries {len(index.entries)}")

        # Mix the evaluation questions with shuffled fragments of them, like hurried call-takers type.
        queries = []
        for _ in range(count):
            question = rng.choice(questions)
            if rng.random() < 0.3:
                chars = list(question)
                rng.shuffle(chars)
                question = "".join(chars[: rng.randint(4, len(chars))])
            queries.append(question)

        index_times, service_times = [], []
        for query in queries:
            started = time.perf_counter()
            index.search(query, top=5)
            index_times.append(time.perf_counter() - started)
        with unit_of_work() as session:
            for query in queries:
                started = time.perf_counter()
                search(session, question=query, today=today, top=5)
                service_times.append(time.perf_counter() - started)
        for name, values in (("index.search", index_times), ("service search()", service_times)):
            print(
                f"{name:17}: p50 {percentile(values, 0.5) * 1000:.2f} ms, p99 {percentile(values, 0.99) * 1000:.2f} ms, "
                f"max {max(values) * 1000:.2f} ms over {len(values)} queries"
            )
        from liandong.knowledge import search as search_module

        search_module._memory.clear()
        search_module._memory_keys.clear()
        search_module._passages_memory.clear()
        started = time.perf_counter()
        with unit_of_work() as session:
            get_index(session, today=today)
        print(f"warm start (index loaded from var_dir cache): {(time.perf_counter() - started) * 1000:.0f} ms")
        from kb_common import corpus_files

        extra = Path(work) / "extra.txt"
        extra.write_text("额外一页\n" + corpus_files()[0].read_text(encoding="utf-8"), encoding="utf-8")
        with unit_of_work() as session:
            ingest_paths(session, paths=[extra], now=now())
        started = time.perf_counter()
        with unit_of_work() as session:
            get_index(session, today=today)
        print(f"rebuild after ingesting one more page (tokens reused): {(time.perf_counter() - started) * 1000:.0f} ms")
        from liandong.core.actor import Actor, Role
        from liandong.knowledge import items
        from liandong.knowledge.states import ItemAction

        actor = Actor("bench", Role.ADMIN)
        with unit_of_work() as session:
            item = items.create_item(session, actor=actor, now=now(), question="供暖费怎么交", answer="营业厅或线上缴纳", department_code="zjj")
            for action in (ItemAction.SUBMIT, ItemAction.APPROVE, ItemAction.PUBLISH):
                items.transition(session, actor=actor, now=now(), item_id=item.id, action=action)
        started = time.perf_counter()
        with unit_of_work() as session:
            found = search(session, question="供暖费怎么交", today=today, top=1)
        print(f"first search after publishing an item: {(time.perf_counter() - started) * 1000:.1f} ms (top hit is the item: {found[0]['item_id'] == item.id})")


if __name__ == "__main__":
    main()
