"""Request ids, JSON access logs without personal data, and Prometheus metrics (loopback only)."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from liandong.app import create_app
from liandong.core.observe import JsonFormatter


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


def test_request_ids_and_json_logs_without_personal_data(engine):
    handler = Collect()
    logger = logging.getLogger("liandong.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with TestClient(create_app(engine)) as client:
            given = client.get("/api/orders", params={"q": "13812345678 张三"}, headers={"X-Request-ID": "abc-123"})
            made = client.get("/healthz")
            forged = client.get("/healthz", headers={"X-Request-ID": "bad id\n{json}"})
    finally:
        logger.removeHandler(handler)
    assert given.headers["x-request-id"] == "abc-123"
    assert len(made.headers["x-request-id"]) == 32 and forged.headers["x-request-id"] != "bad id\n{json}"
    entries = [json.loads(line) for line in handler.lines]
    first = next(e for e in entries if e["request_id"] == "abc-123")
    assert first["route"] == "/api/orders" and first["status"] == 401 and "duration_ms" in first
    assert not any("13812345678" in line or "张三" in line for line in handler.lines)


def test_metrics_are_for_the_local_monitoring_agent_only(engine):
    with TestClient(create_app(engine), client=("127.0.0.1", 40000)) as local:
        local.get("/api/orders")
        body = local.get("/metrics")
    assert body.status_code == 200 and body.headers["content-type"].startswith("text/plain")
    text = body.text
    assert 'liandong_http_requests_total{method="GET",route="/api/orders",status="401"}' in text
    assert "liandong_http_request_seconds_bucket" in text and "liandong_outbox_backlog" in text
    assert "liandong_outbox_oldest_seconds" in text
    with TestClient(create_app(engine), client=("203.0.113.9", 40000)) as remote:
        assert remote.get("/metrics").status_code == 403


def _scrape(engine) -> dict:
    from prometheus_client.parser import text_string_to_metric_families

    with TestClient(create_app(engine), client=("127.0.0.1", 40000)) as local:
        body = local.get("/metrics").text
    samples = {}
    for family in text_string_to_metric_families(body):  # the Prometheus parser accepts the whole page
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_show_worker_lag_per_topic_peer_and_task(engine):
    import math
    import uuid
    from datetime import timedelta

    from sqlalchemy import delete

    from liandong.core.clock import now
    from liandong.core.outbox import OutboxMessage
    from liandong.core.taskruns import TaskRun
    from liandong.core.tasks import ScheduledTask
    from liandong.db import unit_of_work
    from liandong.linkage.models import Delivery
    from liandong.linkage.worker import Worker, load_tasks

    tag = uuid.uuid4().hex[:8]
    topic, peer, ok_name, bad_name = f"lag.{tag}", f"peer-{tag}", f"test.ok-{tag}", f"test.bad-{tag}"
    at = now()
    with unit_of_work(engine) as session:
        session.add(OutboxMessage(topic=topic, key=tag, payload={}, created_at=at - timedelta(minutes=10), attempts=0))
        session.add(Delivery(message_id=tag, peer_name=peer, kind="order", conversation=tag, seq=1, message={}, state="pending",
                             attempts=0, duplicates=0, next_attempt_at=at - timedelta(minutes=5), created_at=at - timedelta(minutes=5)))
    try:
        worker = Worker(engine)
        worker.announce()
        worker.run_task(ScheduledTask(name=ok_name, every=timedelta(hours=1), run=lambda _now: {"done": 1}, description="测试"))
        worker.run_task(ScheduledTask(name=bad_name, every=timedelta(seconds=1), run=lambda _now: 1 / 0, description="测试"))
        with unit_of_work(engine) as session:
            session.get(TaskRun, bad_name).due_at = at - timedelta(minutes=3)
        samples = _scrape(engine)
    finally:
        with unit_of_work(engine) as session:
            session.execute(delete(OutboxMessage).where(OutboxMessage.topic == topic))
            session.execute(delete(Delivery).where(Delivery.peer_name == peer))
            session.execute(delete(TaskRun).where(TaskRun.name.in_([ok_name, bad_name])))

    def value(name, **labels):
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("liandong_outbox_topic_backlog", topic=topic) == 1
    assert 590 < value("liandong_outbox_topic_oldest_seconds", topic=topic) < 900
    assert value("liandong_delivery_due", peer=peer) == 1
    assert 290 < value("liandong_delivery_oldest_due_seconds", peer=peer) < 600
    assert value("liandong_task_lag_seconds", task=ok_name) == 0  # next due in an hour
    assert value("liandong_task_last_run_ok", task=ok_name) == 1 and value("liandong_task_last_run_ok", task=bad_name) == 0
    assert 170 < value("liandong_task_lag_seconds", task=bad_name) < 600
    assert abs(value("liandong_task_last_run_timestamp_seconds", task=ok_name) - at.timestamp()) < 60
    # Every declared task is listed, announced by the worker as due at its start.
    for task in load_tasks():
        assert ("liandong_task_lag_seconds", (("task", task.name),)) in samples
        assert value("liandong_task_last_run_timestamp_seconds", task=task.name) > 0 or math.isnan(
            value("liandong_task_last_run_timestamp_seconds", task=task.name))
