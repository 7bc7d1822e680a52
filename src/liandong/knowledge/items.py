"""一问一答 items: create, edit, move through the lifecycle (the only writer of Item.status), list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from liandong.catalog.models import Department
from liandong.core.actor import Actor, Role
from liandong.core.clock import local
from liandong.core.errors import NotFound, PermissionDenied, ValidationFailed
from liandong.knowledge.models import Item, ItemEvent, Passage
from liandong.knowledge.states import ItemAction, ItemStatus, may_read, next_status

EDITABLE_FIELDS = ("question", "answer", "department_code", "valid_from", "valid_until", "tags", "passage_ids")


def _check_department(session: Session, code: str | None) -> None:
    if code is not None and session.get(Department, code) is None:
        raise ValidationFailed(f"单位不存在：{code}", field="department_code")


def _check_scope(actor: Actor, item: Item) -> None:
    if actor.role is Role.UNIT_HANDLER and item.department_code not in (None, actor.department_code):
        raise PermissionDenied("只能处理本单位的知识条目")


def _clean_tags(tags: Iterable[str] | None) -> list[str]:
    result: list[str] = []
    for tag in tags or []:
        tag = str(tag).strip()
        if tag and tag not in result:
            result.append(tag[:32])
    return result


def _passages(session: Session, ids: Iterable[int]) -> list[Passage]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    found = session.scalars(select(Passage).where(Passage.id.in_(ids))).all() if ids else []
    missing = sorted(set(ids) - {passage.id for passage in found})
    if missing:
        raise ValidationFailed(f"出处段落不存在：{'、'.join(map(str, missing))}", field="passage_ids")
    return list(found)


def _validate(item: Item) -> None:
    item.question = (item.question or "").strip()
    if not item.question:
        raise ValidationFailed("问题不能为空", field="question")
    if len(item.question) > 500:
        raise ValidationFailed("问题不能超过 500 字", field="question")
    if item.valid_from and item.valid_until and item.valid_until < item.valid_from:
        raise ValidationFailed("有效期截止日期早于起始日期", field="valid_until")


def _record(item: Item, *, actor: Actor, now: datetime, action: ItemAction, before: str | None, note: str = "") -> None:
    item.events.append(
        ItemEvent(at=now, action=action.value, from_status=before, to_status=item.status, actor=actor.name, note=note)
    )
    item.updated_at = now


def create_item(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    question: str,
    answer: str = "",
    department_code: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    tags: Iterable[str] | None = None,
    passage_ids: Iterable[int] = (),
    origin: str = "manual",
    mined_count: int | None = None,
    note: str = "",
) -> Item:
    if actor.role is Role.UNIT_HANDLER:
        department_code = department_code or actor.department_code
    # Creating is writing a new draft: the same people the item table lets edit one (authors, not call-takers or leaders).
    next_status(ItemStatus.DRAFT.value, ItemAction.EDIT, actor, department_code)
    _check_department(session, department_code)
    item = Item(
        question=question,
        answer=(answer or "").strip(),
        department_code=department_code,
        status=ItemStatus.DRAFT.value,
        valid_from=valid_from,
        valid_until=valid_until,
        tags=_clean_tags(tags),
        origin=origin,
        mined_count=mined_count,
        created_by=actor.name,
        created_at=now,
        updated_at=now,
    )
    _check_scope(actor, item)
    _validate(item)
    item.passages = _passages(session, passage_ids)
    _record(item, actor=actor, now=now, action=ItemAction.CREATE, before=None, note=note)
    session.add(item)
    session.flush()
    return item


def get_item(session: Session, item_id: int, *, actor: Actor | None = None) -> Item:
    """The item; with an actor, only when they may read it (otherwise it does not exist for them)."""
    item = session.get(Item, item_id, options=[selectinload(Item.events), selectinload(Item.passages)])
    if item is None or (actor is not None and not may_read(item.status, actor, item.department_code)):
        raise NotFound(f"知识条目不存在：{item_id}")
    return item


def update_item(session: Session, *, actor: Actor, now: datetime, item_id: int, **changes) -> Item:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    item = get_item(session, item_id, actor=actor)  # an item the actor may not read does not exist for them (404, not 403)
    next_status(item.status, ItemAction.EDIT, actor, item.department_code)  # the table: state, then role and unit
    changed = []
    for name, value in changes.items():
        if value is None:
            continue
        if name == "department_code":
            _check_department(session, value)
        if name == "tags":
            value = _clean_tags(value)
        if name == "passage_ids":
            item.passages = _passages(session, value)
        else:
            setattr(item, name, value.strip() if isinstance(value, str) else value)
        changed.append(name)
    _check_scope(actor, item)
    _validate(item)
    if changed:
        _record(item, actor=actor, now=now, action=ItemAction.EDIT, before=item.status, note="、".join(changed))
    session.flush()
    return item


def transition(session: Session, *, actor: Actor, now: datetime, item_id: int, action: ItemAction, note: str = "") -> Item:
    """The one place an item's status changes; each change appends to its timeline."""
    item = get_item(session, item_id, actor=actor)  # an item the actor may not read does not exist for them (404, not 403)
    target = next_status(item.status, action, actor, item.department_code)
    if action is ItemAction.EDIT:
        raise ValidationFailed("修改请使用 edit")
    if target in (ItemStatus.IN_REVIEW, ItemStatus.PUBLISHED):
        if not item.answer.strip():
            raise ValidationFailed("答复口径不能为空", field="answer")
        if item.department_code is None:
            raise ValidationFailed("请先指定责任单位", field="department_code")
    if target is ItemStatus.PUBLISHED and item.valid_until and item.valid_until < local(now).date():
        raise ValidationFailed("有效期已过，不能发布", field="valid_until")
    if action is ItemAction.REJECT and not note.strip():
        raise ValidationFailed("退回时请填写原因", field="note")
    before = item.status
    item.status = target.value
    if target is ItemStatus.PUBLISHED:
        item.published_at = now
    _record(item, actor=actor, now=now, action=action, before=before, note=note)
    session.flush()
    return item


def expire_due(session: Session, *, actor: Actor, now: datetime) -> list[int]:
    """Expire published items whose validity has ended (a scheduled task calls this daily)."""
    today = local(now).date()
    due = session.scalars(
        select(Item.id).where(Item.status == ItemStatus.PUBLISHED.value, Item.valid_until < today)
    ).all()
    for item_id in due:
        transition(session, actor=actor, now=now, item_id=item_id, action=ItemAction.EXPIRE, note="有效期届满")
    return list(due)


def list_items(
    session: Session,
    *,
    status: str | None = None,
    department_code: str | None = None,
    visible_on: date | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
    actor: Actor | None = None,
) -> list[Item]:
    """Items by filter; with an actor, only those they may read."""
    statement = select(Item).options(selectinload(Item.passages)).order_by(Item.id.desc())
    if actor is not None and not may_read(ItemStatus.DRAFT.value, actor, None):
        readable = Item.status == ItemStatus.PUBLISHED.value
        if actor.role is Role.UNIT_HANDLER and actor.department_code:
            readable = or_(readable, Item.department_code == actor.department_code)
        statement = statement.where(readable)
    if status:
        try:
            statement = statement.where(Item.status == ItemStatus(status).value)
        except ValueError:
            raise ValidationFailed(f"未知的状态：{status}", field="status") from None
    if department_code:
        statement = statement.where(Item.department_code == department_code)
    if visible_on is not None:
        statement = statement.where(
            Item.status == ItemStatus.PUBLISHED.value,
            or_(Item.valid_from.is_(None), Item.valid_from <= visible_on),
            or_(Item.valid_until.is_(None), Item.valid_until >= visible_on),
        )
    if q:
        pattern = f"%{q}%"
        statement = statement.where(or_(Item.question.like(pattern), Item.answer.like(pattern)))
    return list(session.scalars(statement.limit(limit).offset(offset)))
