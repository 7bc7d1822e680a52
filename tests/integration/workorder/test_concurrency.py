"""Two operators acting on the same order at once: exactly one wins, the other is refused cleanly."""

from __future__ import annotations

import threading
from datetime import datetime

from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.core.errors import DomainError
from liandong.db import unit_of_work
from liandong.workorder import service
from liandong.workorder.lifecycle import Action

ADMIN = Actor("tester", Role.ADMIN, records_history=True)


def test_concurrent_accept_only_one_wins(engine):
    committed_engine = engine  # commits for real: no per-test savepoint here
    now = datetime.now(SHANGHAI)
    with unit_of_work(committed_engine) as session:
        order = service.create_order(session, actor=ADMIN, now=now, content="并发测试：同一工单同时签收", request_type="help")
        service.act(session, order_id=order.id, action=Action.DISPATCH, actor=ADMIN, now=now, to="zjj")
        order_id = order.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept():
        barrier.wait()
        try:
            with unit_of_work(committed_engine) as session:
                service.act(session, order_id=order_id, action=Action.ACCEPT, actor=ADMIN, now=datetime.now(SHANGHAI))
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(type(error).__name__)
        except Exception as error:  # optimistic-lock conflict or SQLite busy: refused, not half-written
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    with unit_of_work(committed_engine) as session:
        final = service.get_order(session, order_id, actor=ADMIN)
        assert [e.action for e in final.events] == ["create", "dispatch", "accept"]
