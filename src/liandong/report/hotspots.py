"""Burst detection for 民意热点 (pure): many distinct callers on one topic at one place within hours to days.

For each (topic, place) seen in a recent window the background expectation is that key's own rate over the
preceding weeks, shrunk towards the topic's average rate per place (a Gamma–Poisson posterior mean worth
`prior_days` of observation), so a quiet key that happened to be silent for a month is not taken for one that
can never ring, and a small floor keeps a brand-new topic from being infinitely surprising. The chance of
at least k distinct callers under a Poisson background is multiplied by the number of keys and windows tried
(Bonferroni): a city with ten thousand places does not raise an alert just because one of them had a busy day.
Uniform background traffic therefore raises nothing; a water outage in one community, reported by six people
in an afternoon, stands out by many orders of magnitude.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Signal:
    order_id: int
    at: datetime
    topic_key: str
    place_key: str
    caller_key: str | None = None
    division_code: str | None = None
    town_code: str | None = None


@dataclass(frozen=True)
class Settings:
    windows: tuple[timedelta, ...] = (timedelta(hours=6), timedelta(hours=24), timedelta(hours=72))
    baseline: timedelta = timedelta(days=28)
    min_callers: int = 3
    floor_per_day: float = 0.005  # expected orders a day at a key of a topic with no history at all
    prior_days: float = 28.0  # how much the topic's average per place weighs against the key's own history
    alpha: float = 0.01  # family-wise false-alarm rate of one scan


@dataclass
class Burst:
    topic_key: str
    place_key: str
    order_ids: list[int]
    callers: int
    first_at: datetime
    last_at: datetime
    expected: float
    score: float  # −log10 of the corrected p-value: ≥ 0 means significant at alpha
    window: timedelta
    division_code: str | None = None
    town_code: str | None = None
    members: list[Signal] = field(default_factory=list, repr=False)


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam), stable for small tails."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    # Sum the tail directly from k upwards (terms shrink fast once past lam).
    term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    total, i = 0.0, k
    while term > total * 1e-15 and i < k + 1000:
        total += term
        i += 1
        term *= lam / i
    return min(1.0, total)


def _distinct_callers(signals: Sequence[Signal]) -> int:
    keys = {s.caller_key for s in signals if s.caller_key}
    return len(keys) + sum(1 for s in signals if not s.caller_key)


def detect(
    signals: Iterable[Signal],
    *,
    now: datetime,
    baseline_counts: Mapping[tuple[str, str], int],
    topic_totals: Mapping[str, tuple[int, int]] | None = None,
    settings: Settings = Settings(),
    keys_in_window: int | None = None,
) -> list[Burst]:
    """Bursts among `signals` (orders received up to `now`), most significant first, one per (topic, place).

    `baseline_counts` are the orders of each (topic, place) in the baseline period before the longest window;
    `topic_totals` each topic's (orders, distinct places) over the same period. `keys_in_window` is how many
    (topic, place) keys the longest window holds when `signals` are only those of some of them (the keys that
    just had an arrival): the correction for multiple tests counts every key, tested now or not.
    """
    longest = max(settings.windows)
    recent = [s for s in signals if now - longest < s.at <= now]
    by_key: dict[tuple[str, str], list[Signal]] = defaultdict(list)
    for signal in recent:
        by_key[(signal.topic_key, signal.place_key)].append(signal)
    tests = max(1, len(by_key), keys_in_window or 0) * len(settings.windows)
    baseline_days = settings.baseline.total_seconds() / 86400
    best: dict[tuple[str, str], Burst] = {}
    for key, members in by_key.items():
        if _distinct_callers(members) < settings.min_callers:
            continue
        orders, places = (topic_totals or {}).get(key[0], (0, 0))
        prior = max(orders / baseline_days / places if places else 0.0, settings.floor_per_day)
        rate = (baseline_counts.get(key, 0) + prior * settings.prior_days) / (baseline_days + settings.prior_days)  # per day
        for window in settings.windows:
            inside = sorted((s for s in members if s.at > now - window), key=lambda s: (s.at, s.order_id))
            callers = _distinct_callers(inside)
            if callers < settings.min_callers:
                continue
            expected = rate * window.total_seconds() / 86400
            p = poisson_tail(callers, expected) * tests
            score = -math.log10(max(p, 1e-300) / settings.alpha)
            if score < 0:
                continue
            if key not in best or score > best[key].score:
                best[key] = Burst(
                    topic_key=key[0], place_key=key[1], order_ids=[s.order_id for s in inside], callers=callers,
                    first_at=inside[0].at, last_at=inside[-1].at, expected=round(expected, 4), score=round(score, 2), window=window,
                    division_code=inside[-1].division_code, town_code=inside[-1].town_code, members=inside,
                )
    return sorted(best.values(), key=lambda b: (-b.score, b.first_at))
