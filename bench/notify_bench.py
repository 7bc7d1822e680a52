"""Notification throughput: orders accepted (each writing its outbox row), then one sender draining them through the
file notifier. Printed: the hook's cost per order, fan-out and send rates, and the latency from a message being made (fan-out) to sent.

    .venv/bin/python bench/notify_bench.py --n 500                  # SQLite in a temporary directory
    .venv/bin/python bench/notify_bench.py --n 2000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path


def run(n: int, workdir: Path, postgres: str | None) -> dict:
    from sqlalchemy import create_engine, text

    from liandong.catalog.deadlines import SHANGHAI
    from liandong.config import configure
    from liandong.core.actor import Actor, Role
    from liandong.core.clock import now
    from liandong.db import get_engine, unit_of_work
    from liandong.db.migrate import upgrade
    from liandong.notify.providers import FileNotifier
    from liandong.notify.service import Sender, fan_out
    from liandong.workorder import service as orders

    url, dropper = f"sqlite:///{workdir / 'bench.db'}", None
    if postgres:
        name = f"liandong_notify_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = postgres.rsplit("/", 1)[0] + f"/{name}"

        def dropper():
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    try:
        configure(database_url=url, var_dir=workdir, notify_quiet_hours="", notify_batch=100)
        upgrade(url=url)
        engine = get_engine(url)
        actor = Actor("bench", Role.ADMIN, records_history=True)
        start = datetime.now(SHANGHAI) - timedelta(hours=2)
        began = time.perf_counter()
        for i in range(n):
            with unit_of_work(engine) as session:
                orders.create_order(session, actor=actor, now=start + timedelta(seconds=i), content=f"第{i}号楼电梯停运三天无人维修",
                                    request_type="complaint", caller_phone=f"139{i:08d}", division_code="140525",
                                    received_at=start + timedelta(seconds=i))
        create_seconds = time.perf_counter() - began
        began = time.perf_counter()
        fanned = 0
        while True:
            with unit_of_work(engine) as session:
                taken = fan_out(session, now=now())
            fanned += taken
            if not taken:
                break
        fan_seconds = time.perf_counter() - began
        sender = Sender(engine, FileNotifier(workdir / "sent.jsonl"))
        began = time.perf_counter()
        stats = sender.drain(now_fn=now, budget=3600)
        send_seconds = time.perf_counter() - began
        latencies = sorted(stats.latencies)
        engine.dispose()
        return {
            "database": "postgresql" if postgres else "sqlite", "orders": n,
            "create_per_second_with_hook": round(n / create_seconds, 1),
            "fan_out_per_second": round(fanned / fan_seconds, 1) if fan_seconds else None,
            "sent": stats.sent, "send_per_second": round(stats.sent / send_seconds, 1) if send_seconds else None,
            "latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
            "latency_max_s": round(latencies[-1], 2) if latencies else None,
        }
    finally:
        if dropper:
            dropper()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--postgres", help="an admin URL: a throw-away database is created and dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        print(json.dumps(run(args.n, Path(workdir), args.postgres), ensure_ascii=False))


if __name__ == "__main__":
    main()
