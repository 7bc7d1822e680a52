"""一问一答 items through the service: lifecycle with its timeline, validation, unit scope, passage links."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.knowledge import items
from liandong.knowledge.models import Passage
from liandong.knowledge.states import ItemAction

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)
REVIEWER = Actor(name="督查员", role=Role.SUPERVISOR)
HANDLER = Actor(name="住建局经办", role=Role.UNIT_HANDLER, department_code="zjj")
OTHER_HANDLER = Actor(name="城管局经办", role=Role.UNIT_HANDLER, department_code="cgj")


def test_full_lifecycle_appends_the_timeline(session):
    item = items.create_item(session, actor=HANDLER, now=NOW, question="公租房怎么申请？", tags=["住房", "住房", " "])
    assert item.status == "draft" and item.department_code == "zjj" and item.tags == ["住房"]
    items.update_item(session, actor=HANDLER, now=NOW, item_id=item.id, answer="携带身份证到住建局窗口申请。")
    items.transition(session, actor=HANDLER, now=NOW, item_id=item.id, action=ItemAction.SUBMIT)
    with pytest.raises(PermissionDenied):
        items.transition(session, actor=HANDLER, now=NOW, item_id=item.id, action=ItemAction.APPROVE)
    with pytest.raises(ValidationFailed, match="原因"):
        items.transition(session, actor=REVIEWER, now=NOW, item_id=item.id, action=ItemAction.REJECT)
    items.transition(session, actor=REVIEWER, now=NOW, item_id=item.id, action=ItemAction.REJECT, note="请写明材料清单")
    items.update_item(session, actor=HANDLER, now=NOW, item_id=item.id, answer="携带身份证、户口簿到住建局窗口申请。")
    for action in (ItemAction.SUBMIT,):
        items.transition(session, actor=HANDLER, now=NOW, item_id=item.id, action=action)
    for action in (ItemAction.APPROVE, ItemAction.PUBLISH):
        items.transition(session, actor=REVIEWER, now=NOW, item_id=item.id, action=action)
    item = items.get_item(session, item.id)
    assert item.status == "published" and item.published_at == NOW
    assert [(e.action, e.from_status, e.to_status) for e in item.events] == [
        ("create", None, "draft"),
        ("edit", "draft", "draft"),
        ("submit", "draft", "in_review"),
        ("reject", "in_review", "draft"),
        ("edit", "draft", "draft"),
        ("submit", "draft", "in_review"),
        ("approve", "in_review", "approved"),
        ("publish", "approved", "published"),
    ]
    with pytest.raises(InvalidTransition, match="已发布"):
        items.update_item(session, actor=HANDLER, now=NOW, item_id=item.id, answer="改不了")


def test_submit_needs_an_answer_and_a_unit(session):
    item = items.create_item(session, actor=REVIEWER, now=NOW, question="没有答复的问题")
    with pytest.raises(ValidationFailed, match="答复口径"):
        items.transition(session, actor=REVIEWER, now=NOW, item_id=item.id, action=ItemAction.SUBMIT)
    items.update_item(session, actor=REVIEWER, now=NOW, item_id=item.id, answer="有了")
    with pytest.raises(ValidationFailed, match="责任单位"):
        items.transition(session, actor=REVIEWER, now=NOW, item_id=item.id, action=ItemAction.SUBMIT)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"question": " "}, "问题不能为空"),
        ({"question": "问" * 501}, "500"),
        ({"question": "有效期", "valid_from": date(2026, 12, 1), "valid_until": date(2026, 11, 1)}, "截止日期早于"),
        ({"question": "单位", "department_code": "nope"}, "单位不存在"),
        ({"question": "出处", "passage_ids": [987654]}, "出处段落不存在"),
    ],
)
def test_invalid_items_are_refused_in_chinese(session, fields, message):
    with pytest.raises(ValidationFailed, match=message):
        items.create_item(session, actor=REVIEWER, now=NOW, **fields)


def test_unit_handlers_only_touch_their_own_unit(session):
    item = items.create_item(session, actor=HANDLER, now=NOW, question="电梯坏了找谁")
    # Another unit's draft does not exist for it (as when reading it), so it cannot be told apart from no item.
    with pytest.raises(NotFound):
        items.update_item(session, actor=OTHER_HANDLER, now=NOW, item_id=item.id, answer="找城管")
    with pytest.raises(NotFound):
        items.transition(session, actor=OTHER_HANDLER, now=NOW, item_id=item.id, action=ItemAction.SUBMIT)
    with pytest.raises(NotFound):
        items.get_item(session, 987654)


def test_items_link_to_source_passages(corpus, session):
    passage_ids = session.scalars(select(Passage.id).order_by(Passage.id).limit(2)).all()
    item = items.create_item(session, actor=REVIEWER, now=NOW, question="有出处的问题", passage_ids=passage_ids)
    assert [p.id for p in items.get_item(session, item.id).passages] == list(passage_ids)


def test_expire_due_expires_items_past_their_validity(session):
    item = items.create_item(
        session, actor=REVIEWER, now=NOW, question="过期政策", answer="旧口径", department_code="zjj", valid_until=date(2026, 11, 30)
    )
    for action in (ItemAction.SUBMIT, ItemAction.APPROVE, ItemAction.PUBLISH):
        items.transition(session, actor=REVIEWER, now=NOW, item_id=item.id, action=action)
    later = datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)
    assert items.expire_due(session, actor=Actor("system", Role.SYSTEM), now=later) == [item.id]
    assert items.get_item(session, item.id).status == "expired"
    listed = items.list_items(session, status="expired")
    assert item.id in [i.id for i in listed]
    assert item.id not in [i.id for i in items.list_items(session, visible_on=date(2026, 12, 2))]
