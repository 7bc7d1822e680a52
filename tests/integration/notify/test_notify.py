"""Notifications through the real service on SQLite and PostgreSQL: outbox in the transition's transaction, fan-out,
consent, quiet hours, claims with leases, retries and dead letters, the timeline, templates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select

from liandong.config import configure, settings
from liandong.core.actor import Actor, Role
from liandong.core.errors import PermissionDenied, ValidationFailed
from liandong.core.outbox import OutboxMessage
from liandong.notify import events, service
from liandong.notify.models import Notification
from liandong.notify.providers import FileNotifier, Message, SendFailed
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action, Record
from liandong.workorder.models import OrderEvent, WorkOrder

SHANGHAI = events.SHANGHAI
ADMIN = Actor("tester", Role.ADMIN, records_history=True)
NOW = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)  # 09:00, outside the default quiet hours


def t(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def default_settings():
    previous = settings()
    configure(**{**previous.model_dump(exclude_unset=True), "notify_quiet_hours": "22:00-08:00", "notify_max_attempts": 3})
    yield
    configure(**previous.model_dump(exclude_unset=True))


@pytest.fixture(autouse=True)
def only_this_tests_orders(session):
    """Other tests commit orders through the web app into the shared database; their notifications are not ours.
    Removed inside this test's transaction (rolled back afterwards), so each test sees only what it made."""
    session.execute(delete(Notification))
    session.execute(delete(OutboxMessage).where(OutboxMessage.topic == events.TOPIC))
    session.flush()


def new(session, **overrides):
    values = {"content": "楼上装修噪音太大，周末早上七点就开始施工。", "request_type": "complaint", "received_at": t(2023, 9, 28, 10, 0),
              "caller_phone": "13812345678", "caller_name": "张先生"}
    values.update(overrides)
    return orders.create_order(session, actor=ADMIN, now=NOW, **values)


def act(session, order, action, at, **kw):
    return orders.act(session, order_id=order.id, action=action, actor=ADMIN, now=NOW, at=at, **kw)


def outbox_of(session, order):
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.topic == events.TOPIC,
                                                          OutboxMessage.key.like(f"notify:{order.number}:%")).order_by(OutboxMessage.id)))


def messages_of(session, order):
    return list(session.scalars(select(Notification).where(Notification.order_id == order.id).order_by(Notification.id)))


def timeline_notes(session, order):
    return [e.note for e in session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == Record.NOTIFIED.value)
                                            .order_by(OrderEvent.seq))]


def send_all(session, notifier, *, now, owner="w1"):
    """What the worker does, inside the test's transaction: fan out, claim, send, record."""
    service.fan_out(session, now=now)
    ids = service.claim(session, owner=owner, now=now, limit=100, lease=60)
    states = []
    for note in session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)):
        message = Message(key=note.key, phone=note.phone, text=note.text, order_number=note.order_number, event=note.event)
        try:
            states.append(service.record(session, note.id, now=now, receipt=notifier.send(message)))
        except SendFailed as error:
            states.append(service.record(session, note.id, now=now, error=error))
    return states


def full_life(session, order):
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    act(session, order, Action.ACCEPT, t(2023, 9, 28, 12))
    act(session, order, Action.REPLY, t(2023, 10, 9, 9), result="resolved", handler="赵工", handler_phone="13935600000", contacted=True,
        note="已责令施工方夜间停工")
    act(session, order, Action.REVIEW, t(2023, 10, 9, 10), passed=True)
    act(session, order, Action.VISIT, t(2023, 10, 10, 9), outcome="reached", satisfaction="5", resolved=True)


def test_each_event_of_a_life_is_one_outbox_row_written_with_the_transition(session):
    order = new(session)
    assert [m.payload["event"] for m in outbox_of(session, order)] == ["accepted"]
    full_life(session, order)
    # 受理, 答复 (after review), and the callback that closes the order is one 办结 message; dispatch and accept notify nobody.
    assert [m.payload["event"] for m in outbox_of(session, order)] == ["accepted", "replied", "closed"]
    assert all(m.published_at is None for m in outbox_of(session, order))


def test_a_refused_transition_writes_no_message(session):
    order = new(session)
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is what stays unwritten
        act(session, order, Action.REVIEW, t(2023, 9, 28, 11), passed=True)
    assert [m.payload["event"] for m in outbox_of(session, order)] == ["accepted"]


def test_messages_reach_the_file_notifier_and_the_timeline_once(session, tmp_path):
    notifier = FileNotifier(tmp_path / "sent.jsonl")
    order = new(session)
    assert send_all(session, notifier, now=NOW) == ["sent"]
    (message,) = messages_of(session, order)
    assert message.state == "sent" and message.phone == "13812345678" and order.number in message.text
    assert message.receipt and message.provider == "file"
    assert timeline_notes(session, order) == ["已发送短信通知：受理通知（138****5678）"]
    # Again: nothing is due, nothing sent twice, nothing recorded twice.
    assert send_all(session, notifier, now=NOW + timedelta(minutes=1)) == []
    assert len((tmp_path / "sent.jsonl").read_text().splitlines()) == 1
    assert len(timeline_notes(session, order)) == 1


def test_the_message_does_not_move_the_last_action_time(session, tmp_path):
    order = new(session)
    before = session.get(WorkOrder, order.id).last_action_at
    send_all(session, FileNotifier(tmp_path / "sent.jsonl"), now=NOW + timedelta(days=1))
    session.expire_all()
    assert session.get(WorkOrder, order.id).last_action_at == before
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")  # a backdated action is still accepted


@pytest.mark.parametrize("overrides, reason", [
    ({"caller_phone": None, "caller_name": None}, "来电人未留电话"),
    ({"reply_wanted": False}, "来电人未同意联系"),
])
def test_no_number_or_no_consent_is_never_sent(session, tmp_path, overrides, reason):
    order = new(session, **overrides)
    assert send_all(session, FileNotifier(tmp_path / "sent.jsonl"), now=NOW) == []
    (message,) = messages_of(session, order)
    assert (message.state, message.phone, message.last_error) == ("skipped", None, reason)
    assert timeline_notes(session, order) == []


def test_quiet_hours_move_the_message_to_eight_and_urgent_orders_go_at_once(session, tmp_path):
    night = t(2023, 12, 1, 23, 30)
    calm, urgent = new(session), new(session, level="重大", content="小区燃气管道破裂泄漏，居民已撤离，请尽快处置")
    notifier = FileNotifier(tmp_path / "sent.jsonl")
    assert send_all(session, notifier, now=night) == ["sent"]
    assert messages_of(session, urgent)[0].state == "sent"
    waiting = messages_of(session, calm)[0]
    assert waiting.state == "pending" and waiting.due_at == t(2023, 12, 2, 8, 0)
    assert send_all(session, notifier, now=t(2023, 12, 2, 7, 59)) == []
    assert send_all(session, notifier, now=t(2023, 12, 2, 8, 0)) == ["sent"]


class Flaky:
    """A provider that fails the first `failures` sends of every key (temporary), then accepts."""

    def __init__(self, inner, failures, *, permanent=False):
        self.inner, self.failures, self.permanent, self.seen = inner, failures, permanent, {}

    def send(self, message):
        self.seen[message.key] = self.seen.get(message.key, 0) + 1
        if self.seen[message.key] <= self.failures:
            raise SendFailed("网关暂时不可用", permanent=self.permanent)
        return self.inner.send(message)


def test_failures_back_off_then_succeed(session, tmp_path):
    order = new(session)
    notifier = Flaky(FileNotifier(tmp_path / "sent.jsonl"), 1)
    assert send_all(session, notifier, now=NOW) == ["failed"]
    message = messages_of(session, order)[0]
    assert message.attempts == 1 and message.last_error == "网关暂时不可用"
    assert 15 <= (message.due_at - NOW).total_seconds() <= 30  # base 30 s, half of it random
    assert send_all(session, notifier, now=NOW + timedelta(seconds=10)) == []
    assert send_all(session, notifier, now=NOW + timedelta(seconds=31)) == ["sent"]
    assert timeline_notes(session, order) == ["已发送短信通知：受理通知（138****5678）"]


def test_after_the_last_attempt_a_message_is_dead_and_on_the_timeline(session, tmp_path):
    order = new(session)
    notifier = Flaky(FileNotifier(tmp_path / "sent.jsonl"), 99)
    moment = NOW
    states = []
    for _ in range(3):
        states += send_all(session, notifier, now=moment)
        moment += timedelta(hours=2)
    assert states == ["failed", "failed", "dead"]
    (note,) = timeline_notes(session, order)
    assert note.startswith("短信通知发送失败：受理通知（138****5678），已尝试 3 次")
    assert send_all(session, notifier, now=moment + timedelta(days=1)) == []


def test_a_permanent_refusal_is_dead_at_once(session, tmp_path):
    order = new(session)
    assert send_all(session, Flaky(FileNotifier(tmp_path / "sent.jsonl"), 99, permanent=True), now=NOW) == ["dead"]
    assert messages_of(session, order)[0].attempts == 1


def test_a_claimed_message_is_not_claimed_again_until_its_lease_expires(session):
    new(session)
    service.fan_out(session, now=NOW)
    first = service.claim(session, owner="w1", now=NOW, limit=10, lease=60)
    assert first and service.claim(session, owner="w2", now=NOW + timedelta(seconds=30), limit=10, lease=60) == []
    assert service.claim(session, owner="w2", now=NOW + timedelta(seconds=61), limit=10, lease=60) == first


def test_a_late_second_record_of_the_same_message_changes_nothing(session, tmp_path):
    """A worker whose lease expired and another that took over both hear from the provider: one timeline entry."""
    order = new(session)
    notifier = FileNotifier(tmp_path / "sent.jsonl")
    service.fan_out(session, now=NOW)
    (note_id,) = service.claim(session, owner="w1", now=NOW, limit=10, lease=1)
    note = session.get(Notification, note_id)
    message = Message(key=note.key, phone=note.phone, text=note.text, order_number=note.order_number, event=note.event)
    first, second = notifier.send(message), notifier.send(message)
    assert second.duplicate and second.receipt == first.receipt
    assert service.record(session, note_id, now=NOW, receipt=second) == "sent"
    assert service.record(session, note_id, now=NOW, receipt=first) is None
    assert len(timeline_notes(session, order)) == 1


def test_sign_overdue_is_raised_once_per_dispatch(session, tmp_path):
    order = new(session)
    act(session, order, Action.DISPATCH, t(2023, 9, 28, 11), to="zjj")
    fresh = session.get(WorkOrder, order.id)
    late = fresh.sign_due_at + timedelta(minutes=5)
    assert service.raise_sign_overdue(session, now=fresh.sign_due_at - timedelta(minutes=1)) == 0
    assert service.raise_sign_overdue(session, now=late) == 1
    assert service.raise_sign_overdue(session, now=late + timedelta(minutes=1)) == 0  # still in the outbox
    send_all(session, FileNotifier(tmp_path / "sent.jsonl"), now=late.astimezone(SHANGHAI).replace(hour=10))
    assert service.raise_sign_overdue(session, now=late + timedelta(minutes=2)) == 0  # already a message
    events_sent = [m.event for m in messages_of(session, order)]
    assert events_sent == ["accepted", "sign_overdue"]
    assert "市住房和城乡建设局" in messages_of(session, order)[1].text


def test_templates_are_seeded_edited_and_used(session, tmp_path):
    names = [row["event"] for row in service.list_templates(session)]
    assert names == [e.value for e in events.Event]
    service.save_template(session, event="accepted", body="您的诉求已受理，编号{{ number }}。", actor=ADMIN, now=NOW)
    order = new(session)
    send_all(session, FileNotifier(tmp_path / "sent.jsonl"), now=NOW)
    assert messages_of(session, order)[0].text == f"您的诉求已受理，编号{order.number}。"
    with pytest.raises(ValidationFailed, match="未知字段：caller_phone"):
        service.save_template(session, event="accepted", body="{{ caller_phone }}", actor=ADMIN, now=NOW)
    with pytest.raises(PermissionDenied):
        service.save_template(session, event="accepted", body="{{ number }}", actor=Actor("x", Role.SUPERVISOR), now=NOW)
    service.reset_template(session, event="accepted", actor=ADMIN, now=NOW)
    assert service.list_templates(session)[0]["is_default"]


def test_status_counts_by_state(session, tmp_path):
    new(session)
    new(session, caller_phone=None, caller_name=None)
    service.fan_out(session, now=NOW)
    figures = service.status(session, now=NOW)
    assert figures["states"]["pending"] >= 1 and figures["states"]["skipped"] >= 1 and figures["due_now"] >= 1
