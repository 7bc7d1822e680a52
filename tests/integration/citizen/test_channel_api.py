"""The channel API for WeChat, apps and the 政务服务网: docs/channels.md's examples replayed against the live API, tokens and
scopes, idempotent submission, throttled enumeration, bad input answered in Chinese without changing anything."""

from __future__ import annotations

import base64
import json
import re
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from liandong.account import tokens
from liandong.app import create_app
from liandong.citizen import service as citizen
from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.workorder.models import OrderAttachment, WorkOrder

DOC = Path(__file__).resolve().parents[3] / "docs" / "channels.md"
ALL = ["channel:submit", "channel:track", "channel:feedback"]
BODY = {"channel": "wechat", "content": "凤台街菜市场门口污水外溢好几天了，气味很大，希望尽快疏通。", "phone": "13700000001"}


def _token(engine, *, role="citizen", scopes=ALL) -> str:
    with unit_of_work(engine) as session:
        _row, secret = tokens.create_token(session, now=now(), name=f"gw-{uuid.uuid4().hex[:8]}", role=role, scopes=scopes)
    return secret


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def _headers(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _phone() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


# ---------------------------------------------------------------- the documented examples


def _examples() -> dict[str, tuple[dict | None, int, str]]:
    """name → (request body or None, status, expected response text) from docs/channels.md."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for block in text.split("<!-- example: ")[1:]:
        name, _, rest = block.partition(" -->")
        request = re.search(r"```http\n(?P<line>[A-Z]+ \S+)\n(?:.*\n)*?\n(?P<body>\{.*?\})\n```", rest, re.S)
        response = re.search(r"```json\nHTTP (?P<status>\d{3})\n(?P<body>.*?)\n```", rest, re.S)
        body = json.loads(request.group("body")) if request else None
        found[name] = (body, int(response.group("status")), response.group("body"))
    return found


def _expected(text: str) -> dict:
    shaped = text.replace("[…]", '"__ANY__"').replace('"…"', '"__ANY__"').replace(", …}", ', "__MORE__": true}')
    return json.loads(shaped)


def _matches(expected, actual, path="") -> None:
    if expected == "__ANY__":
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        more = expected.pop("__MORE__", False)
        if not more:
            assert set(expected) == set(actual), f"{path}: documented {sorted(expected)} ≠ live {sorted(actual)}"
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} is documented but not answered"
            _matches(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(expected) == len(actual), path
        for i, (e, a) in enumerate(zip(expected, actual)):
            _matches(e, a, f"{path}[{i}]")
    else:
        assert expected == actual, f"{path}: documented {expected!r} ≠ live {actual!r}"


def _fill(body: dict, code: str | None) -> dict:
    return {k: (code if v == "…" and k == "tracking_code" else v) for k, v in body.items()}


def test_the_documented_examples_are_what_the_api_answers(engine, client):
    examples = _examples()
    assert set(examples) == {"submit", "submit-again", "emergency", "track", "track-miss", "supplement", "rate-too-early", "withdraw"}
    headers = _headers(_token(engine))

    def check(name: str, url: str, body: dict) -> dict:
        _doc_body, status, text = examples[name]
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code == status, (name, answer.text)
        _matches(_expected(text), answer.json(), name)
        return answer.json()

    submit = examples["submit"][0]
    first = check("submit", "/api/channel/v1/requests", submit)
    again = check("submit-again", "/api/channel/v1/requests", submit)
    assert again["tracking_code"] == first["tracking_code"] and again["order_number"] == first["order_number"]
    check("emergency", "/api/channel/v1/requests", examples["emergency"][0])
    code = first["tracking_code"]
    check("track", "/api/channel/v1/track", _fill(examples["track"][0], code))
    check("track-miss", "/api/channel/v1/track", {"tracking_code": code, "phone_last4": "0000"})
    check("supplement", "/api/channel/v1/requests/supplement", _fill(examples["supplement"][0], code))
    check("rate-too-early", "/api/channel/v1/requests/rate", _fill(examples["rate-too-early"][0], code))
    check("withdraw", "/api/channel/v1/requests/withdraw", _fill(examples["withdraw"][0], code))
    with unit_of_work(engine) as session:
        order = session.scalar(select(WorkOrder).where(WorkOrder.number == first["order_number"]))
        assert (order.channel, order.status, order.close_reason) == ("wechat", "closed", "withdrawn")


# ---------------------------------------------------------------- tokens, idempotency, limits, bad input


def test_only_citizen_tokens_with_the_scope_may_call(engine, client):
    reader = _token(engine, scopes=["channel:track"])
    assert client.post("/api/channel/v1/requests", json=BODY, headers=_headers(reader)).status_code == 403
    operator = _token(engine, role="call_taker", scopes=["orders:read", "orders:write"])
    refused = client.post("/api/channel/v1/requests", json=BODY, headers=_headers(operator))
    assert refused.status_code == 403 and "渠道" in refused.json()["detail"]
    assert client.post("/api/channel/v1/requests", json=BODY).status_code == 401
    # A citizen-role token sees no operator's orders.
    gateway = _token(engine, scopes=ALL + ["orders:read"])
    assert client.get("/api/orders", headers=_headers(gateway)).json()["total"] == 0


def test_the_same_request_id_gives_one_order_and_photos_are_kept(engine, client):
    headers = _headers(_token(engine))
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x01" * 200).decode()
    body = {**BODY, "phone": _phone(), "request_id": "app-7781", "channel": "app", "photos": [{"filename": "污水.png", "data_base64": png}]}
    first = client.post("/api/channel/v1/requests", json=body, headers=headers)
    second = client.post("/api/channel/v1/requests", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    with unit_of_work(engine) as session:
        order = session.scalar(select(WorkOrder).where(WorkOrder.number == first.json()["order_number"]))
        assert order.channel == "app"
        assert session.scalar(select(func.count()).select_from(OrderAttachment).where(OrderAttachment.order_id == order.id)) == 1
    # Another gateway may use the same id for its own request.
    other = client.post("/api/channel/v1/requests", json=body, headers=_headers(_token(engine)))
    assert other.status_code == 201 and other.json()["tracking_code"] != first.json()["tracking_code"]


def test_guessing_a_code_is_throttled(engine, client):
    headers = _headers(_token(engine))
    made = client.post("/api/channel/v1/requests", json={**BODY, "phone": _phone()}, headers=headers).json()
    answers = [client.post("/api/channel/v1/track", json={"tracking_code": made["tracking_code"], "phone_last4": f"{i:04d}"}, headers=headers)
               for i in range(citizen.LIMITS["ccod"].limit + 1)]
    assert {a.status_code for a in answers[:-1]} == {404}
    assert len({a.json()["detail"] for a in answers[:-1]}) == 1
    assert answers[-1].status_code == 429 and "15 分钟" in answers[-1].json()["detail"]


@pytest.mark.parametrize(
    "change",
    [
        {"channel": "phone"},
        {"phone": "110"},
        {"content": ""},
        {"content": "污" * 2001},
        {"latitude": 12.0, "longitude": 200.0},
        {"request_type": "praise"},
        {"surprise": 1},
        {"request_id": "x" * 65},
        {"photos": [{"filename": "a.png", "data_base64": "不是base64"}]},
        {"photos": [{"filename": "a.exe", "data_base64": base64.b64encode(b"MZ\x90\x00").decode()}]},
        {"confidential": "maybe"},
    ],
)
def test_bad_input_is_422_in_chinese_and_changes_nothing(engine, client, change):
    headers = _headers(_token(engine))
    with unit_of_work(engine) as session:
        before = session.scalar(select(func.count()).select_from(WorkOrder))
    answer = client.post("/api/channel/v1/requests", json={**BODY, "phone": _phone(), **change}, headers=headers)
    assert answer.status_code == 422, answer.text
    assert re.search(r"[\u4e00-\u9fff]", answer.json()["detail"])
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(WorkOrder)) == before


def test_the_cli_issues_gateway_tokens_but_no_citizen_accounts(run_cli):
    assert run_cli("db", "upgrade")[0] == 0
    code, out, _err = run_cli("tokens", "create", "wechat-gateway", "--role", "citizen", "--scope", "channel:submit",
                              "--scope", "channel:track", "--scope", "channel:feedback", "--json")
    assert code == 0 and json.loads(out)["scopes"] == ALL
    code, _out, err = run_cli("users", "create", "zhangsan", "--role", "citizen", "--password", "a-long-password-1")
    assert code == 2 and "市民角色只用于渠道网关" in err


def test_the_same_request_id_at_the_same_moment_still_gives_one_order(engine, client):
    from concurrent.futures import ThreadPoolExecutor

    headers = _headers(_token(engine))
    body = {**BODY, "phone": _phone(), "request_id": f"race-{uuid.uuid4().hex[:8]}"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: client.post("/api/channel/v1/requests", json=body, headers=headers), range(4)))
    assert {a.status_code for a in answers} <= {200, 201, 409}
    assert [a.status_code for a in answers].count(201) == 1
    retried = client.post("/api/channel/v1/requests", json=body, headers=headers)
    assert retried.status_code == 200
    assert {a.json()["tracking_code"] for a in answers if a.status_code in (200, 201)} == {retried.json()["tracking_code"]}
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.caller_phone == body["phone"])) == 1
