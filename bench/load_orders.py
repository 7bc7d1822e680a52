"""Load test over loopback: order creations per second (with triage) through the real HTTP API, p50/p99, errors,
with and without concurrent page readers; SQLite (WAL) or PostgreSQL; one or several server processes.

Usage:
  python bench/load_orders.py [--db URL] [--workers 1] [--clients 8] [--readers 0] [--seconds 20]
Prints figures; it is not a test. Bounded by --seconds; everything listens on 127.0.0.1 only.
Targets (issue 11): 200 creations/s, p99 < 150 ms, zero errors.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ORDER = {"content": "来电人反映小区门口占道经营，早晚高峰堵得走不了，希望城管处理。", "request_type": "complaint", "division_code": "140502",
         "caller_phone": "13800000000"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, var_dir: Path) -> tuple[str, str]:
    """Migrate, create an integration token and a page reader account; returns (token, password)."""
    os.environ["LIANDONG_VAR_DIR"] = str(var_dir)
    from liandong.account import service as accounts
    from liandong.account import tokens
    from liandong.core.clock import now
    from liandong.db import get_engine, unit_of_work
    from liandong.db.migrate import upgrade

    upgrade(url=url)
    with unit_of_work(get_engine(url)) as session:
        _row, token = tokens.create_token(session, now=now(), name=f"load-{uuid.uuid4().hex[:6]}", scopes=["orders:read", "orders:write"])
        if accounts.find_user(session, "load-reader") is None:
            accounts.create_user(session, now=now(), username="load-reader", password="load-reader-pass", role="dispatcher")
    return token, "load-reader-pass"


def start_server(url: str, var_dir: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "LIANDONG_DATABASE_URL": url, "LIANDONG_VAR_DIR": str(var_dir)}
    command = [sys.executable, "-m", "uvicorn", "liandong.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--timeout-graceful-shutdown", "10"]
    process = subprocess.Popen(command, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("服务未能启动")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run(base: str, token: str, password: str, clients: int, readers: int, seconds: float, warmup: int = 20) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(warmup):  # load the triage model in every worker before measuring
            client.post("/api/orders", json=ORDER)
    latencies: list[float] = []
    errors: list[int] = []
    reads = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def writer():
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    status = client.post("/api/orders", json=ORDER).status_code
                except httpx.HTTPError:
                    status = 0
                elapsed = time.perf_counter() - t0
                with lock:
                    (latencies.append(elapsed) if status == 201 else errors.append(status))

    def reader():
        with httpx.Client(base_url=base, timeout=30) as client:
            form = client.get("/login").text
            client.post("/login", data={"username": "load-reader", "password": password, "csrf_token": CSRF.search(form).group(1)})
            while time.perf_counter() < stop:
                if client.get("/orders").status_code == 200:
                    with lock:
                        reads[0] += 1

    threads = [threading.Thread(target=writer) for _ in range(clients)] + [threading.Thread(target=reader) for _ in range(readers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "created_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": len(errors),
        "error_codes": sorted(set(errors)),
        "page_reads_per_s": round(reads[0] / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--readers", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=20, help="measured duration (at most 600)")
    args = parser.parse_args()
    seconds = min(args.seconds, 600)
    var_dir = Path(tempfile.mkdtemp(prefix="liandong-load-"))
    url = args.db or f"sqlite:///{var_dir / 'load.db'}"
    token, password = prepare(url, var_dir)
    port = free_port()
    server = start_server(url, var_dir, port, args.workers)
    try:
        figures = run(f"http://127.0.0.1:{port}", token, password, args.clients, args.readers, seconds)
    finally:
        server.terminate()
        server.wait(30)
    backend = url.split(":", 1)[0]
    print(f"backend={backend} workers={args.workers} clients={args.clients} readers={args.readers} seconds={seconds:g}")
    for key, value in figures.items():
        print(f"  {key}: {value}")
    print("  targets: created_per_s >= 200, p99_ms < 150, errors = 0")


if __name__ == "__main__":
    main()
