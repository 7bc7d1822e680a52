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
