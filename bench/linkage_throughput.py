"""Linkage throughput: transfers per second end to end between two local instances, and the delivery latency.

A 12345 instance and a 110 instance (`liandong serve`, each its own PostgreSQL database by default), K workers on the
12345 side and one on the 110 side. Transfers (受理 + 转警, each one transaction, as the desk makes them) are written on
the 12345 side at up to --rate per second for --seconds; the workers deliver them, the 110 side applies each once
and answers with its 签收. Printed: transfers/s delivered end to end, p50/p99 latency from the 转警 commit to the 110
side's answer being recorded, and the receipts back. Goal: ≥ 200 transfers/s with p99 < 2 s.

`--backlog` writes the transfers first and times the workers draining them (the pipeline alone). Both modes print the CPU
seconds of the servers and workers (and of the PostgreSQL backends serving the two databases, from /proc/<pid>/stat) and
transfers per CPU-second, which carries over to a machine with more cores; and every send attempt per side (a re-send
costs as much as a first send). `--producers` writes from several processes; `--receivers N` serves the 110 side with
`uvicorn --workers N`.

    .venv/bin/python bench/linkage_throughput.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/linkage_throughput.py --backlog --seconds 12
    .venv/bin/python bench/linkage_throughput.py --sqlite --rate 50 --seconds 10
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from linkage_fault import Side, _create_database, drop_databases, free_port  # noqa: E402


def _proc_cpu() -> dict[int, tuple[int, str, float]]:
    """Every process: (parent pid, command line, CPU seconds so far: utime + stime from /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        out[int(entry)] = (int(fields[1]), cmdline, (int(fields[11]) + int(fields[12])) / tick)
    return out


def cpu_snapshot(roots: list[int], databases: list[str]) -> dict[str, dict[int, float]]:
    """CPU seconds of the benchmark's processes and their children, and of the PostgreSQL backends serving its databases."""
    procs = _proc_cpu()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    app, stack = {}, list(roots)
    while stack:
        pid = stack.pop()
        if pid in procs and pid not in app:
            app[pid] = procs[pid][2]
            stack.extend(children.get(pid, []))
    database = {pid: cpu for pid, (_, cmd, cpu) in procs.items()
                if cmd.startswith("postgres:") and any(f" {name} " in f"{cmd} " for name in databases)}
    return {"app": app, "database": database}


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds spent between two snapshots (a process started in between counts from zero)."""
    return {part: round(sum(cpu - before[part].get(pid, 0.0) for pid, cpu in after[part].items()), 2) for part in after}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def produce(url: str, rate: float, seconds: float, made: list, threads: int = 4, tag: str = "") -> None:
    """Write transfers on the 12345 side as the desk would: one transaction per 受理 + 转警, from a few threads."""
    from liandong.config import configure
    from liandong.core.actor import Actor, Role
    from liandong.core.clock import now
    from liandong.db import get_engine, unit_of_work
    from liandong.workorder import service
    from liandong.workorder.lifecycle import Action

    configure(database_url=url, platform_role="12345")
    engine = get_engine(url)
    actor = Actor("bench", Role.DISPATCHER)

    def one(i: int) -> None:
        with unit_of_work(engine) as session:
            order = service.create_order(session, actor=actor, now=now(), content=f"商场门口有人寻衅滋事，情绪激动[{tag}{i}]", request_type="report",
                                         caller_phone="13812345678", division_code="140525")
            service.act(session, order_id=order.id, action=Action.TRANSFER_110, actor=actor, now=now(), to="110", note="转110处置")

    one(-1)  # warm the catalogue caches before the clock starts
    made.append(time.monotonic())
    started = time.monotonic()

    def loop(k: int) -> None:
        i = k
        while time.monotonic() - started < seconds:
            due = started + i / rate
            if time.monotonic() < due:
                time.sleep(due - time.monotonic())
            one(i)
            made.append(time.monotonic())
            i += threads

    pool = [threading.Thread(target=loop, args=(k,)) for k in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def _produce_counted(url: str, rate: float, seconds: float, tag: str, counts) -> None:
    made: list[float] = []
    produce(url, rate, seconds, made, tag=tag)
    counts.put(len(made))


def _own_cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the producer processes)."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def fill_backlog(url: str, rate: float, seconds: float, processes: int) -> list[float]:
    """Transfers written by several producer processes at `rate` in all (order creation is CPU-bound: one process is GIL-bound)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    counts = context.Queue()
    pool = [context.Process(target=_produce_counted, args=(url, rate / processes, seconds, f"{k}-", counts)) for k in range(processes)]
    for process in pool:
        process.start()
    total = sum(counts.get() for _ in pool)
    for process in pool:
        process.join()
    return [0.0] * total


def run(*, postgres: str | None, rate: float, seconds: float, workers: int, concurrency: int, drain_timeout: float = 300,
        backlog: bool = False, receivers: int = 1, producers: int = 2) -> dict:
    from sqlalchemy import create_engine, text

    root = Path(tempfile.mkdtemp(prefix="liandong-throughput-"))
    sides = []
    for role, name in (("12345", "jc12345"), ("110", "jc110")):
        var = root / name
        var.mkdir(parents=True)
        sides.append(Side(role=role, name=name, url=_create_database(postgres, name, var), port=free_port(), var=var))
    a, b = sides
    for side, other in ((a, b), (b, a)):
        side.run("db", "upgrade")
        side.run("link", "peer", "add", other.name, other.base, "--secret", "throughput-shared-secret-0123", "--platform", other.role)
    try:
        a.start("serve")
        if receivers > 1:  # the 110 side as several processes behind one port (uvicorn's own workers)
            import subprocess

            with open(b.var / "serve.log", "ab") as log:
                b.processes["serve"] = subprocess.Popen(
                    [str(Path(sys.executable).with_name("uvicorn")), "liandong.app:create_app", "--factory", "--host", "127.0.0.1",
                     "--port", str(b.port), "--workers", str(receivers), "--log-level", "warning", "--no-access-log"],
                    env=b.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        else:
            b.start("serve")
        for side in sides:
            side.wait_up()
        import subprocess

        made: list[float] = []
        if backlog:  # the pipeline alone: transfers written first, then the workers start and drain them
            made = fill_backlog(a.url, rate, seconds, producers)
        procs = []
        for k in range(workers):
            with open(a.var / f"worker{k}.log", "ab") as log:
                procs.append(subprocess.Popen([str(Path(sys.executable).with_name("liandong")), "worker", "--role", "12345", "--interval", "0.05",
                                               "--concurrency", str(concurrency), "--no-tasks"], env=a.env(), stdout=log, stderr=subprocess.STDOUT))
        with open(b.var / "worker.log", "ab") as log:  # the 110 side's relay, sending its 签收 back
            b.processes["worker"] = subprocess.Popen([str(Path(sys.executable).with_name("liandong")), "worker", "--role", "110",
                                                      "--interval", "0.05", "--concurrency", str(concurrency), "--no-tasks"],
                                                     env=b.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        engine = create_engine(a.url)
        if backlog:  # CPU counted once the workers are up (their first fan-out done), not their start-up imports
            wait_until = time.monotonic() + 60
            while time.monotonic() < wait_until:
                with engine.connect() as c:
                    if c.execute(text("SELECT count(*) FROM link_deliveries")).scalar():
                        break
                time.sleep(0.05)
        else:  # paced: the workers' start-up (imports) is over when their CPU stops climbing
            workers_cpu = [p.pid for p in procs] + [b.processes["worker"].pid]
            previous = -1.0
            for _ in range(200):
                spent = sum(cpu_snapshot(workers_cpu, [])["app"].values())
                if spent - previous < 0.02:
                    break
                previous = spent
                time.sleep(0.3)
        roots = [a.processes["serve"].pid, b.processes["serve"].pid, b.processes["worker"].pid, *(p.pid for p in procs)]
        databases = [side.url.rsplit("/", 1)[1] for side in sides] if postgres else []
        cpu_before, self_before = cpu_snapshot(roots, databases), _own_cpu()
        started = time.monotonic()
        if not backlog:  # paced: the desks write while the workers deliver
            made = fill_backlog(a.url, rate, seconds, producers)
        produced_in = time.monotonic() - started
        deadline = time.monotonic() + drain_timeout
        while time.monotonic() < deadline:
            with engine.connect() as c:
                left = c.execute(text("SELECT count(*) FROM link_deliveries WHERE kind = 'transfer' AND state <> 'delivered'")).scalar()
                unpublished = c.execute(text("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL AND topic LIKE 'order.%'")).scalar()
                answered = c.execute(text("SELECT count(*) FROM link_inbox WHERE kind = 'receipt'")).scalar()
                delivered = c.execute(text("SELECT count(*) FROM link_deliveries WHERE kind = 'transfer'")).scalar()
            if not left and not unpublished and answered >= delivered:  # every transfer delivered and its 签收 back
                break
            time.sleep(0.2)
        drained_in = time.monotonic() - started
        cpu = cpu_used(cpu_before, cpu_snapshot(roots, databases))
        cpu["producer"] = round(_own_cpu() - self_before, 2)
        with engine.connect() as c:
            rows = c.execute(text(
                "SELECT o.created_at, d.delivered_at FROM link_deliveries d JOIN outbox_messages o ON o.key LIKE d.conversation || ':%' "
                "AND o.topic = 'order.transfer_110' WHERE d.kind = 'transfer' AND d.state = 'delivered'")).all()
            receipts = c.execute(text("SELECT count(*) FROM link_inbox WHERE kind = 'receipt'")).scalar()
        engine.dispose()
        attempts = {}
        for side in sides:  # every send attempt, failed ones included: a retry costs the same CPU as a success
            side_engine = create_engine(side.url)
            with side_engine.connect() as c:
                attempts[side.role] = dict(zip(("deliveries", "attempts"), c.execute(text(
                    "SELECT count(*), coalesce(sum(attempts), 0) FROM link_deliveries")).one(), strict=True))
            side_engine.dispose()

        def seconds_of(value):
            return value.timestamp() if hasattr(value, "timestamp") else value

        latencies = [(seconds_of(d) - seconds_of(c)) for c, d in rows]
        first = min(seconds_of(c) for c, _ in rows) if rows else 0
        if backlog and rows:  # from the first delivery: the backlog waited for the workers on purpose
            first = min(seconds_of(d) for _, d in rows) - 0.001
            latencies = []
        last = max(seconds_of(d) for _, d in rows) if rows else 0
        figures = {
            "backend": "postgresql" if postgres else "sqlite",
            "transfers": len(made),
            "offered_rate_per_s": rate,
            "produced_per_s": None if backlog else (round(len(made) / produced_in, 1) if produced_in else None),
            "delivered": len(rows),
            "transfers_per_s_end_to_end": round(len(rows) / (last - first), 1) if rows and last > first else None,
            "latency_p50_s": _percentile(latencies, 0.5),
            "latency_p99_s": _percentile(latencies, 0.99),
            "latency_max_s": round(max(latencies), 3) if latencies else None,
            "latency_mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
            "receipts_back": receipts,
            "drained_in_s": round(drained_in, 1),
            "send_attempts": attempts,
            "cpu_seconds": cpu,
            "transfers_per_cpu_second": {
                "pipeline (servers + workers)": round(len(rows) / cpu["app"], 1) if cpu["app"] else None,
                "pipeline + database": round(len(rows) / (cpu["app"] + cpu["database"]), 1) if cpu["app"] + cpu["database"] else None,
            },
            "mode": "backlog (pipeline only, latency not meaningful)" if backlog else "paced",
            "workers": workers,
            "concurrency": concurrency,
            "receivers": receivers,
            "goal": "≥ 200 transfers/s, p99 < 2 s",
        }
        for p in procs:
            p.kill()
        return figures
    finally:
        for side in sides:
            side.stop()
        if postgres:
            drop_databases(postgres, [side.url for side in sides])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite files instead of PostgreSQL")
    parser.add_argument("--rate", type=float, default=250, help="transfers offered per second")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight per worker (25 messages each)")
    parser.add_argument("--backlog", action="store_true", help="write the transfers first, then time the workers draining them")
    parser.add_argument("--producers", type=int, default=2, help="processes writing the transfers (order creation is CPU-bound)")
    parser.add_argument("--receivers", type=int, default=1, help="processes serving the 110 side (uvicorn --workers)")
    args = parser.parse_args()
    figures = run(postgres=None if args.sqlite else args.postgres, rate=args.rate, seconds=args.seconds, workers=args.workers,
                  concurrency=args.concurrency, backlog=args.backlog, receivers=args.receivers,
                  producers=args.producers)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
