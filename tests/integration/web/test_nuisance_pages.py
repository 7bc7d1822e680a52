"""The supervisors' 恶意骚扰 page: flagged numbers with their calls as evidence; confirm, dismiss and lift on appeal."""

from __future__ import annotations

import uuid

from liandong.core.actor import Actor, Role
from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.workorder import nuisance, service
from liandong.workorder.lifecycle import Action

DESK = Actor("dispatcher", Role.DISPATCHER)


def _flagged(engine) -> tuple[int, str, list[str]]:
    phone = "137" + str(uuid.uuid4().int)[:8]
    numbers = []
    with unit_of_work(engine) as session:
        for _ in range(3):
            order = service.create_order(session, actor=DESK, now=now(), content="来电辱骂话务员", request_type="consult", caller_phone=phone)
            service.act(session, order_id=order.id, action=Action.MARK_INVALID, actor=DESK, now=now(), reason="malicious", note="辱骂")
            numbers.append(order.number)
        [flag] = [f for f in nuisance.list_flags(session) if f.caller_phone == phone]
        return flag.id, phone, numbers


def test_supervisors_review_flags_on_the_page_with_the_calls_as_evidence(browser, engine):
    flag_id, phone, numbers = _flagged(engine)
    tab = browser("w_supervisor")
    page = tab.get("/supervision/nuisance")
    assert page.status_code == 200 and phone in page.text and all(number in page.text for number in numbers)
    assert tab.post(f"/supervision/nuisance/{flag_id}/confirm", {"note": "确认骚扰"}).status_code == 303
    assert "已确认为恶意骚扰" in tab.flashes("/supervision/nuisance?status=confirmed")
    # Lifting without a reason changes nothing and says why.
    tab.get("/supervision/nuisance?status=confirmed")
    tab.post(f"/supervision/nuisance/{flag_id}/lift", {"note": ""})
    assert "须说明理由" in tab.flashes("/supervision/nuisance?status=confirmed")
    tab.post(f"/supervision/nuisance/{flag_id}/lift", {"note": "来电人申诉，经核实为正常诉求"})
    lifted = tab.flashes("/supervision/nuisance?status=lifted")
    assert "已解除骚扰标记" in lifted and "来电人申诉" in lifted
    # Odd ids are refusals, never server errors.
    for bad in ("99999999", "²", "9" * 30):
        assert tab.post(f"/supervision/nuisance/{bad}/confirm", {"note": ""}).status_code == 303
    # A dispatcher or unit may not open or post it.
    for username in ("w_dispatcher", "w_zjj", "w_leader"):
        other = browser(username)
        assert other.get("/supervision/nuisance").status_code == 403
        other.get("/orders")
        assert other.post(f"/supervision/nuisance/{flag_id}/dismiss", {"note": ""}).status_code == 403
    admin = browser("w_admin")
    masked = admin.get("/supervision/nuisance?status=lifted").text
    assert phone not in masked and phone[:3] + "****" + phone[-4:] in masked  # administrators see numbers masked
