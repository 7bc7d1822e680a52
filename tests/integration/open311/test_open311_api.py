"""Open311 GeoReport v2 end to end on SQLite and PostgreSQL: every response checked against the specification's
field lists in XML and JSON, the spec's errors, the filters, POST then GET, and the service-request-updates extension."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from liandong.account import tokens
from liandong.app import create_app
from liandong.core.actor import Actor, Role
from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.open311.models import Open311Request, Open311Update
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action
from liandong.workorder.models import OrderEvent, WorkOrder

# The field lists of the specification (wiki.open311.org/GeoReport_v2, Service_Discovery, and mySociety's
# servicerequestupdates extension), written out here rather than taken from the code under test.
DISCOVERY = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT = {"specification", "url", "changeset", "type", "formats"}
SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
DEFINITION = {"service_code", "attributes"}
ATTRIBUTE = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
VALUE = {"key", "name"}
POSTED = {"service_request_id", "service_notice", "account_id"}  # token is not returned with service_request_id
TOKEN = {"service_request_id", "token"}
REQUEST = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
    "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
    "lat", "long", "media_url",
}
UPDATE = {"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"}
POSTED_UPDATE = {"update_id"}
ERROR = {"code", "description"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
W3 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
V2 = "/open311/v2"
CODE = "0101003"  # 城乡建设 / 安全生产 / 安全隐患
PHONE = "13812345678"


# ---------------------------------------------------------------- reading both formats into one shape


def _xml(element: ElementTree.Element):
    children = list(element)
    if not children:
        return element.text
    return {child.tag: _xml(child) for child in children}


def _xml_list(body: bytes, root: str, item: str) -> list[dict]:
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    tree = ElementTree.fromstring(body)
    assert tree.tag == root
    assert all(child.tag == item for child in tree)
    return [{child.tag: child for child in element} for element in tree]


def _fields(record, expected: set[str]) -> None:
    assert set(record) == expected, set(record) ^ expected


def _check_request(record: dict, *, xml: bool) -> None:
    _fields(record, REQUEST)
    text = (lambda k: record[k].text) if xml else (lambda k: record[k])
    assert text("status") in ("open", "closed")
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3.match(text(key)), text(key)
    assert text("service_request_id")
    assert text("status_notes")


def _check_errors(response, status: int, fmt: str) -> str:
    assert response.status_code == status
    if fmt == "json":
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        body = response.json()
        assert isinstance(body, list) and body
        for error in body:
            _fields(error, ERROR)
        assert body[0]["code"] == status
        return body[0]["description"]
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    errors = _xml_list(response.content, "errors", "error")
    for error in errors:
        _fields(error, ERROR)
    assert errors[0]["code"].text == str(status)
    return errors[0]["description"].text


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(engine)) as http:
        yield http


def _key(engine, scopes=("open311:write",), role="call_taker") -> str:
    with unit_of_work(engine) as session:
        _row, secret = tokens.create_token(session, now=now(), name=f"o311-{uuid.uuid4().hex[:8]}", role=role, scopes=list(scopes))
    return secret


@pytest.fixture(scope="module")
def key(engine) -> str:
    return _key(engine)


def _form(key: str, **extra) -> dict:
    form = {
        "api_key": key,
        "service_code": CODE,
        "lat": "35.4903",
        "long": "112.8561",
        "address_string": "巴公镇锦绣小区东门",
        "description": "小区门口井盖缺失，晚上很危险，联系王女士" + PHONE,
        "attribute[request_type]": "help",
        "attribute[county]": "140525",
        "last_name": "张",
        "first_name": "三",
        "phone": PHONE,
        "email": "zhang@example.com",
        "media_url": "https://img.example.com/well.jpg",
    }
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def _counts(engine) -> tuple[int, int, int]:
    with unit_of_work(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(WorkOrder)),
            session.scalar(select(func.count()).select_from(OrderEvent)),
            session.scalar(select(func.count()).select_from(Open311Update)),
        )


def _post(client, key, fmt="json", **extra):
    return client.post(f"{V2}/requests.{fmt}", data=_form(key, **extra))


# ---------------------------------------------------------------- discovery and services


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery_has_every_field(client, fmt):
    response = client.get(f"{V2}/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        _fields(body, DISCOVERY)
        (endpoint,) = body["endpoints"]
        _fields(endpoint, ENDPOINT)
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    else:
        tree = ElementTree.fromstring(response.content)
        assert tree.tag == "discovery"
        _fields({child.tag for child in tree}, DISCOVERY)
        endpoint = tree.find("endpoints/endpoint")
        _fields({child.tag for child in endpoint}, ENDPOINT)
        assert {f.text for f in endpoint.findall("formats/format")} == {"text/xml", "application/json"}
        body = {"endpoints": [{"specification": endpoint.findtext("specification"), "url": endpoint.findtext("url"), "type": endpoint.findtext("type")}]}
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["url"].endswith("/open311/v2")
    assert body["endpoints"][0]["type"] in ("production", "test")


def test_services_are_our_bottom_level_categories(client):
    listed = client.get(f"{V2}/services.json").json()
    assert len(listed) > 400  # 517 third-level categories in the default catalogue
    for service in listed:
        _fields(service, SERVICE)
        assert service["type"] in ("realtime", "batch", "blackbox") and isinstance(service["metadata"], bool)
    mine = next(s for s in listed if s["service_code"] == CODE)
    assert (mine["service_name"], mine["group"], mine["description"]) == ("安全隐患", "城乡建设", "城乡建设 / 安全生产 / 安全隐患")
    assert mine["type"] == "realtime" and "安全生产" in mine["keywords"].split(",")
    xml = _xml_list(client.get(f"{V2}/services.xml").content, "services", "service")
    assert len(xml) == len(listed)
    for service in xml:
        _fields(service, SERVICE)
        assert service["metadata"].text in ("true", "false")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_service_definition_has_the_spec_fields(client, fmt):
    response = client.get(f"{V2}/services/{CODE}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        _fields(body, DEFINITION)
        attributes = body["attributes"]
        for attribute in attributes:
            _fields(attribute, ATTRIBUTE)
            assert attribute["datatype"] in DATATYPES and isinstance(attribute["required"], bool)
            for value in attribute["values"]:
                _fields(value, VALUE)
        codes = {a["code"]: a for a in attributes}
        assert codes["request_type"]["required"] is True
        assert {v["key"] for v in codes["request_type"]["values"]} == {"consult", "help", "complaint", "report", "suggestion"}
        assert "140525" in {v["key"] for v in codes["county"]["values"]}
    else:
        tree = ElementTree.fromstring(response.content)
        assert tree.tag == "service_definition" and tree.findtext("service_code") == CODE
        _fields({child.tag for child in tree}, DEFINITION)
        for attribute in tree.findall("attributes/attribute"):
            _fields({child.tag for child in attribute}, ATTRIBUTE)
            assert attribute.findtext("required") in ("true", "false")
            for value in attribute.findall("values/value"):
                _fields({child.tag for child in value}, VALUE)


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("code", ["9999999", "01", "0101"])  # unknown, and categories that are not at the bottom
def test_an_unknown_service_is_404(client, fmt, code):
    assert "service_code" in _check_errors(client.get(f"{V2}/services/{code}.{fmt}"), 404, fmt)


# ---------------------------------------------------------------- POST then GET


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_then_get_round_trip(client, engine, key, fmt):
    response = _post(client, key, fmt, account_id="acct-7")
    assert response.status_code == 200
    if fmt == "json":
        (posted,) = response.json()
        _fields(posted, POSTED)
        sid, account = posted["service_request_id"], posted["account_id"]
        assert "前答复" in posted["service_notice"]
    else:
        (posted,) = _xml_list(response.content, "service_requests", "request")
        _fields(posted, POSTED)
        sid, account = posted["service_request_id"].text, posted["account_id"].text
    assert account == "acct-7"
    with unit_of_work(engine) as session:
        order = session.get(WorkOrder, int(sid))
        assert (order.channel, order.category_code, order.request_type, order.division_code) == ("open311", CODE, "help", "140525")
        assert (order.caller_name, order.caller_phone, order.created_by.startswith("token:o311-")) == ("张三", PHONE, True)
        extra = session.get(Open311Request, order.id)
        assert (extra.latitude, extra.longitude, extra.media_url) == (35.4903, 112.8561, "https://img.example.com/well.jpg")
        assert order.triage["platform"] == "12345"  # the desk's own triage, kept for the dispatcher
        number = order.number

    for read in ("json", "xml"):
        got = client.get(f"{V2}/requests/{sid}.{read}")
        assert got.status_code == 200
        assert PHONE not in got.text and "张三" not in got.text and "zhang@example.com" not in got.text
        if read == "json":
            (record,) = got.json()
            _check_request(record, xml=False)
            assert (record["lat"], record["long"], record["media_url"]) == (35.4903, 112.8561, "https://img.example.com/well.jpg")
            assert (record["status"], record["service_code"], record["service_name"]) == ("open", CODE, "安全隐患")
            assert number in record["status_notes"] and "已受理，正在分派" in record["status_notes"] and "最近一步：诉求已受理" in record["status_notes"]
            assert record["description"].startswith("小区门口井盖缺失") and "王女士" not in record["description"]
            assert record["address"] == "巴公镇锦绣小区东门" and record["address_id"].startswith("140525")
        else:
            (record,) = _xml_list(got.content, "service_requests", "request")
            _check_request(record, xml=True)
            assert record["service_request_id"].text == sid and record["lat"].text == "35.4903"

    for read in ("json", "xml"):
        got = client.get(f"{V2}/tokens/{number}.{read}")
        assert got.status_code == 200
        record = got.json()[0] if read == "json" else {k: v.text for k, v in _xml_list(got.content, "service_requests", "request")[0].items()}
        _fields(record, TOKEN)
        assert record == {"service_request_id": sid, "token": number}


def test_an_address_id_places_the_order_in_its_township(client, engine, key):
    response = _post(client, key, lat=None, long=None, address_string=None, address_id="140525108", **{"attribute[county]": None})
    assert response.status_code == 200, response.text
    with unit_of_work(engine) as session:
        order = session.get(WorkOrder, int(response.json()[0]["service_request_id"]))
        assert (order.division_code, order.town_code) == ("140525", "140525108")


# ---------------------------------------------------------------- errors change nothing


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(
    ("change", "status", "word"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "ld_not-a-real-key"}, 403, "api_key"),
        ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "9999999"}, 404, "service_code"),
        ({"lat": None, "long": None, "address_string": None}, 400, "位置"),
        ({"long": None}, 400, "lat 与 long"),
        ({"lat": "north"}, 400, "lat"),
        ({"long": "181"}, 400, "long"),
        ({"address_string": None, "lat": None, "long": None, "address_id": "999"}, 400, "address_id"),
        ({"description": None}, 400, "description"),
        ({"description": "坑" * 4001}, 400, "description"),
        ({"attribute[request_type]": None}, 400, "request_type"),
        ({"attribute[request_type]": "praise"}, 400, "诉求类型"),
        ({"attribute[county]": "110101"}, 400, "county"),
        ({"attribute[colour]": "red"}, 400, "attribute"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"nickname": "x"}, 400, "nickname"),
        ({"phone": "12"}, 400, ""),
        ({"description": "楼道里着火了，浓烟很大，有人被困"}, 400, "119"),  # an emergency: call 119 now, not a queue
    ],
)
def test_bad_posts_are_refused_as_the_spec_says_and_change_nothing(client, engine, key, fmt, change, status, word):
    before = _counts(engine)
    description = _check_errors(_post(client, key, fmt, **change), status, fmt)
    assert word in description
    assert re.search(r"[\u4e00-\u9fff]", description)  # Chinese for the people reading it
    assert _counts(engine) == before


@pytest.mark.parametrize(("scopes", "role"), [(("orders:read", "orders:write"), "call_taker"), (("open311:write",), "unit_handler")])
def test_a_key_without_the_scope_or_a_role_that_may_receive_orders_is_403(client, engine, scopes, role):
    unit = "zjj" if role == "unit_handler" else None
    with unit_of_work(engine) as session:
        _row, secret = tokens.create_token(session, now=now(), name=f"o311-{uuid.uuid4().hex[:8]}", role=role, department_code=unit, scopes=list(scopes))
    before = _counts(engine)
    _check_errors(_post(client, secret, "xml"), 403, "xml")
    assert _counts(engine) == before


def test_a_revoked_key_is_403(client, engine):
    name = f"o311-{uuid.uuid4().hex[:8]}"
    with unit_of_work(engine) as session:
        _row, secret = tokens.create_token(session, now=now(), name=name, scopes=["open311:write"])
        tokens.revoke_token(session, name=name, now=now())
    _check_errors(_post(client, secret), 403, "json")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_reads_refuse_a_wrong_jurisdiction_and_accept_ours(client, fmt):
    for path in ("services", "requests", "servicerequestupdates", f"services/{CODE}"):
        _check_errors(client.get(f"{V2}/{path}.{fmt}", params={"jurisdiction_id": "sfgov.org"}), 404, fmt)
        assert client.get(f"{V2}/{path}.{fmt}", params={"jurisdiction_id": "140500"}).status_code == 200


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_ids_tokens_paths_and_formats_are_404(client, fmt):
    for path in ("requests/999999999", "requests/abc", "tokens/JC-19990101-999999", "nothing/here"):
        _check_errors(client.get(f"{V2}/{path}.{fmt}"), 404, fmt)
    _check_errors(client.get(f"{V2}/requests.csv"), 404, "xml")


def test_a_post_must_be_form_encoded(client, key):
    _check_errors(client.post(f"{V2}/requests.json", json=_form(key)), 400, "json")


# ---------------------------------------------------------------- filters


@pytest.fixture(scope="module")
def history(engine):
    """Orders at known times: 10 and 100 days ago, one closed, one confidential, one closed as invalid."""
    desk = Actor("o311-desk", Role.CALL_TAKER, records_history=True)
    at = now()
    made = {}
    with unit_of_work(engine) as session:
        def make(key, days, **kw):
            order = orders.create_order(
                session, actor=desk, now=at, content=kw.pop("content", "路灯不亮，晚上出行不便"), received_at=at - timedelta(days=days),
                division_code="140525", category_code=kw.pop("category_code", "0101001"), **kw
            )
            made[key] = order
            return order

        make("recent", 10, request_type="complaint")
        make("old", 100, request_type="complaint")
        answered = make("closed", 5, request_type="consult", content="身份证丢了怎么补办")
        orders.act(session, order_id=answered.id, action=Action.ANSWER_DIRECTLY, actor=desk, now=at, note="携户口簿到派出所办理")
        make("secret", 3, request_type="complaint", confidential=True)
        invalid = make("invalid", 2, request_type="complaint", content="无实质内容的来电")
        orders.act(session, order_id=invalid.id, action=Action.MARK_INVALID, actor=desk, now=at, reason="invalid", note="无实质内容")
        ids = {key: str(order.id) for key, order in made.items()}
    return ids


def _ids(client, fmt="json", **params) -> list[str]:
    response = client.get(f"{V2}/requests.{fmt}", params=params)
    assert response.status_code == 200, response.text
    if fmt == "json":
        for record in response.json():
            _check_request(record, xml=False)
        return [record["service_request_id"] for record in response.json()]
    records = _xml_list(response.content, "service_requests", "request")
    for record in records:
        _check_request(record, xml=True)
    return [record["service_request_id"].text for record in records]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_filters(client, history, fmt):
    default = _ids(client, fmt)
    assert history["recent"] in default and history["closed"] in default
    assert history["old"] not in default  # the most recent 90 days
    assert history["secret"] not in default and history["invalid"] not in default  # never published
    assert len(default) <= 1000
    start = (now() - timedelta(days=120)).isoformat()
    end = (now() - timedelta(days=60)).isoformat()
    ranged = _ids(client, fmt, start_date=start, end_date=end)
    assert history["old"] in ranged and history["recent"] not in ranged
    closed = _ids(client, fmt, status="closed")
    assert history["closed"] in closed and history["recent"] not in closed
    opened = _ids(client, fmt, status="open")
    assert history["recent"] in opened and history["closed"] not in opened
    assert set(_ids(client, fmt, status="open,closed")) == set(default)
    coded = _ids(client, fmt, service_code="0101001")
    assert history["recent"] in coded and all(i in default for i in coded)
    assert history["recent"] not in _ids(client, fmt, service_code="0101002,0101003")
    # service_request_id overrides every other argument, the 90 days included; unpublished ids stay hidden.
    picked = _ids(client, fmt, service_request_id=",".join([history["old"], history["recent"], history["secret"]]), status="closed")
    assert set(picked) == {history["old"], history["recent"]}
    _check_errors(client.get(f"{V2}/requests/{history['secret']}.{fmt}"), 404, fmt)
    (closed_record,) = client.get(f"{V2}/requests/{history['closed']}.json").json()
    assert closed_record["status"] == "closed" and closed_record["service_notice"].startswith("已于")
    assert "已办结" in closed_record["status_notes"] and "直接答复" in closed_record["status_notes"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2023-01-01"},  # no time zone
        {"start_date": "yesterday"},
        {"start_date": "2023-01-01T00:00:00Z", "end_date": "2023-06-01T00:00:00Z"},  # over 90 days
        {"start_date": "2023-06-01T00:00:00Z", "end_date": "2023-01-01T00:00:00Z"},  # backwards
        {"status": "pending"},
        {"service_request_id": "1,x"},
        {"end_date": "0001-01-01T00:00:00Z"},
    ],
)
def test_bad_filters_are_400(client, fmt, params):
    _check_errors(client.get(f"{V2}/requests.{fmt}", params=params), 400, fmt)


# ---------------------------------------------------------------- the updates extension


def _update_form(key, sid, **extra):
    form = {"api_key": key, "service_request_id": sid, "update_id": f"fms-{uuid.uuid4().hex[:8]}", "status": "OPEN",
            "updated_datetime": "2026-12-01T10:00:00Z", "description": "井盖旁边又塌了一块，请尽快处理"}
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_updates_extension(client, engine, key, fmt):
    sid = _post(client, key).json()[0]["service_request_id"]
    form = _update_form(key, sid, media_url="https://img.example.com/more.jpg")
    response = client.post(f"{V2}/servicerequestupdates.{fmt}", data=form)
    assert response.status_code == 200, response.text
    if fmt == "json":
        (posted,) = response.json()
    else:
        posted = {k: v.text for k, v in _xml_list(response.content, "service_request_updates", "request_update")[0].items()}
    _fields(posted, POSTED_UPDATE)
    before = _counts(engine)
    again = client.post(f"{V2}/servicerequestupdates.{fmt}", data=form)  # a retry: applied once
    assert again.status_code == 200 and again.content == response.content
    assert _counts(engine) == before
    with unit_of_work(engine) as session:
        event = session.get(OrderEvent, int(posted["update_id"]))
        assert (event.order_id, event.action) == (int(sid), "append")
        assert "井盖旁边又塌了一块" in event.note and "https://img.example.com/more.jpg" in event.note

    start = (now() - timedelta(minutes=10)).isoformat()
    listed = client.get(f"{V2}/servicerequestupdates.{fmt}", params={"start_date": start})
    assert listed.status_code == 200
    if fmt == "json":
        records = listed.json()
        for record in records:
            _fields(record, UPDATE)
            assert record["status"] in ("open", "closed") and W3.match(record["updated_datetime"])
    else:
        records = []
        for record in _xml_list(listed.content, "service_request_updates", "request_update"):
            _fields(record, UPDATE)
            records.append({k: v.text for k, v in record.items()})
    mine = [record for record in records if record["service_request_id"] == sid]
    assert [record["description"].split("（")[0].split("。")[0] for record in mine] == ["诉求已受理", "补充了诉求内容"]
    assert mine[1]["update_id"] == posted["update_id"] and "井盖旁边又塌了一块" in mine[1]["description"]
    assert all(PHONE not in record["description"] for record in records)


def test_internal_notes_are_not_published_in_updates(client, engine, history):
    with unit_of_work(engine) as session:
        orders.act(session, order_id=int(history["recent"]), action=Action.REMIND, actor=Actor("o311-sup", Role.SUPERVISOR), now=now(), note="内部催办：请张科长今天处理")
    records = [r for r in client.get(f"{V2}/servicerequestupdates.json").json() if r["service_request_id"] == history["recent"]]
    # A 催办 is an internal working step: not published at all (the citizen's own page does not show it either).
    assert records and all("催办" not in r["description"] and "张科长" not in r["description"] for r in records)
    assert all(r["service_request_id"] not in (history["secret"], history["invalid"]) for r in client.get(f"{V2}/servicerequestupdates.json").json())


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": None}, 403),
        ({"api_key": "ld_wrong"}, 403),
        ({"service_request_id": "999999999"}, 404),
        ({"jurisdiction_id": "elsewhere.gov"}, 404),
        ({"update_id": None}, 400),
        ({"status": "FIXED_MAYBE"}, 400),
        ({"updated_datetime": "2026-12-01 10:00"}, 400),
        ({"description": None}, 400),
        ({"update_id": "u" * 65}, 400),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(client, engine, key, fmt, change, status):
    sid = _post(client, key).json()[0]["service_request_id"]
    before = _counts(engine)
    _check_errors(client.post(f"{V2}/servicerequestupdates.{fmt}", data=_update_form(key, sid, **change)), status, fmt)
    assert _counts(engine) == before


def test_an_update_to_a_confidential_order_is_404(client, engine, key, history):
    before = _counts(engine)
    _check_errors(client.post(f"{V2}/servicerequestupdates.json", data=_update_form(key, history["secret"])), 404, "json")
    assert _counts(engine) == before


def test_json_bodies_are_utf8_not_escaped(client, key):
    response = _post(client, key)
    assert "求助类诉求" in response.content.decode("utf-8")
    assert json.loads(response.content)[0]["service_notice"].startswith("求助类诉求")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_what_the_door_refuses_is_answered_in_the_spec_format(client, engine, key, fmt):
    before = _counts(engine)
    form = {"content-type": "application/x-www-form-urlencoded"}
    _check_errors(client.post(f"{V2}/requests.{fmt}", content=f"api_key={key}&description=a%00b".encode(), headers=form), 400, fmt)
    _check_errors(client.get(f"{V2}/requests.{fmt}?start_date=%00"), 400, fmt)
    assert "过大" in _check_errors(client.post(f"{V2}/requests.{fmt}", content=b"a=" + b"x" * 300_000, headers=form), 413, fmt)
    _check_errors(client.put(f"{V2}/requests.{fmt}"), 400, fmt)
    assert _counts(engine) == before


def test_an_unauthenticated_caller_hears_403_before_any_field_check(client):
    _check_errors(client.post(f"{V2}/requests.json", data={"api_key": "ld_x" * 100, "nickname": "x"}), 403, "json")
