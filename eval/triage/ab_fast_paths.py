"""A/B in one process: the triage engine with the plain reference paths (per-item regex behind per-item gates,
sklearn's n-gram analyzers) against the fast paths, alternating on the same texts so that load on a shared
machine hits both alike. Requests per CPU second, batches of 512.

    .venv/bin/python eval/triage/ab_fast_paths.py
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from triage_bench import texts_of_length  # noqa: E402

from liandong.triage import service  # noqa: E402
from liandong.triage.features import CompactTfidfVectorizer  # noqa: E402
from liandong.triage.rules import TransferList  # noqa: E402


class ReferenceList(TransferList):
    def match(self, text, *, judge=None):
        return self.match_reference(text, judge=judge)


def main() -> None:
    fast = service.build_engine()
    rules = service.load_rules()
    slow = fast.with_rules(ReferenceList(**{f.name: getattr(rules, f.name) for f in fields(rules)}))
    fast_analyzer = CompactTfidfVectorizer._fast_analyzer

    def run(engine, texts, reference: bool) -> float:
        CompactTfidfVectorizer._fast_analyzer = (lambda self: None) if reference else fast_analyzer
        cpu = time.process_time()
        for start in range(0, len(texts), 512):
            engine.triage_many(texts[start : start + 512])
        return len(texts) / (time.process_time() - cpu)

    report = {}
    for length in (100, 500):
        texts = texts_of_length(3000, length)
        run(fast, texts[:64], False)
        run(slow, texts[:64], True)
        reference, quick = [], []
        for _ in range(3):
            reference.append(run(slow, texts, True))
            quick.append(run(fast, texts, False))
        report[f"{length}_chars"] = {"reference_per_cpu_second": [round(x) for x in reference], "fast_per_cpu_second": [round(x) for x in quick],
                                     "ratio": round(sum(quick) / sum(reference), 2)}
    CompactTfidfVectorizer._fast_analyzer = fast_analyzer
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
