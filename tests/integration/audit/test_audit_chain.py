"""The audit chain on SQLite and PostgreSQL: editing, deleting or inserting a record out of order is found and
the first bad record named; `liandong audit verify` exits non-zero."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from liandong.audit import service as audit
from liandong.audit.chain import record_hash
from liandong.audit.models import AuditRecord
from liandong.core.actor import Actor, Role
from liandong.core.clock import now

LEADER = Actor("leader", Role.LEADER)


def _append(session, n: int = 5) -> list[AuditRecord]:
    rows = [audit.record(session, actor=LEADER, action="personal.reveal", now=now(), target=f"JC-{i}", reason="回访") for i in range(n)]
    audit.seal(session)  # chained at commit; the tests tamper inside their own transaction, so seal now
    return rows


def test_an_intact_chain_verifies(session):
    _append(session)
    count, found = audit.verify(session)
    assert found is None and count >= 5


def test_an_edited_record_is_named(session):
    rows = _append(session)
    session.execute(update(AuditRecord).where(AuditRecord.id == rows[2].id).values(detail={"reason": "无"}))
    session.expire_all()
    _count, found = audit.verify(session)
    assert found is not None and found.id == rows[2].id and "修改" in found.reason


def test_a_deleted_record_breaks_the_link_of_the_next(session):
    rows = _append(session)
    session.execute(delete(AuditRecord).where(AuditRecord.id == rows[1].id))
    session.expire_all()
    _count, found = audit.verify(session)
    assert found is not None and found.id == rows[2].id


def test_a_record_inserted_out_of_order_is_named(session):
    rows = _append(session, 3)
    forged_id = session.scalar(select(func.max(AuditRecord.id))) + 1
    # A forger links the new record to an older one (to slip an event "back in time").
    values = dict(id=forged_id, at=now() - timedelta(days=1), actor="leader", actor_role="leader", action="personal.reveal",
                  target="JC-x", detail={}, prev_hash=rows[0].hash)
    session.add(AuditRecord(**values, hash=record_hash(**values)))
    session.flush()
    _count, found = audit.verify(session)
    assert found is not None and found.id == forged_id


def test_a_truncated_tail_is_found_by_the_anchor(session, tmp_path):
    rows = _append(session, 3)
    path = tmp_path / "anchors.jsonl"
    audit.anchor(session, path=path, now=now())
    session.execute(delete(AuditRecord).where(AuditRecord.id == rows[-1].id))
    session.expire_all()
    assert audit.verify(session)[1] is None  # the chain alone cannot see a missing tail …
    _count, found = audit.verify(session, anchors=audit.read_anchors(path))
    assert found is not None and found.id == rows[-1].id  # … the anchor outside the database does


def test_the_verify_command(run_cli, fresh_sqlite_url):
    assert run_cli("db", "upgrade")[0] == 0
    assert run_cli("users", "create", "audit-admin", "--role", "admin", "--password", "long-enough-1")[0] == 0
    assert run_cli("tokens", "create", "110-desk", "--json")[0] == 0
    code, out, err = run_cli("audit", "verify", "--json")
    assert code == 0, err
    assert json.loads(out)["ok"] is True and json.loads(out)["records"] == 2
    assert run_cli("audit", "anchor")[0] == 0
    database = fresh_sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE audit_records SET actor = 'someone-else' WHERE id = 1")
    code, _out, err = run_cli("audit", "verify")
    assert code != 0 and "#1" in err and "Traceback" not in err


def test_records_of_a_rolled_back_savepoint_are_not_written(session):
    kept = audit.record(session, actor=LEADER, action="personal.reveal", now=now(), target="JC-kept")
    nested = session.begin_nested()
    audit.record(session, actor=LEADER, action="personal.reveal", now=now(), target="JC-undone")
    nested.rollback()
    sealed = audit.seal(session)
    assert [row.target for row in sealed] == ["JC-kept"] and kept.id is not None
    assert audit.verify(session)[1] is None


def test_concurrent_writers_chain_without_holding_a_lock_across_their_work(engine):
    """Each writer's records are chained at its commit: 8 threads committing at once leave one intact chain."""
    import threading

    from liandong.db import unit_of_work

    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(6):
                with unit_of_work(engine) as db:
                    audit.record(db, actor=LEADER, action="test.concurrent", now=now(), target=f"w{n}-{i}", step=1)
                    audit.record(db, actor=LEADER, action="test.concurrent", now=now(), target=f"w{n}-{i}", step=2)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    with unit_of_work(engine) as db:
        count, found = audit.verify(db)
        rows = db.scalars(select(AuditRecord).where(AuditRecord.action == "test.concurrent").order_by(AuditRecord.id)).all()
    assert found is None and count >= 96 and len(rows) == 96
    # A transaction's records stay together, in the order they were made.
    for first, second in zip(rows[::2], rows[1::2], strict=True):
        assert (first.target, first.detail["step"], second.detail["step"]) == (second.target, 1, 2) and second.id == first.id + 1


def test_sealed_records_are_stored_as_they_were_hashed(session):
    """The batch is written with one plain INSERT: every field reads back as hashed, and the chain verifies."""
    cases = [
        ("personal.reveal", "JC-1", {"reason": "回访需核实号码"}),
        ("order.create", None, {}),
        ("nuisance.call", "flag:7", {"order_id": 12, "handling": "mark", "nested": {"ids": [1, 2], "ok": True}}),
        ("x" * 60, "t" * 100, {"when": now()}),  # cut to the columns' widths, a datetime kept as its text
    ]
    made = [audit.record(session, actor=LEADER, action=action, now=now(), target=target, **detail) for action, target, detail in cases]
    sealed = audit.seal(session)
    assert sealed == made and [row.id for row in sealed] == list(range(sealed[0].id, sealed[0].id + len(cases)))
    for row in sealed:
        stored = session.get(AuditRecord, row.id, populate_existing=True)
        assert (stored.actor, stored.action, stored.target, stored.detail, stored.prev_hash, stored.hash) == (
            row.actor, row.action, row.target, row.detail, row.prev_hash, row.hash)
        assert stored.at == row.at
    assert sealed[0].prev_hash != sealed[1].prev_hash and all(a.hash == b.prev_hash for a, b in zip(sealed, sealed[1:]))
    assert audit.verify(session)[1] is None
