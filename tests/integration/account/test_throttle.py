"""The database log-in throttle: windows, locks per pair and address, pacing per account, reset on success."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from liandong.account import throttle

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def test_a_pair_locks_after_its_limit_and_unlocks_after_the_window(session):
    for n in range(throttle.PAIR.limit):
        assert throttle.reserve(session, username="hotline", address="1.2.3.4", now=T0 + timedelta(seconds=n)) is None
    wait = throttle.reserve(session, username="hotline", address="1.2.3.4", now=T0 + timedelta(minutes=1))
    assert wait is not None and timedelta(minutes=13) < wait <= timedelta(minutes=14)
    # Another address for the same account is not locked by it.
    assert throttle.reserve(session, username="hotline", address="5.6.7.8", now=T0 + timedelta(minutes=1)) is None
    assert throttle.reserve(session, username="hotline", address="1.2.3.4", now=T0 + throttle.PAIR.window + timedelta(seconds=1)) is None


def test_success_resets_the_account_and_refunds_the_address(session):
    for n in range(throttle.PAIR.limit):
        throttle.reserve(session, username="zjj", address="9.9.9.9", now=T0 + timedelta(seconds=n))
    throttle.succeeded(session, username="zjj", address="9.9.9.9")
    pair, address, account = (key for key, _policy in throttle.keys_for("zjj", "9.9.9.9"))
    assert throttle.attempts(session, key=pair) == 0 and throttle.attempts(session, key=account) == 0
    assert throttle.attempts(session, key=address) == throttle.PAIR.limit - 1


def test_past_its_limit_an_account_is_paced_not_locked(session):
    moment = T0
    for n in range(throttle.ACCOUNT.limit):
        assert throttle.reserve(session, username="admin", address=f"10.0.0.{n}", now=moment) is None
    assert throttle.reserve(session, username="admin", address="10.0.1.1", now=moment) is None  # takes the turn
    assert throttle.reserve(session, username="admin", address="10.0.1.2", now=moment) == throttle.PACE
    assert throttle.reserve(session, username="admin", address="10.0.1.2", now=moment + throttle.PACE) is None


def test_purge_drops_old_windows(session):
    throttle.reserve(session, username="old", address="1.1.1.1", now=T0)
    assert throttle.purge(session, now=T0 + timedelta(hours=2)) >= 3
