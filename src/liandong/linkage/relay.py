"""The relay: claim due deliveries (row claims and expiring leases), POST them signed, record the outcome.

Several workers on PostgreSQL share the work: claims use `FOR UPDATE SKIP LOCKED` and a lease, so a worker that
dies mid-send leaves its claims to expire and another takes them. What one claim takes for one peer goes in one
signed batch request (`/api/link/batch`) over a kept-alive connection; the receiver answers per message. Messages
of one conversation to one peer go one at a time and in order; the receiver's inbox drops anything sent twice.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from liandong.config import settings
from liandong.core.clock import now as clock_now
from liandong.db import session_factory
from liandong.linkage import signing
from liandong.linkage.models import Delivery, Peer

log = logging.getLogger("liandong.linkage.relay")
PATH = "/api/link/messages"
BATCH_PATH = "/api/link/batch"
MAX_BATCH_BYTES = 768 * 1024  # under the receiver's 1 MB JSON body limit (core/limits.py)
SQLITE_BATCH, POSTGRES_BATCH = 25, 200  # messages claimed at once
# Messages per request: a receiver applies one request's messages one after another in one transaction, so a claim is
# cut into several requests sent side by side — the receiver's transactions then wait on the database in parallel.
PER_REQUEST = 25


def backoff_delay(failures: int, *, base: float, cap: float, rand: float) -> float:
    """Exponential back-off with jitter: half the doubled delay fixed, half random (rand in [0, 1))."""
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    return ceiling / 2 + rand * ceiling / 2


def claim_lease() -> float:
    """A claim's lease outlasts the requests that send it (each bounded by the HTTP timeout): a lease that expired while
    its request was still on the wire would let another lane claim and send the same messages again (duplicates the
    receiver drops, but each costs a full send). A worker that dies is still replaced once its lease runs out."""
    config = settings()
    return max(config.link_lease_seconds, config.link_timeout + 2.0)


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _utcnow() -> datetime:
    return clock_now()


def claim(session: Session, *, owner: str, now: datetime, limit: int, lease: float) -> list[int]:
    """Take up to `limit` due deliveries: the first undelivered message of each conversation, nobody else's lease."""
    earlier = aliased(Delivery)
    blocked = exists().where(
        earlier.peer_name == Delivery.peer_name, earlier.conversation == Delivery.conversation, earlier.seq < Delivery.seq,
        earlier.state != "delivered",
    )
    query = (
        select(Delivery.id)
        .where(Delivery.state.in_(("pending", "failed")), Delivery.next_attempt_at <= now,
               or_(Delivery.lease_expires_at.is_(None), Delivery.lease_expires_at < now), ~blocked)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        query = query.with_for_update(skip_locked=True, of=Delivery)
    ids = list(session.scalars(query))
    if ids and not postgres:
        from liandong.linkage.service import write_lock

        write_lock(session)  # then read again under SQLite's write lock
        ids = list(session.scalars(query))
    if not ids:
        return []
    expires = now + timedelta(seconds=lease)
    # The same condition again in the UPDATE: on SQLite (no row locks) two workers may pick one row; only one wins it.
    result = session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids), or_(Delivery.lease_expires_at.is_(None), Delivery.lease_expires_at < now),
               Delivery.state.in_(("pending", "failed")))
        .values(lease_owner=owner, lease_expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    if postgres or result.rowcount == len(ids):
        return ids
    return list(session.scalars(select(Delivery.id).where(Delivery.id.in_(ids), Delivery.lease_owner == owner,
                                                         Delivery.lease_expires_at == expires)))


@dataclass
class Outcome:
    delivery_id: int
    ok: bool
    status: int | None
    error: str | None
    retry_soon: bool = False  # the receiver waits for an earlier message: no back-off needed
    duplicate: bool = False
    answer: dict | None = None


@dataclass
class RelayStats:
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    duplicates: int = 0
    latencies: list[float] = field(default_factory=list)

    def merge(self, other: RelayStats) -> None:
        for key in ("sent", "delivered", "failed", "dead", "duplicates"):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.latencies.extend(other.latencies)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "delivered": self.delivered, "failed": self.failed, "dead": self.dead, "duplicates": self.duplicates}


def _send(client: httpx.Client, delivery: dict, peer: dict) -> Outcome:
    body = json.dumps(delivery["message"], ensure_ascii=False, separators=(",", ":")).encode()
    url, headers = _signed(peer, PATH, body)
    headers[signing.IDEMPOTENCY_HEADER] = delivery["message_id"]
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return Outcome(delivery["id"], False, None, f"{type(error).__name__}: {error}"[:500])
    if response.status_code == 200:
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return Outcome(delivery["id"], True, 200, None, duplicate=answer.get("result") == "duplicate", answer=answer)
    try:
        detail = response.json().get("detail") or response.text
        code = response.json().get("code")
    except ValueError:
        detail, code = response.text, None
    return Outcome(delivery["id"], False, response.status_code, f"HTTP {response.status_code}: {detail}"[:500], retry_soon=code == "out_of_order")


def _record(delivery: Delivery | None, outcome: Outcome, *, now: datetime, stats: RelayStats) -> None:
    if delivery is None or delivery.state == "delivered":
        return
    delivery.lease_owner, delivery.lease_expires_at = None, None
    stats.sent += 1
    if outcome.ok:
        delivery.state, delivery.delivered_at, delivery.last_error = "delivered", now, None
        delivery.attempts += 1
        delivery.duplicates = (delivery.duplicates or 0) + int(outcome.duplicate)
        stats.delivered += 1
        stats.duplicates += int(outcome.duplicate)
        stats.latencies.append((now - delivery.created_at).total_seconds())
        return
    config = settings()
    delivery.last_error = outcome.error
    if outcome.retry_soon:
        delivery.state, delivery.next_attempt_at = "failed", now + timedelta(seconds=0.2)
        stats.failed += 1
        return
    delivery.attempts += 1
    if delivery.attempts >= config.link_max_attempts:
        delivery.state = "dead"
        stats.dead += 1
        log.warning("delivery %s to %s is a dead letter after %s attempts: %s", delivery.id, delivery.peer_name, delivery.attempts, outcome.error)
        return
    delay = backoff_delay(delivery.attempts, base=config.link_backoff_base, cap=config.link_backoff_cap, rand=random.random())
    delivery.state, delivery.next_attempt_at = "failed", now + timedelta(seconds=delay)
    stats.failed += 1


def _signed(peer: dict, path_suffix: str, body: bytes) -> tuple[str, dict]:
    path = urlsplit(peer["url"]).path.rstrip("/") + path_suffix
    headers = signing.headers(peer=settings().sender_name, secret=peer["secret"], method="POST", path=path, body=body, now=time.time())
    headers["Content-Type"] = "application/json"
    return peer["url"] + path_suffix, headers


def _failed_all(deliveries: list[dict], status: int | None, error: str) -> list[Outcome]:
    return [Outcome(d["id"], False, status, error[:500]) for d in deliveries]


def _send_batch(client: httpx.Client, deliveries: list[dict], peer: dict) -> list[Outcome]:
    """One signed request with several messages for one peer; one outcome per message from the peer's answers."""
    import uuid

    from liandong.linkage import messages

    body = json.dumps(messages.batch(batch_id=uuid.uuid4().hex, items=[d["message"] for d in deliveries]),
                      ensure_ascii=False, separators=(",", ":")).encode()
    url, headers = _signed(peer, BATCH_PATH, body)
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return _failed_all(deliveries, None, f"{type(error).__name__}: {error}")
    if response.status_code in (404, 405):  # a peer without batches (an older release): one request per message
        return [_send(client, d, peer) for d in deliveries]
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code != 200 or not isinstance(answer.get("results"), list) or len(answer["results"]) != len(deliveries):
        detail = answer.get("detail") if isinstance(answer, dict) else None
        return _failed_all(deliveries, response.status_code, f"HTTP {response.status_code}: {detail or response.text}")
    outcomes = []
    for delivery, result in zip(deliveries, answer["results"], strict=True):
        result = result if isinstance(result, dict) else {}
        if result.get("result") in ("applied", "recorded", "duplicate", "ok", "unknown"):
            outcomes.append(Outcome(delivery["id"], True, 200, None, duplicate=result.get("result") == "duplicate", answer=result))
        else:
            status = result.get("status") if isinstance(result.get("status"), int) else None
            outcomes.append(Outcome(delivery["id"], False, status, f"HTTP {status}: {result.get('detail') or result}"[:500],
                                    retry_soon=result.get("code") == "out_of_order"))
    return outcomes


def batches(work: list[tuple[dict, dict]], *, max_bytes: int = MAX_BATCH_BYTES, max_items: int = 500) -> list[tuple[list[dict], dict]]:
    """Group claimed deliveries by peer, then cut each group so one request stays under the receiver's body limit."""
    by_peer: dict[str, tuple[list[dict], dict]] = {}
    for delivery, peer in work:
        by_peer.setdefault(peer["url"], ([], peer))[0].append(delivery)
    out = []
    for deliveries, peer in by_peer.values():
        chunk, size = [], 0
        for delivery in deliveries:
            length = len(json.dumps(delivery["message"], ensure_ascii=False).encode()) + 1
            if chunk and (size + length > max_bytes or len(chunk) >= max_items):
                out.append((chunk, peer))
                chunk, size = [], 0
            chunk.append(delivery)
            size += length
        if chunk:
            out.append((chunk, peer))
    return out


class Relay:
    """Sends what is due in signed batches, one kept-alive HTTP client per worker process; several lanes (claim → send →
    record) run side by side so one batch's round trip does not leave the others waiting."""

    def __init__(self, engine, *, owner: str | None = None, batch: int | None = None, concurrency: int = 8, lanes: int | None = None):
        self.engine = engine
        self.owner = owner or worker_id()
        # SQLite has one writer: a receiver applies a batch under its write lock, so batches there stay small and one
        # lane claims at a time; PostgreSQL locks rows and takes large batches from several lanes.
        sqlite = engine.dialect.name == "sqlite"
        self.concurrency = concurrency
        self.lanes = max(1, lanes or (1 if sqlite else 2))
        # A lane claims no more than it can send at once (its share of the connections, PER_REQUEST each): what it
        # claimed beyond that would wait in this process with its lease running, and pile up at the receiver.
        at_once = PER_REQUEST * max(1, concurrency // self.lanes)
        self.batch = batch or min(SQLITE_BATCH if sqlite else POSTGRES_BATCH, at_once)
        self.client = httpx.Client(timeout=settings().link_timeout, limits=httpx.Limits(max_connections=concurrency * 2,
                                                                                          max_keepalive_connections=concurrency * 2))
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="relay")
        self.lane_pool = ThreadPoolExecutor(max_workers=self.lanes, thread_name_prefix="relay-lane")

    def close(self) -> None:
        self.lane_pool.shutdown(wait=True)
        self.pool.shutdown(wait=True)
        self.client.close()

    def run_once(self, stats: RelayStats | None = None) -> RelayStats:
        """Claim one batch, send it (one request per peer and size chunk), record the outcomes. sent == 0: nothing was due."""
        stats = stats or RelayStats()
        factory = session_factory(self.engine)
        now = _utcnow()
        with factory() as session, session.begin():
            ids = claim(session, owner=self.owner, now=now, limit=self.batch, lease=claim_lease())
            if not ids:
                return stats
            rows = session.execute(select(Delivery, Peer).join(Peer, Peer.name == Delivery.peer_name).where(Delivery.id.in_(ids))
                                   .order_by(Delivery.id)).all()
            work = [({"id": d.id, "message_id": d.message_id, "message": d.message}, {"url": p.url, "secret": p.secret}) for d, p in rows]
        outcomes = [o for group in self.pool.map(lambda item: _send_batch(self.client, *item), batches(work, max_items=PER_REQUEST)) for o in group]
        with factory() as session, session.begin():
            now = _utcnow()
            loaded = {d.id: d for d in session.scalars(select(Delivery).where(Delivery.id.in_([o.delivery_id for o in outcomes])))}
            for outcome in outcomes:
                _record(loaded.get(outcome.delivery_id), outcome, now=now, stats=stats)
        return stats

    def _lane(self, deadline: float) -> RelayStats:
        stats = RelayStats()
        while time.monotonic() < deadline:
            before = stats.sent
            self.run_once(stats)
            if stats.sent == before:
                break
        return stats

    def drain(self, *, budget: float = 5.0) -> RelayStats:
        """Send until nothing is due or the time budget is spent (a scheduler tick, or `worker --once`)."""
        deadline = time.monotonic() + budget
        stats = RelayStats()
        for lane in list(self.lane_pool.map(lambda _: self._lane(deadline), range(self.lanes))):
            stats.merge(lane)
        return stats


def due_count(session: Session, *, now: datetime) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Delivery).where(
        and_(Delivery.state.in_(("pending", "failed")), Delivery.next_attempt_at <= now))) or 0


def query_status(peer: Peer, order_number: str, *, sender: dict, timeout: float | None = None) -> dict:
    """状态查询: ask a peer, synchronously, where an order it received from us (or sent us) stands."""
    import uuid

    from liandong.linkage import messages

    message = messages.envelope(message_id=uuid.uuid4().hex, kind="status_query", sender=sender, receiver_platform=peer.platform,
                                conversation=order_number, seq=1, sent_at=clock_now(), body={"order_number": order_number})
    with httpx.Client(timeout=timeout or settings().link_timeout) as client:
        outcome = _send(client, {"id": 0, "message_id": message["message_id"], "message": message}, {"url": peer.url, "secret": peer.secret})
        if not outcome.ok:
            from liandong.core.errors import Conflict

            raise Conflict(f"对方平台 {peer.name} 未答复状态查询：{outcome.error}")
    return outcome.answer or {}
