"""Dispatch queue (bulk dispatch, re-dispatch of returns, extensions) and a unit's inbox (sign, note, extension, reply)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def reply(page, text: str) -> None:
    page.select_option("#f-reply-result", "resolved")
    page.fill("#f-reply-note", text)
    page.fill("#f-reply-handler", "赵工")
    page.fill("#f-reply-handler_phone", "03562222222")
    page.check("#form-reply input[name=contacted][value=yes]")
    page.click("#form-reply button[type=submit]")


def test_bulk_dispatch_and_redispatch_of_a_returned_order(new_page, make_order, shot):
    first = make_order("城区凤台社区门口烧烤摊占道经营，油烟很大，晚上吵到十二点。")
    second = make_order("城区东街街道一处路灯连续一周不亮，夜间出行不便，请求维修。", request_type="help")
    page = new_page("dispatcher")
    page.goto("/dispatch?tab=new&sort=newest")
    # Without a stored suggestion nothing is preselected: one careless click must not send an order anywhere.
    for order in (first, second):
        row = page.locator("#queue tr", has_text=order["number"])
        assert row.locator("select[name=to]").input_value() in ("", "cgj", "cq-12345")
        page.check(f"input[name=ids][value='{order['id']}']")
    page.select_option("#bulk-to", "cgj")
    shot(page, "dispatch-queue")
    page.click("#bulk-submit")
    assert "已批量派单 2 件" in page.inner_text(".flash.ok")

    # The unit returns one; the dispatcher dispatches it again from the "returned" tab.
    handler = new_page("cgj")
    handler.goto(f"/orders/{first['id']}")
    handler.fill("#f-return-note", "该摊点位于小区内部道路，属物业管理范围，请改派。")
    handler.click("#form-return button[type=submit]")
    assert "已退单" in handler.inner_text(".flash.ok")
    page.goto("/dispatch?tab=returned")
    row = page.locator("#queue tr", has_text=first["number"])
    assert "已退回 1 次" in row.inner_text()
    row.locator("select[name=to]").select_option("zjj")
    row.locator("button", has_text="派单").click()
    assert "已派单" in page.inner_text(".flash.ok")
    page.goto(f"/orders/{first['id']}")
    assert "市住房和城乡建设局" in page.inner_text("#holder")
    chain = page.inner_text("#chain")
    assert "市城市管理局" in chain and "已退回" in chain


def test_unit_signs_notes_requests_extension_replies_and_dispatcher_decides(new_page, make_order, shot):
    sign_reply = make_order("城区西街街道锦绣苑小区物业不作为，楼道灯坏了两个月没人修。", to="zjj")
    extend = make_order("城区北石店镇一建筑工地夜间施工噪音扰民，要求夜间停止施工。", to="zjj")
    page = new_page("zjj")
    page.goto("/unit?tab=sign")
    shot(page, "unit-inbox")
    for order in (sign_reply, extend):
        row = page.locator("#inbox tr", has_text=order["number"])
        row.locator("button[data-action=accept]").click()
        expect(row.locator(".done", has_text="已签收")).to_be_visible()

    page.goto(f"/orders/{extend['id']}")
    page.fill("#f-request_extension-days", "3")
    page.fill("#f-request_extension-note", "需联合城管、环保部门现场核查")
    page.click("#form-request_extension button[type=submit]")
    assert "已延期申请" in page.inner_text(".flash.ok")

    page.goto(f"/orders/{sign_reply['id']}")
    page.fill("#f-note-note", "已联系物业公司，约定明日上午维修楼道灯")
    page.click("#form-note button[type=submit]")
    assert "已办理进展" in page.inner_text(".flash.ok")
    assert "约定明日上午维修楼道灯" in page.inner_text("#timeline")
    page.set_input_files("#attach-form input[type=file]", files=[{"name": "整改照片.png", "mimeType": "image/png", "buffer": PNG}])
    page.select_option("#attach-form select[name=purpose]", "reply")
    page.click("#attach-form button")
    assert "已上传附件：整改照片.png" in page.inner_text(".flash.ok")
    assert page.locator("#attachments a", has_text="整改照片.png").count() == 1
    shot(page, "order-page")
    reply(page, "已约谈物业公司，楼道灯已于当日修复，垃圾已清运，并电话告知来电人。")
    assert "已答复" in page.inner_text(".flash.ok")
    assert "已答复待审核" in page.inner_text("main h1")
    assert "已答复" in page.inner_text("#order-clock") and "剩" not in page.inner_text("#order-clock")

    dispatcher = new_page("dispatcher")
    dispatcher.goto("/dispatch?tab=extensions")
    row = dispatcher.locator("#queue tr", has_text=extend["number"])
    assert "申请延期 3 个工作日" in row.inner_text()
    row.locator("button[data-action=approve_extension]").click()
    expect(row.locator(".done", has_text="已同意延期")).to_be_visible()


def test_a_unit_cannot_open_another_units_order(new_page, make_order):
    other = make_order("城区南街街道井盖破损下陷，晚上很危险。", request_type="help", to="cgj")
    page = new_page("zjj")
    response = page.goto(f"/orders/{other['id']}")
    assert response.status == 404
    page.goto(f"/orders?q={other['number']}")
    assert other["number"] not in page.inner_text("main table")
