"""Supervision board: 督办/催办 in one click; 答复审核; callbacks with every attempt and a graded satisfaction."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_supervise_and_remind_from_the_board(new_page, shot):
    page = new_page("supervisor")
    row = page.locator("#board tbody tr").first
    number = row.locator("td a").first.inner_text()
    row.locator("button[data-action=supervise]").click()
    expect(row.locator(".done", has_text="已督办")).to_be_visible()
    row.locator("button[data-action=remind]").click()
    expect(row.locator(".done", has_text="已催办")).to_be_visible()
    page.goto(f"/orders?q={number}")
    page.click(f"text={number}")
    timeline = page.inner_text("#timeline")
    assert "督办" in timeline and "催办" in timeline
    page.goto("/supervision?tab=returns")
    shot(page, "supervision-returns")


def test_review_and_callbacks_from_the_desk(new_page, shot):
    page = new_page("supervisor")
    page.goto("/review")
    shot(page, "review")
    first = page.locator("#review tbody tr").first
    number = first.locator("td a").first.inner_text()
    first.locator("input[name=passed][value=yes]").check()
    first.locator("button[type=submit]").click()
    # Passed: 待回访 when the caller wants a reply, 已办结 when not (lifecycle._reviewed); which one the first row is
    # depends on the seeded history.
    flash = page.inner_text(".flash.ok")
    assert f"{number}：已答复审核，当前状态「待回访」" in flash or f"{number}：已答复审核，当前状态「已办结」" in flash, flash

    page.goto("/callbacks")
    shot(page, "callbacks")
    row = page.locator("#callbacks tbody tr").first
    number = row.locator("td a").first.inner_text()
    row.locator("select[name=outcome]").select_option("reached")
    row.locator("select[name=satisfaction]").select_option("3")
    row.locator("input[name=resolved][value=yes]").check()
    row.locator("textarea[name=note]").fill("来电人表示问题已基本解决")
    row.locator("button[type=submit]").click()
    assert f"{number}：已回访，当前状态「已办结」" in page.inner_text(".flash.ok")
    row = page.locator("#callbacks tbody tr").first
    if row.locator("td a").count():
        number = row.locator("td a").first.inner_text()
        row.locator("select[name=outcome]").select_option("unreachable")
        row.locator("button[type=submit]").click()
        assert f"{number}：已回访，当前状态「待回访」" in page.inner_text(".flash.ok")
        assert "次未成功" in page.locator("#callbacks tr", has_text=number).inner_text()


def test_nuisance_numbers_are_reviewed_with_their_calls_and_lifted_on_appeal(new_page, api, make_order, shot):
    phone = "13935609876"
    numbers = []
    for _ in range(3):
        order = make_order("来电辱骂话务员，无实质诉求", request_type="consult", phone=phone)
        api("POST", f"/api/orders/{order['id']}/actions", {"action": "mark_invalid", "reason": "malicious", "note": "辱骂话务员"})
        numbers.append(order["number"])
    page = new_page("supervisor")
    page.goto("/supervision")
    page.click("#nuisance-stat")
    row = page.locator("#nuisance tbody tr", has_text=phone)
    for number in numbers:  # the calls are the evidence
        expect(row.locator("a", has_text=number)).to_be_visible()
    shot(page, "nuisance-review")
    row.get_by_label("核实意见").fill("三次辱骂话务员，确认骚扰")
    row.locator("button", has_text="确认骚扰").click()
    assert "已确认为恶意骚扰" in page.inner_text(".flash.ok")
    expect(page.locator("#nuisance tbody tr", has_text=phone)).to_contain_text("有效期至")

    # The call-taker sees 疑似骚扰 as soon as the number is typed.
    taker = new_page("hotline")
    taker.fill("#caller_phone", phone)
    taker.fill("#content", "我又打来了，你们怎么还不处理")
    taker.wait_for_selector("#nuisance-warning")
    assert "疑似骚扰" in taker.inner_text("#nuisance-warning")

    row = page.locator("#nuisance tbody tr", has_text=phone)
    row.get_by_label("解除理由").fill("来电人申诉，经核实为正常诉求")
    row.locator("button", has_text="申诉解除").click()
    assert "已解除骚扰标记" in page.inner_text(".flash.ok")
    expect(page.locator("#nuisance tbody tr", has_text=phone)).to_contain_text("来电人申诉")
    taker.goto("/intake")
    taker.fill("#caller_phone", phone)
    taker.fill("#content", "我又打来了，你们怎么还不处理")
    taker.wait_for_selector("#repeat-caller")
    assert taker.locator("#nuisance-warning").count() == 0
