"""October 2023 on SQLite and PostgreSQL: nine orders driven through the real service, whose figures were worked out
by hand (see test_metrics.py). 2023-10-09 is a Monday after the National Day holiday: a complaint received that
day must be signed for by 10-10 23:59:59 and answered by 10-16 23:59:59."""

from __future__ import annotations

from datetime import datetime

import pytest

from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.workorder import service
from liandong.workorder.lifecycle import Action

NOW = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)
TAKER = Actor("hotline", Role.CALL_TAKER, records_history=True)
CITY = Actor("dispatcher", Role.DISPATCHER, records_history=True)
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, records_history=True)
HOUSING = Actor("zjj", Role.UNIT_HANDLER, "zjj", records_history=True)
URBAN = Actor("cgj", Role.UNIT_HANDLER, "cgj", records_history=True)
REPLY = {"result": "resolved", "handler": "王工", "handler_phone": "03562000000", "contacted": True, "note": "已现场处理并告知来电人"}


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=SHANGHAI)


class October:
    """The scenario: orders A–I by letter, and a helper to act on them at a local time."""

    def __init__(self, session):
        self.session = session
        self.ids: dict[str, int] = {}

    def create(self, letter: str, at: datetime, *, request_type: str = "complaint", content: str | None = None, **kw):
        order = service.create_order(
            self.session, actor=TAKER, now=NOW, received_at=at, request_type=request_type, division_code="140502",
            content=content or f"来电人反映城区西街街道凤鸣小区门口垃圾三天没有清运（{letter}）", caller_phone=f"1393561{ord(letter):04d}", **kw,
        )
        self.ids[letter] = order.id
        return order

    def act(self, letter: str, action: Action, actor: Actor, at: datetime, **inputs):
        return service.act(self.session, order_id=self.ids[letter], action=action, actor=actor, now=NOW, at=at, **inputs)

    def build(self) -> October:
        a, act = self.create, self.act
        # A: on time everywhere, satisfied.
        a("A", t(10, 9, 9, 0))
        act("A", Action.DISPATCH, CITY, t(10, 9, 9, 30), to="zjj")
        act("A", Action.ACCEPT, HOUSING, t(10, 9, 10, 0))
        act("A", Action.REPLY, HOUSING, t(10, 10, 10, 0), **REPLY)
        act("A", Action.REVIEW, TAKER, t(10, 10, 11, 0), passed=True)
        act("A", Action.VISIT, TAKER, t(10, 11, 9, 0), outcome="reached", satisfaction="5", resolved=True)
        # B: signed and answered late; first callback unreachable, then dissatisfied → 重办 → satisfied.
        a("B", t(10, 9, 9, 5))
        act("B", Action.DISPATCH, CITY, t(10, 9, 9, 35), to="zjj")
        act("B", Action.ACCEPT, HOUSING, t(10, 12, 9, 0))
        act("B", Action.REPLY, HOUSING, t(10, 17, 9, 0), **REPLY)
        act("B", Action.REVIEW, TAKER, t(10, 17, 10, 0), passed=True)
        act("B", Action.VISIT, TAKER, t(10, 17, 11, 0), outcome="unreachable")
        act("B", Action.VISIT, TAKER, t(10, 17, 15, 0), outcome="reached", satisfaction="2", resolved=False)
        act("B", Action.REPLY, HOUSING, t(10, 18, 9, 0), **REPLY)
        act("B", Action.REVIEW, TAKER, t(10, 18, 10, 0), passed=True)
        act("B", Action.VISIT, TAKER, t(10, 18, 11, 0), outcome="reached", satisfaction="4", resolved=True)
        # C: returned unsigned within the deadline, re-dispatched, extended by 3 working days, answered within the extension.
        a("C", t(10, 9, 9, 10))
        act("C", Action.DISPATCH, CITY, t(10, 9, 9, 40), to="zjj")
        act("C", Action.RETURN, HOUSING, t(10, 9, 9, 50), note="属城市管理职责")
        act("C", Action.DISPATCH, CITY, t(10, 9, 10, 0), to="cgj")
        act("C", Action.ACCEPT, URBAN, t(10, 9, 10, 30))
        act("C", Action.REQUEST_EXTENSION, URBAN, t(10, 12, 9, 0), days=3, note="需协调清运车辆")
        act("C", Action.APPROVE_EXTENSION, SUPERVISOR, t(10, 12, 10, 0), days=3)
        act("C", Action.REPLY, URBAN, t(10, 18, 9, 0), **REPLY)
        act("C", Action.REVIEW, TAKER, t(10, 18, 10, 0), passed=True)
        act("C", Action.VISIT, TAKER, t(10, 18, 11, 0), outcome="refused")
        # D: a repeat call merged into A. E: a malicious call. F: a consultation answered on the spot.
        a("D", t(10, 9, 9, 15))
        act("D", Action.MERGE, CITY, t(10, 9, 9, 20), into=self.ids["A"])
        a("E", t(10, 9, 9, 20))
        act("E", Action.MARK_INVALID, TAKER, t(10, 9, 9, 25), reason="malicious", note="辱骂话务员")
        a("F", t(10, 9, 9, 25), request_type="consult", content="来电人咨询社保卡丢失后如何补办")
        act("F", Action.ANSWER_DIRECTLY, TAKER, t(10, 9, 9, 30), note="按知识库口径答复")
        # G: dispatched, never signed for, never answered.
        a("G", t(10, 9, 9, 30))
        act("G", Action.DISPATCH, CITY, t(10, 9, 10, 0), to="cgj")
        # H: closed satisfied, then reopened by a supervisor and still open.
        a("H", t(10, 9, 9, 35))
        act("H", Action.DISPATCH, CITY, t(10, 9, 10, 5), to="zjj")
        act("H", Action.ACCEPT, HOUSING, t(10, 9, 10, 10))
        act("H", Action.REPLY, HOUSING, t(10, 10, 9, 0), **REPLY)
        act("H", Action.REVIEW, TAKER, t(10, 10, 10, 0), passed=True)
        act("H", Action.VISIT, TAKER, t(10, 10, 11, 0), outcome="reached", satisfaction="5", resolved=True)
        act("H", Action.REOPEN, SUPERVISOR, t(10, 20, 9, 0), note="来电人再次反映")
        # I: three unanswered callbacks over more than 24 hours → 回访不成功办结.
        a("I", t(10, 9, 9, 40))
        act("I", Action.DISPATCH, CITY, t(10, 9, 10, 15), to="zjj")
        act("I", Action.ACCEPT, HOUSING, t(10, 9, 10, 20))
        act("I", Action.REPLY, HOUSING, t(10, 10, 9, 30), **REPLY)
        act("I", Action.REVIEW, TAKER, t(10, 10, 10, 30), passed=True)
        act("I", Action.VISIT, TAKER, t(10, 10, 11, 0), outcome="unreachable")
        act("I", Action.VISIT, TAKER, t(10, 10, 15, 0), outcome="unreachable")
        act("I", Action.VISIT, TAKER, t(10, 11, 12, 0), outcome="unreachable")
        return self


@pytest.fixture
def october(session) -> October:
    return October(session).build()
