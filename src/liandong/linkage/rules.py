"""Section 三 of the specification as pure decisions: which peer receives a transfer, what an action tells the sender.

Pure: the standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PeerRef:
    name: str
    platform: str
    division_code: str | None  # None or the city's code: the city-level platform


def route(target: str, division_code: str | None, peers: Sequence[PeerRef], *, city_code: str) -> PeerRef | None:
    """County first, then the city: an order of 泽州县 goes to 泽州县's 110 if it is linked, else the city's.

    A county 110 that is linked only with its city 110 sends 12345-bound 警单 there (county 110 → city 110 → city 12345).
    """
    candidates = [p for p in peers if p.platform == target]
    for wanted in (division_code, city_code, None):
        found = next((p for p in candidates if p.division_code == wanted), None)
        if found is not None:
            return found
    if candidates:
        return candidates[0]
    if target == "12345":
        return next((p for p in peers if p.platform == "110" and p.division_code in (city_code, None)), None)
    return None


# What an action on a transferred-in order tells the platform that sent it.
ACCEPTING = frozenset({"link_accept"})
RETURNING = frozenset({"link_return"})
PROGRESS = frozenset({"link_progress", "note", "reply", "approve_extension", "redispatch"})
COMPLETING = frozenset({"link_complete"})


def feedback_kind(action: str, status: str, *, first_dispatch: bool) -> str | None:
    """acceptance | returned | progress | completion, or None when the sender need not hear of it."""
    if action in ACCEPTING or (action == "dispatch" and first_dispatch):
        return "acceptance"
    if action in RETURNING:
        return "returned"
    if action in COMPLETING or (status == "closed" and action not in RETURNING):
        return "completion"
    if action in PROGRESS or action == "dispatch":
        return "progress"
    return None


def direction(sender_platform: str, target: str) -> str:
    return f"{sender_platform}→{target}"


GRADED_LEVELS = frozenset({"较大", "重大", "特别重大"})


def needs_linked_pair(level: str) -> bool:
    """分级响应: 较大 and above — 110 dispatches first and 12345 coordinates the units, as a linked pair of orders."""
    return level in GRADED_LEVELS
