"""Ingestion throughput: repair + split alone, then the whole ingest into SQLite, then the index build.

Usage: .venv/bin/python bench/kb_ingest.py [COPIES]   (default 10 copies of the five seeds, ~4.7 MB)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb_common import corpus_files, make_copies, temporary_database  # noqa: E402


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    from liandong.knowledge.split import passages, split_text

    texts = [path.read_text(encoding="utf-8") for path in corpus_files()]
    size = sum(len(text.encode("utf-8")) for text in texts)
    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for text in texts:
            _, documents = split_text(text)
            for document in documents:
                passages(document)
    elapsed = time.perf_counter() - started
    print(f"repair+split+passages: {size * rounds / elapsed / 1e6:.2f} MB/s ({size * rounds / 1e6:.2f} MB in {elapsed:.2f} s)")

    tmp, _ = temporary_database()
    with tmp, tempfile.TemporaryDirectory() as work:
        files = make_copies(Path(work), copies)
        total = sum(path.stat().st_size for path in files)
        from liandong.core.clock import local, now
        from liandong.db import unit_of_work
        from liandong.knowledge.ingest import ingest_paths
        from liandong.knowledge.search import get_index

        started = time.perf_counter()
        with unit_of_work() as session:
            results = ingest_paths(session, paths=files, now=now())
        elapsed = time.perf_counter() - started
        passages_count = sum(result.passages for result in results)
        print(
            f"ingest into SQLite: {total / elapsed / 1e6:.2f} MB/s ({total / 1e6:.2f} MB, {len(files)} files, "
            f"{sum(r.documents for r in results)} documents, {passages_count} passages in {elapsed:.2f} s)"
        )
        started = time.perf_counter()
        with unit_of_work() as session:
            results = ingest_paths(session, paths=files, now=now())
        print(f"re-ingest (all skipped): {time.perf_counter() - started:.2f} s, statuses {sorted({r.status for r in results})}")
        started = time.perf_counter()
        with unit_of_work() as session:
            get_index(session, today=local(now()).date(), use_disk=False)
        elapsed = time.perf_counter() - started
        print(f"index build from the database: {elapsed:.2f} s for {passages_count} passages ({total / elapsed / 1e6:.2f} MB/s)")


if __name__ == "__main__":
    main()
