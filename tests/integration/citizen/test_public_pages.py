"""The public pages over HTTP (no log-in): challenge, submit → code → status, live triage, limits per address and phone,
refusals re-rendered in Chinese with nothing written."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from liandong.app import create_app
from liandong.citizen import service as citizen
from liandong.db import unit_of_work
from liandong.workorder.models import WorkOrder

TEXT = "凤台街小学门口的人行道地砖翘起来好几块，孩子上学容易绊倒，希望尽快修补。"


@pytest.fixture(scope="module")
def app(engine):
    return create_app(engine)


def _browser(app) -> TestClient:
    """A visitor from an address of its own (the limits count per address)."""
    return TestClient(app, client=(f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}", 40000))


def _phone() -> str:
    return "135" + str(uuid.uuid4().int)[:8]


def _form(page: str) -> dict:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    question = re.search(r"验证：(.+?)（请填阿拉伯数字）", page).group(1)
    return {"csrf_token": csrf, "challenge_token": token, "challenge_answer": str(_solve(question))}


def _solve(question: str) -> int:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    left, sign, right = re.match(r"(\w+?)([加减])(\w+?)等于几？", question).groups()
    a, b = (int(x) if x.isdigit() else digits[x] for x in (left, right))
    return a + b if sign == "加" else a - b


def _submit(client: TestClient, **fields):
    form = _form(client.get("/public").text)
    values = {"request_type": "complaint", "content": TEXT, "phone": fields.pop("phone", None) or _phone(), "division_code": "140502", **fields}
    return client.post("/public", data={**form, **values}, follow_redirects=False), values


def _count(engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(WorkOrder))


def test_submit_shows_the_code_and_the_status_page_opens_with_it(app, engine):
    client = _browser(app)
    page = client.get("/public")
    assert page.status_code == 200 and "我要反映" in page.text and "<script src=\"http" not in page.text
    answer, values = _submit(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/public/submitted"
    done = client.get("/public/submitted")
    code = re.search(r'data-code="([A-Z0-9]{10})"', done.text).group(1)
    assert "提交成功" in done.text
    status = client.get(f"/public/status/{code}")
    assert status.status_code == 200 and "已受理，正在分派" in status.text and values["phone"] not in status.text
    assert 'id="withdraw-form"' in status.text and 'id="rate-form"' not in status.text
    # Another browser must prove the phone first.
    stranger = _browser(app)
    assert stranger.get(f"/public/status/{code}", follow_redirects=False).headers["location"] == f"/public/track?code={code}"
    wrong = stranger.post("/public/track", data={"csrf_token": _csrf(stranger), "tracking_code": code, "phone_last4": "0000"})
    assert wrong.status_code == 404 and citizen.TRACK_MISS in wrong.text
    right = stranger.post("/public/track", data={"csrf_token": _csrf(stranger), "tracking_code": code.lower(), "phone_last4": values["phone"][-4:]})
    assert right.status_code == 200 and "办理过程" in right.text
    supplement = stranger.post(f"/public/status/{code}/supplement", data={"csrf_token": _csrf(stranger), "note": "在学校东门"})
    assert "补充信息已转承办单位" in supplement.text and "您补充了情况" in supplement.text


def _csrf(client: TestClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/public/track").text).group(1)


def test_a_wrong_or_reused_challenge_is_refused_and_writes_nothing(app, engine):
    client = _browser(app)
    form = _form(client.get("/public").text)
    before = _count(engine)
    values = {"request_type": "complaint", "content": TEXT, "phone": _phone()}
    wrong = client.post("/public", data={**form, **values, "challenge_answer": str(int(form["challenge_answer"]) + 1)})
    assert wrong.status_code == 422 and "验证题答案不正确" in wrong.text
    reused = client.post("/public", data={**form, **values})
    assert reused.status_code == 429 and "验证题已使用过" in reused.text
    assert _count(engine) == before
    missing_phone = client.post("/public", data={**_form(client.get("/public").text), **values, "phone": ""})
    assert missing_phone.status_code == 422 and "联系电话" in missing_phone.text and TEXT in missing_phone.text  # kept what was typed
    assert _count(engine) == before


def test_submissions_are_limited_per_address_and_per_phone(app, engine):
    client = _browser(app)
    phone = _phone()
    answers = [_submit(client, phone=phone)[0].status_code for _ in range(citizen.LIMITS["cphn"].limit + 1)]
    assert answers[:-1] == [303] * citizen.LIMITS["cphn"].limit and answers[-1] == 429
    other_phones = [_submit(client)[0].status_code for _ in range(citizen.LIMITS["csub"].limit - len(answers) + 1)]
    assert other_phones[-1] == 429 and set(other_phones[:-1]) <= {303}


def test_live_triage_shows_the_emergency_banner_and_blocks_submission(app, engine):
    client = _browser(app)
    csrf = _csrf(client)
    text = "家里着火了，浓烟很大，有人被困在楼上出不来！"
    advice = client.post("/public/triage", data={"content": text}, headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert advice.status_code == 200 and "请立即拨打 110/119/120" in advice.text and "tel:119" in advice.text
    before = _count(engine)
    refused, _ = _submit(client, content=text)
    assert refused.status_code == 422 and 'id="emergency-banner"' in refused.text and _count(engine) == before
    accepted, _ = _submit(client, content=text, not_emergency="1")
    assert accepted.status_code == 303 and _count(engine) == before + 1
    calm = client.post("/public/triage", data={"content": "小区垃圾清运不及时"}, headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert "请立即拨打" not in calm.text


def test_a_form_without_its_csrf_token_is_refused(app):
    client = _browser(app)
    client.get("/public")
    assert client.post("/public/track", data={"tracking_code": "ABCDEFGHJK", "phone_last4": "1234"}).status_code == 403


def test_the_unit_sees_the_map_point_photos_and_the_supplement_on_the_order_page(app, engine):
    from liandong.account import service as accounts
    from liandong.core.clock import now

    client = _browser(app)
    png = b"\x89PNG\r\n\x1a\n" + b"\x02" * 100
    form = _form(client.get("/public").text)
    values = {"request_type": "complaint", "content": TEXT, "phone": _phone(), "latitude": "35.49", "longitude": "112.85"}
    answer = client.post("/public", data={**form, **values}, files=[("photos", ("地砖.png", png, "image/png"))], follow_redirects=False)
    assert answer.status_code == 303
    code = re.search(r'data-code="([A-Z0-9]{10})"', client.get("/public/submitted").text).group(1)
    client.post(f"/public/status/{code}/supplement", data={"csrf_token": _csrf(client), "note": "靠近校门东侧"})
    with unit_of_work(engine) as session:
        from liandong.citizen.models import CitizenTicket

        order_id = session.scalar(select(CitizenTicket.order_id).where(CitizenTicket.tracking_code == code))
        name = f"c_admin_{uuid.uuid4().hex[:6]}"
        accounts.create_user(session, now=now(), username=name, password="citizen-test-pass", role="admin", display_name=name)
    staff = TestClient(app)
    login = staff.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    staff.post("/login", data={"csrf_token": csrf, "username": name, "password": "citizen-test-pass"})
    page = staff.get(f"/orders/{order_id}").text
    assert "纬度 35.49，经度 112.85" in page and "地砖.png" in page
    assert "市民补充" in page and "靠近校门东侧" in page


def test_guessing_from_one_address_is_throttled_with_the_same_answer_until_then(app):
    client = _browser(app)
    csrf = _csrf(client)
    from liandong.citizen import codes

    answers = [client.post("/public/track", data={"csrf_token": csrf, "tracking_code": codes.new_code(), "phone_last4": "1234"})
               for _ in range(citizen.LIMITS["ctrk"].limit + 1)]
    assert {a.status_code for a in answers[:-1]} == {404}
    assert all(citizen.TRACK_MISS in a.text for a in answers[:-1])
    assert answers[-1].status_code == 429 and "查询过于频繁" in answers[-1].text
