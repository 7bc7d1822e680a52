"""Operability: a request id on every request and log line, JSON logs without personal data, Prometheus metrics.

Log lines carry the method, the route template (`/api/orders/{order_id}`, never the query string or a body) and the
status, so no caller's name, number or complaint reaches the logs. With several worker processes set
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) so /metrics adds up every worker.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import time
import uuid
from datetime import datetime, timezone

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("liandong.access")

REQUESTS = Counter("liandong_http_requests_total", "HTTP requests by route and status", ["method", "route", "status"])
LATENCY = Histogram(
    "liandong_http_request_seconds", "HTTP request latency by route", ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)
ERRORS = Counter("liandong_http_errors_total", "HTTP 5xx answers by route", ["route"])
LOGIN_FAILURES = Counter("liandong_login_failures_total", "Failed or throttled log-in attempts", ["kind"])


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": request_id.get(),
            "message": record.getMessage(),
        }
        for key in ("method", "route", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "error"
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for every logger (uvicorn's included)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # replaced by liandong.access (no query strings)


def _route(scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or ("/static" if scope.get("path", "").startswith("/static/") else "unmatched")


class Observe:
    """Pure ASGI middleware: request id in and out, one access log line and the metrics per request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        status = [500]
        began = time.perf_counter()

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - began
            route, method = _route(scope), scope.get("method", "-")
            REQUESTS.labels(method, route, str(status[0])).inc()
            LATENCY.labels(method, route).observe(elapsed)
            if status[0] >= 500:
                ERRORS.labels(route).inc()
            log.info("request", extra={"method": method, "route": route, "status": status[0], "duration_ms": round(elapsed * 1000, 1)})
            request_id.reset(token)


def metrics_text(extra: str = "") -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return body + extra.encode(), CONTENT_TYPE_LATEST
