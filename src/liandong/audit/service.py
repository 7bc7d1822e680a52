"""Append to the audit chain inside the caller's transaction; verify it; anchor its head outside the database."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

from liandong.audit.chain import GENESIS, Break, first_break, record_hash
from liandong.audit.models import AuditRecord
from liandong.core.actor import Actor

# Any constant: PostgreSQL advisory lock that serialises the short chaining step (SQLite write units are serial already).
_LOCK_KEY = 0x4C44_4155  # "LDAU"
ANCHOR_FILE = "audit-anchors.jsonl"
_PENDING = "liandong.audit_pending"


def record(session: Session, *, actor: Actor | None, action: str, now: datetime, target: str | None = None, **detail) -> AuditRecord:
    """Add one record to this transaction's batch; it is chained and written when the transaction commits (or at an
    explicit seal), so it commits or rolls back with the action it describes and the chain's lock is held only for
    that last step, never across the request."""
    name, role = (actor.name, actor.role.value) if actor else ("anonymous", "none")
    clean = json.loads(json.dumps(detail, ensure_ascii=False, default=str))
    row = AuditRecord(
        at=now, actor=name[:80], actor_role=role, action=action[:48], target=(target or None) and str(target)[:80], detail=clean,
    )
    transaction = session.get_nested_transaction() or session.get_transaction()  # None: the one about to begin
    session.info.setdefault(_PENDING, []).append((transaction, row))
    return row


_TABLE = AuditRecord.__table__
_HEAD = select(_TABLE.c.id, _TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)
_COLUMNS = tuple(column.key for column in _TABLE.columns)
_INSERT = insert(_TABLE)
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def seal(session: Session) -> list[AuditRecord]:
    """Chain this transaction's batch onto the head, in the order the records were made, and flush them."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return []
    # The chaining step runs as plain (Core) statements on the transaction's connection: it runs at every commit
    # that audits something, and the ORM's execution path cost more than these statements. What an ORM statement
    # would have flushed first is flushed first.
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"key": _LOCK_KEY})
    last = connection.execute(_HEAD).first()
    next_id, prev_hash = (last.id + 1, last.hash) if last else (1, GENESIS)
    rows = [row for _transaction, row in pending]
    for row in rows:
        row.id, row.prev_hash = next_id, prev_hash
        row.hash = record_hash(
            id=row.id, at=row.at, actor=row.actor, actor_role=row.actor_role, action=row.action, target=row.target, detail=row.detail,
            prev_hash=prev_hash,
        )
        next_id, prev_hash = next_id + 1, row.hash
    # One INSERT of plain rows (the records are complete here; nothing reads them back through the session), not
    # a unit-of-work flush: this runs at every commit that audits something.
    connection.execute(_INSERT, [{name: getattr(row, name) for name in _COLUMNS} for row in rows])
    return rows


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    seal(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction) -> None:
    """Records made inside a rolled-back transaction or savepoint describe nothing that happened."""
    pending = session.info.get(_PENDING)
    if not pending:
        return

    def inside(transaction) -> bool:
        if transaction is None or previous_transaction.parent is None:
            return previous_transaction.parent is None
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    kept = [(transaction, row) for transaction, row in pending if not inside(transaction)]
    if kept:
        session.info[_PENDING] = kept
    else:
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _drop_unsealed(session: Session, transaction) -> None:
    # A session closed without committing leaves nothing behind for its next transaction.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def anchor_path(var_dir: Path) -> Path:
    return Path(var_dir) / ANCHOR_FILE


def read_anchors(path: Path) -> dict[int, str]:
    anchors: dict[int, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                anchors[int(entry["id"])] = entry["hash"]
    return anchors


def anchor(session: Session, *, path: Path, now: datetime) -> dict | None:
    """Write the chain's head to a file outside the database (append-only), so a truncated tail is noticed."""
    head = session.execute(_HEAD).first()
    if head is None:
        return None
    entry = {"id": head.id, "hash": head.hash, "at": now.isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
    return entry


def verify(session: Session, *, anchors: dict[int, str] | None = None) -> tuple[int, Break | None]:
    """(records checked, first break or None), reading the chain in id order in batches."""
    seal(session)  # this transaction's own records are part of the chain it checks
    count = 0

    def rows():
        nonlocal count
        last = 0
        while True:
            batch = list(session.scalars(select(AuditRecord).where(AuditRecord.id > last).order_by(AuditRecord.id).limit(2000)))
            if not batch:
                return
            for row in batch:
                count += 1
                yield row
            last = batch[-1].id

    found = first_break(rows(), anchors)
    return count, found
