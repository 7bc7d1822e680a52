"""SIGKILL the server in the middle of a write burst: every order it acknowledged is there, whole (its creation
event and audit record), and the audit chain still verifies. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import httpx
from sqlalchemy import func, select

from liandong.account import tokens
from liandong.audit import service as audit
from liandong.audit.models import AuditRecord
from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.workorder.models import OrderEvent, WorkOrder

ORDER = {"content": "崩溃测试：小区楼道灯不亮", "request_type": "help", "division_code": "140502"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_acknowledged_orders_survive_a_sigkill(engine, database_url, tmp_path):
    with unit_of_work(engine) as session:
        _row, secret = tokens.create_token(session, now=now(), name=f"crash-{uuid.uuid4().hex[:6]}")
    port = _port()
    env = {**os.environ, "LIANDONG_DATABASE_URL": database_url, "LIANDONG_VAR_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "liandong.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port), "--log-level", "error"],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.post(f"{base}/api/orders", json=ORDER, headers=headers, timeout=60).status_code == 201:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        acknowledged: list[int] = []
        stop = threading.Event()

        def burst():
            with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
                while not stop.is_set():
                    try:
                        response = client.post("/api/orders", json=ORDER)
                    except httpx.HTTPError:
                        return
                    if response.status_code == 201:
                        acknowledged.append(response.json()["id"])

        threads = [threading.Thread(target=burst) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2.0)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        stop.set()
        for thread in threads:
            thread.join(15)
    finally:
        if server.poll() is None:
            server.kill()
    assert acknowledged, "the burst acknowledged nothing before the kill"
    with unit_of_work(engine) as session:
        present = set(session.scalars(select(WorkOrder.id).where(WorkOrder.id.in_(acknowledged))))
        assert present == set(acknowledged)
        without_events = session.scalar(
            select(func.count()).select_from(WorkOrder).where(~WorkOrder.id.in_(select(OrderEvent.order_id)))
        )
        assert without_events == 0  # nothing half-written
        numbers = set(session.scalars(select(WorkOrder.number).where(WorkOrder.id.in_(acknowledged))))
        audited = set(session.scalars(select(AuditRecord.target).where(AuditRecord.action == "order.create")))
        assert numbers <= audited
        assert audit.verify(session)[1] is None
