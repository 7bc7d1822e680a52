"""One list of actions, rendered everywhere: for every status, the API's `allowed_actions`, the order page's forms
and the queue rows show exactly what the lifecycle permits that person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from liandong.account import service as accounts
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.db import unit_of_work
from liandong.workorder import service
from liandong.workorder.lifecycle import Action, Status

from .conftest import PASSWORD

ADMIN = Actor("setup", Role.ADMIN, records_history=True)
REPLY = {"result": "resolved", "note": "已处理完毕并告知来电人", "handler": "王工", "handler_phone": "13800000000", "contacted": True}
# How to bring a fresh 泽州县 order to each status (as the administrator, so every step is allowed).
PATHS: dict[Status, list[tuple[Action, dict]]] = {
    Status.RECEIVED: [],
    Status.AT_SUB_CENTRE: [(Action.DISPATCH, {"to": "zz-12345"})],
    Status.DISPATCHED: [(Action.DISPATCH, {"to": "zz-12345"}), (Action.DISPATCH, {"to": "zz-bgz", "assist": ["zz-zjj"]})],
    Status.IN_PROGRESS: [(Action.DISPATCH, {"to": "zz-12345"}), (Action.DISPATCH, {"to": "zz-bgz", "assist": ["zz-zjj"]}), (Action.ACCEPT, {})],
    Status.EXTENSION_REQUESTED: [(Action.DISPATCH, {"to": "zz-12345"}), (Action.DISPATCH, {"to": "zz-bgz"}), (Action.ACCEPT, {}),
                                 (Action.REQUEST_EXTENSION, {"note": "需核查", "days": 2})],
    Status.OBJECTED: [(Action.DISPATCH, {"to": "zz-12345"}), (Action.DISPATCH, {"to": "zz-bgz"}), (Action.OBJECT, {"reason": "wrong_area", "note": "不在本镇"})],
    Status.RETURNED: [(Action.DISPATCH, {"to": "zjj"}), (Action.RETURN, {"note": "属地事项"})],
    Status.REPLIED: [(Action.DISPATCH, {"to": "zz-12345"}), (Action.DISPATCH, {"to": "zz-bgz"}), (Action.ACCEPT, {}), (Action.REPLY, REPLY)],
    Status.AWAITING_CALLBACK: [(Action.DISPATCH, {"to": "zz-12345"}), (Action.DISPATCH, {"to": "zz-bgz"}), (Action.ACCEPT, {}), (Action.REPLY, REPLY),
                               (Action.REVIEW, {"passed": True})],
    Status.CLOSED: [(Action.DISPATCH, {"to": "zz-12345"}), (Action.DISPATCH, {"to": "zz-bgz"}), (Action.ACCEPT, {}), (Action.REPLY, REPLY),
                    (Action.REVIEW, {"passed": True}), (Action.VISIT, {"outcome": "reached", "satisfaction": "5", "resolved": True})],
    Status.TRANSFERRED_110: [(Action.TRANSFER_110, {"to": "110", "note": "正在打架"})],
    Status.TRANSFERRED_12345: [(Action.TRANSFER_12345, {"note": "非警务求助"})],
}
PEOPLE = {
    "a_taker": ("call_taker", None),
    "a_dispatcher": ("dispatcher", None),
    "a_zz": ("county_dispatcher", "zz-12345"),
    "a_bgz": ("unit_handler", "zz-bgz"),
    "a_zzzjj": ("unit_handler", "zz-zjj"),
    "a_supervisor": ("supervisor", None),
}
# The queue each person works from, per status (where the order appears for them).
QUEUES = {
    "a_dispatcher": {Status.RECEIVED: "/dispatch?tab=new", Status.RETURNED: "/dispatch?tab=returned", Status.AT_SUB_CENTRE: "/dispatch?tab=counties",
                     Status.EXTENSION_REQUESTED: "/dispatch?tab=extensions"},
    "a_zz": {Status.AT_SUB_CENTRE: "/dispatch?tab=new", Status.OBJECTED: "/dispatch?tab=objections", Status.EXTENSION_REQUESTED: "/dispatch?tab=extensions",
             Status.DISPATCHED: "/dispatch?tab=county", Status.IN_PROGRESS: "/dispatch?tab=county"},
    "a_bgz": {Status.DISPATCHED: "/unit?tab=sign", Status.IN_PROGRESS: "/unit?tab=doing", Status.EXTENSION_REQUESTED: "/unit?tab=extension",
              Status.OBJECTED: "/unit?tab=objected", Status.REPLIED: "/unit?tab=replied", Status.AWAITING_CALLBACK: "/unit?tab=replied"},
    "a_zzzjj": {Status.DISPATCHED: "/unit?tab=assist", Status.IN_PROGRESS: "/unit?tab=assist"},
}
FORM = re.compile(r'id="form-([a-z_0-9]+)"')


@pytest.fixture(scope="module")
def orders(engine):
    now = clock_now()
    made: dict[Status, int] = {}
    with unit_of_work(engine) as session:
        for username, (role, unit) in PEOPLE.items():
            if accounts.find_user(session, username) is None:
                accounts.create_user(session, now=now, username=username, password=PASSWORD, role=role, department_code=unit)
    for status, path in PATHS.items():
        with unit_of_work(engine) as session:
            order = service.create_order(session, actor=ADMIN, now=now, content="泽州县巴公镇锦绣小区夜间装修噪音扰民", request_type="complaint",
                                         division_code="140525", received_at=now - timedelta(hours=3))
            for action, inputs in path:
                service.act(session, order_id=order.id, action=action, actor=ADMIN, now=now, **inputs)
            made[status] = order.id
    return made


@pytest.mark.parametrize("username", list(PEOPLE))
def test_api_page_and_queue_show_the_same_actions(browser, orders, username):
    tab = browser(username)
    for status, order_id in orders.items():
        api = tab.client.get(f"/api/orders/{order_id}")
        if api.status_code == 404:
            assert tab.get(f"/orders/{order_id}").status_code == 404  # not theirs: neither shows it
            continue
        allowed = set(api.json()["allowed_actions"])
        page = tab.get(f"/orders/{order_id}")
        assert set(FORM.findall(page.text)) == allowed, (username, status)
        queue = QUEUES.get(username, {}).get(status)
        if queue:
            row = re.search(rf'data-order="{order_id}" data-actions="([^"]*)"', tab.get(queue).text)
            assert row is not None, (username, status, queue)
            assert set(row.group(1).split()) == allowed, (username, status)
