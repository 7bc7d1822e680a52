"""Triage benchmark: model load time, single-request latency (p50/p95/p99) and batch throughput, in process and through the CLI.

Throughput is measured on texts cut to 100 and 500 characters (built from the evaluation banks: short calls
and long board messages), in batches of 512, and reported per wall-clock second and per CPU second of this
process (on a shared machine the second is the steadier figure). Targets: >= 5,000/s at 100 characters,
>= 1,000/s at 500. `PYTHONPATH=<older checkout>/src` runs the same bench on an older engine.

Machines differ (an earlier session's CPU ran pure Python ~2.5x faster): `machine_reference` is the CPU time of a
fixed pure-Python loop (10M additions, best of three), and `per_loop` the throughput per CPU second multiplied by it
(requests in the time that loop takes), so figures from different machines can be compared.

    .venv/bin/python bench/triage_bench.py [--n 5000] [--lengths 100,500] [--skip-cli]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def texts(n: int) -> list[str]:
    rows = []
    for name in ("dev.jsonl", "heldout.jsonl"):
        path = ROOT / "eval" / "triage" / name
        rows += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    return [rng.choice(rows) + ("" if i % 3 else f"（第{i}号）") for i in range(n)]


def texts_of_length(n: int, length: int) -> list[str]:
    """Texts of exactly `length` characters: dev-bank calls and board messages, joined or cut."""
    rows = []
    for name in ("dev.jsonl", "long_dev.jsonl", "phone_dev.jsonl"):
        path = ROOT / "eval" / "triage" / name
        rows += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(length)
    out = []
    while len(out) < n:
        text = rng.choice(rows)
        while len(text) < length:
            text += "，" + rng.choice(rows)
        out.append(text[:length])
    return out


REFERENCE_LOOP = 10_000_000


def machine_reference() -> float:
    """CPU seconds of a fixed pure-Python loop (best of three): the speed of this machine for this kind of code."""
    best = float("inf")
    for _ in range(3):
        cpu = time.process_time()
        total = 0
        for i in range(REFERENCE_LOOP):
            total += i
        best = min(best, time.process_time() - cpu)
    return best


def throughput(engine, sample: list[str], reference: float) -> dict:
    engine.triage_many(sample[:32])
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(sample), 512):
        engine.triage_many(sample[start : start + 512])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    per_cpu = len(sample) / max(cpu, 1e-9)
    return {"requests": len(sample), "per_second_wall": round(len(sample) / wall, 1), "per_second_cpu": round(per_cpu, 1), "per_loop": round(per_cpu * reference, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--single", type=int, default=1000)
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--lengths", default="100,500", help="text lengths (characters) for the throughput figures")
    args = parser.parse_args()

    reference = machine_reference()
    t0 = time.perf_counter()
    import sklearn.svm  # noqa: F401  (imports counted separately from the model load)
    import skops.io  # noqa: F401

    t1 = time.perf_counter()
    from liandong.triage import features, service
    from liandong.triage.model import load_model

    path = service.model_path()
    t2 = time.perf_counter()
    load_model(path)
    t3 = time.perf_counter()
    features.warm_up()
    t4 = time.perf_counter()
    engine = service.build_engine()
    t5 = time.perf_counter()

    sample = texts(args.n)
    engine.triage(sample[0])
    latencies = []
    for text in sample[: args.single]:
        s = time.perf_counter()
        engine.triage(text)
        latencies.append((time.perf_counter() - s) * 1000)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(p * (len(latencies) - 1))))]

    s = time.perf_counter()
    for start in range(0, len(sample), 512):
        engine.triage_many(sample[start : start + 512])
    batch_seconds = time.perf_counter() - s

    report = {
        "model_file": str(path),
        "model_file_bytes": os.path.getsize(path) if path else 0,
        "import_seconds_sklearn_skops": round(t1 - t0, 3),
        "model_load_seconds": round(t3 - t2, 3),
        "jieba_dictionary_seconds": round(t4 - t3, 3),
        "engine_build_seconds_total": round(t5 - t4, 3),
        "single_request_ms": {"p50": round(pct(0.5), 3), "p95": round(pct(0.95), 3), "p99": round(pct(0.99), 3), "max": round(latencies[-1], 3), "mean": round(statistics.mean(latencies), 3)},
        "in_process_batch_requests_per_second": round(len(sample) / batch_seconds, 1),
        "machine_reference": {"loop_iterations": REFERENCE_LOOP, "cpu_seconds": round(reference, 3)},
        "throughput_by_length": {f"{n}_chars": throughput(engine, texts_of_length(min(args.n, 3000), n), reference) for n in map(int, args.lengths.split(",")) if n > 0},
    }
    if not args.skip_cli:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.jsonl"
            src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(sample)), encoding="utf-8")
            s = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "liandong.triage", "triage", "--jsonl", str(src)], capture_output=True, text=True, check=True)
            wall = time.perf_counter() - s
            lines = done.stdout.count("\n")
            report["cli_jsonl"] = {"requests": lines, "wall_seconds_including_startup": round(wall, 3), "requests_per_second": round(lines / wall, 1)}
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
