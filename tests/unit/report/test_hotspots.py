"""Burst detection on synthetic streams: planted bursts are found, uniform background raises nothing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from liandong.report.hotspots import Settings, Signal, detect, poisson_tail

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
TOPICS = [f"kw:t{i}" for i in range(15)]
PLACES = [f"1405{i:05d}:地点{i}" for i in range(400)]


def background(rng: random.Random, *, days: int = 31, per_day: int = 600, start_id: int = 1) -> list[Signal]:
    """Every topic at every place equally likely, arrivals uniform over time, every order a different caller."""
    signals = []
    for index in range(days * per_day):
        at = NOW - timedelta(seconds=rng.uniform(0, days * 86400))
        signals.append(Signal(start_id + index, at, rng.choice(TOPICS), rng.choice(PLACES), f"c{start_id + index}"))
    return signals


def run(signals: list[Signal], settings: Settings = Settings()):
    longest = max(settings.windows)
    baseline: dict = {}
    for s in signals:
        if NOW - longest - settings.baseline < s.at <= NOW - longest:
            baseline[(s.topic_key, s.place_key)] = baseline.get((s.topic_key, s.place_key), 0) + 1
    totals: dict = {}
    for (topic, _place), count in baseline.items():
        orders, places = totals.get(topic, (0, 0))
        totals[topic] = (orders + count, places + 1)
    return detect(signals, now=NOW, baseline_counts=baseline, topic_totals=totals, settings=settings)


@pytest.mark.parametrize("seed", range(12))
def test_uniform_background_raises_nothing(seed):
    assert run(background(random.Random(seed))) == []


@pytest.mark.parametrize(
    ("size", "hours"),
    [(4, 3), (6, 5), (8, 20), (12, 60)],
    ids=["4-in-3h", "6-in-5h", "8-in-a-day", "12-in-three-days"],
)
def test_a_planted_burst_is_found_over_background(size, hours):
    rng = random.Random(size)
    signals = background(rng)
    planted = [Signal(10_000_000 + i, NOW - timedelta(hours=rng.uniform(0, hours)), "kw:t3", PLACES[7], f"burst{i}") for i in range(size)]
    found = run(signals + planted)
    assert len(found) == 1
    burst = found[0]
    assert (burst.topic_key, burst.place_key) == ("kw:t3", PLACES[7])
    assert {s.order_id for s in planted} <= set(burst.order_ids)
    assert burst.score > 0


def test_one_caller_ringing_many_times_is_not_a_burst():
    rng = random.Random(1)
    signals = background(rng)
    same = [Signal(20_000_000 + i, NOW - timedelta(minutes=10 * i), "kw:t3", PLACES[7], "the-same-caller") for i in range(10)]
    assert run(signals + same) == []


def test_a_place_that_is_always_busy_is_not_a_hotspot():
    """Thirty orders a week on the same topic at one market are its normal, not a burst."""
    rng = random.Random(2)
    signals = background(rng)
    busy = [Signal(30_000_000 + i, NOW - timedelta(hours=rng.uniform(0, 31 * 24)), "kw:t1", PLACES[9], f"b{i}") for i in range(130)]
    assert run(signals + busy) == []


@pytest.mark.parametrize(("k", "lam", "expected"), [(0, 1.0, 1.0), (1, 1.0, 0.6321), (3, 0.1, 0.00015465), (2, 0.0, 0.0)])
def test_poisson_tail(k, lam, expected):
    assert poisson_tail(k, lam) == pytest.approx(expected, rel=1e-3, abs=1e-9)


def test_testing_only_the_keys_that_just_had_arrivals_gives_the_same_bursts():
    """The worker hands over only the keys with an arrival since its last pass, and says how many the window holds:
    the same bursts, with the same scores, as testing every key."""
    rng = random.Random(3)
    signals = background(rng) + [Signal(10_000_000 + i, NOW - timedelta(hours=rng.uniform(0, 5)), "kw:t3", PLACES[7], f"b{i}") for i in range(6)]
    everything = run(signals)
    window = [s for s in signals if NOW - timedelta(hours=72) < s.at <= NOW]
    keys = {(s.topic_key, s.place_key) for s in window}
    arrived = {(s.topic_key, s.place_key) for s in window if s.at > NOW - timedelta(minutes=40)} | {("kw:t3", PLACES[7])}
    some = [s for s in signals if (s.topic_key, s.place_key) in arrived or s.at <= NOW - timedelta(hours=72)]
    longest, settings = timedelta(hours=72), Settings()
    baseline: dict = {}
    for s in signals:
        if NOW - longest - settings.baseline < s.at <= NOW - longest:
            baseline[(s.topic_key, s.place_key)] = baseline.get((s.topic_key, s.place_key), 0) + 1
    totals: dict = {}
    for (topic, _place), count in baseline.items():
        orders, places = totals.get(topic, (0, 0))
        totals[topic] = (orders + count, places + 1)
    partial = detect(some, now=NOW, baseline_counts=baseline, topic_totals=totals, keys_in_window=len(keys))
    assert [(b.topic_key, b.place_key, b.score) for b in partial] == [(b.topic_key, b.place_key, b.score) for b in everything]
    assert len(everything) == 1
    # Without the window's count the correction would be too lenient: fewer keys, a higher score.
    lenient = detect(some, now=NOW, baseline_counts=baseline, topic_totals=totals)
    assert lenient[0].score > partial[0].score
