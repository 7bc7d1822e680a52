"""Load test over loopback: order creations per second (with triage) through the real HTTP API, p50/p99, errors,
with and without concurrent page readers; SQLite (WAL) or PostgreSQL; one or several server processes.

Usage:
  python bench/load_orders.py [--db URL] [--workers 1] [--clients 8] [--readers 0] [--seconds 20] [--source DIR]
  python bench/load_orders.py --matrix [--pg URL] [--seconds 20] [--source DIR]   # the whole table below
Prints figures; it is not a test. Bounded by --seconds; everything listens on 127.0.0.1 only.
Targets (issue 11): 200 creations/s for 60 s, p99 < 150 ms, zero errors.

--source DIR runs the server (and the preparation) from another checkout's `src` (e.g. `git archive main src`),
so a baseline and this tree are measured in the same minutes on the same noisy machine.

CPU accounting: the load generator (the writer and reader threads) runs in this process; its CPU time is reported
as `generator_cpu_s`. The server's CPU is read from /proc/<pid>/stat (utime + stime) of the uvicorn process and
every worker it forked, before and after the measured window: `server_cpu_s`, and `created_per_server_cpu_s` =
creations / server CPU-seconds, the figure that carries over to a bigger machine (on 2 shared cores the client,
the database and other users take the rest).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
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
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_window(threads: list, stop: list, ready, seconds: float, sample):
    """Start the client threads, open the measured window of `seconds` once they are all ready, wait for them;
    (elapsed seconds, sample() before, sample() after)."""
    for thread in threads:
        thread.start()
    first = sample()
    stop[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, first, sample()


def _env(url: str, var_dir: Path, source: Path | None) -> dict:
    env = {**os.environ, "LIANDONG_DATABASE_URL": url, "LIANDONG_VAR_DIR": str(var_dir), "LIANDONG_EMBEDDED_WORKER": "false"}
    if source is not None:
        env["PYTHONPATH"] = str(Path(source) / "src")
    return env


PREPARE = """
import json, sys, uuid
from liandong.account import service as accounts
from liandong.account import tokens
from liandong.core.clock import now
from liandong.db import get_engine, unit_of_work
from liandong.db.migrate import upgrade
url = sys.argv[1]
upgrade(url=url)
with unit_of_work(get_engine(url)) as session:
    _row, token = tokens.create_token(session, now=now(), name="load-" + uuid.uuid4().hex[:6], scopes=["orders:read", "orders:write"])
    if accounts.find_user(session, "load-reader") is None:
        accounts.create_user(session, now=now(), username="load-reader", password="load-reader-pass", role="dispatcher")
print(json.dumps({"token": token}))
"""


def prepare(url: str, var_dir: Path, source: Path | None = None) -> tuple[str, str]:
    """Migrate, create an integration token and a page reader account (with the server's own code); (token, password)."""
    done = subprocess.run([sys.executable, "-c", PREPARE, url], env=_env(url, var_dir, source), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"准备数据库失败：{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["token"], "load-reader-pass"


def start_server(url: str, var_dir: Path, port: int, workers: int, source: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "liandong.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--timeout-graceful-shutdown", "10"]
    process = subprocess.Popen(command, env=_env(url, var_dir, source))
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("服务未能启动")


def process_tree(root: int) -> list[int]:
    """The server process and everything it forked (uvicorn's workers), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / TICKS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def warm(base: str, headers: dict, clients: int, limit: float = 240) -> None:
    """Until no worker is still loading the triage model (a creation over 5 s), at most `limit` seconds."""
    deadline = time.time() + limit
    while time.time() < deadline:
        slow: list[bool] = []

        def one(slow=slow):
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                for _ in range(5):
                    t0 = time.perf_counter()
                    client.post("/api/orders", json=ORDER)
                    slow.append(time.perf_counter() - t0 > 5.0)  # a model load, not a queue

        threads = [threading.Thread(target=one) for _ in range(max(clients, 4))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if not any(slow):
            return


def run(base: str, token: str, password: str, clients: int, readers: int, seconds: float, server: subprocess.Popen | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    warm(base, headers, clients)
    latencies: list[float] = []
    errors: list[int] = []
    reads: list[float] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients + readers + 1)
    stop = [0.0]

    def writer():
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            ready.wait()
            while time.perf_counter() < stop[0]:
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
            ready.wait()
            while time.perf_counter() < stop[0]:
                t0 = time.perf_counter()
                status = client.get("/orders").status_code
                with lock:
                    (reads.append(time.perf_counter() - t0) if status == 200 else errors.append(status))

    threads = [threading.Thread(target=writer) for _ in range(clients)] + [threading.Thread(target=reader) for _ in range(readers)]
    pids = process_tree(server.pid) if server else []
    elapsed, (own0, server0), (own1, server1) = run_window(threads, stop, ready, seconds, lambda: (resource.getrusage(resource.RUSAGE_SELF), cpu_seconds(pids)))
    server_cpu = server1 - server0
    return {
        "created_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": len(errors),
        "error_codes": sorted(set(errors)),
        "page_reads_per_s": round(len(reads) / elapsed, 1),
        "page_read_p99_ms": round(percentile(reads, 0.99) * 1000, 1) if reads else None,
        "server_processes": len(pids),
        "server_cpu_s": round(server_cpu, 1),
        "created_per_server_cpu_s": round(len(latencies) / server_cpu, 1) if server_cpu else None,
        "generator_cpu_s": round(own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime, 1),
        "seconds": round(elapsed, 1),
    }


def measure(url: str | None, workers: int, clients: int, readers: int, seconds: float, source: Path | None) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="liandong-load-"))
    given = url
    if url is None:
        url = f"sqlite:///{var_dir / 'load.db'}"
    elif url.startswith("postgresql"):
        url = _postgres(given, create=True)
    try:
        token, password = prepare(url, var_dir, source)
        port = free_port()
        server = start_server(url, var_dir, port, workers, source)
        try:
            return run(f"http://127.0.0.1:{port}", token, password, clients, readers, seconds, server)
        finally:
            server.terminate()
            server.wait(60)
    finally:
        if url.startswith("postgresql"):
            _postgres(given, drop=url)


def _postgres(url: str, *, create: bool = False, drop: str | None = None) -> str:
    """A new database beside the one named (so runs do not see each other's orders), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = make_url(drop).database if drop else f"liandong_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if create:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def show(label: str, figures: dict) -> None:
    print(label)
    for key, value in figures.items():
        print(f"  {key}: {value}")
    print("  targets: created_per_s >= 200, p99_ms < 150, errors = 0", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a fresh SQLite file; PostgreSQL: a fresh database beside it)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--readers", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=20, help="measured duration (at most 600)")
    parser.add_argument("--source", type=Path, default=None, help="run the server from this checkout (its src/)")
    parser.add_argument("--matrix", action="store_true", help="SQLite and PostgreSQL, with and without readers, 1/2/4 processes")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres", help="PostgreSQL for --matrix")
    args = parser.parse_args()
    seconds = min(args.seconds, 600)
    source = args.source.resolve() if args.source else None
    tree = f"source={source or 'this tree'}"
    if not args.matrix:
        figures = measure(args.db, args.workers, args.clients, args.readers, seconds, source)
        backend = (args.db or "sqlite").split(":", 1)[0]
        show(f"backend={backend} workers={args.workers} clients={args.clients} readers={args.readers} seconds={seconds:g} {tree}", figures)
        return
    plan = [("sqlite", None, 1, 0), ("sqlite", None, 1, 4), ("sqlite", None, 2, 0), ("postgresql", args.pg, 1, 0), ("postgresql", args.pg, 1, 4),
            ("postgresql", args.pg, 2, 0), ("postgresql", args.pg, 4, 0)]
    for backend, url, workers, readers in plan:
        figures = measure(url, workers, args.clients, readers, seconds, source)
        show(f"backend={backend} workers={workers} clients={args.clients} readers={readers} seconds={seconds:g} {tree}", figures)


if __name__ == "__main__":
    main()
