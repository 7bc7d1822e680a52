"""Supervision board: 督办/催办 in one click; callbacks with satisfaction."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_supervise_and_remind_from_the_board(new_page, shot):
    page = new_page("supervisor")
    row = page.locator("#board tbody tr").first
    number = row.locator("td a").first.inner_text()
    row.locator("button", has_text="督办").click()
    expect(row.locator(".done", has_text="已督办")).to_be_visible()
    row.locator("button", has_text="催办").click()
    expect(row.locator(".done", has_text="已催办")).to_be_visible()
    page.goto(f"/orders?q={number}")
    page.click(f"text={number}")
    timeline = page.inner_text("#timeline")
    assert "督办" in timeline and "催办" in timeline
    page.goto("/supervision?tab=returns")
    shot(page, "supervision-returns")


def test_callback_records_satisfaction(new_page, shot):
    page = new_page("supervisor")
    page.goto("/callbacks")
    shot(page, "callbacks")
    rows = page.locator("#callbacks tbody tr")
    first = rows.first
    number = first.locator("td a").first.inner_text()
    first.locator("input[name=note]").fill("来电人表示问题已解决")
    first.locator("button[value=yes]").click()
    assert f"{number}：已回访（已办结）" in page.inner_text(".flash.ok")
    if page.locator("#callbacks tbody tr td a").count():
        second = page.locator("#callbacks tbody tr").first
        number = second.locator("td a").first.inner_text()
        second.locator("button[value=no]").click()
        assert f"{number}：已回访（办理中）" in page.inner_text(".flash.ok")
