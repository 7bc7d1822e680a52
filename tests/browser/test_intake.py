"""Intake in a real browser: live triage suggestion, accept, duplicates, emergency transfer, direct answers from the knowledge base."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_live_suggestion_is_accepted_and_saved_with_the_keyboard(new_page, shot):
    page = new_page("hotline")
    page.fill("#caller_phone", "13935600001")
    page.fill("#caller_name", "王女士")
    page.fill("#content", "我住在泽州县巴公镇锦绣苑小区，楼上邻居晚上十一点以后还在装修施工，电钻噪音很大，影响休息，希望有关部门管一管。")
    page.wait_for_selector("#suggestion")
    assert "采纳" in page.inner_text("#suggestion")
    page.keyboard.press("Alt+a")  # accept every suggested field
    assert page.input_value("#department_code") != ""
    assert page.input_value("#request_type") != ""
    assert page.input_value("#division_code") == "140525"
    shot(page, "intake-suggestion")
    page.focus("#content")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/intake\?last=\d+"))
    assert "已受理" in page.inner_text(".flash.ok")
    page.click(".flash.info a")
    assert "待派单" in page.inner_text("main h1")
    assert "受理时的分流建议" in page.inner_text("main")
    assert "巴公镇" in page.inner_text("main h2")  # the title names the place and the matter

    # The same caller again: the repeat-caller and duplicate warnings appear.
    page.goto("/intake")
    page.fill("#caller_phone", "13935600001")
    page.fill("#content", "还是锦绣苑小区楼上装修噪音的事情，晚上十一点以后还在施工。")
    page.wait_for_selector("#repeat-caller")
    assert "重复来电" in page.inner_text("#repeat-caller")
    page.wait_for_selector("#duplicates")
    page.click("#duplicates [data-duplicate]")
    assert page.input_value("#duplicate_of_id") != ""


def test_emergency_shows_a_banner_and_transfers_to_110_in_one_click(new_page, shot):
    page = new_page("hotline")
    page.fill("#caller_phone", "13935600002")
    page.fill("#content", "城区西街有两伙人正在打架，有人拿着刀，已经有人受伤了，快来人！")
    page.wait_for_selector("#emergency-banner")
    assert "110" in page.inner_text("#emergency-banner")
    shot(page, "intake-emergency")
    page.click("#btn-transfer-110")
    page.wait_for_url(re.compile(r"/intake\?last=\d+"))
    assert "已受理并转110" in page.inner_text(".flash.ok")
    page.click(".flash.info a")
    assert "已转警" in page.inner_text("main h1")
    assert "转警记录" in page.inner_text("#related")
    # The transferred order keeps what triage knew: not an empty consultation.
    assert "咨询" not in page.inner_text("main table.kv tr:first-child") and "140502" not in page.inner_text("main")


def test_consultation_is_answered_on_the_spot_citing_a_knowledge_item(new_page):
    page = new_page("hotline")
    page.fill("#content", "请问身份证丢了怎么补办，需要带什么材料？")
    page.wait_for_selector("#knowledge [data-cite^='kb:item:']")
    page.click("#knowledge [data-cite^='kb:item:'] >> nth=0")
    assert "身份证" in page.input_value("#answer_note")
    assert page.input_value("#ref").startswith("kb:item:")
    page.select_option("#request_type", "consult")
    page.click("#btn-answer")
    page.wait_for_url(re.compile(r"/intake\?last=\d+"))
    assert "已直接答复办结" in page.inner_text(".flash.ok")
    page.click(".flash.info a")
    assert "已办结" in page.inner_text("main h1")
    assert "引用：一问一答 第" in page.inner_text("#timeline") and "kb:item" not in page.inner_text("main")


def test_a_refused_intake_keeps_what_was_typed(new_page):
    page = new_page("hotline")
    page.fill("#content", "小区门口占道经营，早晚高峰堵得走不了。")
    page.select_option("#request_type", "complaint")
    page.click("#btn-answer")  # only consultations may be answered directly
    assert "只有咨询类工单可以直接答复" in page.inner_text("#intake-error")
    page.select_option("#request_type", "consult")
    page.click("#btn-answer")
    assert "需要填写答复口径" in page.inner_text("#intake-error")
    assert "占道经营" in page.input_value("#content")


def test_the_knowledge_answer_cites_its_source_or_says_not_found(new_page):
    page = new_page("hotline")
    page.fill("#content", "我想问下公积金租房能不能提取，要去哪里办")
    page.wait_for_selector("#kb-answer[data-found=yes]")
    assert "公积金" in page.inner_text("#kb-answer .answer-text")
    assert "出处：" in page.inner_text("#kb-citation")
    page.click("#kb-answer [data-cite]")
    assert page.input_value("#ref").startswith("kb:item:") and "公积金" in page.input_value("#answer_note")
    page.fill("#content", "请问火星移民签证在哪里办理，需要几天")
    page.wait_for_selector("#kb-answer[data-found=no]")
    assert "知识库中没有找到可靠答案" in page.inner_text("#kb-not-found")


def test_an_unclear_request_says_it_needs_a_person_with_three_choices(new_page, shot):
    page = new_page("hotline")
    page.fill("#content", "你好，我想问一下关于我们单位的那个事情怎么处理")
    page.wait_for_selector("#needs-review")
    assert "需人工判断" in page.inner_text("#needs-review")
    assert page.locator("#alternatives li").count() == 3
    shot(page, "intake-needs-review")
