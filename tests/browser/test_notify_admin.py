"""系统管理 · 短信通知 in real Chromium: an unknown field refused in Chinese, a preview, a save, back to the default."""

from __future__ import annotations

import re


def test_admin_edits_a_notification_template(new_page, shot):
    page = new_page("admin")
    page.goto("/admin/notify")
    page.get_by_role("link", name="短信通知").wait_for()
    form = page.locator("#tpl-closed")
    box = form.locator("textarea[name=body]")
    assert "{{ number }}" in box.input_value()

    box.fill("您的工单{{ number }}已办结，办理人{{ handler_phone }}。")
    form.get_by_role("button", name="预览").click()
    form = page.locator("#tpl-closed")
    error = form.get_by_role("alert")
    assert "模板使用了未知字段：handler_phone" in error.inner_text()
    assert "handler_phone" in form.locator("textarea[name=body]").input_value()  # what was typed is kept

    form.locator("textarea[name=body]").fill("您的工单{{ number }}已于{{ time }}办结，感谢您的支持。")
    form.get_by_role("button", name="预览").click()
    form = page.locator("#tpl-closed")
    assert re.search(r"预览（未保存）：您的工单JC-\d{8}-\d{6}已于2026年12月1日 10:05办结", form.locator(".preview").inner_text())
    shot(page, "admin-notify")

    form.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/admin/notify"))
    assert "已保存通知模板" in page.locator(".flash.ok").first.inner_text()
    form = page.locator("#tpl-closed")
    assert form.locator("textarea[name=body]").input_value() == "您的工单{{ number }}已于{{ time }}办结，感谢您的支持。"
    assert "已修改" in form.inner_text()

    form.get_by_role("button", name="恢复默认").click()
    page.wait_for_url(re.compile(r"/admin/notify"))
    assert "已修改" not in page.locator("#tpl-closed").inner_text()
