"""Log-in throttling: failures per account and per address, a sliding window, reset on success."""

from datetime import datetime, timedelta, timezone

from liandong.account.throttle import LoginThrottle

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def test_locks_after_max_failures_and_unlocks_after_the_window():
    throttle = LoginThrottle(max_failures=3, window=timedelta(minutes=10))
    keys = ["user:hotline", "addr:1.2.3.4"]
    for minute in range(3):
        assert throttle.retry_after(keys, T0 + timedelta(minutes=minute)) is None
        throttle.failed(keys, T0 + timedelta(minutes=minute))
    assert throttle.retry_after(keys, T0 + timedelta(minutes=3)) == timedelta(minutes=7)
    # any key that reached the limit blocks; keys that did not, do not
    assert throttle.retry_after(["user:other", "addr:1.2.3.4"], T0 + timedelta(minutes=3)) is not None
    assert throttle.retry_after(["user:other", "addr:5.6.7.8"], T0 + timedelta(minutes=3)) is None
    assert throttle.retry_after(keys, T0 + timedelta(minutes=10, seconds=1)) is None


def test_success_resets_the_count():
    throttle = LoginThrottle(max_failures=2)
    keys = ["user:zjj", "addr:-"]
    throttle.failed(keys, T0)
    throttle.succeeded(keys)
    throttle.failed(keys, T0 + timedelta(seconds=1))
    assert throttle.retry_after(keys, T0 + timedelta(seconds=2)) is None
