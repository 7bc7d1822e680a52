"""The hash chain (pure): how a record's hash is computed and how a sequence of records is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

GENESIS = "0" * 64


def _moment(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_hash(*, id: int, at: datetime, actor: str, actor_role: str, action: str, target: str | None, detail: dict, prev_hash: str) -> str:
    body = json.dumps(
        [id, _moment(at), actor, actor_role, action, target, detail, prev_hash], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    id: int
    reason: str  # Chinese, for the operator


def first_break(records: Iterable, anchors: dict[int, str] | None = None) -> Break | None:
    """The first record where the chain does not hold, or None. Records in id order; anchors: id → hash seen earlier."""
    previous_hash, previous_id = GENESIS, 0
    anchors = dict(anchors or {})
    for record in records:
        if record.id <= previous_id:
            return Break(record.id, "记录顺序错误")
        if record.prev_hash != previous_hash:
            return Break(record.id, "与上一条记录的链接不符（其前有记录被删除、插入或修改）")
        expected = record_hash(
            id=record.id, at=record.at, actor=record.actor, actor_role=record.actor_role, action=record.action,
            target=record.target, detail=record.detail, prev_hash=record.prev_hash,
        )
        if record.hash != expected:
            return Break(record.id, "记录内容已被修改（摘要不符）")
        anchored = anchors.pop(record.id, None)
        if anchored is not None and anchored != record.hash:
            return Break(record.id, "与锚定的摘要不符")
        previous_hash, previous_id = record.hash, record.id
    if anchors:
        missing = min(anchors)
        return Break(missing, "锚定过的记录已不存在（记录被删除）")
    return None
