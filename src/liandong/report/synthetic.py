"""Synthetic history at city scale, through the real domain rules, written in bulk.

Each order's path is planned first (who does what, when), as a dispatcher, a unit and the 12345 desk would:
routed down the unit tree, signed for, extended, answered, reviewed, called back, 重办, merged, marked invalid.
A plan can then be carried out two ways that produce the same rows:

- `drive(session, plans)`: through `workorder.service` one action at a time (the demo's few hundred orders, and the
  reference in the test that compares both);
- `Simulator`: the same decisions with the pure rules — `lifecycle.decide` for every step, `catalog.deadlines` for
  every clock, the unit tree for every route — building the rows of orders, hops, replies, callbacks, timeline and
  the report facts in memory, written with COPY (PostgreSQL) or executemany (SQLite), ~10⁴ orders a second.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import SHANGHAI, DeadlinePolicy, due_after_working_days, extend_due, yellow_at
from liandong.catalog.tree import CITY_CENTRE, UnitTree
from liandong.config import settings
from liandong.core.actor import Actor, Role
from liandong.core.clock import UTC
from liandong.core.vocabulary import CHANNELS
from liandong.workorder import lifecycle, summary, validation
from liandong.workorder.lifecycle import Action, CallbackPolicy, OrderFacts, Status
from liandong.workorder.models import OrderAssist, OrderCallback, OrderEvent, OrderHop, OrderReply, WorkOrder

CALL_TAKER = Actor("demo-坐席01", Role.CALL_TAKER, records_history=True)
DISPATCHER = Actor("demo-派单员", Role.DISPATCHER, records_history=True)
SUPERVISOR = Actor("demo-督查员", Role.SUPERVISOR, records_history=True)


@dataclass
class Step:
    action: Action
    actor: Actor
    at: datetime
    inputs: dict = field(default_factory=dict)


@dataclass
class Plan:
    index: int
    create: dict
    steps: list[Step] = field(default_factory=list)
    merge_into: int | None = None  # index of the plan this one is merged into


def unit_actor(tree: UnitTree, code: str) -> Actor:
    role = Role.COUNTY_DISPATCHER if tree.get(code).kind == "sub_centre" else Role.UNIT_HANDLER
    return Actor(f"demo-{code}", role, code, records_history=True)


# ---------------------------------------------------------------- planning


class Planner:
    """Decides each order's path as the people involved would, with the odds the demo has always used."""

    def __init__(self, tree: UnitTree, *, now: datetime, rng: random.Random, category_codes: dict, triage=None, policy: CallbackPolicy | None = None):
        from liandong.workorder import demo

        self.demo = demo
        self.tree = tree
        self.now = now
        self.rng = rng
        self.category_codes = category_codes
        self.triage = triage or (lambda text, template, division: None)
        self.policy = policy or CallbackPolicy()
        self.final: dict[int, str] = {}  # planned index → its last status, for 并单 targets

    def plan(self, index: int, received: datetime) -> Plan:
        rng, demo = self.rng, self.demo
        template = rng.choice(demo.TEMPLATES)
        division = rng.choice(list(demo.PLACES))
        place = rng.choice(demo.PLACES[division])
        text = template.text.format(place=place, community=rng.choice(demo.COMMUNITIES))
        town = self.tree.town_in(place, division)
        create = {
            "content": text, "request_type": template.request_type,
            "channel": rng.choice(["phone"] * 6 + ["web", "wechat", "app", "grid"]),
            "caller_name": rng.choice(demo.NAMES), "caller_phone": demo._phone(rng) if rng.random() > 0.1 else None,
            "division_code": division, "town_code": town.code if town else None, "address": _address(text, place),
            "category_code": self.category_codes.get(template.category), "level": template.level, "received_at": received,
            "triage": self.triage(text, template, division), "confidential": rng.random() < 0.05, "reply_wanted": rng.random() > 0.04,
        }
        plan = Plan(index, create)
        self._path(plan, template, division, town.code if town else None, received)
        return plan

    def _step(self, plan: Plan, clock: list, action: Action, actor: Actor, hours: float, **inputs) -> bool:
        """Add a step `hours` (±50 %) after the last one; False (and nothing added) once that would pass now."""
        at = clock[0] + timedelta(hours=hours * (0.5 + self.rng.random()))
        if at > self.now - timedelta(minutes=1):
            return False
        clock[0] = at
        plan.steps.append(Step(action, actor, at, inputs))
        return True

    def _path(self, plan: Plan, template, division: str, town: str | None, received: datetime) -> None:
        rng = self.rng
        clock = [received]
        status = "received"

        def done(final: str) -> None:
            self.final[plan.index] = final

        if template.request_type == "consult" and rng.random() < 0.55:
            if self._step(plan, clock, Action.ANSWER_DIRECTLY, CALL_TAKER, 0.1, note="已根据知识库口径当场答复来电人。"):
                return done("closed")
            return done(status)
        if rng.random() < 0.015:
            reason = rng.choice(("invalid", "invalid", "malicious"))
            note = "来电无实质诉求内容。" if reason == "invalid" else "来电人辱骂话务员，无实际诉求。"
            if self._step(plan, clock, Action.MARK_INVALID, CALL_TAKER, 0.1, reason=reason, note=note):
                return done("closed")
            return done(status)
        if rng.random() < 0.03:
            recent = [i for i in range(max(0, plan.index - 30), plan.index) if self.final.get(i) not in (None, "merged")]
            if recent:
                target = rng.choice(recent)
                if self._step(plan, clock, Action.MERGE, DISPATCHER, 0.3, note="同一诉求重复来电，并单处理。"):
                    plan.merge_into = target
                    return done("merged")
        route = self.tree.route(template.department, division, town_code=town)
        first, second = (route.first, route.second) if route else (template.department, None)
        if rng.random() < 0.05 and self.tree.get(first).kind != "sub_centre":
            wrong = rng.choice([u.code for u in self.tree.reach(None) if u.kind == "bureau" and u.code != first])
            if not self._step(plan, clock, Action.DISPATCH, DISPATCHER, 1, to=wrong):
                return done(status)
            if not self._step(plan, clock, Action.RETURN, unit_actor(self.tree, wrong), 3, note="该事项不属于本单位职责，请改派。"):
                return done("dispatched")
        note = rng.choice((None, "请按时限办理并答复来电人。", "请核实后依法处理。"))
        if not self._step(plan, clock, Action.DISPATCH, DISPATCHER, 1, to=first, note=note):
            return done(status)
        holder = first
        if second is not None:
            if not self._step(plan, clock, Action.DISPATCH, unit_actor(self.tree, first), 2, to=second):
                return done("at_sub_centre")
            holder = second
        unit = unit_actor(self.tree, holder)
        if rng.random() < 0.04 or not self._step(plan, clock, Action.ACCEPT, unit, 30 if rng.random() < 0.07 else 3):
            return done("dispatched")
        if rng.random() < 0.12:
            self._step(plan, clock, Action.REMIND, DISPATCHER, 20, note="请尽快办理。")
        if rng.random() < 0.05:
            self._step(plan, clock, Action.SUPERVISE, SUPERVISOR, 30, note="该诉求群众反映强烈，请加快办理并按时答复。")
        if rng.random() < 0.1:
            if not self._step(plan, clock, Action.REQUEST_EXTENSION, unit, 24, note="需协调多个部门现场核查，申请延期。", days=5):
                return done("in_progress")
            if rng.random() < 0.85:
                ok = self._step(plan, clock, Action.APPROVE_EXTENSION, SUPERVISOR, 4)
            else:
                ok = self._step(plan, clock, Action.REJECT_EXTENSION, SUPERVISOR, 4, note="理由不充分，请按期办结。")
            if not ok:
                return done("extension_requested")
        if not self._reply(plan, clock, unit, template.department, 40):
            return done("in_progress")
        if rng.random() < 0.08:
            if not self._step(plan, clock, Action.REVIEW, CALL_TAKER, 4, passed=False, note="答复未说明具体处理结果，请补充后重新答复。"):
                return done("replied")
            if not self._reply(plan, clock, unit, template.department, 20, result="resolved"):
                return done("in_progress")
        if not self._step(plan, clock, Action.REVIEW, CALL_TAKER, 4, passed=True):
            return done("replied")
        if not plan.create["reply_wanted"]:
            return done("closed")
        outcome = self._callbacks(plan, clock)
        if outcome != "reopened":
            return done(outcome)
        if rng.random() < 0.7 and self._reply(plan, clock, unit, template.department, 40, result="resolved"):
            if self._step(plan, clock, Action.REVIEW, CALL_TAKER, 4, passed=True):
                if self._step(plan, clock, Action.VISIT, CALL_TAKER, 10, outcome="reached", satisfaction="4", resolved=True, note="二次回访，来电人满意。"):
                    return done("closed")
                return done("awaiting_callback")
            return done("replied")
        return done("in_progress")

    def _reply(self, plan: Plan, clock: list, unit: Actor, duty: str, hours: float, result: str | None = None) -> bool:
        rng = self.rng
        result = result or rng.choices(["resolved", "partly", "explained", "untrue"], weights=[70, 12, 12, 6])[0]
        return self._step(
            plan, clock, Action.REPLY, unit, hours, result=result, note=self.demo._reply_text(rng, duty, result),
            handler=rng.choice(self.demo.HANDLERS), handler_phone="0356" + "".join(rng.choice("0123456789") for _ in range(7)),
            contacted=rng.random() < 0.9,
        )

    def _callbacks(self, plan: Plan, clock: list) -> str:
        """Callback attempts until the order closes or goes back for 重办; returns the last status."""
        rng = self.rng
        attempts, first = 0, None
        while True:
            roll = rng.random()
            if roll < 0.12:
                if not self._step(plan, clock, Action.VISIT, CALL_TAKER, 3 if attempts < 2 else 14, outcome="unreachable", note="电话无人接听。"):
                    return "awaiting_callback"
                attempts += 1
                first = first or clock[0]
                if attempts >= self.policy.max_attempts and (clock[0] - first).total_seconds() / 3600 >= self.policy.window_hours:
                    return "closed"
                continue
            if roll < 0.14:
                return "closed" if self._step(plan, clock, Action.VISIT, CALL_TAKER, 3, outcome="refused", note="来电人不愿接受回访。") else "awaiting_callback"
            satisfaction = rng.choices([5, 4, 3, 2, 1], weights=[38, 34, 14, 9, 5])[0]
            resolved = satisfaction >= 3 and rng.random() < 0.92
            if not self._step(plan, clock, Action.VISIT, CALL_TAKER, 4, outcome="reached", satisfaction=str(satisfaction), resolved=resolved,
                              note="来电人对办理结果表示认可。" if resolved else "来电人表示问题没有解决。"):
                return "awaiting_callback"
            return "closed" if satisfaction >= 3 and resolved else "reopened"


def _address(text: str, place: str) -> str | None:
    return summary.find_address(text) or place


def plans(tree: UnitTree, *, count: int, now: datetime, days: float, seed: int, category_codes: dict, triage=None,
          policy: CallbackPolicy | None = None, until: datetime | None = None) -> Iterator[Plan]:
    """`count` plans received over the `days` before `until` (default now), denser towards its end, in office hours
    mostly, in order of receipt; every path runs up to `now`, so a block received long ago is mostly settled."""
    rng = random.Random(seed)
    planner = Planner(tree, now=now, rng=rng, category_codes=category_codes, triage=triage, policy=policy)
    hours = (8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 21)
    end = min(until or now, now)
    start = end - timedelta(days=days)
    for index in range(count):
        # Uniform over the period with a gentle rise (about +50 % from the first day to the last).
        share = ((1 + 1.5 * (index + rng.random()) / count) ** 2 - 1) / (2.5**2 - 1)
        day = (start + (end - start) * share).astimezone(SHANGHAI)
        received = min(day.replace(hour=rng.choice(hours), minute=rng.randrange(60), second=0, microsecond=0), end - timedelta(minutes=30))
        yield planner.plan(index, received)


# ---------------------------------------------------------------- carrying a plan out through the service


def drive(session: Session, items: Iterable[Plan], *, now: datetime) -> list[int]:
    """Through `workorder.service`, one action at a time; returns the order ids in plan order."""
    from liandong.workorder import service

    ids: dict[int, int] = {}
    for plan in items:
        order = service.create_order(session, actor=CALL_TAKER, now=now, **plan.create)
        ids[plan.index] = order.id
        for step in plan.steps:
            inputs = dict(step.inputs)
            if step.action is Action.MERGE:
                inputs["into"] = ids[plan.merge_into]
            service.act(session, order_id=order.id, action=step.action, actor=step.actor, now=now, at=step.at, **inputs)
    return [ids[i] for i in sorted(ids)]


# ---------------------------------------------------------------- the same, with the pure rules, in memory


@lru_cache(maxsize=50_000)
def _findings(content: str, reply: str, result: str) -> str:
    return json.dumps(summary.reply_findings(content, reply, result=result), ensure_ascii=False)


class Clocks:
    """Deadlines by (local day, working days): the same pure functions the service calls, computed once per day."""

    def __init__(self, policy: DeadlinePolicy, calendar):
        self.policy = policy
        self.calendar = calendar
        self._due: dict = {}

    def due(self, start: datetime, days: int) -> datetime:
        key = (start.astimezone(SHANGHAI).date(), days)
        if key not in self._due:
            self._due[key] = due_after_working_days(start, days, self.calendar)
        return self._due[key]

    def extend(self, due: datetime, days: int) -> datetime:
        return extend_due(due, days, self.calendar)

    def yellow(self, start: datetime, due: datetime) -> datetime:
        return yellow_at(start, due, self.policy.yellow_fraction)


class Simulator:
    """Applies plans with the lifecycle table and the clocks, producing the rows the service would write."""

    def __init__(self, *, tree: UnitTree, policy: DeadlinePolicy, calendar, now: datetime, first_ids: dict[str, int],
                 divisions: dict, categories: dict):
        self.tree = tree
        self.policy = policy
        self.clocks = Clocks(policy, calendar)
        self.callback_policy = CallbackPolicy(max_attempts=policy.callback_max_attempts, window_hours=policy.callback_window_hours)
        self.now = now
        self.next_id = dict(first_ids)
        self.divisions = divisions
        self.categories = categories
        self.prefix = settings().order_number_prefix
        self.orders: dict[int, dict] = {}  # plan index → order row (kept while a later plan may merge into it)
        self.rows: dict[str, list[dict]] = {"work_orders": [], "order_assists": [], "order_hops": [], "order_replies": [], "order_callbacks": [], "order_events": []}
        self.records: dict[int, dict] = {}  # order id → its hops, replies, callbacks, events (for the facts)
        # Titles by wording, per run: the segmenter's dictionary can grow while a process lives (a module loading its
        # user words), and a title must be what the service would write now.
        self._titles: dict[tuple, str] = {}

    def _title(self, content: str, town: str | None, address: str | None, topic: str | None) -> str:
        key = (content, town, address, topic)
        if key not in self._titles:
            self._titles[key] = summary.title_for(content, place=town, address=address, topic=topic)
        return self._titles[key]

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _event(self, order: dict, action: str, to_status: str, actor: Actor, at: datetime, note, data: dict) -> None:
        order["event_count"] += 1
        order["last_action_at"] = at if order["last_action_at"] is None else max(order["last_action_at"], at)
        row = {"id": self._id("order_events"), "order_id": order["id"], "seq": order["event_count"], "action": action,
               "from_status": order["status"], "to_status": to_status, "actor": actor.name, "actor_role": actor.role.value,
               "note": note, "data": data, "occurred_at": at, "recorded_at": self.now}
        self.rows["order_events"].append(row)
        self.records[order["id"]]["events"].append(row)

    def create(self, plan: Plan) -> dict:
        c = plan.create
        received = c["received_at"]
        order_id = self._id("work_orders")
        town = self.divisions.get(c["town_code"]) if c["town_code"] else None
        category = self.categories.get(c["category_code"]) if c["category_code"] else None
        content = validation.clean_content(c["content"])
        address = validation.clean_address(c["address"])
        sign_due = self.clocks.due(received, self.policy.sign_days)
        reply_due = self.clocks.due(received, self.policy.reply_days_for(c["request_type"]))
        name = validation.clean_name(c["caller_name"])
        phone = validation.normalize_phone(c["caller_phone"])
        order = {
            "id": order_id, "number": f"{self.prefix}-{received.astimezone(SHANGHAI):%Y%m%d}-{order_id:06d}", "channel": c["channel"],
            "caller_name": name, "caller_phone": phone, "anonymous": not (name or phone), "confidential": bool(c["confidential"]),
            "reply_wanted": bool(c["reply_wanted"]), "title": self._title(content, town, address, category), "content": content,
            "request_type": c["request_type"], "category_code": c["category_code"], "division_code": c["division_code"],
            "town_code": c["town_code"], "address": address, "department_code": None, "sender_code": None, "sub_centre_code": None,
            "level": c["level"], "status": Status.RECEIVED.value, "received_at": received,
            "sign_due_at": sign_due, "sign_yellow_at": self.clocks.yellow(received, sign_due), "reply_started_at": received,
            "reply_due_at": reply_due, "reply_yellow_at": self.clocks.yellow(received, reply_due),
            "dispatched_at": None, "accepted_at": None, "replied_at": None, "closed_at": None, "updated_at": self.now, "last_action_at": None,
            "reply_text": None, "satisfaction": None, "resolved": None, "callback_attempts": 0, "first_callback_at": None, "close_reason": None,
            "pending_extension_days": None, "objection": None, "dispatch_count": 0, "return_count": 0, "objection_count": 0,
            "extension_count": 0, "reopen_count": 0, "supervise_count": 0, "remind_count": 0, "append_count": 0, "event_count": 0,
            "duplicate_of_id": None, "merged_into_id": None, "transferred_from": None, "triage": c["triage"], "created_by": CALL_TAKER.name,
            "handle_on": None,
            "version": 1,
        }
        self.records[order_id] = {"hops": [], "replies": [], "callbacks": [], "events": [], "assists": []}
        self._event(order, "create", Status.RECEIVED.value, CALL_TAKER, received, f"{CHANNELS.label(c['channel'])}受理", {"channel": c["channel"]})
        return order

    TIMES = ("received_at", "sign_due_at", "sign_yellow_at", "reply_started_at", "reply_due_at", "reply_yellow_at", "dispatched_at",
             "accepted_at", "replied_at", "closed_at", "updated_at", "last_action_at", "first_callback_at")

    @classmethod
    def _stored(cls, order: dict) -> None:
        """What the next action reads back from the database: every time in UTC (the service re-loads the order)."""
        for key in cls.TIMES:
            value = order[key]
            if value is not None and value.tzinfo is not UTC:
                order[key] = value.astimezone(UTC)

    def run(self, plan: Plan) -> dict:
        order = self.create(plan)
        self._stored(order)
        self.orders[plan.index] = order
        self.rows["work_orders"].append(order)
        for step in plan.steps:
            self.apply(order, plan, step)
        return order

    # ------------------------------------------------------------ one step: the table decides, the effect applies

    def _facts(self, order: dict, at: datetime) -> OrderFacts:
        return OrderFacts(
            status=Status(order["status"]), request_type=order["request_type"], holder_code=order["department_code"],
            sender_code=order["sender_code"], sub_centre_code=order["sub_centre_code"],
            assist_codes=frozenset(a["department_code"] for a in self.records[order["id"]]["assists"]),
            signed=order["accepted_at"] is not None, reply_wanted=order["reply_wanted"], callback_attempts=order["callback_attempts"] or 0,
            first_attempt_at=order["first_callback_at"], closed_at=order["closed_at"], now=at,
        )

    def _hop(self, order: dict) -> dict | None:
        open_hops = [h for h in self.records[order["id"]]["hops"] if h["ended_at"] is None]
        return open_hops[-1] if open_hops else None

    def _end_hop(self, order: dict, when: datetime, outcome: str) -> None:
        hop = self._hop(order)
        if hop is not None:
            hop["ended_at"] = when
            hop["outcome"] = outcome
            if hop["signed_at"] is None and outcome == "forwarded":
                hop["signed_at"] = when

    def _sign_clock(self, order: dict, start: datetime) -> None:
        order["sign_due_at"] = self.clocks.due(start, self.policy.sign_days)
        order["sign_yellow_at"] = self.clocks.yellow(start, order["sign_due_at"])

    def _reply_clock(self, order: dict, start: datetime) -> None:
        order["reply_started_at"] = start
        order["reply_due_at"] = self.clocks.due(start, self.policy.reply_days_for(order["request_type"]))
        order["reply_yellow_at"] = self.clocks.yellow(start, order["reply_due_at"])

    def _close(self, order: dict, when: datetime, reason: str) -> None:
        order["closed_at"] = when
        order["close_reason"] = reason
        self._end_hop(order, when, "closed")

    def apply(self, order: dict, plan: Plan, step: Step) -> None:
        when, actor, action = step.at, step.actor, step.action
        inputs = {k: v for k, v in step.inputs.items() if v is not None}
        if "note" in inputs:
            inputs["note"] = inputs["note"].strip() or None
            if inputs["note"] is None:
                inputs.pop("note")
        if "handler_phone" in inputs:
            inputs["handler_phone"] = validation.normalize_phone(inputs["handler_phone"], field="handler_phone")
        facts = self._facts(order, when)
        main = None
        if action is Action.DISPATCH:
            level = order["department_code"] if order["status"] == Status.AT_SUB_CENTRE.value else CITY_CENTRE
            inputs["level"] = level
            inputs["to_kind"] = self.tree.check_reach(level, inputs["to"]).kind
        if action is Action.MERGE:
            main = self.orders[plan.merge_into]
            inputs.update({"into": main["number"], "into_id": main["id"]})
        inputs["policy"] = self.callback_policy
        decision = lifecycle.decide(facts, actor, action, inputs)
        data: dict = {}
        getattr(self, f"_{action.value}")(order, decision.inputs, when=when, actor=actor, data=data, facts=facts)
        self._event(order, action.value, decision.target.value, actor, when, inputs.get("note"), data)
        order["status"] = decision.target.value
        order["updated_at"] = self.now
        order["version"] += 1
        self._stored(order)
        if main is not None:
            at = max(when, main["last_action_at"] or main["received_at"])
            self._event(main, "merged_in", main["status"], actor, at, f"重复工单 {order['number']} 并入本单",
                        {"merged_order_id": order["id"], "merged_order_number": order["number"]})
            main["updated_at"] = self.now
            main["version"] += 1

    # ------------------------------------------------------------ effects (mirroring workorder.service)

    def _dispatch(self, order, inputs, *, when, actor, data, **_):
        level, to = inputs["level"], inputs["to"]
        previous = order["department_code"]
        if order["status"] in (Status.AT_SUB_CENTRE.value, Status.DISPATCHED.value, Status.IN_PROGRESS.value, Status.OBJECTED.value):
            self._end_hop(order, when, "forwarded")
        unit = self.tree.require(to)
        order["department_code"] = unit.code
        order["sender_code"] = level
        if unit.kind == "sub_centre":
            order["sub_centre_code"] = unit.code
        elif level is CITY_CENTRE:
            order["sub_centre_code"] = None
        order["dispatched_at"] = when
        order["accepted_at"] = None
        order["dispatch_count"] += 1
        self._sign_clock(order, when)
        hops = self.records[order["id"]]["hops"]
        hop = {"id": self._id("order_hops"), "order_id": order["id"], "seq": len(hops) + 1, "sender_code": level, "unit_code": unit.code,
               "note": inputs.get("note"), "dispatched_at": when, "dispatched_by": actor.name, "sign_due_at": order["sign_due_at"],
               "sign_yellow_at": order["sign_yellow_at"], "signed_at": None, "ended_at": None, "outcome": None}
        hops.append(hop)
        self.rows["order_hops"].append(hop)
        order["objection"] = None
        data.update({"department": to, "department_name": self.tree.name(to), "previous_department": previous, "sender": level,
                     "sender_name": self.tree.name(level), "assists": [], "sign_due_at": order["sign_due_at"].isoformat()})

    def _accept(self, order, inputs, *, when, data, **_):
        order["accepted_at"] = when
        hop = self._hop(order)
        if hop is not None:
            hop["signed_at"] = when
            data["on_time"] = when <= hop["sign_due_at"]

    def _return(self, order, inputs, *, when, data, **_):
        self._end_hop(order, when, "returned")
        data.update({"department": order["department_code"], "returned_to": order["sender_code"], "returned_to_name": self.tree.name(order["sender_code"])})
        order["return_count"] += 1
        order["accepted_at"] = None
        if order["sender_code"] is CITY_CENTRE:
            order["department_code"] = None
            order["sub_centre_code"] = None
        else:
            order["department_code"] = order["sender_code"]
            order["sender_code"] = CITY_CENTRE
        self._sign_clock(order, when)

    def _request_extension(self, order, inputs, *, data, **_):
        requested = inputs.get("days") or self.policy.extension_default_days
        order["pending_extension_days"] = requested
        data["days"] = requested

    def _approve_extension(self, order, inputs, *, data, **_):
        granted = inputs.get("days") or order["pending_extension_days"] or self.policy.extension_default_days
        data.update({"days": granted, "previous_reply_due_at": order["reply_due_at"].isoformat()})
        order["reply_due_at"] = self.clocks.extend(order["reply_due_at"], granted)
        order["reply_yellow_at"] = self.clocks.yellow(order["reply_started_at"], order["reply_due_at"])
        order["extension_count"] += 1
        order["pending_extension_days"] = None
        data["reply_due_at"] = order["reply_due_at"].isoformat()

    def _reject_extension(self, order, inputs, **_):
        order["pending_extension_days"] = None

    def _reply(self, order, inputs, *, when, actor, data, **_):
        replies = self.records[order["id"]]["replies"]
        seq = len(replies) + 1
        reply = {"id": self._id("order_replies"), "order_id": order["id"], "seq": seq, "department_code": order["department_code"],
                 "result": inputs["result"], "text": inputs["note"], "handler_name": inputs["handler"], "handler_phone": inputs["handler_phone"],
                 "contacted": bool(inputs["contacted"]), "contacted_at": None, "submitted_at": when, "submitted_by": actor.name,
                 "review": "pending", "reviewed_at": None, "reviewed_by": None, "review_note": None,
                 "findings": json.loads(_findings(order["content"], inputs["note"], inputs["result"]))}
        replies.append(reply)
        self.rows["order_replies"].append(reply)
        order["replied_at"] = when
        order["reply_text"] = inputs["note"]
        data.update({"reply_seq": seq, "result": inputs["result"], "handler": inputs["handler"], "on_time": when <= order["reply_due_at"],
                     "department": order["department_code"]})

    def _review(self, order, inputs, *, when, actor, data, **_):
        pending = [r for r in self.records[order["id"]]["replies"] if r["review"] == "pending"]
        passed = bool(inputs["passed"])
        if pending:
            reply = pending[-1]
            reply.update({"review": "passed" if passed else "returned", "reviewed_at": when, "reviewed_by": actor.name, "review_note": inputs.get("note")})
            data["reply_seq"] = reply["seq"]
        data["passed"] = passed
        if passed:
            order["callback_attempts"] = 0
            order["first_callback_at"] = None
            if not order["reply_wanted"]:
                self._close(order, when, "no_callback")
        else:
            order["replied_at"] = None

    def _visit(self, order, inputs, *, when, actor, data, facts, **_):
        target, reason = lifecycle.visit_outcome(facts, inputs, self.callback_policy)
        reached = inputs["outcome"] == "reached"
        satisfaction = int(inputs["satisfaction"]) if reached else None
        resolved = bool(inputs["resolved"]) if reached else None
        attempt = (order["callback_attempts"] or 0) + 1
        callback = {"id": self._id("order_callbacks"), "order_id": order["id"], "round": order["reopen_count"] + 1, "attempt": attempt,
                    "outcome": inputs["outcome"], "satisfaction": satisfaction, "resolved": resolved, "note": inputs.get("note"),
                    "called_at": when, "called_by": actor.name, "department_code": order["department_code"]}
        self.records[order["id"]]["callbacks"].append(callback)
        self.rows["order_callbacks"].append(callback)
        data.update({"outcome": inputs["outcome"], "attempt": attempt})
        if reached:
            order["satisfaction"] = satisfaction
            order["resolved"] = resolved
            data.update({"satisfaction": satisfaction, "resolved": resolved, "satisfied": satisfaction >= 3})
        order["first_callback_at"] = order["first_callback_at"] or when
        order["callback_attempts"] = attempt
        if target is Status.CLOSED:
            self._close(order, when, reason)
            data["close_reason"] = reason
        elif target is not Status.AWAITING_CALLBACK:
            order["reopen_count"] += 1
            order["replied_at"] = None
            order["callback_attempts"] = 0
            order["first_callback_at"] = None
            self._reply_clock(order, when)
            data["reply_due_at"] = order["reply_due_at"].isoformat()

    def _answer_directly(self, order, inputs, *, when, **_):
        order["replied_at"] = when
        order["reply_text"] = inputs["note"]
        self._close(order, when, "direct_answer")

    def _mark_invalid(self, order, inputs, *, when, data, **_):
        data["reason"] = inputs["reason"]
        self._close(order, when, inputs["reason"])

    def _merge(self, order, inputs, *, when, data, **_):
        order["merged_into_id"] = inputs["into_id"]
        order["duplicate_of_id"] = inputs["into_id"]
        self._end_hop(order, when, "merged")
        data.update({"into": inputs["into_id"], "into_number": inputs["into"]})

    def _supervise(self, order, inputs, **_):
        order["supervise_count"] += 1

    def _remind(self, order, inputs, **_):
        order["remind_count"] += 1

    # ------------------------------------------------------------ the report facts of what was built

    def facts(self, order_rows: Sequence[dict] | None = None) -> list[dict]:
        """The report facts of these orders (default: all built and not yet handed over), by the rollup's own fold."""
        from liandong.report.rollup import derive_orders

        rows = self.rows["work_orders"] if order_rows is None else order_rows
        ids = [o["id"] for o in rows]
        orders = [SimpleNamespace(**o) for o in rows]

        def grouped(kind: str) -> dict:
            return {i: [SimpleNamespace(**r) for r in self.records[i][kind]] for i in ids}

        return derive_orders(orders, hops=grouped("hops"), replies=grouped("replies"), callbacks=grouped("callbacks"),
                             events=grouped("events"), policy=self.policy, calendar=self.clocks.calendar)

    def take(self, keep_last: int = 40) -> tuple[dict[str, list[dict]], list[int]]:
        """Hand over the rows of all but the last `keep_last` orders: those stay in memory, unwritten, because a
        following plan may still merge into them (a 并单 changes the main order's row and timeline)."""
        held_indices = sorted(self.orders)[-keep_last:] if keep_last else []
        held = {self.orders[i]["id"] for i in held_indices}
        out: dict[str, list[dict]] = {}
        for name, rows in self.rows.items():
            key = "id" if name == "work_orders" else "order_id"
            out[name] = [r for r in rows if r[key] not in held]
            self.rows[name] = [r for r in rows if r[key] in held]
        self.orders = {i: self.orders[i] for i in held_indices}
        return out, [o["id"] for o in out["work_orders"]]

    def forget(self, order_ids: Iterable[int]) -> None:
        for order_id in order_ids:
            self.records.pop(order_id, None)


# ---------------------------------------------------------------- writing in bulk

TABLES = {"work_orders": WorkOrder, "order_assists": OrderAssist, "order_hops": OrderHop, "order_replies": OrderReply,
          "order_callbacks": OrderCallback, "order_events": OrderEvent}


def _first_ids(session: Session) -> dict[str, int]:
    return {name: (session.scalar(select(func.max(model.id))) or 0) + 1 for name, model in TABLES.items() if name != "order_assists"}


def _copy(session: Session, table, rows: list[dict]) -> None:
    """PostgreSQL COPY of plain rows (JSON columns as text)."""
    if not rows:
        return
    columns = [c.name for c in table.columns]
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in json_columns and row[c] is not None else row[c] for c in columns])


def _when(value):
    return None if value is None else value.astimezone(UTC).isoformat(" ", timespec="microseconds")[:26]


def _document(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _converter(column):
    kind = column.type.__class__.__name__
    if kind == "UTCDateTime":
        return _when
    if kind == "JSON":
        return _document
    if kind == "Boolean":
        return lambda v: None if v is None else int(v)
    return None


def _executemany(session: Session, table, rows: list[dict]) -> None:
    """Plain sqlite3 executemany with each column converted as SQLAlchemy would store it (no per-row ORM work)."""
    columns = [c.name for c in table.columns]
    converters = [(c.name, _converter(c)) for c in table.columns]
    raw = session.connection().connection.driver_connection
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    raw.executemany(sql, [[convert(row[name]) if convert else row[name] for name, convert in converters] for row in rows])


def write(session: Session, rows: dict[str, list[dict]], facts: list[dict]) -> None:
    from liandong.report.models import OrderFact

    postgres = session.get_bind().dialect.name == "postgresql"
    targets = [*(TABLES[name].__table__ for name in ("work_orders", "order_hops", "order_replies", "order_callbacks", "order_events")), OrderFact.__table__]
    payloads = [rows["work_orders"], rows["order_hops"], rows["order_replies"], rows["order_callbacks"], rows["order_events"], facts]
    for table, payload in zip(targets, payloads, strict=True):
        if not payload:
            continue
        if postgres:
            _copy(session, table, payload)
        else:
            _executemany(session, table, payload)


def _fix_sequences(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in ("work_orders", "order_hops", "order_replies", "order_callbacks", "order_events"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 1))"))


def generate(session_factory, *, count: int, months: float, now: datetime, seed: int = 12345, batch: int = 20_000, triage=None,
             progress=None, until: datetime | None = None) -> dict:
    """Plan and write `count` orders received over the `months` before `until` (default now) and carried out up to
    now, each batch in its own transaction; the fact rollup too."""
    from liandong.report.rollup import _set_watermark

    with session_factory() as session:
        tree = catalog.unit_tree(session)
        policy = catalog.get_policy(session)
        calendar = catalog.get_calendar(session)
        divisions = {d.code: d.name for d in catalog.list_divisions(session)}
        categories = {c.code: c.name for c in catalog.list_categories(session)}
        from liandong.workorder import demo

        codes = {t.category: demo._category_code(session, t.category) for t in demo.TEMPLATES}
        first_ids = _first_ids(session)
    callback_policy = CallbackPolicy(max_attempts=policy.callback_max_attempts, window_hours=policy.callback_window_hours)
    simulator = Simulator(tree=tree, policy=policy, calendar=calendar, now=now, first_ids=first_ids, divisions=divisions, categories=categories)
    written = 0
    stream = plans(tree, count=count, now=now, days=months * 30.4, seed=seed, category_codes=codes, triage=triage, policy=callback_policy,
                   until=until)
    pending = 0
    for plan in stream:
        simulator.run(plan)
        pending += 1
        if pending >= batch:
            written += _flush(session_factory, simulator)
            pending = 0
            if progress:
                progress(written)
    written += _flush(session_factory, simulator, keep_last=0)
    with session_factory() as session, session.begin():
        _fix_sequences(session)
        latest = session.scalar(select(func.max(OrderEvent.id))) or 0
        _set_watermark(session, latest, now)
    return {"orders": written, "events": simulator.next_id["order_events"] - first_ids["order_events"]}


def _flush(session_factory, simulator: Simulator, keep_last: int = 40) -> int:
    rows, ids = simulator.take(keep_last=keep_last)
    if not ids:
        return 0
    facts = simulator.facts(rows["work_orders"])
    with session_factory() as session, session.begin():
        write(session, rows, facts)
    simulator.forget(ids)
    return len(ids)
