"""Fault test with a real worker process: `liandong worker` is SIGKILLed twice mid-batch while it sends citizens'
notifications through the file notifier, and started again. At the end every message reached the provider exactly once
per idempotency key, every one is marked sent, and each order's timeline shows it once.

LIANDONG_NOTIFY_FAULT_N sets the number of orders (default 60); LIANDONG_NOTIFY_FAULT_WORKERS runs several workers side by side
(default 1; each kill takes the first); LIANDONG_NOTIFY_FAULT_POSTGRES_URL (an admin URL) runs on a throw-away PostgreSQL
database instead of SQLite (claims with FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.fault

LIANDONG = str(Path(sys.executable).with_name("liandong"))


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_bytes().splitlines(keepends=True) if line.endswith(b"\n")]


def test_every_message_once_after_sigkills(tmp_path):
    from liandong.catalog.deadlines import SHANGHAI
    from liandong.core.actor import Actor, Role
    from liandong.db import get_engine, unit_of_work
    from liandong.db.migrate import upgrade
    from liandong.notify.models import Notification
    from liandong.workorder import service as orders
    from liandong.workorder.lifecycle import Record
    from liandong.workorder.models import OrderEvent

    n = int(os.environ.get("LIANDONG_NOTIFY_FAULT_N", "60"))
    workers_wanted = int(os.environ.get("LIANDONG_NOTIFY_FAULT_WORKERS", "1"))
    url, admin_url = f"sqlite:///{tmp_path / 'fault.db'}", os.environ.get("LIANDONG_NOTIFY_FAULT_POSTGRES_URL")
    if admin_url:
        from sqlalchemy import create_engine, text

        name = f"liandong_notify_fault_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    sent_file = tmp_path / "sent.jsonl"
    upgrade(url=url)
    engine = get_engine(url)
    actor = Actor("fault", Role.ADMIN, records_history=True)
    start = datetime.now(SHANGHAI) - timedelta(hours=1)
    with unit_of_work(engine) as session:
        numbers = [orders.create_order(session, actor=actor, now=start + timedelta(seconds=i), content=f"小区第{i}号楼下水道堵塞，污水外溢",
                                       request_type="complaint", caller_phone=f"139{i:08d}", division_code="140525",
                                       received_at=start + timedelta(seconds=i)).number for i in range(n)]
    env = {**os.environ, "LIANDONG_DATABASE_URL": url, "LIANDONG_VAR_DIR": str(tmp_path / "var"), "LIANDONG_NOTIFIER": "file",
           "LIANDONG_NOTIFY_FILE": str(sent_file), "LIANDONG_NOTIFY_QUIET_HOURS": "", "LIANDONG_NOTIFY_LEASE_SECONDS": "2",
           "LIANDONG_NOTIFY_BATCH": "10", "LIANDONG_NOTIFY_PROVIDER_LATENCY": "0.05", "LIANDONG_EMBEDDED_WORKER": "false",
           "LIANDONG_WARM_UP": "false"}
    log = (tmp_path / "worker.log").open("ab")

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen([LIANDONG, "worker", "--interval", "0.5"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_for(condition, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.05)
        return False

    began = time.monotonic()
    kills_mid_batch = 0
    workers = [start_worker() for _ in range(workers_wanted)]
    try:
        for threshold in (n // 4, n // 2):
            assert wait_for(lambda t=threshold: len(_lines(sent_file)) >= t, 30), (tmp_path / "worker.log").read_text()
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)
            kills_mid_batch += len(_lines(sent_file)) < n
            workers[0] = start_worker()

        def all_final() -> bool:
            with unit_of_work(engine) as session:
                return session.scalar(select(func.count()).select_from(Notification).where(Notification.state == "sent")) == n

        assert wait_for(all_final, 40), (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        log.close()

    assert kills_mid_batch == 2
    keys = Counter(line["key"] for line in _lines(sent_file))
    assert len(keys) == n and set(keys.values()) == {1}, [k for k, c in keys.items() if c > 1]
    assert {line["order_number"] for line in _lines(sent_file)} == set(numbers)
    with unit_of_work(engine) as session:
        per_order = Counter(session.scalars(select(OrderEvent.order_id).where(OrderEvent.action == Record.NOTIFIED.value)))
        receipts = dict(session.execute(select(Notification.key, Notification.receipt)).all())
        # Sent by a worker that died before recording it, sent again by the next one: the provider refused the repeat.
        duplicates = sum(bool(data.get("duplicate")) for data in session.scalars(
            select(OrderEvent.data).where(OrderEvent.action == Record.NOTIFIED.value)))
    assert len(per_order) == n and set(per_order.values()) == {1}
    # The receipt recorded is the provider's first one, also when a worker died between sending and recording.
    assert receipts == {line["key"]: line["receipt"] for line in _lines(sent_file)}
    engine.dispose()
    if admin_url:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"\nnotify fault test ({url.split(':')[0]}, {workers_wanted} worker(s)): {n} messages, 2 SIGKILLs mid-batch, {time.monotonic() - began:.1f} s, {duplicates} resent after a crash and refused by the provider")
