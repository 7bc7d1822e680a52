"""Notifications: outbox rows become messages (recipient, text, due time), the worker sends what is due with leases,
and every sent or finally failed message is written on the order's timeline.

Sending never happens inside a request: the workorder service only writes the outbox (events.py decides what).
A message is marked sent only after the provider accepted it; a worker that dies between the two leaves its lease
to expire, another sends again with the same idempotency key, and the provider answers with the first receipt.
"""

from __future__ import annotations

import logging
import os
import random
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from liandong.catalog.models import Department
from liandong.config import settings
from liandong.core.actor import Actor, Role
from liandong.core.errors import NotFound, ValidationFailed
from liandong.core.outbox import OutboxMessage, enqueue
from liandong.notify import events, templates
from liandong.notify.events import SHANGHAI, Event, QuietHours, Recipient
from liandong.notify.models import STATE_LABELS, Notification, NotifyTemplate
from liandong.notify.providers import Message, Notifier, Receipt, SendFailed, mask
from liandong.workorder.lifecycle import STATUS_LABELS, Record, Status
from liandong.workorder.models import WorkOrder

log = logging.getLogger("liandong.notify")
NOTIFY_ACTOR = Actor(name="短信通知服务", role=Role.SYSTEM)  # shown as is on the timeline
SKIP_REASONS = {"no_phone": "来电人未留电话", "anonymous": "匿名来电", "no_consent": "来电人未同意联系"}


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# ---------------------------------------------------------------- templates


def load_templates(session: Session) -> int:
    """Copy the packaged defaults into the database; templates already there are kept as edited."""
    present = set(session.scalars(select(NotifyTemplate.event)))
    added = 0
    for event, body in templates.defaults().items():
        if event not in present:
            session.add(NotifyTemplate(event=event, body=body))
            added += 1
    session.flush()
    return added


def require_event(event: str) -> Event:
    try:
        return Event(str(event).strip())
    except ValueError:
        raise NotFound(f"没有这类通知：{event}（可选：{'、'.join(e.value for e in Event)}）", field="event") from None


def template_body(session: Session, event: Event) -> str:
    row = session.get(NotifyTemplate, event.value)
    return row.body if row is not None else templates.defaults()[event.value]


def list_templates(session: Session) -> list[dict]:
    rows = {row.event: row for row in session.scalars(select(NotifyTemplate))}
    defaults = templates.defaults()
    result = []
    for event in Event:
        row = rows.get(event.value)
        body = row.body if row is not None else defaults[event.value]
        result.append({"event": event.value, "label": events.EVENT_LABELS[event], "body": body,
                       "preview": templates.render(body, templates.SAMPLE), "is_default": body == defaults[event.value],
                       "updated_at": row.updated_at.isoformat() if row is not None and row.updated_at else None,
                       "updated_by": row.updated_by if row is not None else None})
    return result


def preview_template(*, body: str) -> str:
    """The sample message for a template being edited; refuses unknown fields like a save would."""
    return templates.render(templates.check(body), templates.SAMPLE)


def save_template(session: Session, *, event: str, body: str, actor: Actor, now: datetime) -> NotifyTemplate:
    if actor.role is not Role.ADMIN:
        from liandong.core.errors import PermissionDenied

        raise PermissionDenied("只有管理员可以修改通知模板")
    kind = require_event(event)
    body = templates.check(body)
    row = session.get(NotifyTemplate, kind.value)
    if row is None:
        row = NotifyTemplate(event=kind.value, body=body)
        session.add(row)
    row.body, row.updated_at, row.updated_by = body, now, actor.name
    session.flush()
    from liandong.audit import service as audit

    audit.record(session, actor=actor, action="notify.template", now=now, target=kind.value)
    return row


def reset_template(session: Session, *, event: str, actor: Actor, now: datetime) -> NotifyTemplate:
    return save_template(session, event=event, body=templates.defaults()[require_event(event).value], actor=actor, now=now)


# ---------------------------------------------------------------- outbox → messages


def _consented(order: WorkOrder) -> bool:
    # The citizen's own choice when the public page recorded one, else 是否需要回复 from the call.
    choice = getattr(order, "contact_consent", None)
    return bool(order.reply_wanted) if choice is None else bool(choice)


def _fields(session: Session, order: WorkOrder, payload: dict) -> dict:
    from liandong.citizen.service import tracking_code_of  # the citizen domain sits above the order service

    department = session.get(Department, payload.get("department_code") or order.department_code or "") if (
        payload.get("department_code") or order.department_code) else None
    at = datetime.fromisoformat(payload["at"]).astimezone(SHANGHAI)
    return {
        "number": order.number,
        "tracking_code": tracking_code_of(session, order.id),
        "title": order.title,
        "status": STATUS_LABELS.get(Status(order.status), order.status) if order.status in Status._value2member_map_ else order.status,
        "department": department.name if department else "承办单位",
        "time": f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}",
        "hotline": "12345",
    }


def _skip_reason(order: WorkOrder) -> str | None:
    if not order.caller_phone:
        return "no_phone"
    if order.anonymous:
        return "anonymous"
    if not _consented(order):
        return "no_consent"
    return None


def fan_out(session: Session, *, now: datetime, limit: int = 200) -> int:
    """Turn unpublished notification outbox rows into messages. Returns the rows taken."""
    query = (select(OutboxMessage).where(OutboxMessage.published_at.is_(None), OutboxMessage.topic == events.TOPIC)
             .order_by(OutboxMessage.id).limit(limit))
    if _is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    if not rows:
        return 0
    quiet = QuietHours.parse(settings().notify_quiet_hours)
    bodies: dict[Event, str] = {}
    for row in rows:
        row.published_at = now
        payload = row.payload
        order = session.get(WorkOrder, payload.get("order_id"))
        event = Event(payload["event"])
        rule = next(r for r in events.RULES if r.event is event)
        if order is None:
            continue
        for recipient in rule.recipients:
            key = events.notification_key(row.key, recipient)
            if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
                continue  # the same event raised twice (a check that ran on two workers)
            fields = _fields(session, order, payload)
            if event not in bodies:
                bodies[event] = template_body(session, event)
            try:
                text = templates.render(bodies[event], fields)
            except ValidationFailed:
                log.exception("template %s cannot render for %s; the default is used", event.value, order.number)
                text = templates.render(templates.defaults()[event.value], fields)
            skip = _skip_reason(order) if recipient is Recipient.CALLER else None
            urgent = events.is_urgent(rule, level=payload.get("level") or order.level)
            session.add(Notification(
                key=key, order_id=order.id, order_number=order.number, event=event.value, recipient=recipient.value,
                phone=None if skip else order.caller_phone, text=text, urgent=urgent, state="skipped" if skip else "pending",
                created_at=now, due_at=events.due_at(now, quiet=quiet, urgent=urgent), attempts=0, fields=fields,
                last_error=SKIP_REASONS[skip] if skip else None, finished_at=now if skip else None,
            ))
    session.flush()
    return len(rows)


def raise_sign_overdue(session: Session, *, now: datetime, window: timedelta = timedelta(days=3), limit: int = 500) -> int:
    """派单延时: orders dispatched and not signed for past the deadline get one message per dispatch."""
    candidates = list(session.execute(
        select(WorkOrder.id, WorkOrder.number, WorkOrder.dispatch_count, WorkOrder.department_code, WorkOrder.level)
        .where(WorkOrder.status == Status.DISPATCHED.value, WorkOrder.sign_due_at < now, WorkOrder.sign_due_at >= now - window)
        .order_by(WorkOrder.sign_due_at).limit(limit)
    ))
    if not candidates:
        return 0
    keys = {events.outbox_key(number, f"d{count}", Event.SIGN_OVERDUE): (oid, number, count, dept, level)
            for oid, number, count, dept, level in candidates}
    done = set(session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.topic == events.TOPIC, OutboxMessage.published_at.is_(None), OutboxMessage.key.in_(keys))))
    sent_keys = {events.notification_key(k, Recipient.CALLER): k for k in keys}
    done |= {sent_keys[k] for k in session.scalars(select(Notification.key).where(Notification.key.in_(sent_keys)))}
    raised = 0
    for key, (oid, number, count, dept, level) in keys.items():
        if key in done:
            continue
        enqueue(session, topic=events.TOPIC, key=key, at=now, payload=events.outbox_payload(
            order_id=oid, order_number=number, event=Event.SIGN_OVERDUE, seq=f"d{count}", at=now, department_code=dept, level=level))
        raised += 1
    session.flush()
    return raised


# ---------------------------------------------------------------- sending


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def claim(session: Session, *, owner: str, now: datetime, limit: int, lease: float) -> list[int]:
    """Take up to `limit` due messages nobody holds; PostgreSQL skips rows other workers have locked."""
    query = (
        select(Notification.id)
        .where(Notification.state.in_(("pending", "failed")), Notification.due_at <= now,
               or_(Notification.lease_expires_at.is_(None), Notification.lease_expires_at < now))
        .order_by(Notification.due_at, Notification.id).limit(limit)
    )
    if _is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        return []
    expires = now + timedelta(seconds=lease)
    session.execute(update(Notification).where(Notification.id.in_(ids)).values(lease_owner=owner, lease_expires_at=expires)
                    .execution_options(synchronize_session=False))
    return ids


@dataclass
class SendStats:
    sent: int = 0
    duplicates: int = 0
    failed: int = 0
    dead: int = 0
    latencies: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "duplicates": self.duplicates, "failed": self.failed, "dead": self.dead}


def _timeline(session: Session, note_: Notification, *, now: datetime, note: str, data: dict) -> None:
    query = select(WorkOrder).where(WorkOrder.id == note_.order_id).execution_options(populate_existing=True)
    if _is_postgres(session):
        query = query.with_for_update(of=WorkOrder)
    order = session.scalars(query).one_or_none()
    if order is None:
        return
    # A message is a record, not an action: it must not move "the last action" that backdated entries are checked against.
    last = order.last_action_at
    order.append_event(Record.NOTIFIED.value, to_status=order.status, actor=NOTIFY_ACTOR.name, actor_role=NOTIFY_ACTOR.role.value,
                       at=now, recorded_at=now, note=note, data=data)
    order.last_action_at = last
    session.flush()


def record(session: Session, notification_id: int, *, now: datetime, receipt: Receipt | None = None,
           error: SendFailed | None = None, stats: SendStats | None = None) -> str | None:
    """Write what the provider said. Returns the new state (None: someone else already finished it)."""
    stats = stats if stats is not None else SendStats()
    query = select(Notification).where(Notification.id == notification_id).execution_options(populate_existing=True)
    if _is_postgres(session):
        query = query.with_for_update()
    note_ = session.scalars(query).one_or_none()
    if note_ is None or note_.state in ("sent", "dead", "skipped"):
        return None
    label = events.EVENT_LABELS[Event(note_.event)]
    note_.attempts += 1
    note_.lease_owner, note_.lease_expires_at = None, None
    if receipt is not None:
        note_.state, note_.provider, note_.receipt, note_.finished_at, note_.last_error = "sent", receipt.provider, receipt.receipt, now, None
        stats.sent += 1
        stats.duplicates += int(receipt.duplicate)
        stats.latencies.append((now - note_.created_at).total_seconds())
        _timeline(session, note_, now=now, note=f"已发送短信通知：{label}（{mask(note_.phone)}）",
                  data={"event": note_.event, "key": note_.key, "phone": mask(note_.phone), "provider": receipt.provider,
                        "receipt": receipt.receipt, "duplicate": receipt.duplicate, "text": note_.text})
        return "sent"
    config = settings()
    assert error is not None
    note_.last_error = error.reason
    if error.permanent or note_.attempts >= config.notify_max_attempts:
        note_.state, note_.finished_at = "dead", now
        stats.dead += 1
        log.warning("notification %s for %s failed for good after %s attempts: %s", note_.key, note_.order_number, note_.attempts, error.reason)
        _timeline(session, note_, now=now, note=f"短信通知发送失败：{label}（{mask(note_.phone)}），已尝试 {note_.attempts} 次：{error.reason[:100]}",
                  data={"event": note_.event, "key": note_.key, "phone": mask(note_.phone), "error": error.reason, "attempts": note_.attempts})
        return "dead"
    delay = events.backoff_delay(note_.attempts, base=config.notify_backoff_base, cap=config.notify_backoff_cap, rand=random.random())
    note_.state, note_.due_at = "failed", now + timedelta(seconds=delay)
    stats.failed += 1
    session.flush()
    return "failed"


class Sender:
    """One per worker process: claims due messages, hands each to the provider, records each outcome at once."""

    def __init__(self, engine, notifier: Notifier, *, owner: str | None = None):
        self.engine = engine
        self.notifier = notifier
        self.owner = owner or worker_id()

    def run_once(self, *, now_fn, stats: SendStats | None = None) -> SendStats:
        from liandong.db import unit_of_work

        stats = stats or SendStats()
        config = settings()
        with unit_of_work(self.engine) as session:
            fan_out(session, now=now_fn())
        with unit_of_work(self.engine) as session:
            ids = claim(session, owner=self.owner, now=now_fn(), limit=config.notify_batch, lease=config.notify_lease_seconds)
            work = [(n.id, Message(key=n.key, phone=n.phone, text=n.text, order_number=n.order_number, event=n.event))
                    for n in session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id))]
        for notification_id, message in work:
            try:
                receipt, error = self.notifier.send(message), None
            except SendFailed as failure:
                receipt, error = None, failure
            with unit_of_work(self.engine) as session:
                record(session, notification_id, now=now_fn(), receipt=receipt, error=error, stats=stats)
        return stats

    def drain(self, *, now_fn, budget: float = 5.0) -> SendStats:
        import time

        stats = SendStats()
        deadline = time.monotonic() + budget
        while time.monotonic() < deadline:
            before = stats.sent + stats.failed + stats.dead
            self.run_once(now_fn=now_fn, stats=stats)
            if stats.sent + stats.failed + stats.dead == before:
                break
        return stats


# ---------------------------------------------------------------- reading


def _as_dict(n: Notification) -> dict:
    return {"id": n.id, "key": n.key, "order_id": n.order_id, "order_number": n.order_number, "event": n.event, "event_label": events.EVENT_LABELS[Event(n.event)],
            "phone": mask(n.phone) if n.phone else None, "text": n.text, "urgent": n.urgent, "state": n.state,
            "state_label": STATE_LABELS[n.state], "attempts": n.attempts, "created_at": n.created_at.isoformat(),
            "due_at": n.due_at.isoformat(), "finished_at": n.finished_at.isoformat() if n.finished_at else None,
            "provider": n.provider, "receipt": n.receipt, "last_error": n.last_error}


def list_notifications(session: Session, *, state: str | None = None, order_number: str | None = None, limit: int = 50) -> list[dict]:
    query = select(Notification).order_by(Notification.id.desc()).limit(max(1, min(limit, 1000)))
    if state:
        if state not in STATE_LABELS:
            raise ValidationFailed(f"未知的发送状态：{state}（可选：{'、'.join(STATE_LABELS)}）", field="state")
        query = query.where(Notification.state == state)
    if order_number:
        query = query.where(Notification.order_number == order_number.strip()[:32])
    return [_as_dict(n) for n in session.scalars(query)]


def status(session: Session, *, now: datetime) -> dict:
    counts = dict(session.execute(select(Notification.state, func.count()).group_by(Notification.state)).all())
    due = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.state.in_(("pending", "failed")), Notification.due_at <= now)) or 0
    waiting = session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.topic == events.TOPIC, OutboxMessage.published_at.is_(None))) or 0
    oldest = session.scalar(select(func.min(Notification.due_at)).where(Notification.state.in_(("pending", "failed"))))
    config = settings()
    return {"notifier": config.notifier, "quiet_hours": config.notify_quiet_hours or None,
            "states": {state: counts.get(state, 0) for state in STATE_LABELS}, "due_now": due, "outbox_waiting": waiting,
            "next_due_at": oldest.isoformat() if oldest else None}
