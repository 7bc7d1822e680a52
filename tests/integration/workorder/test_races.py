"""Lost races over the HTTP API with real threads: exactly one action wins, every loser gets 409 (never 422 or
500), a second dispatch never re-dispatches, cross merges do not deadlock. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient

from liandong.account import tokens
from liandong.app import create_app
from liandong.core.clock import now
from liandong.db import unit_of_work

TRIES = 6


@pytest.fixture(scope="module")
def callers(engine):
    """Tokens for the centre's dispatch desk and the housing bureau, each with a client per racing thread."""
    secrets = {}
    with unit_of_work(engine) as session:
        for who, role, unit in (("desk", "dispatcher", None), ("zjj", "unit_handler", "zjj")):
            _row, secrets[who] = tokens.create_token(
                session, now=now(), name=f"race-{who}-{uuid.uuid4().hex[:6]}", role=role, department_code=unit
            )
    clients = {who: [TestClient(create_app(engine), headers={"Authorization": f"Bearer {secret}"}) for _ in range(2)] for who, secret in secrets.items()}
    yield clients
    for pair in clients.values():
        for client in pair:
            client.close()


def _order(client, *, dispatch: bool = False) -> dict:
    created = client.post("/api/orders", json={"content": "并发测试：小区路灯不亮已经一周", "request_type": "help", "division_code": "140502"})
    assert created.status_code == 201, created.text
    order = created.json()
    if dispatch:
        order = client.post(f"/api/orders/{order['id']}/actions", json={"action": "dispatch", "to": "zjj"}).json()
    return order


def _race(calls) -> list[int]:
    """Run (client, url, body) calls at the same instant; their status codes in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[int | None] = [None] * len(calls)

    def run(index, client, url, body):
        barrier.wait()
        results[index] = client.post(url, json=body).status_code

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_dispatches_of_one_order(callers):
    desk = callers["desk"]
    for _ in range(TRIES):
        order = _order(desk[0])
        url = f"/api/orders/{order['id']}/actions"
        codes = _race([(desk[0], url, {"action": "dispatch", "to": "zjj"}), (desk[1], url, {"action": "dispatch", "to": "cgj"})])
        assert sorted(codes) == [200, 409], codes
        timeline = desk[0].get(f"/api/orders/{order['id']}/timeline").json()
        assert [e["action"] for e in timeline].count("dispatch") == 1
        assert "redispatch" not in [e["action"] for e in timeline]


def test_accept_and_return_seen_at_the_same_version(callers):
    desk, unit = callers["desk"], callers["zjj"]
    for _ in range(TRIES):
        order = _order(desk[0], dispatch=True)
        url = f"/api/orders/{order['id']}/actions"
        version = order["version"]
        codes = _race(
            [
                (unit[0], url, {"action": "accept", "expected_version": version}),
                (unit[1], url, {"action": "return", "note": "不属于本单位职责", "expected_version": version}),
            ]
        )
        assert sorted(codes) == [200, 409], codes


def test_cross_merges_do_not_deadlock(callers):
    desk = callers["desk"]
    for _ in range(TRIES):
        first, second = _order(desk[0]), _order(desk[0])
        codes = _race(
            [
                (desk[0], f"/api/orders/{first['id']}/actions", {"action": "merge", "into": second["id"], "note": "重复"}),
                (desk[1], f"/api/orders/{second['id']}/actions", {"action": "merge", "into": first["id"], "note": "重复"}),
            ]
        )
        assert sorted(codes) == [200, 409], codes
        statuses = sorted(desk[0].get(f"/api/orders/{o['id']}").json()["status"] for o in (first, second))
        assert statuses.count("merged") == 1


def test_if_match_carries_the_version_too(callers):
    desk = callers["desk"]
    order = _order(desk[0])
    response = desk[0].get(f"/api/orders/{order['id']}")
    etag = response.headers["etag"]
    url = f"/api/orders/{order['id']}/actions"
    assert desk[0].post(url, json={"action": "remind", "note": "催办"}, headers={"If-Match": '"999"'}).status_code == 409
    assert desk[0].post(url, json={"action": "dispatch", "to": "zjj"}, headers={"If-Match": etag}).status_code == 200
    assert desk[0].post(url, json={"action": "dispatch", "to": "cgj"}, headers={"If-Match": "abc"}).status_code == 422
