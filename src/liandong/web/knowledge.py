"""知识库: search and read for everyone; draft and submit 一问一答 for units; review and publish for reviewers."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from liandong.catalog import service as catalog
from liandong.core.actor import Role
from liandong.core.clock import local
from liandong.core.clock import now as clock_now
from liandong.core.errors import NotFound, ValidationFailed
from liandong.core.http import RecordId
from liandong.db.deps import ReadSession
from liandong.knowledge import items
from liandong.knowledge.models import Passage
from liandong.knowledge.states import ACTION_LABELS, STATUS_LABELS, ItemAction, ItemStatus, may_read
from liandong.knowledge.states import permitted as item_permitted
from liandong.web.common import Posted, attempt, see_other
from liandong.web.intake import search_knowledge
from liandong.web.render import page
from liandong.web.security import CurrentOperator, Operator, flash, require, verify_csrf
from liandong.workorder.validation import parse_int

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
Author = Annotated[Operator, Depends(require(Role.UNIT_HANDLER, Role.SUPERVISOR))]
Reviewer = Annotated[Operator, Depends(require(Role.SUPERVISOR))]
ITEM_STATUS_LABELS = {s.value: label for s, label in STATUS_LABELS.items()}


def _may_read(item, operator: Operator) -> bool:
    """Drafts are visible to their unit and to reviewers; everyone else reads published items only."""
    return may_read(item.status, operator.actor, item.department_code)


def _item_actions(item, operator: Operator) -> list[ItemAction]:
    """The buttons under an item: what the item table permits this person (editing has its own page)."""
    return [a for a in item_permitted(item.status, operator.actor, item.department_code) if a is not ItemAction.EDIT]


@router.get("/kb")
def kb_home(request: Request, session: ReadSession, operator: CurrentOperator, q: str = ""):
    today = local(clock_now()).date()
    results = search_knowledge(session, q, top=10) if q.strip() else []
    mine = []
    if operator.role is Role.UNIT_HANDLER:
        mine = items.list_items(session, department_code=operator.department_code, limit=50)
    recent = items.list_items(session, visible_on=today, limit=20)
    return page(
        request,
        "kb/home.html",
        active="kb",
        q=q,
        results=results,
        searched=bool(q.strip()),
        mine=mine,
        recent=recent,
        status_labels=ITEM_STATUS_LABELS,
        may_author=operator.has(Role.UNIT_HANDLER, Role.SUPERVISOR),
    )


@router.get("/kb/passages/{passage_id}")
def kb_passage(request: Request, passage_id: RecordId, session: ReadSession, operator: CurrentOperator):
    passage = session.get(Passage, passage_id)
    if passage is None:
        raise NotFound(f"出处段落不存在：{passage_id}")
    return page(request, "kb/passage.html", active="kb", passage=passage, document=passage.document)


@router.get("/kb/items/new")
def kb_new(request: Request, session: ReadSession, operator: Author, passage: str = ""):
    values = {"department_code": operator.department_code or "", "passage_ids": passage if passage.isascii() and passage.isdigit() and len(passage) < 10 else ""}
    return page(request, "kb/edit.html", active="kb", item=None, values=values, error=None, departments=catalog.list_departments(session))


def _item_values(form) -> dict:
    def day(name: str) -> date | None:
        text = str(form.get(name) or "").strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationFailed("日期格式应为 YYYY-MM-DD", field=name) from None

    passage_text = str(form.get("passage_ids") or "").replace("，", ",")
    passage_ids = [parse_int(p, field="passage_ids", label="出处段落编号") for p in passage_text.replace(" ", ",").split(",") if p.strip()]
    tags = [t for t in str(form.get("tags") or "").replace("，", ",").split(",") if t.strip()]
    return {
        "question": str(form.get("question") or ""),
        "answer": str(form.get("answer") or ""),
        "department_code": str(form.get("department_code") or "").strip() or None,
        "valid_from": day("valid_from"),
        "valid_until": day("valid_until"),
        "tags": tags,
        "passage_ids": passage_ids,
    }


def _edit_again(request, session, item, form, error):
    values = {k: str(form.get(k) or "") for k in ("question", "answer", "department_code", "valid_from", "valid_until", "tags", "passage_ids")}
    return page(
        request, "kb/edit.html", status_code=422, active="kb", item=item, values=values, error=error, departments=catalog.list_departments(session)
    )


@router.post("/kb/items/new")
def kb_create(request: Request, session: ReadSession, operator: Author, form: Posted):
    submit = form.get("intent") == "submit"

    def create(db):
        item = items.create_item(db, actor=operator.actor, now=clock_now(), **_item_values(form))
        if submit:
            items.transition(db, actor=operator.actor, now=clock_now(), item_id=item.id, action=ItemAction.SUBMIT)
        return item.id

    outcome = attempt(request, create, report=False)
    if not outcome.ok:
        return _edit_again(request, session, None, form, outcome.error)
    flash(request, "已提交审核" if submit else "草稿已保存")
    return see_other(f"/kb/items/{outcome.value}")


@router.get("/kb/items/{item_id}")
def kb_item(request: Request, item_id: RecordId, session: ReadSession, operator: CurrentOperator):
    item = items.get_item(session, item_id)
    if not _may_read(item, operator):
        raise NotFound(f"知识条目不存在：{item_id}")
    department = catalog.list_departments(session)
    names = {d.code: d.name for d in department}
    return page(
        request,
        "kb/item.html",
        active="kb",
        item=item,
        department_name=names.get(item.department_code or "", "—"),
        status_labels=ITEM_STATUS_LABELS,
        action_labels={a.value: label for a, label in ACTION_LABELS.items()},
        actions=_item_actions(item, operator),
        may_edit=item.status == ItemStatus.DRAFT.value and ItemAction.SUBMIT in _item_actions(item, operator),
    )


@router.get("/kb/items/{item_id}/edit")
def kb_edit(request: Request, item_id: RecordId, session: ReadSession, operator: Author):
    item = items.get_item(session, item_id)
    if not _may_read(item, operator):
        raise NotFound(f"知识条目不存在：{item_id}")
    values = {
        "question": item.question,
        "answer": item.answer,
        "department_code": item.department_code or "",
        "valid_from": item.valid_from.isoformat() if item.valid_from else "",
        "valid_until": item.valid_until.isoformat() if item.valid_until else "",
        "tags": "，".join(item.tags or []),
        "passage_ids": ",".join(str(p.id) for p in item.passages),
    }
    return page(request, "kb/edit.html", active="kb", item=item, values=values, error=None, departments=catalog.list_departments(session))


@router.post("/kb/items/{item_id}/edit")
def kb_update(request: Request, item_id: RecordId, session: ReadSession, operator: Author, form: Posted):
    submit = form.get("intent") == "submit"

    def update(db):
        items.update_item(db, actor=operator.actor, now=clock_now(), item_id=item_id, **_item_values(form))
        if submit:
            items.transition(db, actor=operator.actor, now=clock_now(), item_id=item_id, action=ItemAction.SUBMIT)

    outcome = attempt(request, update, report=False)
    if not outcome.ok:
        return _edit_again(request, session, items.get_item(session, item_id), form, outcome.error)
    flash(request, "已提交审核" if submit else "已保存")
    return see_other(f"/kb/items/{item_id}")


@router.post("/kb/items/{item_id}/act")
def kb_act(request: Request, item_id: RecordId, operator: CurrentOperator, form: Posted):
    action_name = str(form.get("action") or "")
    note = str(form.get("note") or "")

    def run(db):
        action = ItemAction(action_name) if action_name in {a.value for a in ItemAction} else None
        if action is None or action in (ItemAction.CREATE, ItemAction.EDIT):
            raise ValidationFailed(f"未知的操作：{action_name}")
        items.transition(db, actor=operator.actor, now=clock_now(), item_id=item_id, action=action, note=note)
        return ACTION_LABELS[action]

    outcome = attempt(request, run)
    if outcome.ok:
        flash(request, f"知识条目 {item_id}：已{outcome.value}")
    back = str(form.get("next") or "")
    return see_other(back if back.startswith("/kb/") else f"/kb/items/{item_id}")


@router.get("/kb/review")
def kb_review(request: Request, session: ReadSession, operator: Reviewer):
    pending = items.list_items(session, status=ItemStatus.IN_REVIEW.value, limit=100)
    approved = items.list_items(session, status=ItemStatus.APPROVED.value, limit=100)
    names = catalog.unit_names(session)
    return page(request, "kb/review.html", active="kb_review", pending=pending, approved=approved, names=names)
