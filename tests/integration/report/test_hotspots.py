"""民意热点 in the database: a month of generated background traffic raises nothing; five callers reporting the same
water outage at one community within hours raise one alert, which a supervisor merges into one case in one click."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, PermissionDenied
from liandong.report import alerts, synthetic
from liandong.report.models import ReportState
from liandong.workorder import demo, service
from liandong.workorder.models import WorkOrder

NOW = datetime(2023, 12, 20, 18, 0, tzinfo=SHANGHAI)
TAKER = Actor("hotline", Role.CALL_TAKER, records_history=True)
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, records_history=True)


def _background(session, count=400):
    from sqlalchemy import func

    tree = catalog.unit_tree(session)
    codes = {t.category: demo._category_code(session, t.category) for t in demo.TEMPLATES}
    first = (session.scalar(select(func.max(WorkOrder.id))) or 0) + 1000
    simulator = synthetic.Simulator(
        tree=tree, policy=catalog.get_policy(session), calendar=catalog.get_calendar(session), now=NOW,
        first_ids={"work_orders": first, "order_hops": first * 10, "order_replies": first * 10, "order_callbacks": first * 10, "order_events": first * 20},
        divisions={d.code: d.name for d in catalog.list_divisions(session)}, categories={c.code: c.name for c in catalog.list_categories(session)},
    )
    for plan in synthetic.plans(tree, count=count, now=NOW - timedelta(hours=12), days=35, seed=5, category_codes=codes):
        simulator.run(plan)
    synthetic.write(session, simulator.rows, simulator.facts())
    session.flush()


def _burst(session, hours=4, size=5):
    ids = []
    for i in range(size):
        order = service.create_order(
            session, actor=TAKER, now=NOW, received_at=NOW - timedelta(hours=hours) + timedelta(minutes=37 * i), request_type="help",
            content=f"来电人反映泽州县巴公镇锦绣苑小区{i + 1}号楼从今天上午开始停水，没有任何通知，请尽快恢复供水。",
            division_code="140525", town_code=catalog.unit_tree(session).town_in("巴公镇", "140525").code, caller_phone=f"1393569{i:04d}",
        )
        ids.append(order.id)
    return ids


def test_background_traffic_alone_raises_nothing(session):
    _background(session)
    assert alerts.detect_range(session, start=NOW - timedelta(days=10), end=NOW, step=timedelta(hours=6)) == []


def test_a_planted_burst_is_found_and_merged_in_one_click(session):
    _background(session)
    burst = _burst(session)
    found = alerts.detect_range(session, start=NOW - timedelta(days=3), end=NOW, step=timedelta(hours=3))
    assert len(found) == 1
    hotspot = alerts.to_dict(found[0])
    assert hotspot["topic"] == "停水" and hotspot["place"] == "巴公镇锦绣苑小区" and hotspot["division_code"] == "140525"
    assert sorted(hotspot["order_ids"]) == burst and hotspot["size"] == 5 and hotspot["score"] > 0
    # Scanning again does not raise it twice.
    assert len(alerts.detect_range(session, start=NOW - timedelta(days=3), end=NOW, step=timedelta(hours=3))) == 1
    with pytest.raises(PermissionDenied):
        alerts.merge_members(session, hotspot_id=hotspot["id"], actor=Actor("leader", Role.LEADER, records_history=True), now=NOW)
    result = alerts.merge_members(session, hotspot_id=hotspot["id"], actor=SUPERVISOR, now=NOW)
    main = session.get(WorkOrder, burst[0])
    assert result["main"] == main.number and len(result["merged"]) == 4
    statuses = dict(session.execute(select(WorkOrder.id, WorkOrder.status).where(WorkOrder.id.in_(burst))).all())
    assert [statuses[i] for i in burst] == ["received", "merged", "merged", "merged", "merged"]
    with pytest.raises(InvalidTransition, match="已并单"):
        alerts.supervise_members(session, hotspot_id=hotspot["id"], actor=SUPERVISOR, now=NOW)


def test_joint_supervision_notes_every_member(session):
    burst = _burst(session, size=4)
    found = alerts.detect_range(session, start=NOW - timedelta(days=1), end=NOW, step=timedelta(hours=2))
    assert len(found) == 1
    alerts.supervise_members(session, hotspot_id=found[0].id, actor=SUPERVISOR, now=NOW)
    counts = session.execute(select(WorkOrder.supervise_count).where(WorkOrder.id.in_(burst))).scalars().all()
    assert counts == [1, 1, 1, 1]


def test_passes_since_the_last_find_what_full_passes_find(session):
    """The worker tests only the keys that just had an arrival; run over the same hours, it raises the same alerts
    as passes that test every key of the window."""
    _background(session)
    burst = _burst(session, hours=20, size=6)
    start, step = NOW - timedelta(days=2), timedelta(hours=2)
    incremental = [(h.topic_key, h.place_key, sorted(h.order_ids), h.size) for h in alerts.detect_range(session, start=start, end=NOW, step=step)]
    for hotspot in alerts.list_hotspots(session):
        session.delete(hotspot)
    session.flush()
    moment = start + step
    while moment <= NOW:
        alerts.scan(session, now=moment, fresh=False)
        moment += step
    full = [(h.topic_key, h.place_key, sorted(h.order_ids), h.size) for h in alerts.list_hotspots(session, start=start, end=NOW)]
    assert incremental == full
    assert any(set(burst) <= set(ids) for _, _, ids, _ in full)
    # The worker's own pass keeps its moment, and then has nothing new to look at.
    alerts.scan_since_last(session, now=NOW)
    assert session.get(ReportState, alerts.SCANNED).updated_at == NOW
    assert alerts.scan_since_last(session, now=NOW + timedelta(minutes=10)) == []
