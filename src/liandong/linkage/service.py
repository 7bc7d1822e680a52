"""Linkage use cases: peers, turning outbox rows into deliveries, applying a peer's message exactly once, status.

Each function runs in the caller's transaction, except `receive`, which owns its transactions so that a refusal
is recorded even though the message changes nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from liandong.config import settings
from liandong.core.actor import Actor, Role
from liandong.core.clock import SHANGHAI
from liandong.core.errors import DomainError, InvalidTransition, NotFound, ValidationFailed
from liandong.core.outbox import OutboxMessage, enqueue
from liandong.core.vocabulary import REQUEST_TYPES
from liandong.db import session_factory
from liandong.linkage import messages, rules, signing
from liandong.linkage.messages import MessageRefused
from liandong.linkage.models import DELIVERY_LABELS, Delivery, InboxEntry, OrderLink, Peer, PeerTransferList, Refusal, SeenNonce
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import STATUS_LABELS, Action, Record, Status
from liandong.workorder.models import WorkOrder

log = logging.getLogger("liandong.linkage")
LINKAGE_ACTOR = Actor(name="linkage", role=Role.LINKAGE)
PLATFORM_LABELS = {"12345": "12345 热线", "110": "110 报警服务台", "119": "119 消防救援", "120": "120 急救中心", "122": "122 交通事故报警"}
UNIT_CODES = {"12345": "jc-12345", "110": "jc-110", "119": "jc-119", "120": "jc-120", "122": "jc-122"}
FAN_OUT_LOCK = 724_501  # PostgreSQL advisory lock: one worker at a time numbers the messages of a stream


class OutOfOrder(DomainError):
    http_status = 409
    exit_code = 4
    code = "out_of_order"


def write_lock(session: Session) -> None:
    """SQLite: take the database's write lock before reading, so what this transaction reads stays true until it commits
    (SQLite cannot upgrade a read snapshot that another writer has overtaken). PostgreSQL locks rows instead."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE link_peers SET active = active WHERE id = 0"))


# ---------------------------------------------------------------- peers


def add_peer(session: Session, *, name: str, url: str, secret: str, platform: str, division_code: str | None, now: datetime) -> Peer:
    name, url, secret = (name or "").strip(), (url or "").strip().rstrip("/"), (secret or "").strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "-_." for c in name) or not name.isascii():
        raise ValidationFailed("对接平台名称应为 1–64 位字母、数字、-、_ 或 .", field="name")
    if not url.startswith(("http://", "https://")) or len(url) > 512:
        raise ValidationFailed("对接地址应以 http:// 或 https:// 开头（不超过 512 字符）", field="url")
    if not 16 <= len(secret) <= 256:
        raise ValidationFailed("共享密钥长度应为 16–256 个字符", field="secret")
    if platform not in messages.PLATFORMS:
        raise ValidationFailed(f"平台类型无效：{platform}。可选：{'、'.join(messages.PLATFORMS)}", field="platform")
    if division_code is not None and not (division_code.isdigit() and len(division_code) == 6):
        raise ValidationFailed("服务区域应为 6 位行政区划代码（GB/T 2260）", field="division")
    peer = session.scalar(select(Peer).where(Peer.name == name))
    if peer is None:
        peer = Peer(name=name, created_at=now)
        session.add(peer)
    peer.url, peer.secret, peer.platform, peer.division_code, peer.active = url, secret, platform, division_code, True
    session.flush()
    return peer


def list_peers(session: Session) -> list[Peer]:
    return list(session.scalars(select(Peer).order_by(Peer.name)))


def require_peer(session: Session, name: str) -> Peer:
    peer = session.scalar(select(Peer).where(Peer.name == (name or "")[:64]))
    if peer is None:
        raise NotFound(f"未配置对接平台：{name}。请先运行 liandong link peer add", field="peer")
    return peer


def sender_party() -> dict:
    config = settings()
    return {
        "platform": config.platform_role,
        "name": config.sender_name,
        "unit_code": config.platform_unit_code or UNIT_CODES.get(config.platform_role, "jc-12345"),
        "division_code": config.city_code,
    }


# ---------------------------------------------------------------- outbox → deliveries


def _next_seq(session: Session, peer_name: str, conversation: str) -> int:
    last = session.scalar(select(func.max(Delivery.seq)).where(Delivery.peer_name == peer_name, Delivery.conversation == conversation))
    return (last or 0) + 1


def _deliver(session: Session, *, peer: Peer, kind: str, conversation: str, body: dict, order_id: int | None, now: datetime) -> Delivery:
    seq = _next_seq(session, peer.name, conversation)
    message_id = uuid.uuid4().hex
    message = messages.envelope(
        message_id=message_id, kind=kind, sender=sender_party(), receiver_platform=peer.platform,
        conversation=conversation, seq=seq, sent_at=now, body=body,
    )
    delivery = Delivery(
        message_id=message_id, peer_name=peer.name, kind=kind, conversation=conversation, seq=seq, order_id=order_id,
        message=message, state="pending", attempts=0, duplicates=0, next_attempt_at=now, created_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


def fan_out(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Turn unpublished outbox rows into one delivery per destination, numbered per stream. Returns rows published."""
    if session.get_bind().dialect.name == "postgresql":
        if not session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": FAN_OUT_LOCK}):
            return 0  # another worker is numbering; it will take these rows too
    elif not session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.published_at.is_(None))):
        return 0  # nothing to do: do not take SQLite's write lock for it
    write_lock(session)
    rows = list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.published_at.is_(None), OutboxMessage.topic.like("order.%"))
        .order_by(OutboxMessage.id).limit(limit)
    ))
    if not rows:
        return 0
    peers = [p for p in list_peers(session) if p.active]
    published = 0
    for row in rows:
        try:
            with session.begin_nested():
                targets = _route(session, row, peers, now)
                if targets is None:
                    row.attempts = (row.attempts or 0) + 1  # no peer for it yet: kept, routed once one is configured
                    continue
                for peer, kind, conversation, body, order_id in targets:
                    _deliver(session, peer=peer, kind=kind, conversation=conversation, body=body, order_id=order_id, now=now)
                row.published_at = now
                published += 1
        except (MessageRefused, KeyError, TypeError, ValueError) as refused:
            # A row this platform cannot turn into a valid message must not hold up the others; it stays for a person to see.
            log.error("outbox row %s cannot be sent: %s", row.id, getattr(refused, "detail", repr(refused)))
            row.attempts = (row.attempts or 0) + 1
    return published


def _route(session: Session, row: OutboxMessage, peers: list[Peer], now: datetime):
    payload = row.payload
    config = settings()
    if row.topic.startswith(orders.TRANSFER_TOPIC_PREFIX):
        target = row.topic.removeprefix(orders.TRANSFER_TOPIC_PREFIX)
        refs = [rules.PeerRef(p.name, p.platform, p.division_code) for p in peers]
        chosen = rules.route(target, payload.get("division_code"), refs, city_code=config.city_code)
        if chosen is None:
            return None
        peer = next(p for p in peers if p.name == chosen.name)
        order_id = payload.get("order_id") or session.scalar(select(WorkOrder.id).where(WorkOrder.number == payload["order_number"]))
        if order_id is None:
            raise ValueError(f"no order {payload['order_number']}")
        _link_out(session, order_id=order_id, peer=peer, conversation=payload["order_number"], now=now)
        body = _transfer_body(payload, config.platform_role, target)
        origin = _relayed_from(session, order_id=order_id, peers=peers, target_peer=peer.name)
        if origin is not None:
            body["relayed_from"] = origin
        item = transfer_item_check(session, order_id=order_id, peer_name=peer.name, target=target)
        if item is not None:
            body["transfer_item"] = item
        return [(peer, "transfer", payload["order_number"], body, order_id)]
    if row.topic == "order.receipt":
        peer = next((p for p in peers if p.name == payload["peer"]), None)
        if peer is None:
            return None
        body = {"order_number": payload["transferred_from"], "receiver_order_number": payload["order_number"], "at": payload["at"],
                "status": payload["status"], "status_label": STATUS_LABELS[Status(payload["status"])]}
        return [(peer, "receipt", payload["transferred_from"], body, payload["order_id"])]
    if row.topic == "order.feedback":
        links = list(session.scalars(select(OrderLink).where(OrderLink.order_id == payload["order_id"])))
        out = []
        for link in (link for link in links if link.direction == "in"):
            peer = next((p for p in peers if p.name == link.peer_name), None)
            if peer is None:
                return None
            # Forwarded to another peer (county 110 → city 110 → 12345): that peer's answers go on down to this one.
            relayed = any(other.direction == "out" and other.peer_name != link.peer_name for other in links)
            kind = rules.feedback_kind(payload["action"], payload["status"], first_dispatch=payload.get("first_dispatch", False),
                                       relayed=relayed)
            if kind is not None:
                out.append((peer, *_feedback(kind, payload, link), payload["order_id"]))
        return out
    return []  # another domain's topic that is not for peers


def _relayed_from(session: Session, *, order_id: int, peers: list[Peer], target_peer: str) -> dict | None:
    """An order that came here from a peer of this platform's kind (a county 110) and goes on elsewhere: where it started."""
    own = settings().platform_role
    for link in session.scalars(select(OrderLink).where(OrderLink.order_id == order_id, OrderLink.direction == "in")):
        source = next((p for p in peers if p.name == link.peer_name), None)
        if source is not None and source.platform == own and link.peer_name != target_peer and link.remote_number:
            return {"order_number": link.remote_number, "platform": source.platform, "name": source.name,
                    "division_code": source.division_code}
    return None


def _transfer_body(payload: dict, own: str, target: str) -> dict:
    body = {
        "order_number": payload["order_number"],
        "direction": rules.direction(own, target),
        "received_at": payload["received_at"],
        "transferred_at": payload["transferred_at"],
        "title": payload["title"],
        "content": payload["content"],
        "request_type": payload["request_type"],
        "category_code": payload.get("category_code"),
        "level": payload["level"],
        "division_code": payload["division_code"],
        "town_code": payload.get("town_code"),
        "address": payload.get("address"),
        "note": payload.get("note"),
        "sign_within_minutes": settings().link_sign_minutes,
    }
    if payload.get("caller_name") or payload.get("caller_phone"):
        body["caller"] = {"name": payload.get("caller_name"), "phone": payload.get("caller_phone"),
                          "confidential": bool(payload.get("confidential"))}
    if payload.get("pair"):
        body["linked_order_number"] = payload["order_number"]
    if own == "110":
        body["incident"] = {"occurred_at": payload["received_at"], "place": payload.get("address") or "",
                            "facts": payload.get("note") or payload["content"]}
    return body


def _feedback(kind: str, payload: dict, link: OrderLink) -> tuple[str, str, dict]:
    status = payload["status"]
    base = {"order_number": link.conversation, "receiver_order_number": payload["order_number"], "at": payload["at"],
            "status": status, "status_label": STATUS_LABELS[Status(status)]}
    note = payload.get("note")
    if kind == "acceptance":
        return "acceptance", link.conversation, {**base, "decision": "accepted", **({"handler_unit": payload["department_code"]} if payload.get("department_code") else {})}
    if kind == "returned":
        return "acceptance", link.conversation, {**base, "decision": "returned", "reason": note or "对方退回"}
    if kind == "completion":
        return "completion", link.conversation, {**base, "result": note or "已办结"}
    return "progress", link.conversation, {**base, "note": note or "办理状态更新"}


def _link_out(session: Session, *, order_id: int, peer: Peer, conversation: str, now: datetime) -> OrderLink:
    link = session.scalar(select(OrderLink).where(OrderLink.order_id == order_id, OrderLink.peer_name == peer.name))
    if link is None:
        link = OrderLink(order_id=order_id, peer_name=peer.name, direction="out", conversation=conversation, sent_at=now)
        session.add(link)
    link.sent_at = now
    link.sign_due_at = now + timedelta(minutes=settings().link_sign_minutes)
    link.received_at = link.accepted_at = link.completed_at = link.returned_at = None
    link.return_reason = None
    session.flush()
    return link


# ---------------------------------------------------------------- receiving


def _refuse(engine: Engine, *, now: datetime, peer_name: str | None, remote_addr: str | None, code: str, detail: str,
            message_id: str | None, body: bytes) -> None:
    with session_factory(engine)() as session, session.begin():
        session.add(Refusal(at=now, peer_name=(peer_name or None) and peer_name[:64], remote_addr=(remote_addr or "")[:64] or None,
                            code=code, detail=detail, message_id=(message_id or None) and message_id[:64],
                            excerpt=body[:2000].decode("utf-8", "replace")))


def _authenticate(engine: Engine, *, method: str, path: str, headers: dict, body: bytes, now: datetime) -> tuple[str, str]:
    """The signed request's peer (name, platform), its nonce recorded; MessageRefused for anything else."""
    peer_name = headers.get(signing.PEER_HEADER.lower())
    with session_factory(engine)() as session:
        peer = session.scalar(select(Peer).where(Peer.name == (peer_name or "")[:64], Peer.active.is_(True))) if peer_name else None
        if peer is None:
            raise MessageRefused("unknown_peer", "未知的对接平台：请求头缺少或未登记 X-Liandong-Peer", 401)
        try:
            signing.verify(secret=peer.secret, method=method, path=path, body=body, now=now.timestamp(),
                           timestamp=headers.get(signing.TIMESTAMP_HEADER.lower()),
                           nonce=headers.get(signing.NONCE_HEADER.lower()), signature=headers.get(signing.SIGNATURE_HEADER.lower()))
        except signing.SignatureRefused as refused:
            raise MessageRefused(refused.code, refused.detail, 401) from None
        peer_name, platform = peer.name, peer.platform
    nonce = headers.get(signing.NONCE_HEADER.lower())
    try:
        with session_factory(engine)() as session, session.begin():
            session.add(SeenNonce(peer_name=peer_name, nonce=nonce, seen_at=now))
    except IntegrityError:
        raise MessageRefused("replayed", "重放的请求：该随机数（nonce）已使用过", 409) from None
    return peer_name, platform


def _parse(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MessageRefused("malformed", "报文不是有效的 JSON") from None


def _check_sender(message, platform: str) -> dict:
    message = messages.validate(message)
    if message["sender"]["platform"] != platform:
        raise MessageRefused("wrong_sender", f"报文发送方平台 {message['sender']['platform']} 与登记的 {platform} 不一致", 403)
    return message


def receive(engine: Engine, *, method: str, path: str, headers: dict, body: bytes, remote_addr: str | None, now: datetime) -> tuple[int, dict]:
    """One signed HTTP request from a peer: (status, answer). Refusals are recorded and change nothing else."""
    peer_name = headers.get(signing.PEER_HEADER.lower())
    message_id = headers.get(signing.IDEMPOTENCY_HEADER.lower())
    try:
        peer_name, platform = _authenticate(engine, method=method, path=path, headers=headers, body=body, now=now)
        message = _check_sender(_parse(body), platform)
        if message_id and message_id != message["message_id"]:
            raise MessageRefused("idempotency_mismatch", "Idempotency-Key 与报文 message_id 不一致")
        if message["kind"] == "status_query":
            with session_factory(engine)() as session:
                return 200, status_answer(session, message["body"]["order_number"], peer_name=peer_name)
        try:
            with session_factory(engine)() as session, session.begin():
                return 200, apply(session, peer_name=peer_name, platform=platform, message=message, now=now)
        except IntegrityError:
            return 200, {"result": "duplicate", "message_id": message["message_id"]}  # a concurrent copy won the race
    except MessageRefused as refused:
        _refuse(engine, now=now, peer_name=peer_name, remote_addr=remote_addr, code=refused.code, detail=refused.detail,
                message_id=message_id, body=body)
        return refused.status, {"code": refused.code, "detail": refused.detail}
    except OutOfOrder as early:
        return 409, {"code": early.code, "detail": early.message}
    except DomainError as error:  # valid by the standard but refused by this platform's rules: recorded, nothing applied
        _refuse(engine, now=now, peer_name=peer_name, remote_addr=remote_addr, code=error.code, detail=error.message,
                message_id=message_id, body=body)
        return error.http_status if 400 <= error.http_status < 500 else 422, error.to_dict()


def _refused_answer(message_id, code: str, detail: str, status: int) -> dict:
    return {"message_id": message_id, "result": "refused", "code": code, "detail": detail, "status": status}


def receive_batch(engine: Engine, *, method: str, path: str, headers: dict, body: bytes, remote_addr: str | None,
                  now: datetime) -> tuple[int, dict]:
    """A signed batch of messages from one peer: each validated on its own, all applied in one transaction (a savepoint
    each, so one refused message does not undo the others), exactly once and in order; one result per message."""
    peer_name = headers.get(signing.PEER_HEADER.lower())
    try:
        peer_name, platform = _authenticate(engine, method=method, path=path, headers=headers, body=body, now=now)
        batch = messages.validate_batch(_parse(body))
    except MessageRefused as refused:
        _refuse(engine, now=now, peer_name=peer_name, remote_addr=remote_addr, code=refused.code, detail=refused.detail,
                message_id=None, body=body)
        return refused.status, {"code": refused.code, "detail": refused.detail}
    results: list[dict | None] = [None] * len(batch["messages"])
    refused: list[tuple[str | None, str, str, dict]] = []
    valid: list[tuple[int, dict]] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(batch["messages"]):
        message_id = raw.get("message_id") if isinstance(raw, dict) and isinstance(raw.get("message_id"), str) else None
        try:
            message = _check_sender(raw, platform)
        except MessageRefused as error:
            results[index] = _refused_answer(message_id, error.code, error.detail, error.status)
            refused.append((message_id, error.code, error.detail, raw))
            continue
        if message["message_id"] in seen_ids:  # the same message twice in one batch: the second is a duplicate
            results[index] = {"result": "duplicate", "message_id": message["message_id"]}
            continue
        seen_ids.add(message["message_id"])
        if message["kind"] == "status_query":
            with session_factory(engine)() as session:
                results[index] = status_answer(session, message["body"]["order_number"], peer_name=peer_name)
            continue
        valid.append((index, message))
    if valid:
        try:
            with session_factory(engine)() as session, session.begin():
                for index, answer, problem in apply_batch(session, peer_name=peer_name, platform=platform,
                                                          batch=valid, now=now):
                    results[index] = answer
                    if problem is not None:
                        refused.append(problem)
        except OperationalError as error:  # a deadlock or lost connection: nothing of the batch was applied; send again
            log.warning("batch from %s not applied: %s", peer_name, error)
            return 503, {"code": "busy", "detail": "本平台暂时无法处理该批报文，未应用任何一条，请稍后重发"}
    if refused:
        with session_factory(engine)() as session, session.begin():
            for message_id, code, detail, raw in refused:
                session.add(Refusal(at=now, peer_name=peer_name[:64], remote_addr=(remote_addr or "")[:64] or None, code=code,
                                    detail=detail, message_id=(message_id or None) and message_id[:64],
                                    excerpt=json.dumps(raw, ensure_ascii=False)[:2000]))
    return 200, {"batch_id": batch["batch_id"], "results": results}


def apply_batch(session: Session, *, peer_name: str, platform: str, batch: list[tuple[int, dict]], now: datetime):
    """Apply valid messages of one peer in (conversation, seq) order, each exactly once: (index, answer, refusal or None).

    One read of the inbox for the whole batch; rows are touched in a fixed order so two batches cannot deadlock."""
    write_lock(session)
    ids = [message["message_id"] for _, message in batch]
    conversations = sorted({message["conversation"] for _, message in batch})
    seen = set(session.scalars(select(InboxEntry.message_id).where(InboxEntry.peer_name == peer_name, InboxEntry.message_id.in_(ids))))
    last = dict(session.execute(
        select(InboxEntry.conversation, func.max(InboxEntry.seq))
        .where(InboxEntry.peer_name == peer_name, InboxEntry.conversation.in_(conversations))
        .group_by(InboxEntry.conversation)).all())
    out = []
    for index, message in sorted(batch, key=lambda item: (item[1]["conversation"], item[1]["seq"])):
        message_id, conversation, seq = message["message_id"], message["conversation"], message["seq"]
        if message_id in seen or seq <= last.get(conversation, 0):
            out.append((index, {"result": "duplicate", "message_id": message_id}, None))
            continue
        if seq > last.get(conversation, 0) + 1:
            out.append((index, {"message_id": message_id, "result": "refused", "code": OutOfOrder.code, "status": 409,
                                "detail": f"报文顺序未到：本会话已应用到第 {last.get(conversation, 0)} 条，收到第 {seq} 条，请稍后重发"}, None))
            continue
        try:
            with session.begin_nested():
                answer = _apply_in_order(session, peer_name=peer_name, platform=platform, message=message, now=now)
        except IntegrityError:  # a concurrent copy of this message won the race
            out.append((index, {"result": "duplicate", "message_id": message_id}, None))
            continue
        except MessageRefused as error:
            out.append((index, _refused_answer(message_id, error.code, error.detail, error.status),
                        (message_id, error.code, error.detail, message)))
            continue
        except DomainError as error:  # valid by the standard, refused by this platform's rules: recorded, nothing applied
            status = error.http_status if 400 <= error.http_status < 500 else 422
            out.append((index, _refused_answer(message_id, error.code, error.message, status),
                        (message_id, error.code, error.message, message)))
            continue
        last[conversation] = seq
        out.append((index, answer, None))
    return out


def apply(session: Session, *, peer_name: str, platform: str, message: dict, now: datetime) -> dict:
    """Apply one valid message exactly once and in order within its conversation (the caller commits)."""
    write_lock(session)
    seen = session.scalar(select(InboxEntry.id).where(InboxEntry.peer_name == peer_name, InboxEntry.message_id == message["message_id"]))
    if seen is not None:
        return {"result": "duplicate", "message_id": message["message_id"]}
    last = session.scalar(select(func.max(InboxEntry.seq)).where(InboxEntry.peer_name == peer_name, InboxEntry.conversation == message["conversation"])) or 0
    if message["seq"] <= last:
        return {"result": "duplicate", "message_id": message["message_id"]}
    if message["seq"] > last + 1:
        raise OutOfOrder(f"报文顺序未到：本会话已应用到第 {last} 条，收到第 {message['seq']} 条，请稍后重发")
    return _apply_in_order(session, peer_name=peer_name, platform=platform, message=message, now=now)


def _apply_in_order(session: Session, *, peer_name: str, platform: str, message: dict, now: datetime) -> dict:
    """The message is the next of its conversation and not seen before: apply it and record it in the inbox."""
    kind = message["kind"]
    # Each kind's function hands back the order it touched (held here, so the answer below reads it without a query).
    if kind == "transfer":
        order, outcome, detail = _apply_transfer(session, peer_name, platform, message, now)
    elif kind == "transfer_list":
        order, outcome, detail = _apply_transfer_list(session, peer_name, message, now)
    elif kind == "negotiation":
        order, outcome, detail = _apply_negotiation(session, peer_name, message, now)
    else:
        order, outcome, detail = _apply_answer(session, peer_name, message, now)
    session.add(InboxEntry(peer_name=peer_name, message_id=message["message_id"], kind=kind, conversation=message["conversation"],
                           seq=message["seq"], order_id=order.id if order is not None else None, outcome=outcome, detail=detail,
                           received_at=now))
    session.flush()
    answer = {"result": outcome, "message_id": message["message_id"]}
    if order is not None:
        answer.update({"order_number": order.number, "status": order.status})
    if detail:
        answer["detail"] = detail
    return answer


def _apply_transfer(session: Session, peer_name: str, platform: str, message: dict, now: datetime):
    body = message["body"]
    caller = body.get("caller") or {}
    note = f"{PLATFORM_LABELS.get(platform, platform)}转来（{body['direction']}），对方编号 {body['order_number']}"
    if body.get("note"):
        note += f"；转办说明：{body['note']}"
    if body.get("incident"):
        note += f"；警情：{body['incident'].get('facts', '')}"
    if body.get("transfer_item"):
        note += "；" + transfer_item_note(body["transfer_item"], own_items=own_shared_items(session))
    origin = body.get("relayed_from")
    if origin:
        note += f"；原始警单：{origin['name']}（{PLATFORM_LABELS.get(origin['platform'], origin['platform'])}）编号 {origin['order_number']}"
    fields = dict(
        content=body["content"], title=body["title"], request_type=body["request_type"] if body["request_type"] in REQUEST_TYPES else "help",
        channel=f"transfer_{platform}", caller_name=caller.get("name"), caller_phone=caller.get("phone"),
        confidential=bool(caller.get("confidential")), division_code=body["division_code"], town_code=body.get("town_code"),
        address=body.get("address"), category_code=body.get("category_code"), level=body["level"], transferred_from=body["order_number"],
    )
    try:
        with session.begin_nested():
            order = orders.create_order(session, actor=LINKAGE_ACTOR, now=now, **fields)
    except DomainError:
        # A code this catalogue does not know must not lose the citizen's request: keep the city, say so on the order.
        fields.update(division_code=None, town_code=None, category_code=None, address=None, caller_phone=None, caller_name=None)
        note += (f"；对方所报以下信息未通过本平台校验，原样记录：区划 {body['division_code']}，分类 {body.get('category_code') or '—'}，"
                 f"地点 {body.get('address') or '—'}，来电人 {caller.get('name') or '—'} {caller.get('phone') or '—'}")
        with session.begin_nested():
            order = orders.create_order(session, actor=LINKAGE_ACTOR, now=now, **fields)
    order.append_event(Record.LINK_RECEIVED.value, to_status=order.status, actor=LINKAGE_ACTOR.name,
                       actor_role=LINKAGE_ACTOR.role.value, at=now, recorded_at=now, note=note,
                       data={"peer": peer_name, "message_id": message["message_id"], "remote_number": body["order_number"],
                             **({"relayed_from": origin} if origin else {})})
    link = OrderLink(order_id=order.id, peer_name=peer_name, direction="in", conversation=message["conversation"],
                     remote_number=body["order_number"], sent_at=datetime.fromisoformat(body["transferred_at"]), received_at=now,
                     linked_order_number=body.get("linked_order_number"),
                     sign_due_at=now + timedelta(minutes=body.get("sign_within_minutes") or settings().link_sign_minutes))
    session.add(link)
    session.flush()
    enqueue(session, topic="order.receipt", key=f"{order.number}:receipt", at=now,
            payload={"peer": peer_name, "order_id": order.id, "order_number": order.number, "transferred_from": body["order_number"],
                     "at": now.isoformat(), "status": order.status})
    if rules.relays_to_12345(settings().platform_role, platform, body["direction"]):
        # A county 110's 警单 for 12345: the city 110 keeps its own record and forwards it at once, both numbers kept.
        order = orders.act(session, order_id=order.id, action=Action.TRANSFER_12345, actor=LINKAGE_ACTOR, now=now,
                           note=f"{peer_name} 转来的警单（编号 {body['order_number']}）经本平台转市 12345 办理"[:4000])
    return order, "applied", None


def _linked_out(session: Session, peer_name: str, number: str) -> OrderLink:
    """The link of our order `number` with the peer, in one query (the order itself is loaded, locked, by the action)."""
    link = session.scalar(select(OrderLink).join(WorkOrder, WorkOrder.id == OrderLink.order_id)
                          .where(WorkOrder.number == number[:32], OrderLink.peer_name == peer_name))
    if link is None:
        raise MessageRefused("unknown_order", f"本平台没有转给对方的工单 {number[:32]}", 404)
    return link


ANSWER_ACTIONS = {"receipt": Action.PEER_RECEIPT, "progress": Action.PEER_PROGRESS, "completion": Action.PEER_COMPLETE}


def _apply_answer(session: Session, peer_name: str, message: dict, now: datetime):
    body, kind = message["body"], message["kind"]
    link = _linked_out(session, peer_name, body["order_number"])
    link.remote_number = body["receiver_order_number"]
    if body.get("status"):
        link.remote_status, link.remote_status_label = body["status"], body.get("status_label")
    at = datetime.fromisoformat(body["at"])
    who = f"对方（{body['receiver_order_number']}）"
    if kind == "receipt":
        link.received_at, action, note = at, Action.PEER_RECEIPT, f"{who}已签收"
    elif kind == "acceptance" and body["decision"] == "accepted":
        link.accepted_at, action, note = at, Action.PEER_ACCEPT, f"{who}已受理" + (f"，承办：{body['handler_unit']}" if body.get("handler_unit") else "")
    elif kind == "acceptance":
        link.returned_at, link.return_reason, action, note = at, body["reason"], Action.PEER_RETURN, f"{who}退回：{body['reason']}"
    elif kind == "progress":
        action, note = Action.PEER_PROGRESS, f"{who}处置反馈：{body['note']}"
    else:
        link.completed_at, action, note = at, Action.PEER_COMPLETE, f"{who}办结反馈：{body['result']}"
    try:
        with session.begin_nested():
            order = orders.act(session, order_id=link.order_id, action=action, actor=LINKAGE_ACTOR, now=now, note=note[:4000])
        return order, "applied", None
    except InvalidTransition as error:
        # The order moved on here (e.g. closed by a supervisor): the answer is kept with the link, not lost.
        return session.get(WorkOrder, link.order_id), "recorded", error.message


def _apply_negotiation(session: Session, peer_name: str, message: dict, now: datetime):
    body = message["body"]
    number = body.get("receiver_order_number") or body["order_number"]
    order = session.scalar(select(WorkOrder).where(WorkOrder.number.in_([body["order_number"][:32], number[:32]])))
    if order is None:
        order = session.scalar(select(WorkOrder).where(WorkOrder.transferred_from == body["order_number"][:64]))
    if order is None:
        raise MessageRefused("unknown_order", f"本平台没有协商涉及的工单 {body['order_number'][:32]}", 404)
    link = session.scalar(select(OrderLink).where(OrderLink.order_id == order.id, OrderLink.peer_name == peer_name))
    if link is not None:
        link.negotiation = body
    note = negotiation_note(body)
    order.append_event(Record.NEGOTIATION.value, to_status=order.status, actor=LINKAGE_ACTOR.name, actor_role=LINKAGE_ACTOR.role.value,
                       at=max(now, order.last_action_at or now), recorded_at=now, note=note, data={"peer": peer_name, **body})
    return order, "applied", None


OUTCOME_LABELS = {"agreed_sender": "协商一致：由发起方办理", "agreed_receiver": "协商一致：由接收方办理", "failed": "协商未达成一致：按首接负责制由首接方办理"}


def negotiation_note(body: dict) -> str:
    return f"{body['mode']}协商（{'、'.join(body.get('participants') or []) or '双方'}）：{OUTCOME_LABELS[body['outcome']]}" + (
        f"。{body['note']}" if body.get("note") else "")


def record_negotiation(session: Session, *, order_id: int, mode: str, outcome: str, participants: list[str], note: str | None,
                       actor: Actor, now: datetime) -> OrderLink:
    """协商记录: kept on this order's timeline and sent to the peer; failing agreement, the first receiver keeps it."""
    if mode not in ("三方通话", "消息"):
        raise ValidationFailed("协商方式应为 三方通话 或 消息", field="mode")
    if outcome not in OUTCOME_LABELS:
        raise ValidationFailed("协商结果应为 agreed_sender、agreed_receiver 或 failed", field="outcome")
    order = orders.get_order(session, order_id, actor=actor)
    link = session.scalar(select(OrderLink).where(OrderLink.order_id == order.id).order_by(OrderLink.id.desc()).limit(1))
    if link is None:
        raise InvalidTransition("该工单没有与对方平台的转办记录，无法发送协商记录")
    body = {"order_number": link.conversation, "mode": mode, "started_at": now.isoformat(), "outcome": outcome,
            "keeper": "receiver" if (outcome == "agreed_receiver" or (outcome == "failed" and link.direction == "in")) else "sender",
            "participants": participants, "note": note or ""}
    if link.remote_number:
        body["receiver_order_number"] = link.remote_number if link.direction == "out" else order.number
    link.negotiation = body
    order.append_event(Record.NEGOTIATION.value, to_status=order.status, actor=actor.name, actor_role=actor.role.value,
                       at=max(now, order.last_action_at or now), recorded_at=now, note=negotiation_note(body), data=body)
    peer = require_peer(session, link.peer_name)
    _deliver(session, peer=peer, kind="negotiation", conversation=link.conversation, body=body, order_id=order.id, now=now)
    return link


def status_answer(session: Session, number: str, *, peer_name: str) -> dict:
    order = session.scalar(select(WorkOrder).where(WorkOrder.transferred_from == number[:64]).order_by(WorkOrder.id.desc()).limit(1))
    order = order or session.scalar(select(WorkOrder).where(WorkOrder.number == number[:32]))
    if order is None:
        return {"result": "unknown", "order_number": number, "detail": "本平台没有该工单"}
    return {"result": "ok", "order_number": number, "receiver_order_number": order.number, "status": order.status,
            "status_label": STATUS_LABELS[Status(order.status)], "updated_at": order.updated_at.isoformat()}


# ---------------------------------------------------------------- what operators see


def link_status(session: Session, *, now: datetime) -> dict:
    """Per peer: pending, failed, delivered, dead counts and the oldest pending message's age (seconds)."""
    counts = {(peer, state): n for peer, state, n in session.execute(
        select(Delivery.peer_name, Delivery.state, func.count()).group_by(Delivery.peer_name, Delivery.state))}
    oldest = dict(session.execute(
        select(Delivery.peer_name, func.min(Delivery.created_at)).where(Delivery.state.in_(("pending", "failed"))).group_by(Delivery.peer_name)).all())
    names = sorted({p.name for p in list_peers(session)} | {peer for peer, _ in counts})
    peers = []
    for name in names:
        peer = session.scalar(select(Peer).where(Peer.name == name))
        first = oldest.get(name)
        if first is not None and first.tzinfo is None:
            first = first.replace(tzinfo=now.tzinfo)
        peers.append({
            "peer": name, "platform": peer.platform if peer else None, "url": peer.url if peer else None,
            **{state: counts.get((name, state), 0) for state in ("pending", "failed", "delivered", "dead")},
            "oldest_pending_age_seconds": round((now - first).total_seconds(), 1) if first else None,
        })
    unrouted = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.published_at.is_(None), OutboxMessage.topic.like("order.%"))) or 0
    return {"platform": settings().platform_role, "name": settings().sender_name, "peers": peers, "unpublished": unrouted,
            "inbox": session.scalar(select(func.count()).select_from(InboxEntry)) or 0,
            "refused": session.scalar(select(func.count()).select_from(Refusal)) or 0}


def retry(session: Session, *, now: datetime, delivery_id: int | None = None, peer: str | None = None, failed: bool = False) -> int:
    """One-click retry: dead letters (and, with `failed`, waiting failures) go out again now, attempts counted anew."""
    states = ("dead", "failed") if failed else ("dead",)
    query = update(Delivery).where(Delivery.state.in_(states))
    if delivery_id is not None:
        query = query.where(Delivery.id == delivery_id)
    if peer is not None:
        query = query.where(Delivery.peer_name == peer)
    result = session.execute(query.values(state="pending", attempts=0, next_attempt_at=now, lease_owner=None, lease_expires_at=None))
    return result.rowcount or 0


def dead_letters(session: Session, *, limit: int = 200) -> list[Delivery]:
    return list(session.scalars(select(Delivery).where(Delivery.state == "dead").order_by(Delivery.id.desc()).limit(limit)))


def links_of(session: Session, *, direction: str, open_only: bool = True, limit: int = 200) -> list[tuple[OrderLink, WorkOrder, list[Delivery]]]:
    """The transfers on this platform with each delivery's state: the sender's board and the receiver's queue."""
    query = select(OrderLink, WorkOrder).join(WorkOrder, WorkOrder.id == OrderLink.order_id).where(OrderLink.direction == direction)
    if open_only:
        query = query.where(WorkOrder.status.notin_(("closed", "merged")))
    rows = session.execute(query.order_by(OrderLink.id.desc()).limit(limit)).all()
    ids = [order.id for _, order in rows]
    deliveries: dict[int, list[Delivery]] = {}
    if ids:
        for d in session.scalars(select(Delivery).where(Delivery.order_id.in_(ids)).order_by(Delivery.id)):
            deliveries.setdefault(d.order_id, []).append(d)
    return [(link, order, deliveries.get(order.id, [])) for link, order in rows]


def refusals(session: Session, *, limit: int = 100) -> list[Refusal]:
    return list(session.scalars(select(Refusal).order_by(Refusal.id.desc()).limit(limit)))


def forget_nonces(session: Session, *, now: datetime) -> int:
    """Nonces older than the signature window can no longer be replayed: the store stays small."""
    from sqlalchemy import delete

    cutoff = now - timedelta(seconds=2 * signing.WINDOW_SECONDS)
    return session.execute(delete(SeenNonce).where(SeenNonce.seen_at < cutoff)).rowcount or 0


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def transfer_incident(session: Session, *, actor: Actor, now: datetime, content: str, caller_phone: str | None, caller_name: str | None,
                      division_code: str | None, address: str | None, facts: str, level: str = "一般") -> WorkOrder:
    """警单转办: a 110 desk records a non-police request with the incident facts and sends it to 12345 in one step."""
    order = orders.create_order(session, actor=actor, now=now, content=content, request_type="help", channel="phone",
                                caller_phone=caller_phone, caller_name=caller_name, division_code=division_code, address=address, level=level)
    return orders.act(session, order_id=order.id, action=Action.TRANSFER_12345, actor=actor, now=now, note=facts)


# ---------------------------------------------------------------- 分流转办清单 shared between peers

TRANSFER_LIST_CONVERSATION = "transfer-list"  # one stream per peer: each publication is the next message of it


def own_transfer_list(session: Session) -> dict:
    """This platform's current list (as administrators edited it, else the packaged file): version and shared items."""
    from liandong.triage import edits

    data = edits.transfer_list_data(session)
    return {"version": str(data.get("version") or "未标注")[:32], "city": str(data.get("city") or "")[:32],
            "basis": str(data.get("basis") or "")[:500], "items": rules.shared_items(data)}


def own_shared_items(session: Session) -> list[dict]:
    return own_transfer_list(session)["items"]


def _published_versions(session: Session) -> dict[str, str]:
    """The version last published to each peer (the newest transfer_list delivery, whatever its state)."""
    rows = session.execute(select(Delivery.peer_name, Delivery.message).where(Delivery.kind == "transfer_list")
                           .order_by(Delivery.peer_name, Delivery.seq)).all()
    return {peer: message["body"]["version"] for peer, message in rows}


def publish_transfer_list(session: Session, *, now: datetime, force: bool = False, peer: str | None = None) -> list[str]:
    """Send the current list to every active peer that has not had this version (or to all, with `force`)."""
    current = own_transfer_list(session)
    published = _published_versions(session)
    sent = []
    for target in list_peers(session):
        if not target.active or (peer is not None and target.name != peer):
            continue
        if not force and published.get(target.name) == current["version"]:
            continue
        body = {"version": current["version"], "published_at": now.isoformat(), "items": current["items"]}
        body.update({k: current[k] for k in ("city", "basis") if current[k]})
        write_lock(session)
        _deliver(session, peer=target, kind="transfer_list", conversation=TRANSFER_LIST_CONVERSATION, body=body, order_id=None, now=now)
        sent.append(target.name)
    return sent


def _apply_transfer_list(session: Session, peer_name: str, message: dict, now: datetime):
    body = message["body"]
    stored = session.scalar(select(PeerTransferList).where(PeerTransferList.peer_name == peer_name,
                                                          PeerTransferList.version == body["version"]))
    if stored is None:
        stored = PeerTransferList(peer_name=peer_name, version=body["version"], received_at=now, items=body["items"],
                                  published_at=datetime.fromisoformat(body["published_at"]))
        session.add(stored)
    else:  # the same version published again: the newest copy counts
        stored.items, stored.received_at = body["items"], now
        stored.published_at = datetime.fromisoformat(body["published_at"])
    session.flush()
    return None, "applied", f"已记录对方分流转办清单版本 {body['version']}（{len(body['items'])} 项）"


def peer_transfer_list(session: Session, peer_name: str) -> PeerTransferList | None:
    """The version the peer uses now: the one it published last."""
    return session.scalar(select(PeerTransferList).where(PeerTransferList.peer_name == peer_name)
                          .order_by(PeerTransferList.received_at.desc(), PeerTransferList.id.desc()).limit(1))


def transfer_item_check(session: Session, *, order_id: int, peer_name: str, target: str) -> dict | None:
    """一键转办 under a transfer-list item: is the item on the list the receiver published (the agreed version)?"""
    triage = session.scalar(select(WorkOrder.triage).where(WorkOrder.id == order_id)) or {}
    item_id = triage.get("transfer_item_id") if isinstance(triage, dict) else None
    if not item_id:
        return None
    listed = peer_transfer_list(session, peer_name)
    agreed = rules.is_agreed(item_id, settings().platform_role, target, listed.items if listed else None)
    out = {"id": str(item_id)[:32], "list_version": listed.version if listed else None, "agreed": agreed}
    if triage.get("transfer_item_name"):
        out["name"] = str(triage["transfer_item_name"])[:200]
    return out


def transfer_item_note(item: dict, *, own_items: list[dict]) -> str:
    """What the receiver's timeline says of the item a transfer came under, checked against the receiver's own list."""
    name = f"{item['id']} {item.get('name') or ''}".strip()
    ours = any(i["id"] == item["id"] for i in own_items)
    if item.get("agreed") and ours:
        return f"依据分流转办清单事项 {name}（双方约定版本 {item.get('list_version')}）"
    version = f"（对方核对的版本 {item['list_version']}）" if item.get("list_version") else "（对方尚未收到本方清单）"
    return f"清单外事项：{name} 不在本方现行分流转办清单中{version}，如有异议请协商"


def transfer_list_status(session: Session) -> dict:
    """Which version each side uses: this platform's, the one last published to each peer, and each peer's own."""
    current = own_transfer_list(session)
    published = _published_versions(session)
    states = dict(session.execute(select(Delivery.peer_name, Delivery.state).where(Delivery.kind == "transfer_list")
                                  .order_by(Delivery.peer_name, Delivery.seq)).all())
    peers = []
    for peer in list_peers(session):
        theirs = peer_transfer_list(session, peer.name)
        peers.append({
            "peer": peer.name, "platform": peer.platform,
            "published_version": published.get(peer.name), "published_state": states.get(peer.name),
            "published_state_label": DELIVERY_LABELS.get(states.get(peer.name), "未发布"),
            "peer_version": theirs.version if theirs else None, "peer_items": len(theirs.items) if theirs else 0,
            "peer_received_at": theirs.received_at.astimezone(SHANGHAI).isoformat(timespec="seconds") if theirs else None,
            "current_published": published.get(peer.name) == current["version"],
        })
    return {"version": current["version"], "items": len(current["items"]),
            "by_direction": {d: sum(1 for i in current["items"] if i["direction"] == d) for d in (*rules.SHARED_DIRECTIONS, "emergency")},
            "peers": peers}


# ---------------------------------------------------------------- the sender's board: late 签收


def warn_unsigned(session: Session, *, now: datetime) -> dict:
    """Transfers the peer has not signed for within the agreed time: one 对方超时未签收 on the sender's order per transfer."""
    late = session.execute(select(OrderLink, WorkOrder).join(WorkOrder, WorkOrder.id == OrderLink.order_id).where(
        OrderLink.direction == "out", OrderLink.received_at.is_(None), OrderLink.sign_due_at < now,
        WorkOrder.status.notin_(("closed", "merged")))).all()
    from liandong.workorder.models import OrderEvent

    ids = [order.id for _, order in late]
    said = set()
    if ids:
        said = {(order_id, (data or {}).get("peer"), (data or {}).get("sign_due_at")) for order_id, data in session.execute(
            select(OrderEvent.order_id, OrderEvent.data).where(OrderEvent.order_id.in_(ids), OrderEvent.action == Record.LINK_SIGN_LATE.value))}
    warned = 0
    for link, order in late:
        due = link.sign_due_at.isoformat()
        if (order.id, link.peer_name, due) in said:
            continue
        minutes = int((now - link.sign_due_at).total_seconds() // 60)
        order.append_event(Record.LINK_SIGN_LATE.value, to_status=order.status, actor=LINKAGE_ACTOR.name, actor_role=LINKAGE_ACTOR.role.value,
                           at=max(now, order.last_action_at or now), recorded_at=now,
                           note=f"{link.peer_name} 超过约定时限（{link.sign_due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）仍未签收，已超时 {minutes} 分钟",
                           data={"peer": link.peer_name, "sign_due_at": due})
        warned += 1
    session.flush()
    return {"unsigned_late": len(late), "warned": warned}
