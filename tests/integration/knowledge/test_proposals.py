"""Mining against real consultation work orders (the demo generator), then draft items for the units."""

from __future__ import annotations

from datetime import datetime, timezone

from liandong.core.actor import Actor, Role
from liandong.knowledge import items
from liandong.knowledge.mining import Period, mine
from liandong.knowledge.proposals import consultation_records, propose_drafts

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)


def test_consultations_are_mined_into_drafts(session):
    from liandong.workorder.demo import seed_demo

    seed_demo(session, now=NOW, count=120, only_if_empty=False)
    period = Period.of(None, None, today=NOW.date(), days=120)
    records = consultation_records(session, period=period)
    assert records, "the demo generator creates consultation orders"
    clusters = mine(records, period=period, min_size=2)
    assert clusters and clusters[0].size >= clusters[-1].size
    created = propose_drafts(session, clusters=clusters[:3], actor=Actor("mining", Role.SYSTEM), now=NOW)
    assert len(created) == min(3, len(clusters))
    drafts = [items.get_item(session, item_id) for item_id in created]
    assert all(d.status == "draft" and d.origin == "mined" and d.mined_count >= 2 for d in drafts)
    # Proposing again does not duplicate the same questions.
    again = propose_drafts(session, clusters=clusters[:3], actor=Actor("mining", Role.SYSTEM), now=NOW)
    assert again == [None] * len(created)
