"""网格台账 pages: ledger items by handling day for the township (and the county and city desks), and the ledger upload."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from liandong.core.actor import Role
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed, translate
from liandong.db import unit_of_work
from liandong.db.deps import ReadSession
from liandong.grid import service
from liandong.web.render import page
from liandong.web.security import Operator, require, verify_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
GridDesk = Annotated[Operator, Depends(require(Role.UNIT_HANDLER, Role.COUNTY_DISPATCHER, Role.DISPATCHER, Role.SUPERVISOR))]


def _day(value: str | None, field: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD", field=field) from None


def _board(request: Request, session, operator: Operator, *, params: dict, report: dict | None = None, error: str | None = None,
           status_code: int = 200):
    now = clock_now()
    flt = service.ItemFilter(
        day_from=_day(params.get("from"), "from"), day_to=_day(params.get("to"), "to"), town=(params.get("town") or "").strip() or None,
        kind=(params.get("kind") or "").strip() or None, open_only=params.get("open") == "1", text=(params.get("q") or "").strip() or None,
    )
    groups = service.list_items(session, actor=operator.actor, now=now, flt=flt)
    return page(
        request, "grid/board.html", status_code=status_code, active="grid", groups=groups, params=params, kinds=service.KINDS,
        towns=service.towns_seen(session, actor=operator.actor, now=now), kind_of=service.kind_of, is_open=service.is_open,
        may_import=service.may_import(operator.actor), report=report, error=error, now=now,
    )


@router.get("/grid")
def grid_board(request: Request, session: ReadSession, operator: GridDesk):
    return _board(request, session, operator, params=dict(request.query_params))


@router.post("/grid/import")
async def grid_import(request: Request, operator: GridDesk):
    form = await request.form()
    try:
        upload = form.get("file")
        data = await upload.read(service.MAX_FILE_BYTES + 1) if upload is not None and hasattr(upload, "read") else b""
        name = upload.filename if upload is not None and hasattr(upload, "filename") else ""
        handle_on = str(form.get("handle_on") or "").strip()
        dry_run = form.get("dry_run") == "1"
    finally:
        await form.close()
    now = clock_now()

    def use_case(session):
        if not name:
            raise ValidationFailed("请选择台账文件（CSV 或 XLSX）", field="file")
        return service.import_ledger(session, actor=operator.actor, now=now, filename=name, data=data,
                                     handle_on=_day(handle_on, "handle_on"), dry_run=dry_run)

    def run():
        # One transaction for the file; a refusal keeps its status (422 for a wrong header, 403 for a unit) and its words.
        report, error, status = None, None, 200
        try:
            with unit_of_work(request.app.state.engine) as session:
                report = use_case(session)
        except Exception as failure:  # noqa: BLE001 - only what the domain can say in words is answered here
            refusal = translate(failure)
            if refusal is None:
                raise
            error, status = refusal.message, refusal.http_status
        with unit_of_work(request.app.state.engine) as session:
            return _board(request, session, operator, params={}, report=report, error=error, status_code=status)

    return await run_in_threadpool(run)
