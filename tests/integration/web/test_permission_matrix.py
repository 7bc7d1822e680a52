"""Every role (and nobody) against every operation of the API and every page, reads and writes.

Expectations are never written out by hand: a page's role guard is read from the route's own `require(...)`
dependency, order actions from the lifecycle table (`lifecycle.authorize`), knowledge-item actions from the item
table (`knowledge.states`), order creation from `CENTRE_ROLES` and reveals from `privacy.may_reveal` — and the test
asserts that what the API and the pages answer (status and the very message) agrees with that one source.
"""

from __future__ import annotations

import uuid

import pytest
from fastapi.routing import APIRoute

from liandong.app import create_app
from liandong.core.actor import CENTRE_ROLES, Actor, Role
from liandong.core.clock import now
from liandong.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from liandong.db import session_factory, unit_of_work
from liandong.knowledge import items as kb_items
from liandong.knowledge import states as kb_states
from liandong.knowledge.models import Item
from liandong.workorder import lifecycle, privacy, service
from liandong.workorder.lifecycle import Action
from liandong.workorder.models import WorkOrder

from .conftest import USERS

# Open to everyone by design: the citizens' pages (a challenge and throttles guard their writes) and Open311 GeoReport
# v2 (public reads, as the standard has them; a write needs an api_key).
OPEN_PREFIXES = ("/public", "/open311/")
PUBLIC = {"/login", "/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/favicon.ico", "/metrics"}
ROLES = list(USERS)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Covered by the table-driven tests below (every role × every action), not by the generic sweep.
TABLE_DRIVEN = {"/api/orders/{order_id}/actions", "/orders/{order_id}/act", "/api/kb/items/{item_id}/{action}", "/kb/items/{item_id}/act",
                "/api/orders", "/api/orders/{order_id}/reveal"}
# Log-in and log-out change who the tab is; they have their own tests (test_web_auth, test_sessions).
SESSION_ROUTES = {"/login", "/logout"}
STATUS = {PermissionDenied: 403, InvalidTransition: 409, NotFound: 404}
ADMIN = Actor("matrix-admin", Role.ADMIN)
# Calls take about 200 ms on the shared machine: the default run takes three roles outside the centre's core (the
# call-taker, a unit, a county sub-centre); `-m slow` runs every role, and every order action in every stage.
QUICK_ROLES = ["w_taker", "w_zjj", "w_county"]
ROLE_PARAMS = [pytest.param(u) if u in QUICK_ROLES else pytest.param(u, marks=pytest.mark.slow) for u in ROLES]


def _walk(routes, prefix: str = ""):
    """Every APIRoute, through included routers (FastAPI keeps them nested) with their prefixes."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            yield from _walk(original.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def _operations(engine) -> list[tuple[str, str, APIRoute]]:
    found = set()
    result = []
    for path, route in _walk(create_app(engine).routes):
        for method in sorted(route.methods - {"HEAD"}):
            if (method, path) not in found:
                found.add((method, path))
                result.append((method, path, route))
    return result


def _guards(dependant, found: list) -> list:
    for sub in dependant.dependencies:
        call = sub.call
        names = getattr(getattr(call, "__code__", None), "co_freevars", ())
        if "roles" in names and call.__closure__:
            found.append(frozenset(dict(zip(names, (c.cell_contents for c in call.__closure__)))["roles"]))
        _guards(sub, found)
    return found


def required_roles(route: APIRoute) -> frozenset | None:
    """The roles the route's own `require(...)` guard admits (administrators always), or None when it has none."""
    guards = _guards(route.dependant, [])
    if not guards:
        return None
    admitted = frozenset.intersection(*guards)
    return admitted | {Role.ADMIN}


def actor_of(username: str) -> Actor:
    role, department = USERS[username]
    return Actor(name=username, role=Role(role), department_code=department)


@pytest.fixture(scope="module")
def fixtures(engine):
    """One order in each stage of the lifecycle, a knowledge item in each state, a nuisance flag id and a report code."""
    steps = [
        (Action.DISPATCH, {"to": "zjj", "note": "请核查"}),
        (Action.ACCEPT, {}),
        (Action.REPLY, {"result": "resolved", "note": "已现场核查处理", "handler": "王干事", "handler_phone": "03563000000", "contacted": True}),
        (Action.REVIEW, {"passed": True}),
        (Action.VISIT, {"outcome": "reached", "satisfaction": 4, "resolved": True}),
    ]
    orders = []
    with unit_of_work(engine) as session:
        for depth in range(len(steps) + 1):
            order = service.create_order(session, actor=ADMIN, now=now(), content=f"小区路灯不亮多日，夜间出行不便 {uuid.uuid4().hex[:6]}",
                                         request_type="complaint", caller_phone="13800001111", caller_name="赵先生", division_code="140502")
            for action, inputs in steps[:depth]:
                service.act(session, order_id=order.id, action=action, actor=ADMIN, now=now(), **inputs)
            orders.append(order.id)
        supervisor = Actor("matrix-supervisor", Role.SUPERVISOR)
        items = []
        for target in ("draft", "in_review", "approved", "published", "expired"):
            item = kb_items.create_item(session, actor=supervisor, now=now(), question=f"路灯坏了找谁 {uuid.uuid4().hex[:6]}",
                                        answer="请联系市城市管理局。", department_code="cgj" if len(items) % 2 else "zjj")
            path = {"draft": [], "in_review": ["submit"], "approved": ["submit", "approve"], "published": ["submit", "approve", "publish"],
                    "expired": ["submit", "approve", "publish", "expire"]}[target]
            for step in path:
                kb_items.transition(session, actor=supervisor, now=now(), item_id=item.id, action=kb_states.ItemAction(step))
            items.append(item.id)
    return {"orders": orders, "items": items}


def _fill(path: str, fixtures) -> str:
    values = {"order_id": fixtures["orders"][0], "item_id": fixtures["items"][0], "action": "submit", "flag_id": 1, "code": "2023-10",
              "hotspot_id": 1, "attachment_id": 1, "passage_id": 1, "panel": "trend", "fmt": "pdf"}
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def test_the_route_walker_sees_every_router(engine):
    """The GET matrix once iterated over nothing: FastAPI nests included routers, and only three routes were seen."""
    paths = {path for _, path, _ in _operations(engine)}
    assert {"/api/orders/{order_id}/actions", "/orders/{order_id}/act", "/admin/users", "/api/kb/items", "/supervision"} <= paths
    assert len(paths) > 60


def test_nobody_gets_in_anonymously(browser, engine, fixtures):
    tab = browser()
    for method, path, _route in _operations(engine):
        if path in PUBLIC or path in SESSION_ROUTES:
            continue
        response = tab.client.request(method, _fill(path, fixtures), follow_redirects=False)
        assert response.status_code < 500, (method, path, response.status_code)
        if path.startswith(OPEN_PREFIXES):
            assert method not in WRITES or response.status_code >= 400, (method, path, response.status_code)
        elif path in ("/api/link/messages", "/api/link/batch"):
            assert response.status_code >= 400, path  # a peer proves itself by signature, never by being anonymous
        elif path.startswith("/api/") and not path.startswith("/api/catalog/"):
            assert response.status_code == 401, (method, path, response.status_code)
        elif not path.startswith("/api/"):
            login = response.status_code in (303, 401) and "/login" in response.headers.get("location", "/login")
            assert login or (method in WRITES and response.status_code == 403), (method, path, response.status_code)


@pytest.mark.parametrize("username", ROLE_PARAMS)
def test_every_role_against_every_route(browser, engine, fixtures, username):
    """Every read and write route: a role outside the route's guard is refused (403) and nothing answers 5xx."""
    tab = browser(username)
    tab.get("/orders")
    role = Role(USERS[username][0])
    for method, path, route in _operations(engine):
        if path in PUBLIC or path in SESSION_ROUTES or path in TABLE_DRIVEN:
            continue
        url = _fill(path, fixtures)
        response = tab.post(url, {}) if method == "POST" and not path.startswith("/api/") else tab.client.request(method, url, follow_redirects=False)
        assert response.status_code < 500, (username, method, path, response.status_code, response.text[:300])
        admitted = required_roles(route)
        if admitted is not None and role not in admitted:
            assert response.status_code == 403, (username, method, path, response.status_code)
        elif admitted is not None:
            assert response.status_code != 403, (username, method, path, response.text[:300])


def _expected(exc: Exception | None) -> tuple[int | None, str | None]:
    if exc is None:
        return None, None
    return STATUS[type(exc)], exc.message


def _order_expectation(engine, order_id: int, actor: Actor, action: Action):
    with session_factory(engine)() as session:
        order = session.get(WorkOrder, order_id)
        if not service.visible_to(order, actor):
            return 404, None
        try:
            lifecycle.authorize(service.facts_of(order, now()), actor, action)
        except DomainError as refusal:
            return _expected(refusal)
    return None, None


def _agree(where: str, expected: tuple[int | None, str | None], status: int, message: str | None, ok: bool):
    code, text = expected
    if code is None:  # the table allows it: done, or refused only for its inputs (never by role, scope or state)
        assert ok or status in (409, 422), (where, status, message)
        if not ok and text is None:
            assert "无权" not in (message or "") and "当前状态为" not in (message or ""), (where, message)
    else:
        assert status == code, (where, code, status, message)
        if text is not None:
            assert message == text, (where, text, message)


def _sample(engine, orders: list[int], actor: Actor, action: Action) -> list[int]:
    """The order on which the table lets this actor take this action, else the first one it refuses (one call each)."""
    for order_id in orders:
        if _order_expectation(engine, order_id, actor, action)[0] is None:
            return [order_id]
    return orders[:1]


def _order_matrix(browser, engine, orders: list[int], username: str, *, every_stage: bool) -> None:
    actor = actor_of(username)
    tab = browser(username)
    tab.get("/orders")
    # The expectation is recomputed from the order's current state before every call, so whatever earlier calls did,
    # the table is asked about the state the service sees.
    for action in Action:
        for order_id in orders if every_stage else _sample(engine, orders, actor, action):
            expected = _order_expectation(engine, order_id, actor, action)
            response = tab.client.post(f"/api/orders/{order_id}/actions", json={"action": action.value})
            assert response.status_code < 500, (username, action, response.text)
            body = response.json()
            _agree(f"API {username} {action} #{order_id}", expected, response.status_code, body.get("detail"), response.status_code == 200)

            expected = _order_expectation(engine, order_id, actor, action)
            page = tab.post(f"/orders/{order_id}/act", {"action": action.value}, headers={"HX-Request": "true"})
            assert page.status_code == 200, (username, action, page.status_code)
            ok = 'class="done ok"' in page.text
            message = None if ok else _span_text(page.text)
            status = 200 if ok else _status_of_message(expected, message)
            _agree(f"page {username} {action} #{order_id}", expected, status, message, ok)


@pytest.mark.parametrize("username", ROLE_PARAMS)
def test_order_actions_follow_the_lifecycle_table(browser, engine, fixtures, username):
    """Every role × every action, by the API and by the order page's form, on an order where the table allows it
    (else where it refuses it)."""
    _order_matrix(browser, engine, fixtures["orders"], username, every_stage=False)


@pytest.mark.slow
@pytest.mark.parametrize("username", ROLES)
def test_order_actions_follow_the_lifecycle_table_in_every_stage(browser, engine, fixtures, username):
    """The same, on an order in every stage of the lifecycle (about a minute per role: `-m slow`)."""
    _order_matrix(browser, engine, fixtures["orders"], username, every_stage=True)


def _span_text(html: str) -> str:
    from html import unescape

    return unescape(html.split(">", 1)[1].rsplit("</span>", 1)[0])


def _status_of_message(expected, message: str) -> int:
    """A page answers in words: the table's own refusal message means the table's status; anything else is input."""
    code, text = expected
    if code is not None and (text is None and "不存在" in message or message == text):
        return code
    return 422


def _item_expectation(engine, item_id: int, actor: Actor, action: kb_states.ItemAction):
    with session_factory(engine)() as session:
        item = session.get(Item, item_id)
        if not kb_states.may_read(item.status, actor, item.department_code):
            return 404, None
        facts = kb_states.ItemFacts(kb_states.ItemStatus(item.status), item.department_code)
        try:
            kb_states.MACHINE.authorize(facts, actor, action)
        except DomainError as refusal:
            return _expected(refusal)
    return None, None


@pytest.mark.parametrize("username", ROLE_PARAMS)
def test_knowledge_item_actions_follow_the_item_table(browser, engine, fixtures, username):
    actor = actor_of(username)
    tab = browser(username)
    tab.get("/kb")
    actions = [a for a in kb_states.ItemAction if a not in (kb_states.ItemAction.CREATE, kb_states.ItemAction.EDIT)]
    for item_id in fixtures["items"]:
        for action in actions:
            expected = _item_expectation(engine, item_id, actor, action)
            response = tab.client.post(f"/api/kb/items/{item_id}/{action.value}", json={"note": "矩阵测试"})
            assert response.status_code < 500, (username, action, response.text)
            _agree(f"API {username} {action} item {item_id}", expected, response.status_code, response.json().get("detail"),
                   response.status_code == 200)
            expected = _item_expectation(engine, item_id, actor, action)
            page = tab.post(f"/kb/items/{item_id}/act", {"action": action.value, "note": "矩阵测试"})
            assert page.status_code in (303, 403, 404, 409, 422), (username, action, page.status_code, page.text[:200])
            flashed = tab.flashes("/kb")
            if expected[0] in (403, 409) and expected[1]:
                assert page.status_code == expected[0] or expected[1] in flashed, (username, action, item_id, page.status_code)
            if expected[0] == 404:
                assert page.status_code == 404 or "不存在" in flashed, (username, action, item_id, page.status_code)


@pytest.mark.parametrize("username", ROLE_PARAMS)
def test_creating_and_revealing_follow_their_rules(browser, engine, fixtures, username):
    actor = actor_of(username)
    tab = browser(username)
    created = tab.client.post("/api/orders", json={"content": "楼道灯坏了没人修", "request_type": "complaint", "division_code": "140502"})
    assert created.status_code == (201 if actor.role in CENTRE_ROLES else 403), (username, created.text)
    for order_id in fixtures["orders"]:
        with session_factory(engine)() as session:
            order = session.get(WorkOrder, order_id)
            visible = service.visible_to(order, actor)
            may = privacy.may_reveal(confidential=order.confidential, actor=actor)
        response = tab.client.post(f"/api/orders/{order_id}/reveal", json={"reason": "回访核实来电人身份"})
        assert response.status_code == (200 if visible and may else 404 if not visible else 403), (username, order_id, response.text)
