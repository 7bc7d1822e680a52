"""The pure rules: which entry notifies, who may receive it, quiet hours, back-off."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from liandong.notify import events
from liandong.notify.events import SHANGHAI, Event, QuietHours, Trigger


@pytest.mark.parametrize("trigger, expected", [
    (Trigger("create", "received", "received"), Event.ACCEPTED),
    (Trigger("dispatch", "received", "dispatched"), None),
    (Trigger("accept", "dispatched", "in_progress"), None),
    (Trigger("reply", "in_progress", "replied"), None),  # not before 12345 has reviewed it
    (Trigger("review", "replied", "awaiting_callback"), Event.REPLIED),
    (Trigger("review", "replied", "in_progress"), None),  # returned to the unit
    (Trigger("review", "replied", "closed"), Event.CLOSED),  # no reply wanted: closed at review
    (Trigger("visit", "awaiting_callback", "closed", "reached"), Event.CLOSED),  # one message, not two
    (Trigger("visit", "awaiting_callback", "in_progress", "reached"), Event.CALLBACK),  # dissatisfied: 重办
    (Trigger("visit", "awaiting_callback", "awaiting_callback", "unreachable"), None),
    (Trigger("visit", "awaiting_callback", "closed", "refused"), Event.CLOSED),
    (Trigger("close", "awaiting_callback", "closed"), Event.CLOSED),
    (Trigger("answer_directly", "received", "closed"), Event.CLOSED),
    (Trigger("mark_invalid", "received", "closed"), None),  # a nuisance call is not told it was 办结
    (Trigger("merge", "received", "merged"), None),
    (Trigger("note", "closed", "closed"), None),
    (Trigger("transfer_110", "received", "transferred_110"), None),
    (Trigger("notified", "closed", "closed"), None),
    (Trigger("sign_overdue", "dispatched", "dispatched"), Event.SIGN_OVERDUE),
])
def test_event_table(trigger, expected):
    assert events.event_for(trigger) is expected


def test_every_event_has_a_rule_a_label_and_the_caller_as_recipient():
    assert {rule.event for rule in events.RULES} == set(Event)
    assert set(events.EVENT_LABELS) == set(Event)
    assert all(rule.recipients == (events.Recipient.CALLER,) for rule in events.RULES)


@pytest.mark.parametrize("phone, anonymous, consented, expected", [
    ("13812345678", False, True, True),
    (None, False, True, False),
    ("", False, True, False),
    ("13812345678", True, True, False),
    ("13812345678", False, False, False),
])
def test_only_a_known_consenting_caller(phone, anonymous, consented, expected):
    assert events.may_notify_caller(phone=phone, anonymous=anonymous, consented=consented) is expected


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


QUIET = QuietHours.parse("22:00-08:00")


@pytest.mark.parametrize("moment, urgent, expected", [
    (local(2026, 12, 1, 21, 59), False, local(2026, 12, 1, 21, 59)),
    (local(2026, 12, 1, 22, 0), False, local(2026, 12, 2, 8, 0)),
    (local(2026, 12, 1, 23, 30), False, local(2026, 12, 2, 8, 0)),
    (local(2026, 12, 2, 0, 0), False, local(2026, 12, 2, 8, 0)),
    (local(2026, 12, 2, 7, 59), False, local(2026, 12, 2, 8, 0)),
    (local(2026, 12, 2, 8, 0), False, local(2026, 12, 2, 8, 0)),
    (local(2026, 12, 31, 23, 0), False, local(2027, 1, 1, 8, 0)),  # across the year
    (local(2026, 12, 1, 23, 30), True, local(2026, 12, 1, 23, 30)),  # urgent: at once
])
def test_quiet_hours_across_midnight(moment, urgent, expected):
    assert events.due_at(moment, quiet=QUIET, urgent=urgent) == expected


def test_quiet_hours_in_utc_are_read_in_shanghai():
    moment = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)  # 23:00 in Shanghai
    due = events.due_at(moment, quiet=QUIET, urgent=False)
    assert due == local(2026, 12, 2, 8, 0) and due.tzinfo is timezone.utc


@pytest.mark.parametrize("text, start, end, inside, outside", [
    ("12:00-14:00", time(12), time(14), time(13), time(14)),  # a daytime period
    ("22:00-08:00", time(22), time(8), time(3), time(12)),
])
def test_quiet_hours_parse_and_contain(text, start, end, inside, outside):
    quiet = QuietHours.parse(text)
    assert (quiet.start, quiet.end) == (start, end)
    assert quiet.contains(inside) and not quiet.contains(outside)


def test_no_quiet_hours():
    assert QuietHours.parse("") is None and QuietHours.parse(None) is None
    moment = local(2026, 12, 1, 23, 0)
    assert events.due_at(moment, quiet=None, urgent=False) == moment
    with pytest.raises(ValueError):
        QuietHours.parse("08:00-08:00")
    with pytest.raises(ValueError):
        events.due_at(datetime(2026, 12, 1, 23, 0), quiet=QUIET, urgent=False)


@pytest.mark.parametrize("failures, rand, expected", [(1, 0.0, 15), (1, 0.999999, 30), (2, 0.0, 30), (3, 0.0, 60), (20, 0.0, 1800)])
def test_backoff_doubles_and_is_capped(failures, rand, expected):
    assert events.backoff_delay(failures, base=30, cap=3600, rand=rand) == pytest.approx(expected, abs=0.01)


def test_urgent_by_level():
    rule = events.RULES[0]
    assert events.is_urgent(rule, level="重大") and events.is_urgent(rule, level="特别重大")
    assert not events.is_urgent(rule, level="一般") and not events.is_urgent(rule, level=None)


def test_keys_are_stable_and_fit_the_columns():
    key = events.notification_key(events.outbox_key("JC-20261201-000123", 12, Event.SIGN_OVERDUE), events.Recipient.CALLER)
    assert key == "notify:JC-20261201-000123:12:sign_overdue:caller"
    assert len(events.outbox_key("X" * 32, 2**31 - 1, Event.SIGN_OVERDUE)) <= 64 and len(key) <= 96
    assert not events.TOPIC.startswith("order.")  # the linkage relay takes "order.…"
    assert timedelta(0) == events.due_at(local(2026, 12, 1, 9), quiet=QUIET, urgent=False) - local(2026, 12, 1, 9)
