"""The one Notifier interface and its implementations: console and file (development, tests, drills) and an HTTPS SMS
gateway. Every provider honours the idempotency key: the same key twice is one message, answered with the first receipt.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import threading
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx

from liandong.config import Settings

log = logging.getLogger("liandong.notify")

# The gateway contract (docs/notifications.md): headers of a signed request.
ACCOUNT_HEADER = "X-Sms-Account"
TIMESTAMP_HEADER = "X-Sms-Timestamp"
NONCE_HEADER = "X-Sms-Nonce"
SIGNATURE_HEADER = "X-Sms-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Message:
    key: str  # idempotency key
    phone: str
    text: str
    order_number: str
    event: str


@dataclass(frozen=True)
class Receipt:
    provider: str
    receipt: str
    duplicate: bool = False  # the provider had this key already: nothing was sent again


class SendFailed(Exception):
    """The provider did not accept the message. `permanent`: retrying cannot help (a refused number, a bad request)."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


class Notifier(ABC):
    name: str

    @abstractmethod
    def send(self, message: Message) -> Receipt:
        """Hand one message to the provider; return its receipt or raise SendFailed. Same key → same receipt."""

    def close(self) -> None:  # noqa: B027 - most providers hold nothing
        pass


def mask(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else phone[:2] + "****"


class ConsoleNotifier(Notifier):
    """Development: the message is written to the log; keys are remembered for the life of the process."""

    name = "console"

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, message: Message) -> Receipt:
        with self._lock:
            if message.key in self._seen:
                return Receipt(self.name, self._seen[message.key], duplicate=True)
            receipt = uuid.uuid4().hex[:16]
            self._seen[message.key] = receipt
        log.info("短信 → %s [%s]：%s", mask(message.phone), message.key, message.text)
        return Receipt(self.name, receipt)


class FileNotifier(Notifier):
    """Development and tests: one JSON line per message in a file shared by every process (an advisory lock orders
    them). The file is the provider's memory of keys: a key already in it is not written again."""

    name = "file"

    def __init__(self, path: Path, *, latency: float = 0.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.latency = latency
        self._known: dict[str, str] = {}
        self._offset = 0
        self._thread_lock = threading.Lock()

    def _catch_up(self) -> None:
        """Read what other processes appended since we last looked."""
        if not self.path.exists():
            return
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            for line in handle:
                if not line.endswith(b"\n"):
                    break  # a line being written by a process that died mid-write: ignored, and rewritten after it
                self._offset += len(line)
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                self._known[entry["key"]] = entry["receipt"]

    def send(self, message: Message) -> Receipt:
        if self.latency:
            time.sleep(self.latency)
        with self._thread_lock, self.lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._catch_up()
                if message.key in self._known:
                    log.info("duplicate key %s: already sent, not sent again", message.key)
                    return Receipt(self.name, self._known[message.key], duplicate=True)
                receipt = uuid.uuid4().hex[:16]
                entry = {"key": message.key, "receipt": receipt, "phone": message.phone, "text": message.text,
                         "order_number": message.order_number, "event": message.event,
                         "at": datetime.now(timezone.utc).isoformat(), "pid": os.getpid()}
                self._truncate_partial()
                with self.path.open("ab") as handle:
                    handle.write((json.dumps(entry, ensure_ascii=False) + "\n").encode())
                    handle.flush()
                    os.fsync(handle.fileno())
                self._offset = self.path.stat().st_size
                self._known[message.key] = receipt
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        log.info("短信 → %s [%s]：%s", mask(message.phone), message.key, message.text)
        return Receipt(self.name, receipt)

    def _truncate_partial(self) -> None:
        if self.path.exists() and self.path.stat().st_size > self._offset:
            with self.path.open("r+b") as handle:
                handle.truncate(self._offset)


def signature(secret: str, *, timestamp: str, nonce: str, body: bytes) -> str:
    """HMAC-SHA256 over timestamp, nonce and the body's SHA-256, hex."""
    digest = hashlib.sha256(body).hexdigest()
    return hmac.new(secret.encode(), f"{timestamp}\n{nonce}\n{digest}".encode(), hashlib.sha256).hexdigest()


class HttpSmsNotifier(Notifier):
    """A generic HTTPS SMS gateway: a signed JSON POST per message; 200 with {"receipt": …} is accepted (the same
    Idempotency-Key answers the first receipt); 4xx is a permanent refusal, anything else is retried."""

    name = "http"

    def __init__(self, *, url: str, account: str, secret: str, timeout: float = 10.0) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError("notify_http_url must be an http(s) URL")
        self.url, self.account, self.secret = url, account, secret
        self.client = httpx.Client(timeout=timeout)

    def send(self, message: Message) -> Receipt:
        body = json.dumps({"account": self.account, "phone": message.phone, "text": message.text, "key": message.key},
                          ensure_ascii=False, separators=(",", ":")).encode()
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            ACCOUNT_HEADER: self.account,
            TIMESTAMP_HEADER: timestamp,
            NONCE_HEADER: nonce,
            SIGNATURE_HEADER: signature(self.secret, timestamp=timestamp, nonce=nonce, body=body),
            IDEMPOTENCY_HEADER: message.key,
        }
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise SendFailed(f"{type(error).__name__}: {error}") from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code == 200 and isinstance(answer, dict) and answer.get("receipt"):
            return Receipt(self.name, str(answer["receipt"])[:128], duplicate=bool(answer.get("duplicate")))
        detail = (answer.get("detail") if isinstance(answer, dict) else None) or response.text[:200]
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 409, 425, 429)
        raise SendFailed(f"HTTP {response.status_code}: {detail}", permanent=permanent)

    def close(self) -> None:
        self.client.close()


def from_settings(config: Settings) -> Notifier:
    """The provider the settings choose (LIANDONG_NOTIFIER)."""
    if config.notifier == "file":
        return FileNotifier(config.notify_file or Path(config.var_dir) / "notify" / "sent.jsonl", latency=config.notify_provider_latency)
    if config.notifier == "http":
        if not (config.notify_http_url and config.notify_http_account and config.notify_http_secret):
            raise ValueError("LIANDONG_NOTIFIER=http needs LIANDONG_NOTIFY_HTTP_URL, _ACCOUNT and _SECRET")
        return HttpSmsNotifier(url=config.notify_http_url, account=config.notify_http_account, secret=config.notify_http_secret,
                               timeout=config.notify_http_timeout)
    return ConsoleNotifier()
