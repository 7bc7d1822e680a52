"""Append to the audit chain inside the caller's transaction; verify it; anchor its head outside the database."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from liandong.audit.chain import GENESIS, Break, first_break, record_hash
from liandong.audit.models import AuditRecord
from liandong.core.actor import Actor

# Any constant: PostgreSQL advisory lock that serialises appends (SQLite write units are serial already).
_LOCK_KEY = 0x4C44_4155  # "LDAU"
ANCHOR_FILE = "audit-anchors.jsonl"


def record(session: Session, *, actor: Actor | None, action: str, now: datetime, target: str | None = None, **detail) -> AuditRecord:
    """Append one record; it commits or rolls back with the action it describes."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    last = session.execute(select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)).first()
    next_id, prev_hash = (last.id + 1, last.hash) if last else (1, GENESIS)
    name, role = (actor.name, actor.role.value) if actor else ("anonymous", "none")
    clean = json.loads(json.dumps(detail, ensure_ascii=False, default=str))
    row = AuditRecord(
        id=next_id, at=now, actor=name[:80], actor_role=role, action=action[:48], target=(target or None) and str(target)[:80],
        detail=clean, prev_hash=prev_hash,
    )
    row.hash = record_hash(
        id=row.id, at=now, actor=row.actor, actor_role=role, action=row.action, target=row.target, detail=clean, prev_hash=prev_hash
    )
    session.add(row)
    session.flush()
    return row


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
    head = session.execute(select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)).first()
    if head is None:
        return None
    entry = {"id": head.id, "hash": head.hash, "at": now.isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
    return entry


def verify(session: Session, *, anchors: dict[int, str] | None = None) -> tuple[int, Break | None]:
    """(records checked, first break or None), reading the chain in id order in batches."""
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
