"""Use cases on work orders: create and act. Each call runs inside the caller's single transaction.

Every action goes the same way: load the order (locked) and what the rules need (policy, calendar, unit
tree), ask the lifecycle table, apply the effect, record it on the timeline. No other code writes status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from liandong.audit import service as audit
from liandong.catalog import service as catalog
from liandong.catalog.calendar import WorkingCalendar
from liandong.catalog.deadlines import SHANGHAI, DeadlinePolicy, due_after_working_days, extend_due, yellow_at
from liandong.catalog.tree import CITY_CENTRE, UnitTree
from liandong.config import settings
from liandong.core import outbox, retention
from liandong.core.actor import CENTRE_ROLES, SYSTEM, Actor, Role
from liandong.core.clock import ensure_aware, event_time
from liandong.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.core.vocabulary import CHANNELS, LEVELS, REQUEST_TYPES, SATISFACTION, TRANSFER_TARGETS, parse_yes_no
from liandong.db import MAX_ID
from liandong.notify import events as notify_events
from liandong.workorder import lifecycle, nuisance, privacy, summary, validation
from liandong.workorder.lifecycle import Action, CallbackPolicy, Decision, OrderFacts, Record, Status
from liandong.workorder.models import OrderAssist, OrderCallback, OrderHop, OrderReply, WorkOrder

# A clock may drift a little between the call-taker's machine and the server.
FUTURE_TOLERANCE = timedelta(minutes=5)
TRANSFER_TOPIC_PREFIX = "order.transfer_"  # + 110 / 119 / 120
# Roles that see every order of the city.


# ---------------------------------------------------------------- what the rules need


@dataclass
class World:
    """Everything an action may consult, loaded once before any change is made."""

    policy: DeadlinePolicy
    calendar: WorkingCalendar
    tree: UnitTree
    now: datetime

    @property
    def callback_policy(self) -> CallbackPolicy:
        return CallbackPolicy(max_attempts=self.policy.callback_max_attempts, window_hours=self.policy.callback_window_hours)


def load_world(session: Session, now: datetime) -> World:
    current = catalog.snapshot(session)  # cached per process and catalogue version
    return World(policy=current.policy, calendar=current.calendar, tree=current.tree, now=now)


def current_hop(session: Session, order: WorkOrder) -> OrderHop | None:
    return session.scalar(select(OrderHop).where(OrderHop.order_id == order.id, OrderHop.ended_at.is_(None)).order_by(OrderHop.seq.desc()).limit(1))


def facts_of(order: WorkOrder, now: datetime) -> OrderFacts:
    return OrderFacts(
        status=order.status_enum,
        request_type=order.request_type,
        holder_code=order.department_code,
        sender_code=order.sender_code,
        sub_centre_code=order.sub_centre_code,
        assist_codes=order.assist_codes,
        signed=order.accepted_at is not None,
        reply_wanted=order.reply_wanted,
        callback_attempts=order.callback_attempts or 0,
        first_attempt_at=order.first_callback_at,
        closed_at=order.closed_at,
        now=now,
        linked=bool(order.transferred_from) and order.channel.startswith("transfer_"),
        level=order.level,
        order_id=order.id,
        channel=order.channel,
    )


def permitted(order: WorkOrder, actor: Actor, now: datetime) -> list[lifecycle.Allowed]:
    """What `actor` may do with `order` now: the one list every page, the API and the CLI render."""
    if not visible_to(order, actor):
        return []
    return lifecycle.permitted(facts_of(order, now), actor)


def unit_choices(session: Session, order: WorkOrder, action: Action) -> list:
    """The units a dispatch-like action may name for this order: the reach of the level that acts."""
    tree = catalog.unit_tree(session)
    level = _dispatch_level(order, action) if action in (Action.DISPATCH, Action.REDISPATCH) else order.sender_code
    return [u for u in tree.reach(level) if not (action is Action.REDISPATCH and u.code == order.department_code)]


def suggested_route(session: Session, order: WorkOrder):
    """The default dispatch for this order at its current level (None when nothing is known)."""
    tree = catalog.unit_tree(session)
    proposal = order.department_code if order.status == Status.RECEIVED.value else None
    unit = proposal or (order.triage or {}).get("department")
    route = tree.route(unit, order.division_code, town_code=order.town_code)
    if route is None:
        return None
    if order.status == Status.AT_SUB_CENTRE.value:
        if route.first != order.department_code or route.second is None:
            fallback = tree.township_for(order.town_code) or tree.county_government(order.division_code)
            return {"code": fallback.code, "name": fallback.name, "reason": "属地兜底"} if fallback else None
        return {"code": route.second, "name": tree.name(route.second), "reason": route.reason}
    return {"code": route.first, "name": tree.name(route.first), "reason": route.reason, "second": route.second}


# ---------------------------------------------------------------- clocks


def _reply_clock(order: WorkOrder, start: datetime, world: World) -> None:
    order.reply_started_at = start
    order.reply_due_at = due_after_working_days(start, world.policy.reply_days_for(order.request_type), world.calendar)
    order.reply_yellow_at = yellow_at(start, order.reply_due_at, world.policy.yellow_fraction)


def _sign_clock(order: WorkOrder, start: datetime, world: World) -> None:
    order.sign_due_at = due_after_working_days(start, world.policy.sign_days, world.calendar)
    order.sign_yellow_at = yellow_at(start, order.sign_due_at, world.policy.yellow_fraction)


def _order_number(prefix: str, received_at: datetime, order_id: int) -> str:
    return f"{prefix}-{received_at.astimezone(SHANGHAI):%Y%m%d}-{order_id:06d}"


_NEXT_ID_POSTGRES = text("SELECT nextval(pg_get_serial_sequence('work_orders', 'id'))")
_LAST_ID = select(func.max(WorkOrder.__table__.c.id))


def _new_order_id(session: Session) -> int:
    """The new order's id taken before its INSERT, so its number goes in with it (one INSERT, no UPDATE after it).
    PostgreSQL: the id column's own sequence. SQLite gives a new row max(id) + 1 itself, and a write transaction holds
    the database's write lock from its BEGIN IMMEDIATE, so no other writer can take that id meanwhile (one that did
    would fail on the primary key, never share it)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return connection.scalar(_NEXT_ID_POSTGRES)
    return (connection.scalar(_LAST_ID) or 0) + 1


# ---------------------------------------------------------------- create


def create_order(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    content: str,
    title: str | None = None,
    request_type: str = "consult",
    channel: str = "phone",
    caller_name: str | None = None,
    caller_phone: str | None = None,
    division_code: str | None = None,
    town_code: str | None = None,
    address: str | None = None,
    category_code: str | None = None,
    department_code: str | None = None,
    assist_codes: Sequence[str] = (),
    level: str = "一般",
    received_at: datetime | None = None,
    transferred_from: str | None = None,
    duplicate_of_id: int | None = None,
    triage: dict | None = None,
    confidential: bool = False,
    reply_wanted: bool = True,
    world: World | None = None,
) -> WorkOrder:
    """受理: record a new request with its deadlines. The order waits for dispatch.

    `world` may be loaded by the caller in a read just before (the API does, so that on SQLite the write lock is
    taken at the first INSERT rather than held while the order is worked out)."""
    if actor.role not in CENTRE_ROLES and actor.role is not Role.CITIZEN:
        raise PermissionDenied("承办单位和分中心不能直接受理新工单，请通过 12345 受理")
    # An empty field from a form or an API client means "not given".
    division_code, town_code, category_code, department_code = (
        (value or "").strip() or None for value in (division_code, town_code, category_code, department_code)
    )
    assist_codes = [code.strip() for code in assist_codes if code and code.strip()]
    content = validation.clean_content(content)
    REQUEST_TYPES.require(request_type)
    CHANNELS.require(channel)
    LEVELS.require(level)
    phone = validation.normalize_phone(caller_phone)
    name = validation.clean_name(caller_name)
    address = validation.clean_address(address)
    received = event_time(received_at, now=now, may_backdate=actor.may_backdate, field="received_at")
    config = settings()
    world = world or load_world(session, now)
    division = catalog.require_known_division(world.tree, division_code or config.city_code)
    town = None
    if town_code:
        town = catalog.require_known_division(world.tree, town_code)
        if town.level != "town" or (division.level == "county" and town.parent_code != division.code):
            raise ValidationFailed(f"乡镇（街道）{town.name}不属于{division.name}", field="town_code")
        if division.level != "county":
            division = catalog.require_known_division(world.tree, town.parent_code)
    if division.level == "town":  # a township code given as the division: keep the county, remember the town
        town, division = division, catalog.require_known_division(world.tree, division.parent_code)
    # What the text already says is kept: the address it names, and the township within the county.
    address = address or summary.find_address(content)
    if town is None and division.level == "county":
        found = world.tree.town_in(f"{address or ''} {content}", division.code)
        town = catalog.require_known_division(world.tree, found.code) if found else None
    category = catalog.require_category(session, category_code) if category_code else None
    if department_code:
        world.tree.check_reach(CITY_CENTRE, department_code, field="department_code")
    assists = [world.tree.check_reach(CITY_CENTRE, code, field="assists").code for code in dict.fromkeys(assist_codes)]
    if department_code and department_code in assists:
        raise ValidationFailed("协办单位不能与主办单位相同", field="assists")
    if duplicate_of_id is not None:
        _load(session, duplicate_of_id)
    if transferred_from is not None:
        transferred_from = validation.clean_reference(transferred_from, field="transferred_from")
    title = validation.clean_title(title) or summary.title_for(
        content, place=(town.name if town else None), address=address, topic=category.name if category else None
    )

    order = WorkOrder(
        channel=channel,
        caller_name=name,
        caller_phone=phone,
        anonymous=not (name or phone),
        confidential=bool(confidential),
        reply_wanted=bool(reply_wanted),
        title=title,
        content=content,
        request_type=request_type,
        category_code=category.code if category else None,
        division_code=division.code,
        town_code=town.code if town else None,
        address=address,
        department_code=department_code,  # the call-taker's proposal; dispatch confirms it
        level=level,
        status=Status.RECEIVED.value,
        received_at=received,
        updated_at=now,
        transferred_from=transferred_from,
        duplicate_of_id=duplicate_of_id,
        triage=triage,
        created_by=actor.name,
        dispatch_count=0,
        return_count=0,
        objection_count=0,
        extension_count=0,
        reopen_count=0,
        supervise_count=0,
        remind_count=0,
        append_count=0,
        callback_attempts=0,
        event_count=0,
    )
    order.assist_links = [OrderAssist(department_code=code, assigned_at=now, assigned_by=actor.name) for code in assists]
    _sign_clock(order, received, world)
    _reply_clock(order, received, world)
    # The id is taken first, so the order goes in whole — number and first timeline entry counted — with one INSERT
    # and no UPDATE after it; the entry and the outbox message follow it in a second flush (nothing orders those
    # INSERTs after the order's: the timeline relationship is view-only).
    order.id = _new_order_id(session)
    order.number = _order_number(config.number_prefix, received, order.id)
    created = order.next_event(
        Record.CREATE,
        to_status=Status.RECEIVED.value,
        actor=actor.name,
        actor_role=actor.role.value,
        at=received,
        recorded_at=now,
        note=f"{CHANNELS.label(channel)}受理",
        data={"channel": channel},
    )
    session.add(order)
    session.flush()
    session.add(created)
    _notify(session, order, created)
    session.flush()
    audit.record(session, actor=actor, action="order.create", now=now, target=order.number, order_id=order.id, channel=channel)
    handling = nuisance.handle_new_call(
        session, order_id=order.id, phone=phone, triage=triage, now=now, policy=nuisance.policy_from_settings()
    )
    if handling == nuisance.AUTO_INVALID:
        # The handling rule for a confirmed nuisance number, applied through the lifecycle like any closing.
        act(session, order_id=order.id, action=Action.MARK_INVALID, actor=SYSTEM, now=now, reason="malicious",
            note="已核实的骚扰号码来电，按处置规则自动归为恶意来电（可经督查申诉解除）")
    return order


# ---------------------------------------------------------------- read


def _load(session: Session, order_id: int, *, lock: bool = False) -> WorkOrder:
    if not isinstance(order_id, int) or not 1 <= order_id <= MAX_ID:
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    query = select(WorkOrder).where(WorkOrder.id == order_id)
    if lock:
        # Re-read under the lock so a concurrent change is seen, not the session's cached copy.
        query = query.execution_options(populate_existing=True)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=WorkOrder)
    order = session.scalars(query).unique().one_or_none()
    if order is None:
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    return order


def visible_to(order: WorkOrder, actor: Actor) -> bool:
    """A unit sees the orders it holds or assists; a county sub-centre its county's; the centre sees all."""
    if actor.role in CENTRE_ROLES:
        return True
    if actor.role is Role.CITIZEN:
        return actor.own_order is not None and actor.own_order == order.id
    if actor.role is Role.COUNTY_DISPATCHER:
        return actor.department_code is not None and order.sub_centre_code == actor.department_code
    if actor.role is Role.UNIT_HANDLER:
        return actor.department_code is not None and (
            order.department_code == actor.department_code or actor.department_code in order.assist_codes
        )
    return False


def get_order(session: Session, order_id: int, *, actor: Actor, full: bool = False) -> WorkOrder:
    """One order the actor may see; `full` loads its timeline, chain, replies and callbacks too."""
    order = _load(session, order_id)
    if not visible_to(order, actor):
        # Same answer as a missing order: a unit must not learn what other units handle.
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    if full:
        session.scalars(
            select(WorkOrder)
            .where(WorkOrder.id == order.id)
            .options(selectinload(WorkOrder.events), selectinload(WorkOrder.hops), selectinload(WorkOrder.replies), selectinload(WorkOrder.callbacks))
        ).unique().one()
    return order


def shows_caller(order: WorkOrder, actor: Actor) -> bool:
    """保密: a confidential caller's name and number stay with the 12345 centre."""
    return privacy.caller_access(confidential=order.confidential, actor=actor) is not privacy.Access.HIDDEN


def caller_access(order: WorkOrder, actor: Actor) -> privacy.Access:
    return privacy.caller_access(confidential=order.confidential, actor=actor)


def record_personal_access(session: Session, *, actor: Actor, orders: Sequence[WorkOrder], now: datetime, kind: str, reason: str | None = None) -> None:
    """Every sight of a caller's unmasked name or number is recorded: one record per view, list or export."""
    shown = [o for o in orders if (o.caller_name or o.caller_phone)]
    if not shown:
        return
    audit.record(
        session, actor=actor, action=f"personal.{kind}", now=now, target=shown[0].number if len(shown) == 1 else f"{len(shown)} 张工单",
        order_ids=[o.id for o in shown][:500], count=len(shown), reason=reason,
    )


def reveal_caller(session: Session, *, order_id: int, actor: Actor, now: datetime, reason: str) -> WorkOrder:
    """A masked viewer sees one caller in full, with a recorded reason; a hidden (保密) caller stays hidden."""
    order = get_order(session, order_id, actor=actor)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed("请填写查看来电人信息的理由（至少 2 个字）", field="reason")
    if not privacy.may_reveal(confidential=order.confidential, actor=actor):
        raise PermissionDenied("保密工单的来电人信息不向承办单位和分中心公开" if order.confidential else "该令牌无权查看来电人信息")
    record_personal_access(session, actor=actor, orders=[order], now=now, kind="reveal", reason=reason[:200])
    return order


# ---------------------------------------------------------------- act


def _clean_inputs(raw: Mapping) -> dict:
    """Normalise what adapters pass (forms, JSON, CLI) into the values the table checks."""
    inputs = {k: v for k, v in raw.items() if v is not None}
    for key in ("note", "to", "reason", "result", "handler", "outcome", "ref"):
        if isinstance(inputs.get(key), str):
            inputs[key] = inputs[key].strip() or None
            if inputs[key] is None:
                inputs.pop(key)
    note = inputs.get("note")
    if note is not None:
        validation.require_text(note, field="note", label="说明", limit=validation.MAX_CONTENT)
    for key, label in (("uphold", "审核结果"), ("passed", "审核结果"), ("resolved", "问题是否解决"), ("contacted", "是否已联系来电人")):
        if key in inputs:
            parsed = parse_yes_no(inputs[key], field=key, label=label)
            if parsed is None:
                inputs.pop(key)
            else:
                inputs[key] = parsed
    if "satisfaction" in inputs:
        inputs["satisfaction"] = SATISFACTION.require(str(inputs["satisfaction"]).strip(), field="satisfaction")
    if "handler" in inputs:
        inputs["handler"] = validation.clean_name(inputs["handler"], field="handler", label="答复人")
    if "handler_phone" in inputs:
        inputs["handler_phone"] = validation.normalize_phone(str(inputs["handler_phone"]), field="handler_phone")
    assists = inputs.get("assist") or []
    if isinstance(assists, str):
        assists = [a for a in assists.replace("，", ",").split(",")]
    inputs["assist"] = [a.strip() for a in dict.fromkeys(assists) if a and a.strip()]
    if not inputs["assist"]:
        inputs.pop("assist")
    return inputs


def act(
    session: Session,
    *,
    order_id: int,
    action: Action,
    actor: Actor,
    now: datetime,
    at: datetime | None = None,
    expected_version: int | None = None,
    satisfied: bool | None = None,
    **raw,
) -> WorkOrder:
    """Apply one lifecycle action; refuse anything the table, the actor's role or unit, or the inputs do not allow.

    Inputs by action (all optional unless the action's form requires them): to, assist [codes], note, reason,
    uphold, result, handler, handler_phone, contacted, contacted_at, passed, outcome, satisfaction, resolved,
    into, days, ref. `satisfied` is the old shortcut for a reached callback (满意/不满意).
    """
    if action is Action.MERGE and raw.get("into") is not None:
        # Both orders are locked in id order, so A→B and B→A at the same moment queue instead of deadlocking.
        into = raw["into"]
        into_id = into if isinstance(into, int) else resolve_order_id(session, str(into))
        for locked in sorted({order_id, into_id}):
            try:
                _load(session, locked, lock=True)
            except NotFound:
                raise NotFound(f"工单不存在：{into}", field="into" if locked == into_id else "order_id") from None
    order = _load(session, order_id, lock=True)
    # A stale version is a lost race even when the winner moved the order out of this actor's sight (a return
    # sends it back to the centre): the loser hears "changed by someone else", not "does not exist".
    if expected_version is not None and expected_version != order.version:
        raise Conflict("工单已被他人修改（版本不一致），请刷新后重试", field="expected_version")
    if not visible_to(order, actor):
        raise NotFound(f"工单不存在：{order_id}", field="order_id")
    when = _action_time(session, order, at, now, actor)
    inputs = _clean_inputs(raw)
    if action is Action.VISIT and satisfied is not None and "outcome" not in inputs:
        inputs.update({"outcome": "reached", "satisfaction": "4" if satisfied else "2", "resolved": bool(satisfied)})
    world = load_world(session, now)
    facts = facts_of(order, when)
    lifecycle.authorize(facts, actor, action)  # refuse by state, role and scope before reading any input
    _prepare(session, order, action, inputs, facts, world, actor)
    inputs["policy"] = world.callback_policy

    def effect(target: WorkOrder, decision: Decision) -> dict:
        data: dict = {}
        handler = _EFFECTS.get(action)
        if handler is not None:
            handler(session, target, decision, world=world, when=when, actor=actor, data=data)
        if inputs.get("ref"):
            data["ref"] = inputs["ref"]
        return data

    decision, entry = order.transition(
        action, actor=actor, facts=facts, inputs=inputs, at=when, recorded_at=now, note=inputs.get("note"), effect=effect
    )
    _notify(session, order, entry)
    if action is Action.MARK_INVALID:
        # 恶意骚扰: the marking that completes a pattern flags the number for review, with the calls as evidence.
        nuisance.check(session, phone=order.caller_phone, now=now, rule=nuisance.rule_from_settings())
    if action in (Action.TRANSFER_110, Action.TRANSFER_12345, Action.LINK_PAIR):
        _enqueue_transfer(session, order, entry.seq, when, target=entry.data.get("target", "110"), note=inputs.get("note"),
                          pair=action is Action.LINK_PAIR)
    if order.transferred_from and order.channel.startswith("transfer_"):
        _enqueue_feedback(session, order, entry, first_dispatch=action is Action.DISPATCH and order.dispatch_count == 1)
    if action is Action.MERGE:
        main = _load(session, inputs["into_id"], lock=True)
        main.append_event(
            Record.MERGED_IN,
            to_status=main.status,
            actor=actor.name,
            actor_role=actor.role.value,
            at=max(when, main.last_action_at or main.received_at),
            recorded_at=now,
            note=f"重复工单 {order.number} 并入本单",
            data={"merged_order_id": order.id, "merged_order_number": order.number},
        )
        main.updated_at = now
    session.flush()
    audit.record(
        session, actor=actor, action=f"order.{action.value}", now=now, target=order.number,
        order_id=order.id, version=order.version, status=order.status, at=when.isoformat(),
    )
    # Effects wrote foreign keys; reload the relationships (holder, assists, chain, timeline) on next access.
    session.expire(order)
    return order


def _action_time(session: Session, order: WorkOrder, at: datetime | None, now: datetime, actor: Actor) -> datetime:
    when = event_time(at, now=now, may_backdate=actor.may_backdate)
    last = order.last_action_at or order.received_at
    if at is None and when < last:
        # Server-timed: "now" was read before waiting for the order's lock, and the winner of a race (or another
        # process's clock) may be a moment later. The action happens after it; the table then decides.
        when = last
    if when < last:
        raise ValidationFailed(
            f"操作时间 {when.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 早于该工单上一次操作时间 {last.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
            field="at",
        )
    if when > now + FUTURE_TOLERANCE:
        raise ValidationFailed("操作时间不能晚于当前时间", field="at")
    return when


def _dispatch_level(order: WorkOrder, action: Action) -> str | None:
    """Whose reach a dispatch draws on: the holding sub-centre for 二级派单, else the level that sent the hop."""
    if action is Action.DISPATCH and order.status == Status.AT_SUB_CENTRE.value:
        return order.department_code
    if action is Action.DISPATCH:
        return CITY_CENTRE
    return order.sender_code


def _prepare(session: Session, order: WorkOrder, action: Action, inputs: dict, facts: OrderFacts, world: World, actor: Actor) -> None:
    """Resolve the catalogue and order references an action names, before the table decides anything."""
    if action in (Action.DISPATCH, Action.REDISPATCH) or (action is Action.DECIDE_OBJECTION and inputs.get("to")):
        level = _dispatch_level(order, action)
        inputs["level"] = level
        if inputs.get("to"):
            unit = world.tree.check_reach(level, inputs["to"])
            inputs["to_kind"] = unit.kind
        for code in inputs.get("assist", []):
            assist = world.tree.check_reach(level, code, field="assist")
            if assist.kind == "sub_centre":
                raise ValidationFailed("县级分中心不能作为协办单位", field="assist")
            if code == inputs.get("to"):
                raise ValidationFailed("协办单位不能与主办单位相同", field="assist")
        if action is Action.DISPATCH and order.status == Status.AT_SUB_CENTRE.value and inputs.get("to") == order.department_code:
            raise ValidationFailed("不能派给分中心自己，请选择本县（市、区）的承办单位", field="to")
    if action is Action.LEDGER_DISPATCH and inputs.get("to"):
        # A ledger item goes straight to the unit that acts; the hop is sent by that unit's level (its county
        # sub-centre, or the city centre), so redispatch and objections go where they would for any order.
        unit = world.tree.require(inputs["to"])
        level = _ledger_level(world.tree, unit)
        world.tree.check_reach(level, unit.code)
        inputs.update({"level": level, "to_kind": unit.kind})
    if action is Action.TRANSFER_110:
        inputs["to"] = TRANSFER_TARGETS.require(inputs.get("to") or "110", field="to")
    if action is Action.MERGE and "into" in inputs:
        into = inputs.pop("into")
        into_id = resolve_order_id(session, str(into)) if not isinstance(into, int) else into
        if into_id == order.id:
            raise ValidationFailed("不能把工单并入它自己", field="into")
        main = _load(session, into_id)
        if not visible_to(main, actor):
            raise NotFound(f"工单不存在：{into}", field="into")
        if main.status == Status.MERGED.value:
            raise InvalidTransition(f"主工单 {main.number} 本身已被并单，请并入 {main.merged_into_id} 号工单")
        inputs.update({"into": main.number, "into_id": main.id})
    if "days" in inputs:
        days = inputs["days"]
        if isinstance(days, str):
            days = validation.parse_int(days, field="days", label="延期天数")
        if not 1 <= days <= world.policy.extension_max_days:
            raise ValidationFailed(f"延期天数须在 1 至 {world.policy.extension_max_days} 个工作日之间", field="days")
        inputs["days"] = days
    if "contacted_at" in inputs and isinstance(inputs["contacted_at"], datetime):
        inputs["contacted_at"] = ensure_aware(inputs["contacted_at"], field="contacted_at")
        if inputs["contacted_at"] > world.now + FUTURE_TOLERANCE or inputs["contacted_at"] < order.received_at:
            raise ValidationFailed("联系来电人的时间应在受理之后、当前时间之前", field="contacted_at")


def _ledger_level(tree: UnitTree, unit) -> str | None:
    """The dispatching level whose reach holds a unit: the city centre, or the county sub-centre above it."""
    if unit in tree.reach(CITY_CENTRE):
        return CITY_CENTRE
    county = tree.unit_county(unit)
    sub = tree.sub_centre_of(county)
    return sub.code if sub else CITY_CENTRE


# ---------------------------------------------------------------- effects (state is loaded; decisions are made)


def _end_hop(session: Session, order: WorkOrder, when: datetime, outcome: str) -> OrderHop | None:
    hop = current_hop(session, order)
    if hop is not None:
        hop.ended_at = when
        hop.outcome = outcome
        if hop.signed_at is None and outcome in ("forwarded",):
            hop.signed_at = when
    return hop


def _start_hop(session: Session, order: WorkOrder, *, level: str | None, to: str, note: str | None, when: datetime, world: World, actor: Actor) -> OrderHop:
    seq = (session.scalar(select(OrderHop.seq).where(OrderHop.order_id == order.id).order_by(OrderHop.seq.desc()).limit(1)) or 0) + 1
    unit = world.tree.require(to)
    order.department_code = unit.code
    order.sender_code = level
    if unit.kind == "sub_centre":
        order.sub_centre_code = unit.code
    elif level is CITY_CENTRE:
        order.sub_centre_code = None
    order.dispatched_at = when
    order.accepted_at = None
    order.dispatch_count += 1
    _sign_clock(order, when, world)
    hop = OrderHop(
        order_id=order.id,
        seq=seq,
        sender_code=level,
        unit_code=unit.code,
        note=note,
        dispatched_at=when,
        dispatched_by=actor.name,
        sign_due_at=order.sign_due_at,
        sign_yellow_at=order.sign_yellow_at,
    )
    session.add(hop)
    return hop


def _set_assists(order: WorkOrder, codes: Sequence[str], *, main: str | None, when: datetime, actor: Actor) -> list[str]:
    existing = {link.department_code: link for link in order.assist_links}
    for code in codes:
        if code not in existing:
            order.assist_links.append(OrderAssist(department_code=code, assigned_at=when, assigned_by=actor.name))
    if main is not None:
        order.assist_links = [link for link in order.assist_links if link.department_code != main]
    return sorted(link.department_code for link in order.assist_links)


def _dispatch(session, order: WorkOrder, decision: Decision, *, world: World, when, actor, data, outcome: str = "forwarded"):
    inputs = decision.inputs
    level = inputs["level"]
    to = inputs["to"]
    previous = order.department_code
    if order.status in (Status.AT_SUB_CENTRE.value, Status.DISPATCHED.value, Status.IN_PROGRESS.value, Status.OBJECTED.value):
        _end_hop(session, order, when, outcome)
    _start_hop(session, order, level=level, to=to, note=inputs.get("note"), when=when, world=world, actor=actor)
    assists = _set_assists(order, inputs.get("assist", []), main=to, when=when, actor=actor)
    order.objection = None
    data.update(
        {
            "department": to,
            "department_name": world.tree.name(to),
            "previous_department": previous,
            "sender": level,
            "sender_name": world.tree.name(level),
            "assists": assists,
            "sign_due_at": order.sign_due_at.isoformat(),
        }
    )


def _ledger_dispatch(session, order: WorkOrder, decision: Decision, **kw):
    _dispatch(session, order, decision, **kw)
    if decision.inputs["level"] is not CITY_CENTRE:
        order.sub_centre_code = decision.inputs["level"]  # sent on the county's behalf: the sub-centre follows it as its own


def _redispatch(session, order, decision, **kw):
    _dispatch(session, order, decision, outcome="redispatched", **kw)


def _accept(session, order: WorkOrder, decision, *, when, data, **_):
    order.accepted_at = when
    hop = current_hop(session, order)
    if hop is not None:
        hop.signed_at = when
        data["on_time"] = when <= hop.sign_due_at


def _back_to_sender(session, order: WorkOrder, *, world: World, when, outcome: str, data: dict) -> None:
    """退回: the order goes back to the level that sent the current hop."""
    _end_hop(session, order, when, outcome)
    data.update({"department": order.department_code, "returned_to": order.sender_code, "returned_to_name": world.tree.name(order.sender_code)})
    order.return_count += 1
    order.accepted_at = None
    if order.sender_code is CITY_CENTRE:
        order.department_code = None
        order.sub_centre_code = None
        order.assist_links = []
    else:
        order.department_code = order.sender_code
        order.sender_code = CITY_CENTRE
    _sign_clock(order, when, world)


def _return(session, order, decision, *, world, when, data, **_):
    _back_to_sender(session, order, world=world, when=when, outcome="returned", data=data)


def _object(session, order: WorkOrder, decision, *, world, when, actor, data, **_):
    inputs = decision.inputs
    order.objection_count += 1
    order.objection = {
        "reason": inputs["reason"],
        "note": inputs["note"],
        "unit": order.department_code,
        "filed_at": when.isoformat(),
        "filed_by": actor.name,
    }
    data.update({"reason": inputs["reason"], "department": order.department_code, "decided_by": order.sender_code, "decided_by_name": world.tree.name(order.sender_code)})


def _decide_objection(session, order: WorkOrder, decision, *, world, when, actor, data, **_):
    inputs = decision.inputs
    objection = order.objection or {}
    data.update({"uphold": bool(inputs["uphold"]), "reason": objection.get("reason"), "department": objection.get("unit")})
    if not inputs["uphold"]:
        order.objection = None
        return
    if inputs.get("to"):
        order.return_count += 1
        _dispatch(session, order, decision, world=world, when=when, actor=actor, data=data, outcome="objection_upheld")
    else:
        _back_to_sender(session, order, world=world, when=when, outcome="objection_upheld", data=data)
    order.objection = None


def _request_extension(session, order: WorkOrder, decision, *, world: World, data, **_):
    requested = decision.inputs.get("days") or world.policy.extension_default_days
    order.pending_extension_days = requested
    data["days"] = requested


def _approve_extension(session, order: WorkOrder, decision, *, world: World, data, **_):
    granted = decision.inputs.get("days") or order.pending_extension_days or world.policy.extension_default_days
    data.update({"days": granted, "previous_reply_due_at": order.reply_due_at.isoformat()})
    order.reply_due_at = extend_due(order.reply_due_at, granted, world.calendar)
    order.reply_yellow_at = yellow_at(order.reply_started_at, order.reply_due_at, world.policy.yellow_fraction)
    order.extension_count += 1
    order.pending_extension_days = None
    data["reply_due_at"] = order.reply_due_at.isoformat()


def _reject_extension(session, order, decision, **_):
    order.pending_extension_days = None


def _assist_opinion(session, order, decision, *, actor, world, data, **_):
    data.update({"department": actor.department_code, "department_name": world.tree.name(actor.department_code)})


def _reply(session, order: WorkOrder, decision, *, world, when, actor, data, **_):
    inputs = decision.inputs
    seq = (session.scalar(select(OrderReply.seq).where(OrderReply.order_id == order.id).order_by(OrderReply.seq.desc()).limit(1)) or 0) + 1
    reply = OrderReply(
        order_id=order.id,
        seq=seq,
        department_code=order.department_code,
        result=inputs["result"],
        text=inputs["note"],
        handler_name=inputs["handler"],
        handler_phone=inputs["handler_phone"],
        contacted=bool(inputs["contacted"]),
        contacted_at=inputs.get("contacted_at"),
        submitted_at=when,
        submitted_by=actor.name,
        review="pending",
        findings=summary.reply_findings(order.content, inputs["note"], result=inputs["result"]),
    )
    session.add(reply)
    order.replied_at = when
    order.reply_text = inputs["note"]
    data.update({"reply_seq": seq, "result": inputs["result"], "handler": inputs["handler"], "on_time": when <= order.reply_due_at, "department": order.department_code})


def _review(session, order: WorkOrder, decision, *, when, actor, data, **_):
    reply = session.scalar(select(OrderReply).where(OrderReply.order_id == order.id, OrderReply.review == "pending").order_by(OrderReply.seq.desc()).limit(1))
    passed = bool(decision.inputs["passed"])
    if reply is not None:
        reply.review = "passed" if passed else "returned"
        reply.reviewed_at = when
        reply.reviewed_by = actor.name
        reply.review_note = decision.inputs.get("note")
        data["reply_seq"] = reply.seq
    data["passed"] = passed
    if passed:
        order.callback_attempts = 0
        order.first_callback_at = None
        if decision.target is Status.CLOSED:
            _close_now(session, order, when, "no_callback")
    else:
        order.replied_at = None


def _close_now(session, order: WorkOrder, when: datetime, reason: str) -> None:
    order.closed_at = when
    order.close_reason = reason
    _end_hop(session, order, when, "closed")


def _visit(session, order: WorkOrder, decision, *, world: World, when, actor, data, **_):
    inputs = decision.inputs
    target, reason = lifecycle.visit_outcome(facts_of(order, when), inputs, world.callback_policy)
    reached = inputs["outcome"] == "reached"
    satisfaction = int(inputs["satisfaction"]) if reached else None
    resolved = bool(inputs["resolved"]) if reached else None
    attempt = (order.callback_attempts or 0) + 1
    session.add(
        OrderCallback(
            order_id=order.id,
            round=order.reopen_count + 1,
            attempt=attempt,
            outcome=inputs["outcome"],
            satisfaction=satisfaction,
            resolved=resolved,
            note=inputs.get("note"),
            called_at=when,
            called_by=actor.name,
            department_code=order.department_code,
        )
    )
    data.update({"outcome": inputs["outcome"], "attempt": attempt})
    if reached:
        order.satisfaction = satisfaction
        order.resolved = resolved
        data.update({"satisfaction": satisfaction, "resolved": resolved, "satisfied": satisfaction >= 3})
    order.first_callback_at = order.first_callback_at or when
    order.callback_attempts = attempt
    if target is Status.CLOSED:
        _close_now(session, order, when, reason)
        data["close_reason"] = reason
    elif target is not Status.AWAITING_CALLBACK:
        # 重办: back to the same unit with a fresh deadline.
        order.reopen_count += 1
        order.replied_at = None
        order.callback_attempts = 0
        order.first_callback_at = None
        _reply_clock(order, when, world)
        data["reply_due_at"] = order.reply_due_at.isoformat()


def _rate(session, order: WorkOrder, decision, *, data, **kw):
    """好差评 by the citizen: the same callback record a reached callback writes, so it closes or reopens alike."""
    _visit(session, order, replace(decision, inputs={**decision.inputs, "outcome": "reached"}), data=data, **kw)
    data["self_service"] = True


def _withdraw(session, order: WorkOrder, decision, *, when, data, **_):
    data["close_reason"] = "withdrawn"
    _close_now(session, order, when, "withdrawn")


def _reopen(session, order: WorkOrder, decision, *, world, when, data, **_):
    order.reopen_count += 1
    order.closed_at = None
    order.close_reason = None
    order.replied_at = None
    order.satisfaction = None
    order.resolved = None
    order.callback_attempts = 0
    order.first_callback_at = None
    _reply_clock(order, when, world)
    if order.department_code is None:
        _sign_clock(order, when, world)
    data["reply_due_at"] = order.reply_due_at.isoformat()


def _close(session, order: WorkOrder, decision, *, when, **_):
    _close_now(session, order, when, "manual")


def _close_on_spot(session, order: WorkOrder, decision, *, when, **_):
    order.replied_at = when
    order.reply_text = decision.inputs["note"]
    _close_now(session, order, when, "on_spot")


def _answer_directly(session, order: WorkOrder, decision, *, when, **_):
    order.replied_at = when
    order.reply_text = decision.inputs["note"]
    _close_now(session, order, when, "direct_answer")


def _mark_invalid(session, order: WorkOrder, decision, *, when, data, **_):
    data["reason"] = decision.inputs["reason"]
    _close_now(session, order, when, decision.inputs["reason"])


def _merge(session, order: WorkOrder, decision, *, when, data, **_):
    order.merged_into_id = decision.inputs["into_id"]
    order.duplicate_of_id = decision.inputs["into_id"]
    _end_hop(session, order, when, "merged")
    data.update({"into": decision.inputs["into_id"], "into_number": decision.inputs["into"]})


def _append(session, order: WorkOrder, decision, *, data, **_):
    order.append_count += 1
    data["append"] = order.append_count


def _transfer(session, order: WorkOrder, decision, *, when, data, **_):
    data["target"] = decision.inputs.get("to") or "12345"
    _end_hop(session, order, when, "transferred")


def _supervise(session, order, decision, **_):
    order.supervise_count += 1


def _remind(session, order, decision, **_):
    order.remind_count += 1


_EFFECTS = {
    Action.DISPATCH: _dispatch,
    Action.REDISPATCH: _redispatch,
    Action.LEDGER_DISPATCH: _ledger_dispatch,
    Action.CLOSE_ON_SPOT: _close_on_spot,
    Action.ACCEPT: _accept,
    Action.RETURN: _return,
    Action.OBJECT: _object,
    Action.DECIDE_OBJECTION: _decide_objection,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.REJECT_EXTENSION: _reject_extension,
    Action.ASSIST_OPINION: _assist_opinion,
    Action.REPLY: _reply,
    Action.REVIEW: _review,
    Action.VISIT: _visit,
    Action.REOPEN: _reopen,
    Action.CLOSE: _close,
    Action.ANSWER_DIRECTLY: _answer_directly,
    Action.MARK_INVALID: _mark_invalid,
    Action.MERGE: _merge,
    Action.APPEND: _append,
    Action.SUPERVISE: _supervise,
    Action.REMIND: _remind,
    Action.RATE: _rate,
    Action.WITHDRAW: _withdraw,
    Action.TRANSFER_110: _transfer,
    Action.TRANSFER_12345: _transfer,
    # A linked pair goes to the other platform: from 12345 to 110, from a 110 desk to 12345.
    Action.LINK_PAIR: lambda session, order, decision, *, data, **_: data.update(
        {"target": "12345" if settings().platform_role == "110" else "110", "pair": True}),
    Action.PEER_RETURN: lambda session, order, decision, **_: setattr(order, "department_code", None),
    Action.PEER_COMPLETE: lambda session, order, decision, *, when, **_: (
        _close_now(session, order, when, "peer_completed") if decision.target is Status.CLOSED else None
    ),
}


def _enqueue_transfer(session: Session, order: WorkOrder, seq: int, when: datetime, *, target: str, note: str | None,
                      pair: bool = False) -> None:
    """The transfer must not be lost: the message is written in the same transaction as the status."""
    outbox.enqueue(
        session,
        topic=f"{TRANSFER_TOPIC_PREFIX}{target}",
        key=f"{order.number}:{seq}",
        at=when,
        payload={
            "schema": "liandong.linkage.transfer/1",
            "target": target,
            "order_id": order.id,
            "confidential": order.confidential,
            "order_number": order.number,
            "received_at": order.received_at.isoformat(),
            "transferred_at": when.isoformat(),
            "channel": order.channel,
            "caller_name": order.caller_name,
            "caller_phone": order.caller_phone,
            "division_code": order.division_code,
            "town_code": order.town_code,
            "address": order.address,
            "title": order.title,
            "content": order.content,
            "request_type": order.request_type,
            "category_code": order.category_code,
            "level": order.level,
            "note": note,
            "pair": pair,  # 分级响应: this order stays open here, linked with the one the peer makes
        },
    )


def _notify(session: Session, order: WorkOrder, entry) -> None:
    """The one hook to citizens' notifications: notify.events' table decides, the outbox carries it in this transaction."""
    trigger = notify_events.Trigger(entry.action, entry.from_status, entry.to_status, (entry.data or {}).get("outcome"))
    event = notify_events.event_for(trigger)
    if event is None:
        return
    outbox.enqueue(
        session, topic=notify_events.TOPIC, key=notify_events.outbox_key(order.number, entry.seq, event), at=entry.recorded_at,
        payload=notify_events.outbox_payload(order_id=order.id, order_number=order.number, event=event, seq=entry.seq,
                                             at=entry.occurred_at, department_code=order.department_code, level=order.level),
    )


def _enqueue_feedback(session: Session, order: WorkOrder, entry, *, first_dispatch: bool) -> None:
    """An order a peer transferred here: what happens to it goes back to the peer (the linkage decides what to send)."""
    outbox.enqueue(
        session,
        topic="order.feedback",
        key=f"{order.number}:{entry.seq}",
        at=entry.occurred_at,
        payload={
            "order_id": order.id,
            "order_number": order.number,
            "transferred_from": order.transferred_from,
            "action": entry.action,
            "status": order.status,
            "note": entry.note,
            "at": entry.occurred_at.isoformat(),
            "first_dispatch": first_dispatch,
            "department_code": order.department_code,
        },
    )


def resolve_order_id(session: Session, reference: str) -> int:
    """Accept an order id (123) or its number (JC-20231102-000123)."""
    value = (reference or "").strip()
    if value.isascii() and value.isdigit():
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise NotFound(f"工单不存在：{value}", field="order_id")
        return number
    order_id = session.scalar(select(WorkOrder.id).where(WorkOrder.number == value[:32]))
    if order_id is None:
        raise NotFound(f"工单不存在：{value}", field="order_id")
    return order_id



def purge_personal(session: Session, *, now: datetime, retention_days: int, actor: Actor, dry_run: bool = False, batch: int = 500) -> dict:
    """Anonymise closed orders older than the retention period: the caller's name and number go, and numbers or
    名+女士 names in the text are blanked. Idempotent; one audit record per run."""
    cutoff = now - timedelta(days=retention_days)
    closed_before = (WorkOrder.closed_at.is_not(None), WorkOrder.closed_at < cutoff)
    due = (
        select(WorkOrder)
        .where(*closed_before)
        .where((WorkOrder.caller_name.is_not(None)) | (WorkOrder.caller_phone.is_not(None)))
        .order_by(WorkOrder.id)
    )
    count = 0
    if dry_run:
        count = len(session.scalars(due).unique().all())
    else:
        while True:
            orders = session.scalars(due.limit(batch)).unique().all()
            if not orders:
                break
            for order in orders:
                order.caller_name = None
                order.caller_phone = None
                order.content = privacy.scrub_text(order.content)
                order.updated_at = now
            count += len(orders)
            session.flush()
    beside = _purge_kept(session, select(WorkOrder.id).where(*closed_before), dry_run=dry_run)
    if not dry_run and (count or any(beside.values())):
        audit.record(session, actor=actor, action="personal.purge", now=now, target=f"{count} 张工单", cutoff=cutoff.isoformat(), count=count,
                     beside=beside)
    return {"cutoff": cutoff.isoformat(), "orders": count, "dry_run": dry_run, "beside": beside}


def _purge_kept(session: Session, closed, *, dry_run: bool) -> dict[str, int]:
    """What other domains keep beside the `closed` orders (core.retention): a citizen's map point, a partner's photo
    link — set to NULL, rows counted per table. Idempotent like the rest of the purge."""
    from liandong.db import tables  # noqa: F401 - every domain's tables, and so every declaration, loaded

    out: dict[str, int] = {}
    for kept in retention.KEPT:
        table = kept.table
        where = (table.c[kept.order_column].in_(closed), or_(*(table.c[c].is_not(None) for c in kept.columns)))
        if dry_run:
            out[table.name] = session.scalar(select(func.count()).select_from(table).where(*where)) or 0
        else:
            out[table.name] = session.execute(update(table).where(*where).values({c: None for c in kept.columns})).rowcount or 0
    return out
