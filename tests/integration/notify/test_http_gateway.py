"""The HTTPS SMS-gateway adapter against a real HTTP server on 127.0.0.1 that checks signatures and keys."""

from __future__ import annotations

import hmac
import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from liandong.config import Settings
from liandong.notify import providers
from liandong.notify.providers import HttpSmsNotifier, Message, SendFailed

SECRET = "gateway-shared-secret-0123456789"


class Gateway(ThreadingHTTPServer):
    """A small SMS gateway: signed requests only, one message per idempotency key, a scripted outage."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.delivered: dict[str, dict] = {}
        self.requests = 0
        self.outage = 0  # answer 503 to this many requests
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms/send"


class GatewayHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet test output
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's naming
        gateway: Gateway = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with gateway.lock:
            gateway.requests += 1
            if gateway.outage > 0:
                gateway.outage -= 1
                return self._answer(503, {"detail": "maintenance"})
        stamp, nonce = self.headers.get(providers.TIMESTAMP_HEADER, ""), self.headers.get(providers.NONCE_HEADER, "")
        expected = providers.signature(SECRET, timestamp=stamp, nonce=nonce, body=body)
        if self.headers.get(providers.ACCOUNT_HEADER) != "jc12345" or not hmac.compare_digest(expected, self.headers.get(providers.SIGNATURE_HEADER, "")):
            return self._answer(401, {"detail": "bad signature"})
        if abs(time.time() - int(stamp)) > 300:
            return self._answer(401, {"detail": "stale request"})
        payload = json.loads(body)
        key = self.headers.get(providers.IDEMPOTENCY_HEADER)
        if key != payload["key"]:
            return self._answer(400, {"detail": "key mismatch"})
        if not (payload["phone"].isdigit() and len(payload["phone"]) == 11):
            return self._answer(400, {"detail": "invalid number"})
        with gateway.lock:
            if key in gateway.delivered:
                return self._answer(200, {"receipt": gateway.delivered[key]["receipt"], "duplicate": True})
            gateway.delivered[key] = {"receipt": uuid.uuid4().hex, **payload}
            return self._answer(200, {"receipt": gateway.delivered[key]["receipt"]})


@pytest.fixture
def gateway():
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def message(key="notify:JC-1:1:accepted:caller", phone="13812345678"):
    return Message(key=key, phone=phone, text="【12345热线】您反映的问题已受理，工单编号JC-1。", order_number="JC-1", event="accepted")


def test_a_signed_message_is_accepted_once_per_key(gateway):
    notifier = HttpSmsNotifier(url=gateway.url, account="jc12345", secret=SECRET)
    first = notifier.send(message())
    assert first.provider == "http" and not first.duplicate
    assert gateway.delivered["notify:JC-1:1:accepted:caller"]["text"].startswith("【12345热线】")
    again = notifier.send(message())
    assert again.duplicate and again.receipt == first.receipt and len(gateway.delivered) == 1
    notifier.close()


def test_a_wrong_secret_is_a_permanent_refusal(gateway):
    notifier = HttpSmsNotifier(url=gateway.url, account="jc12345", secret="not-the-secret-at-all")
    with pytest.raises(SendFailed) as caught:
        notifier.send(message())
    assert caught.value.permanent and "401" in caught.value.reason and not gateway.delivered


def test_a_refused_number_is_permanent_an_outage_is_temporary(gateway):
    notifier = HttpSmsNotifier(url=gateway.url, account="jc12345", secret=SECRET)
    with pytest.raises(SendFailed) as refused:
        notifier.send(message(phone="0356"))
    assert refused.value.permanent
    gateway.outage = 1
    with pytest.raises(SendFailed) as outage:
        notifier.send(message())
    assert not outage.value.permanent and "503" in outage.value.reason
    assert notifier.send(message()).receipt == gateway.delivered["notify:JC-1:1:accepted:caller"]["receipt"]


def test_no_gateway_listening_is_temporary():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notifier = HttpSmsNotifier(url=f"http://127.0.0.1:{port}/sms/send", account="jc12345", secret=SECRET, timeout=2)
    with pytest.raises(SendFailed) as caught:
        notifier.send(message())
    assert not caught.value.permanent


def test_the_settings_choose_the_provider(gateway, tmp_path):
    chosen = providers.from_settings(Settings(notifier="http", notify_http_url=gateway.url, notify_http_account="jc12345",
                                              notify_http_secret=SECRET))
    assert isinstance(chosen, HttpSmsNotifier) and chosen.send(message()).receipt
    assert isinstance(providers.from_settings(Settings(notifier="file", var_dir=tmp_path)), providers.FileNotifier)
    assert isinstance(providers.from_settings(Settings(notifier="console")), providers.ConsoleNotifier)
    with pytest.raises(ValueError):
        providers.from_settings(Settings(notifier="http"))
