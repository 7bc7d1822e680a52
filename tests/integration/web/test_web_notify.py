"""系统管理 · 短信通知: templates edited, previewed and refused in Chinese; only administrators."""

from __future__ import annotations

import pytest

from liandong.core.actor import CLI
from liandong.core.clock import now
from liandong.db import unit_of_work
from liandong.notify import service


@pytest.fixture
def default_templates(engine):
    """Page writes commit for real: put the packaged templates back afterwards."""
    yield
    with unit_of_work(engine) as session:
        for row in service.list_templates(session):
            if not row["is_default"]:
                service.reset_template(session, event=row["event"], actor=CLI, now=now())


def test_admin_previews_saves_and_resets_a_template(browser, default_templates, engine):
    admin = browser("w_admin")
    page = admin.get("/admin/notify")
    assert page.status_code == 200 and 'id="tpl-accepted"' in page.text and "短信通知" in page.text
    preview = admin.post("/admin/notify/accepted", {"intent": "preview", "body": "已受理，编号{{ number }}，请留意{{ hotline }}来电。"})
    assert preview.status_code == 200 and "预览（未保存）" in preview.text and "已受理，编号JC-20261201-000123，请留意12345来电。" in preview.text
    with unit_of_work(engine) as session:
        assert service.list_templates(session)[0]["is_default"]  # a preview saves nothing
    saved = admin.post("/admin/notify/accepted", {"intent": "save", "body": "已受理，编号{{ number }}。"})
    assert saved.status_code == 303
    with unit_of_work(engine) as session:
        assert service.template_body(session, service.Event.ACCEPTED) == "已受理，编号{{ number }}。"
    assert "已保存通知模板" in admin.get("/admin/notify").text
    assert admin.post("/admin/notify/accepted", {"intent": "reset"}).status_code == 303
    with unit_of_work(engine) as session:
        assert service.list_templates(session)[0]["is_default"]


@pytest.mark.parametrize("body, message", [
    ("您好 {{ caller_name }}", "模板使用了未知字段：caller_name"),
    ("{{ number ", "模板语法错误"),
    ("", "模板内容不能为空"),
])
def test_a_bad_template_is_refused_in_chinese_and_changes_nothing(browser, default_templates, engine, body, message):
    admin = browser("w_admin")
    admin.get("/admin/notify")
    for intent in ("save", "preview"):
        answer = admin.post("/admin/notify/closed", {"intent": intent, "body": body})
        assert answer.status_code == 422 and message in answer.text and "Traceback" not in answer.text
    with unit_of_work(engine) as session:
        assert all(row["is_default"] for row in service.list_templates(session))


def test_an_unknown_kind_and_other_roles_are_refused(browser):
    admin = browser("w_admin")
    admin.get("/admin/notify")
    unknown = admin.post("/admin/notify/nonsense", {"intent": "save", "body": "{{ number }}"})
    assert unknown.status_code == 404 and "没有这类通知" in unknown.text
    supervisor = browser("w_supervisor")
    assert supervisor.get("/admin/notify").status_code == 403
    assert supervisor.post("/admin/notify/accepted", {"intent": "save", "body": "x"}).status_code == 403
