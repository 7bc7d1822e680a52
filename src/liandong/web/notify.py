"""系统管理 · 短信通知: edit the Chinese message templates with a preview; recent messages and the sender's status."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from liandong.core.clock import now as clock_now
from liandong.core.errors import DomainError
from liandong.db.deps import ReadSession
from liandong.notify import service
from liandong.notify.models import STATE_LABELS
from liandong.notify.templates import FIELDS
from liandong.web.admin import TABS, Admin, calendar_horizon
from liandong.web.common import Posted, attempt, see_other
from liandong.web.render import page
from liandong.web.security import flash, verify_csrf

NOTIFIER_LABELS = {"console": "写入日志（开发用）", "file": "写入本地文件（开发、测试用）", "http": "短信网关"}

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf), Depends(calendar_horizon)])


def _page(request: Request, session, *, status_code: int = 200, drafts: dict | None = None, previews: dict | None = None,
          errors: dict | None = None):
    return page(
        request, "admin/notify.html", status_code=status_code, active="admin", tab="notify", tabs=TABS,
        rows=service.list_templates(session), fields=FIELDS, drafts=drafts or {}, previews=previews or {}, errors=errors or {},
        status=service.status(session, now=clock_now()), recent=service.list_notifications(session, limit=20), state_labels=STATE_LABELS, notifier_labels=NOTIFIER_LABELS,
    )


@router.get("/admin/notify")
def admin_notify(request: Request, session: ReadSession, _operator: Admin):
    return _page(request, session)


@router.post("/admin/notify/{event}")
def admin_notify_save(request: Request, event: str, session: ReadSession, operator: Admin, form: Posted):
    event = service.require_event(event).value  # an unknown kind: the Chinese 404 page, nothing changed
    body = str(form.get("body") or "")
    intent = str(form.get("intent") or "save")
    if intent == "preview":
        try:
            text = service.preview_template(body=body)
        except DomainError as error:
            return _page(request, session, status_code=422, drafts={event: body}, errors={event: error.message})
        return _page(request, session, drafts={event: body}, previews={event: text})
    if intent == "reset":
        attempt(request, lambda s: service.reset_template(s, event=event, actor=operator.actor, now=clock_now()), success="已恢复默认模板")
        return see_other(f"/admin/notify#tpl-{event}")
    outcome = attempt(request, lambda s: service.save_template(s, event=event, body=body, actor=operator.actor, now=clock_now()),
                      report=False)
    if not outcome.ok:
        return _page(request, session, status_code=422, drafts={event: body}, errors={event: outcome.error})
    flash(request, "已保存通知模板", "ok")
    return see_other(f"/admin/notify#tpl-{event}")
