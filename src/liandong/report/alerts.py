"""Hotspot alerts: scan the latest orders for bursts, keep one alert per topic and place while it grows, and let a
supervisor merge its orders into one case (并单) or supervise them together (联合督办) in one click."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.core.actor import Actor, Role
from liandong.core.clock import SHANGHAI
from liandong.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.db import MAX_ID
from liandong.report import hotspots, signals
from liandong.report.models import Hotspot, OrderFact, ReportState
from liandong.report.problems import place_name, topic_names
from liandong.report.rollup import ensure_fresh

F = OrderFact
SETTINGS = hotspots.Settings()
# An alert keeps growing while new orders on its topic and place arrive within this long of its last one.
KEEP_OPEN = timedelta(days=3)
HANDLERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
STATUS_LABELS = {"open": "待处置", "merged": "已并单", "supervised": "已联合督办", "dismissed": "已忽略"}


def _window(start: datetime, end: datetime) -> tuple:
    return (F.received_at > start, F.received_at <= end, F.topic_key.is_not(None), F.place_key.is_not(None),
            F.merged_at.is_(None), F.invalid_at.is_(None))


def _signals(session: Session, start: datetime, end: datetime, keys: set[tuple[str, str]] | None = None) -> list[hotspots.Signal]:
    """The window's signals: all of them, or those of some (topic, place) keys (read through the key index)."""
    columns = (F.order_id, F.received_at, F.topic_key, F.place_key, F.caller_key, F.division_code, F.town_code)
    if keys is None:
        return [hotspots.Signal(*row) for row in session.execute(select(*columns).where(*_window(start, end))).all()]
    found = []
    by_topic: dict[str, list[str]] = {}
    for topic, place in sorted(keys):
        by_topic.setdefault(topic, []).append(place)
    for topic, places in by_topic.items():
        rows = session.execute(select(*columns).where(*_window(start, end), F.topic_key == topic, F.place_key.in_(places))).all()
        found += [hotspots.Signal(*row) for row in rows]
    return found


SCANNED = "hotspots.scanned_at"
OVERLAP = timedelta(minutes=30)


def _baseline(session: Session, keys: set[tuple[str, str]], start: datetime, end: datetime) -> tuple[dict, dict]:
    """Orders per (topic, place) for the keys seen now, and per topic (orders, distinct places), over [start, end)."""
    if not keys:
        return {}, {}
    topics = sorted({k[0] for k in keys})
    places = sorted({k[1] for k in keys})
    period = (F.received_at > start, F.received_at <= end, F.invalid_at.is_(None), F.place_key.is_not(None))
    rows = session.execute(
        select(F.topic_key, F.place_key, func.count()).where(*period, F.topic_key.in_(topics), F.place_key.in_(places)).group_by(F.topic_key, F.place_key)
    ).all()
    totals = session.execute(
        select(F.topic_key, func.count(), func.count(func.distinct(F.place_key))).where(*period, F.topic_key.in_(topics)).group_by(F.topic_key)
    ).all()
    return {(t, p): n for t, p, n in rows if (t, p) in keys}, {t: (n, k) for t, n, k in totals}


def scan(session: Session, *, now: datetime, settings: hotspots.Settings = SETTINGS, fresh: bool = True,
         since: datetime | None = None) -> list[Hotspot]:
    """One pass of the detector ending at `now`: new alerts are raised, open ones grow; returns those touched.

    With `since` (the previous pass), only the (topic, place) keys that had an order arrive in (since, now] are
    tested: a key's windows gain callers only when an order arrives, so the others cannot have become a burst, and
    the cost of a pass follows the arrivals, not the size of the window. The correction for multiple tests still
    counts every key of the window.
    """
    if fresh:
        ensure_fresh(session, now=now)
    longest = max(settings.windows)
    keys_in_window = None
    if since is not None and now - longest < since < now:
        arrived = {(t, p) for t, p in session.execute(select(F.topic_key, F.place_key).where(*_window(since, now)).distinct())}
        if not arrived:
            return []
        keys_in_window = session.scalar(select(func.count()).select_from(
            select(F.topic_key, F.place_key).where(*_window(now - longest, now)).distinct().subquery()))
        found = _signals(session, now - longest, now, arrived)
    else:
        found = _signals(session, now - longest, now)
    keys = {(s.topic_key, s.place_key) for s in found}
    baseline, totals = _baseline(session, keys, now - longest - settings.baseline, now - longest)
    bursts = hotspots.detect(found, now=now, baseline_counts=baseline, topic_totals=totals, settings=settings, keys_in_window=keys_in_window)
    if not bursts:
        return []
    names = topic_names(session)
    tree = catalog.unit_tree(session)
    touched = []
    for burst in bursts:
        existing = session.scalar(
            select(Hotspot)
            .where(Hotspot.topic_key == burst.topic_key, Hotspot.place_key == burst.place_key, Hotspot.last_at >= burst.first_at - KEEP_OPEN)
            .order_by(Hotspot.id.desc())
            .limit(1)
        )
        if existing is None:
            existing = Hotspot(
                topic_key=burst.topic_key, topic=signals.topic_label(burst.topic_key, names), place_key=burst.place_key,
                place=place_name(tree, burst.place_key), division_code=burst.division_code, town_code=burst.town_code,
                order_ids=[], size=0, first_at=burst.first_at, last_at=burst.last_at, score=burst.score, expected=burst.expected,
                status="open", detected_at=now, updated_at=now,
            )
            session.add(existing)
        members = sorted(set(existing.order_ids or []) | set(burst.order_ids))
        if members != sorted(existing.order_ids or []) or burst.score > (existing.score or 0):
            existing.order_ids = members
            existing.size = len(members)
            existing.first_at = min(existing.first_at, burst.first_at)
            existing.last_at = max(existing.last_at, burst.last_at)
            existing.score = max(existing.score or 0, burst.score)
            existing.expected = burst.expected
            existing.updated_at = now
            touched.append(existing)
    session.flush()
    return touched


def detect_range(session: Session, *, start: datetime, end: datetime, step: timedelta = timedelta(hours=3)) -> list[Hotspot]:
    """Run the detector as the worker would have, every `step` from `start` to `end` (no worker needed); list the alerts."""
    if end <= start:
        raise ValidationFailed("结束时间必须晚于开始时间", field="to")
    if end - start > timedelta(days=400):
        raise ValidationFailed("一次最多检测 400 天", field="to")
    ensure_fresh(session, now=end)
    moment, previous = start + step, None
    while True:
        scan(session, now=min(moment, end), fresh=False, since=previous)
        if moment >= end:
            break
        previous = moment
        moment += step
    return list_hotspots(session, start=start, end=end)


def list_hotspots(session: Session, *, start: datetime | None = None, end: datetime | None = None, status: str | None = None, limit: int = 200) -> list[Hotspot]:
    query = select(Hotspot)
    if start is not None:
        query = query.where(Hotspot.last_at >= start)
    if end is not None:
        query = query.where(Hotspot.first_at <= end)
    if status:
        query = query.where(Hotspot.status == status)
    return list(session.scalars(query.order_by(Hotspot.first_at.desc(), Hotspot.id.desc()).limit(limit)))


def to_dict(hotspot: Hotspot) -> dict:
    return {
        "id": hotspot.id,
        "topic": hotspot.topic,
        "place": hotspot.place,
        "division_code": hotspot.division_code,
        "order_ids": list(hotspot.order_ids or []),
        "size": hotspot.size,
        "first_at": hotspot.first_at.astimezone(SHANGHAI).isoformat(),
        "last_at": hotspot.last_at.astimezone(SHANGHAI).isoformat(),
        "score": hotspot.score,
        "expected": hotspot.expected,
        "status": hotspot.status,
        "status_label": STATUS_LABELS.get(hotspot.status, hotspot.status),
    }


def require_hotspot(session: Session, hotspot_id: int) -> Hotspot:
    if not isinstance(hotspot_id, int) or not 1 <= hotspot_id <= MAX_ID:
        raise NotFound(f"热点不存在：{hotspot_id}", field="hotspot_id")
    found = session.get(Hotspot, hotspot_id)
    if found is None:
        raise NotFound(f"热点不存在：{hotspot_id}", field="hotspot_id")
    return found


def _handler(actor: Actor, hotspot: Hotspot) -> None:
    if actor.role not in HANDLERS:
        raise PermissionDenied("只有热线督查可以处置民意热点")
    if hotspot.status != "open":
        raise InvalidTransition(f"该热点已{STATUS_LABELS.get(hotspot.status, hotspot.status)}，不能再次处置")


def _mark(hotspot: Hotspot, status: str, actor: Actor, now: datetime, note: str | None) -> None:
    hotspot.status = status
    hotspot.handled_by = actor.name
    hotspot.handled_at = now
    hotspot.note = note
    hotspot.updated_at = now


def merge_members(session: Session, *, hotspot_id: int, actor: Actor, now: datetime) -> dict:
    """并单: every member still open goes into the earliest one, through the lifecycle like any 并单."""
    from liandong.workorder import service
    from liandong.workorder.lifecycle import Action, Status
    from liandong.workorder.models import WorkOrder

    hotspot = require_hotspot(session, hotspot_id)
    _handler(actor, hotspot)
    orders = list(session.scalars(select(WorkOrder).where(WorkOrder.id.in_(hotspot.order_ids)).order_by(WorkOrder.received_at, WorkOrder.id)))
    live = [o for o in orders if o.status not in (Status.MERGED.value, Status.CLOSED.value, Status.TRANSFERRED_110.value)]
    if len(live) < 2:
        raise InvalidTransition("热点中仍在办理的工单不足两张，无需并单")
    main, merged, refused = live[0], [], []
    note = f"民意热点「{hotspot.topic}·{hotspot.place}」并单处理"
    for order in live[1:]:
        try:
            with session.begin_nested():
                service.act(session, order_id=order.id, action=Action.MERGE, actor=actor, now=now, into=main.id, note=note)
            merged.append(order.number)
        except DomainError as error:
            refused.append({"number": order.number, "reason": error.message})
    if not merged:
        raise InvalidTransition("没有可以并单的工单：" + "；".join(f"{r['number']} {r['reason']}" for r in refused))
    _mark(hotspot, "merged", actor, now, f"并入 {main.number}，共 {len(merged)} 张")
    return {"main": main.number, "merged": merged, "refused": refused}


def supervise_members(session: Session, *, hotspot_id: int, actor: Actor, now: datetime, note: str | None = None) -> dict:
    """联合督办: one supervision note on every open member, naming the hotspot, so the units see they are one problem."""
    from liandong.workorder import service
    from liandong.workorder.lifecycle import OPEN_STATUSES, Action
    from liandong.workorder.models import WorkOrder

    hotspot = require_hotspot(session, hotspot_id)
    _handler(actor, hotspot)
    open_values = {s.value for s in OPEN_STATUSES}
    orders = [o for o in session.scalars(select(WorkOrder).where(WorkOrder.id.in_(hotspot.order_ids)).order_by(WorkOrder.id)) if o.status in open_values]
    if not orders:
        raise InvalidTransition("热点中的工单均已办结，无需督办")
    text = (note or "").strip() or f"民意热点联合督办：{hotspot.place}{hotspot.topic}，{hotspot.size} 件同类诉求，请相关单位协同处置、统一答复。"
    done = []
    for order in orders:
        service.act(session, order_id=order.id, action=Action.SUPERVISE, actor=actor, now=now, note=text)
        done.append(order.number)
    _mark(hotspot, "supervised", actor, now, text)
    return {"supervised": done}


def dismiss(session: Session, *, hotspot_id: int, actor: Actor, now: datetime, note: str | None = None) -> None:
    hotspot = require_hotspot(session, hotspot_id)
    _handler(actor, hotspot)
    _mark(hotspot, "dismissed", actor, now, (note or "").strip() or None)


def scan_since_last(session: Session, *, now: datetime) -> list[Hotspot]:
    """The worker's pass: since its previous pass (kept in report_state; with an overlap for orders whose facts came
    in a little late), or over the whole window the first time."""
    state = session.get(ReportState, SCANNED)
    since = state.updated_at - OVERLAP if state is not None and state.updated_at < now else None
    touched = scan(session, now=now, since=since)
    if state is None:
        session.add(ReportState(key=SCANNED, value=0, updated_at=now))
    else:
        state.updated_at = max(state.updated_at, now)
    session.flush()
    return touched


def open_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Hotspot).where(Hotspot.status == "open")) or 0


def members(session: Session, hotspot: Hotspot) -> list:
    from liandong.workorder.models import WorkOrder

    return list(session.scalars(select(WorkOrder).where(WorkOrder.id.in_(hotspot.order_ids or [])).order_by(WorkOrder.received_at)))

