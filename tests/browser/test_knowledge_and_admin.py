"""Knowledge pages (draft, submit, review, publish, search) and administration (units, users, categories, deadlines, transfer list)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# Synthetic: the real 2027 notice was not available when this was written.
NOTICE_2027 = (Path(__file__).resolve().parents[1] / "data" / "notices" / "2027-synthetic.txt").read_text(encoding="utf-8")


def test_unit_drafts_supervisor_publishes_call_taker_finds(new_page, shot):
    page = new_page("zjj")
    page.goto("/kb")
    page.click("#new-item")
    page.fill("#question", "住宅装修晚上几点以后不能施工？")
    page.fill("#answer", "住宅室内装修应避开居民休息时间，夜间和午间不得进行产生噪声的作业，具体时段以小区管理规约和本市规定为准。")
    page.click("#item-submit")
    assert "待审核" in page.inner_text("#item-status")
    item_url = page.url

    reviewer = new_page("supervisor")
    reviewer.goto("/kb/review")
    shot(reviewer, "kb-review")
    row = reviewer.locator("#review-pending tr", has_text="住宅装修晚上几点以后不能施工")
    row.locator("button", has_text="审核通过").click()
    row = reviewer.locator("#review-approved tr", has_text="住宅装修晚上几点以后不能施工")
    row.locator("button", has_text="发布").click()
    reviewer.goto(item_url)
    assert "已发布" in reviewer.inner_text("#item-status")

    taker = new_page("hotline")
    taker.goto("/kb")
    taker.fill("#kb-q", "装修晚上几点不能施工")
    taker.keyboard.press("Enter")
    taker.wait_for_selector("#kb-results")
    assert "住宅装修晚上几点以后不能施工" in taker.inner_text("#kb-results")
    shot(taker, "kb-search")


def test_admin_edits_units_users_categories_deadlines_and_transfer_list(new_page, login, shot):
    page = new_page("admin")
    page.fill("#unit-new input[name=code]", "xzfwzx")
    page.fill("#unit-new input[name=name]", "市政务服务测试中心")
    page.fill("#unit-new input[name=duties]", "政务服务事项、办事窗口")
    page.click("#unit-new button")
    assert "已保存承办单位" in page.inner_text(".flash.ok")
    assert "市政务服务测试中心" in page.inner_text("#units") or page.locator("#units input[value='市政务服务测试中心']").count()

    page.goto("/admin/users")
    page.fill("#user-new input[name=username]", "hotline2")
    page.fill("#user-new input[name=display_name]", "坐席 新人")
    page.fill("#user-new input[name=password]", "secret-pass-1")
    page.click("#user-new button")
    assert "已新建账号 hotline2" in page.inner_text(".flash.ok")
    shot(page, "admin-users")

    page.goto("/admin/categories")
    page.click("#categories a >> nth=0")
    page.fill("#category-new input[name=name]", "测试二级分类")
    page.click("#category-new button")
    assert "已保存诉求分类" in page.inner_text(".flash.ok")

    page.goto("/admin/deadlines")
    page.fill("#reply_suggestion", "12")
    page.click("#policy-save")
    assert "已保存办理时限" in page.inner_text(".flash.ok")
    assert page.input_value("#reply_suggestion") == "12"
    page.fill("#calendar-form input[name=day]", "2026-12-31")
    page.fill("#calendar-form input[name=note]", "本市特别安排")
    page.click("#calendar-form button")
    assert "本市特别安排" in page.inner_text("main")

    # Paste the State Council's notice, check the preview, save it.
    page.fill("#notice-text", NOTICE_2027)
    page.click("#notice-preview")
    assert "国务院办公厅关于2027年部分节假日安排的通知" in page.inner_text("#notice-result")
    spring = page.locator("#notice-holidays tr", has_text="春节").inner_text()
    assert "2027-02-05 至 2027-02-12" in spring and "2027-02-13" in spring
    assert "春节调休上班" in page.locator("#notice-changes tr", has_text="2027-02-13").inner_text()
    assert page.input_value("#notice-text") == NOTICE_2027.replace("\r\n", "\n")
    page.click("#notice-save")
    assert "已导入国务院办公厅关于2027年部分节假日安排的通知" in page.inner_text(".flash.ok")
    assert page.inner_text("#calendar-last-day") == "2027-12-31"
    assert "2027 年通知" in page.locator("#overrides tr", has_text="2027-02-13").inner_text()

    page.goto("/admin/transfer?item=E110-01")
    keywords = page.input_value("#transfer-keywords")
    page.fill("#transfer-keywords", keywords + "、抡起板凳")
    page.click("#transfer-save")
    assert "已保存分流转办事项 E110-01" in page.inner_text(".flash.ok")
    shot(page, "admin-transfer")

    # The edited transfer list drives intake suggestions at once.
    taker = new_page("hotline")
    taker.fill("#content", "饭店门口有个醉汉抡起板凳要砸人")
    taker.wait_for_selector("#emergency-banner")

    # The new account can log in.
    fresh = new_page()
    login(fresh, "hotline2", "secret-pass-1")
    assert fresh.url.endswith("/intake")
