"""Batch delivery on SQLite and PostgreSQL: one signed request with many messages, each validated and answered on its
own, all applied in one transaction exactly once and in order; bad batches are refused whole and recorded."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import func, select

from liandong.core.clock import now as clock_now
from liandong.db import unit_of_work
from liandong.linkage import messages, service, signing
from liandong.linkage.models import InboxEntry, Refusal
from liandong.workorder.models import WorkOrder

SECRET = "integration-shared-secret-123"
PARTY_12345 = {"platform": "12345", "name": "jc12345", "unit_code": "jc-12345", "division_code": "140500"}
PATH = "/api/link/batch"


@pytest.fixture
def receiver(engine):
    name = f"batch{uuid.uuid4().hex[:8]}"
    with unit_of_work(engine) as session:
        service.add_peer(session, name=name, url="http://127.0.0.1:9", secret=SECRET, platform="12345", division_code=None, now=clock_now())
    return name


def _number() -> str:
    return f"JC-20261202-{uuid.uuid4().int % 10**6:06d}"


def _transfer(number: str, *, seq: int = 1, content: str = "小区门口有人持械斗殴") -> dict:
    now = clock_now()
    return messages.envelope(
        message_id=uuid.uuid4().hex, kind="transfer", sender=PARTY_12345, receiver_platform="110", conversation=number, seq=seq,
        sent_at=now, body={"order_number": number, "direction": "12345→110", "received_at": now.isoformat(),
                           "transferred_at": now.isoformat(), "title": "门口斗殴", "content": content, "request_type": "report",
                           "level": "一般", "division_code": "140525"})


def _post(engine, peer, payload, *, secret=SECRET, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    headers = {signing.PEER_HEADER.lower(): peer}
    headers.update({k.lower(): v for k, v in signing.headers(peer=peer, secret=secret, method="POST", path=PATH, body=body,
                                                             now=time.time()).items()})
    return service.receive_batch(engine, method="POST", path=PATH, headers=headers, body=body, remote_addr="127.0.0.1", now=clock_now())


def _batch(items):
    return messages.batch(batch_id=uuid.uuid4().hex, items=items)


def _orders_from(engine, numbers):
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.transferred_from.in_(numbers)))


def test_a_batch_applies_each_message_once_and_answers_each(engine, receiver):
    numbers = [_number() for _ in range(30)]
    items = [_transfer(n) for n in numbers]
    status, answer = _post(engine, receiver, _batch(items))
    assert status == 200
    assert [r["result"] for r in answer["results"]] == ["applied"] * 30
    assert [r["message_id"] for r in answer["results"]] == [m["message_id"] for m in items]  # answers in the batch's order
    assert all(r["order_number"].startswith("JC") for r in answer["results"])
    assert _orders_from(engine, numbers) == 30
    status, again = _post(engine, receiver, _batch(items))  # the whole batch again (the sender never saw the answer)
    assert status == 200 and {r["result"] for r in again["results"]} == {"duplicate"}
    assert _orders_from(engine, numbers) == 30


def test_one_bad_message_is_refused_alone_and_recorded(engine, receiver):
    good, bad_number, early_number = _number(), _number(), _number()
    broken = _transfer(bad_number)
    broken["body"]["division_code"] = "jincheng"  # not a GB/T 2260 code
    early = _transfer(early_number, seq=2)  # its seq 1 never came
    twice = _transfer(good)
    with unit_of_work(engine) as session:
        refused_before = session.scalar(select(func.count()).select_from(Refusal).where(Refusal.peer_name == receiver))
    status, answer = _post(engine, receiver, _batch([broken, twice, early, twice, "not an object"]))
    assert status == 200
    results = answer["results"]
    assert (results[0]["result"], results[0]["code"], results[0]["status"]) == ("refused", "schema", 422)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in results[0]["detail"])
    assert results[1]["result"] == "applied" and results[3]["result"] == "duplicate"
    assert (results[2]["result"], results[2]["code"]) == ("refused", "out_of_order")
    assert results[4]["code"] == "malformed"
    assert _orders_from(engine, [good]) == 1 and _orders_from(engine, [bad_number, early_number]) == 0
    with unit_of_work(engine) as session:
        refused = session.scalar(select(func.count()).select_from(Refusal).where(Refusal.peer_name == receiver))
        assert refused == refused_before + 2  # the schema refusal and the non-object; out of order is not a refusal
        assert session.scalar(select(func.count()).select_from(InboxEntry).where(InboxEntry.conversation == early_number)) == 0


def test_one_conversation_in_one_batch_is_applied_in_seq_order(engine, receiver):
    """A transfer and its negotiation record sent together, the later one first in the batch: both applied, in order."""
    number = _number()
    transfer = _transfer(number)
    negotiation = messages.envelope(
        message_id=uuid.uuid4().hex, kind="negotiation", sender=PARTY_12345, receiver_platform="110", conversation=number, seq=2,
        sent_at=clock_now(), body={"order_number": number, "mode": "消息", "started_at": clock_now().isoformat(), "outcome": "agreed_receiver"})
    status, answer = _post(engine, receiver, _batch([negotiation, transfer]))
    assert status == 200 and [r["result"] for r in answer["results"]] == ["applied", "applied"]
    with unit_of_work(engine) as session:
        assert list(session.scalars(select(InboxEntry.seq).where(InboxEntry.conversation == number).order_by(InboxEntry.id))) == [1, 2]


@pytest.mark.parametrize(("raw", "code"), [(b"[1, 2]", "malformed"), (b"{not json", "malformed"),
                                           (b'{"version": "1.0", "batch_id": "abcdefgh", "messages": []}', "schema"),
                                           (b'{"version": "7.0", "batch_id": "abcdefgh", "messages": [{}]}', "unknown_version")])
def test_a_bad_batch_is_refused_whole_and_recorded(engine, receiver, raw, code):
    with unit_of_work(engine) as session:
        before = session.scalar(select(func.count()).select_from(Refusal).where(Refusal.peer_name == receiver))
    status, answer = _post(engine, receiver, None, raw=raw)
    assert (status, answer["code"]) == (422, code)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Refusal).where(Refusal.peer_name == receiver)) == before + 1


def test_a_forged_batch_changes_nothing(engine, receiver):
    number = _number()
    status, answer = _post(engine, receiver, _batch([_transfer(number)]), secret="not-the-shared-secret")
    assert (status, answer["code"]) == (401, "bad_signature")
    assert _orders_from(engine, [number]) == 0
