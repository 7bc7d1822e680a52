"""Intake, actions, queues and attachments through the pages: the service's rules hold, refusals change nothing."""

from __future__ import annotations

import re

from sqlalchemy import select

from liandong.core.outbox import OutboxMessage
from liandong.db import unit_of_work
from liandong.workorder.models import WorkOrder


def order_of(engine, order_id: int) -> WorkOrder:
    with unit_of_work(engine) as session:
        return session.get(WorkOrder, order_id)


def intake(tab, **fields) -> int:
    tab.get("/intake")
    body = {"content": "城区西街街道锦绣苑小区楼上装修噪音扰民，晚上十一点还在施工。", "request_type": "complaint", "division_code": "140502", "intent": "save"}
    body.update(fields)
    response = tab.post("/intake", body)
    assert response.status_code == 303, response.text
    return int(re.search(r"last=(\d+)", response.headers["location"]).group(1))


def test_intake_records_the_order_the_operator_and_the_triage_shown(browser, engine):
    tab = browser("w_taker")
    order_id = intake(tab, caller_phone="13935611111", department_code="zjj")
    order = order_of(engine, order_id)
    assert order.status == "received" and order.created_by == "w_taker" and order.department_code == "zjj"
    assert order.triage and order.triage["platform"] == "12345"
    page = tab.get(f"/intake?last={order_id}")
    assert order.number in page.text and "已受理" in page.text


def test_intake_panel_suggests_warns_and_finds_duplicates(browser):
    tab = browser("w_taker")
    intake(tab, caller_phone="13935622222")
    tab.get("/intake")
    panel = tab.post(
        "/intake/suggest",
        {"content": "锦绣苑小区楼上装修噪音扰民，晚上十一点还在施工", "caller_phone": "13935622222", "division_code": "140502"},
    )
    assert panel.status_code == 200
    assert "分流建议" in panel.text and "重复来电" in panel.text and "可能的重复件" in panel.text
    assert "/orders?phone=13935622222" in panel.text
    assert "锦绣苑小区楼上装修噪音扰民" in tab.get("/orders?phone=139 3562 2222").text
    emergency = tab.post("/intake/suggest", {"content": "楼下有人拿着刀砍人，快来救命"})
    assert "疑似紧急警情" in emergency.text and "一键转 110" in emergency.text


def test_emergency_transfer_writes_the_outbox_in_the_same_step(browser, engine):
    tab = browser("w_taker")
    order_id = intake(tab, content="有人在城区凤台街持刀打架，已有人受伤", request_type="help", intent="transfer:120")
    order = order_of(engine, order_id)
    assert order.status == "transferred_110"
    with unit_of_work(engine) as session:
        message = session.scalar(select(OutboxMessage).where(OutboxMessage.key.like(f"{order.number}:%")))
        assert message is not None and "120" in message.payload["note"]


def test_a_refused_intake_writes_nothing_and_keeps_the_form(browser, engine):
    tab = browser("w_taker")
    tab.get("/intake")
    with unit_of_work(engine) as session:
        before = session.query(WorkOrder).count()
    response = tab.post("/intake", {"content": "投诉占道经营", "request_type": "complaint", "intent": "answer", "answer_note": "已告知"})
    assert response.status_code == 422 and "只有咨询类工单可以直接答复" in response.text and "投诉占道经营" in response.text
    with unit_of_work(engine) as session:
        assert session.query(WorkOrder).count() == before


REPLY = {"action": "reply", "result": "resolved", "handler": "赵工", "handler_phone": "13935600000", "contacted": "yes"}


def test_actions_follow_the_lifecycle_and_unit_scope(browser, engine):
    taker = browser("w_taker")
    order_id = intake(taker)
    dispatcher = browser("w_dispatcher")
    dispatcher.get("/dispatch")
    # A refused action: nothing changes, the reason is shown in Chinese.
    response = dispatcher.post(f"/orders/{order_id}/act", {"action": "accept"})
    assert response.status_code == 303
    assert "不能执行「签收」" in dispatcher.get(response.headers["location"]).text
    assert order_of(engine, order_id).status == "received"
    dispatcher.post("/dispatch/bulk", {"ids": [str(order_id)], "to": "zjj", "tab": "new"})
    assert order_of(engine, order_id).status == "dispatched"

    other_unit = browser("w_cgj")
    assert other_unit.get(f"/orders/{order_id}").status_code == 404
    other_unit.get("/unit")
    other_unit.post(f"/orders/{order_id}/act", {"action": "accept"})
    assert order_of(engine, order_id).status == "dispatched"

    unit = browser("w_zjj")
    page = unit.get("/unit?tab=sign")
    assert order_of(engine, order_id).number in page.text
    htmx = unit.post(f"/orders/{order_id}/act", {"action": "accept"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "已签收" in htmx.text
    unit.post(f"/orders/{order_id}/act", {"action": "note", "note": "已联系施工方，约定明日整改"})
    assert "约定明日整改" in unit.get(f"/orders/{order_id}").text
    other_unit.post(f"/orders/{order_id}/act", {"action": "note", "note": "别的单位写的"})
    assert "别的单位写的" not in unit.get(f"/orders/{order_id}").text
    unit.post(f"/orders/{order_id}/act", {**REPLY, "note": ""})
    assert order_of(engine, order_id).status == "in_progress"  # a reply needs its text
    unit.post(f"/orders/{order_id}/act", {**REPLY, "note": "已责令施工方调整作业时间，夜间停止施工，并已电话告知来电人。"})
    assert order_of(engine, order_id).status == "replied"
    assert "已答复" in unit.get("/unit?tab=replied").text  # the clock shows 已答复, not a countdown

    supervisor = browser("w_supervisor")
    assert order_of(engine, order_id).number in supervisor.get("/review").text
    supervisor.post(f"/orders/{order_id}/act", {"action": "review", "passed": "yes", "next": "/review"})
    assert order_of(engine, order_id).status == "awaiting_callback"
    assert order_of(engine, order_id).number in supervisor.get("/callbacks").text
    supervisor.post(f"/orders/{order_id}/act", {"action": "visit", "satisfied": "no", "next": "/callbacks"})
    order = order_of(engine, order_id)
    assert order.status == "in_progress" and order.satisfaction == 2 and order.reopen_count == 1
    assert order.number in supervisor.get("/supervision?tab=unsatisfied").text
    response = supervisor.post(f"/orders/{order_id}/act", {"action": "supervise", "note": "请加快办理"}, headers={"HX-Request": "true"})
    assert "已督办" in response.text and order_of(engine, order_id).supervise_count == 1


def test_redirect_after_an_action_stays_on_this_site(browser):
    taker = browser("w_taker")
    order_id = intake(taker)
    response = taker.post(f"/orders/{order_id}/act", {"action": "remind", "next": "https://evil.example/"})
    assert response.headers["location"] == f"/orders/{order_id}"


def test_attachments_upload_download_and_scope(browser, engine):
    taker = browser("w_taker")
    order_id = intake(taker, department_code="zjj")
    taker.get(f"/orders/{order_id}")
    response = taker.client.post(
        f"/orders/{order_id}/attachments",
        data={"csrf_token": taker.token},
        files={"file": ("现场照片.png", b"\x89PNG\r\n\x1a\nfake", "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = taker.get(f"/orders/{order_id}")
    link = re.search(rf'href="(/orders/{order_id}/attachments/\d+)"', page.text).group(1)
    download = taker.client.get(link)
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG") and "UTF-8''" in download.headers["content-disposition"]
    refused = taker.client.post(
        f"/orders/{order_id}/attachments", data={"csrf_token": taker.token}, files={"file": ("x.exe", b"MZ", "application/x-msdownload")}
    )
    assert "不支持的附件类型" in refused.text
    assert browser("w_cgj").client.get(link).status_code == 404


def test_list_pages_render_for_every_role(browser):
    for username, urls in {
        "w_taker": ["/orders", "/orders?warning=red&sort=due_asc", "/kb", "/callbacks"],
        "w_dispatcher": ["/dispatch?tab=returned&sort=due", "/dispatch?tab=extensions", "/dispatch?tab=objections", "/dispatch?tab=counties"],
        "w_zjj": ["/unit?tab=doing", "/unit?tab=replied", "/unit?tab=assist", "/unit?tab=objected", "/orders?status=in_progress"],
        "w_supervisor": ["/supervision?tab=returns", "/supervision?tab=extensions&department=zjj", "/kb/review", "/review", "/callbacks"],
        "w_admin": ["/admin/units", "/admin/users", "/admin/categories?q=物业", "/admin/deadlines", "/admin/transfer?item=E110-01"],
    }.items():
        tab = browser(username)
        for url in urls:
            assert tab.get(url).status_code == 200, url
