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
PROGRESS = frozenset({"link_progress", "note", "reply", "approve_extension", "redispatch", "transfer_12345"})
COMPLETING = frozenset({"link_complete"})
# A relayed order (county 110 → city 110 → city 12345): what 12345 answers the city 110 goes on down to the county.
RELAYED_ACCEPTING = frozenset({"peer_accept"})
RELAYED_PROGRESS = frozenset({"peer_receipt", "peer_progress", "peer_return"})


def feedback_kind(action: str, status: str, *, first_dispatch: bool, relayed: bool = False) -> str | None:
    """acceptance | returned | progress | completion, or None when the sender need not hear of it."""
    if action in ACCEPTING or (action == "dispatch" and first_dispatch) or (relayed and action in RELAYED_ACCEPTING):
        return "acceptance"
    if action in RETURNING:
        return "returned"
    if action in COMPLETING or (status == "closed" and action not in RETURNING):
        return "completion"
    if action in PROGRESS or action == "dispatch" or (relayed and action in RELAYED_PROGRESS):
        return "progress"
    return None


def relays_to_12345(own: str, sender_platform: str, direction: str) -> bool:
    """A city 110 forwards what a county 110 sent it for 12345 (section 三: county 110 → city 110 → city 12345)."""
    return own == "110" and sender_platform == "110" and direction == "110→12345"


def direction(sender_platform: str, target: str) -> str:
    return f"{sender_platform}→{target}"


GRADED_LEVELS = frozenset({"较大", "重大", "特别重大"})


def needs_linked_pair(level: str) -> bool:
    """分级响应: 较大 and above — 110 dispatches first and 12345 coordinates the units, as a linked pair of orders."""
    return level in GRADED_LEVELS


# 分流转办清单 shared between peers: the items one platform hands over to the other (both directions), and the
# emergencies that always go to 110. Other items (12345's own, guidance, invalid) stay each platform's own business.
SHARED_DIRECTIONS = ("12345→110", "110→12345")
ITEM_FIELDS = ("id", "name", "direction", "platform", "category", "level", "description")


def shared_items(data: dict) -> list[dict]:
    """The items of a transfer list (its TOML-shaped data) that a platform publishes to its peers, in a stable order."""
    out = []
    for item in data.get("item", []):
        direction, platform = item.get("direction"), item.get("platform") or "12345"
        if direction in SHARED_DIRECTIONS or (direction == "emergency" and platform == "110"):
            shared = {"id": str(item["id"])[:32], "name": str(item.get("name") or item["id"])[:200], "direction": direction,
                      "platform": platform}
            if item.get("category"):
                shared["category"] = [str(c)[:64] for c in item["category"][:3]]
            if item.get("level"):
                shared["level"] = item["level"]
            if item.get("description"):
                shared["description"] = str(item["description"])[:2000]
            out.append(shared)
    return sorted(out, key=lambda i: i["id"])


def transfer_direction(item_direction: str | None, own: str, target: str) -> str | None:
    """The direction a transfer takes under an item: an emergency item sent to 110 is a 12345→110 handover."""
    wanted = f"{own}→{target}"
    if item_direction == wanted or (item_direction == "emergency" and wanted == "12345→110"):
        return wanted
    return None


def is_agreed(item_id: str, own: str, target: str, peer_items: Sequence[dict] | None) -> bool:
    """Whether the receiver's published list has this item for this direction (None: the receiver published none)."""
    if peer_items is None:
        return False
    return any(i.get("id") == item_id and transfer_direction(i.get("direction"), own, target) for i in peer_items)
