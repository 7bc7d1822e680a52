"""REST endpoints under /api/kb: search with citations, documents, 一问一答 items and their transitions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from liandong.account.dependencies import scoped
from liandong.core.actor import Actor
from liandong.core.clock import local
from liandong.core.clock import now as clock_now
from liandong.core.http import ERROR_RESPONSES, RecordId
from liandong.db import MAX_ID
from liandong.db.deps import ReadSession, WriteSession
from liandong.knowledge import answer as answer_service
from liandong.knowledge import items
from liandong.knowledge import search as search_service
from liandong.knowledge.schemas import (
    AnswerRead,
    DocumentRead,
    ItemActionRequest,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    SearchResult,
)
from liandong.knowledge.states import parse_action

# Every knowledge endpoint needs a caller: drafts mined from calls can carry personal data.
router = APIRouter(prefix="/api/kb", tags=["知识库 knowledge base"], responses=ERROR_RESPONSES, dependencies=[Depends(scoped("kb:read"))])
Reader = Annotated[Actor, Depends(scoped("kb:read"))]
Writer = Annotated[Actor, Depends(scoped("kb:write"))]


@router.get("/search", response_model=list[SearchResult], summary="检索：公报、报纸段落与已发布的一问一答")
def search(
    session: ReadSession,
    q: Annotated[str, Query(min_length=1, max_length=500, description="问题")],
    top: Annotated[int, Query(ge=1, le=100)] = 5,
    source: Annotated[str | None, Query(description="gazette / newspaper / item")] = None,
    department: Annotated[str | None, Query(description="单位编码")] = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict]:
    filters = None
    if source or department or date_from or date_to:
        filters = search_service.SearchFilters(
            source_type=source, department_code=department, date_from=date_from, date_to=date_to
        )
    return search_service.search(session, question=q, today=local(clock_now()).date(), top=top, filters=filters)


@router.get("/answer", response_model=AnswerRead, summary="回答：原文中作答的句子、出处与可信度；没有可靠答案时 answer 为 null")
def answer(
    session: ReadSession,
    q: Annotated[str, Query(min_length=1, max_length=500, description="问题")],
    top: Annotated[int, Query(ge=1, le=10, description="连同备选最多几条")] = 3,
) -> dict:
    return answer_service.answer(session, q, today=local(clock_now()).date(), top=top)


@router.get("/docs", response_model=list[DocumentRead], summary="已导入的文档及元数据")
def list_documents(
    session: ReadSession,
    source: Annotated[str | None, Query(description="gazette / newspaper")] = None,
) -> list[dict]:
    return search_service.list_documents(session, source_type=source)


@router.post("/items", status_code=status.HTTP_201_CREATED, response_model=ItemRead, summary="新建一问一答（草稿）")
def create_item(body: ItemCreate, session: WriteSession, actor: Writer) -> ItemRead:
    item = items.create_item(session, actor=actor, now=clock_now(), **body.model_dump())
    return ItemRead.of(item)


@router.get("/items", response_model=list[ItemRead], summary="一问一答列表")
def list_items(
    session: ReadSession,
    actor: Reader,
    status_: Annotated[str | None, Query(alias="status")] = None,
    department: str | None = None,
    visible: Annotated[bool, Query(description="只看话务员可见的（已发布且在有效期内）")] = False,
    q: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[ItemRead]:
    found = items.list_items(
        session,
        status=status_,
        department_code=department,
        visible_on=local(clock_now()).date() if visible else None,
        q=q,
        limit=limit,
        offset=offset,
        actor=actor,
    )
    return [ItemRead.of(item, with_events=False) for item in found]


@router.get("/items/{item_id}", response_model=ItemRead, summary="一问一答详情与流转记录")
def get_item(item_id: RecordId, session: ReadSession, actor: Reader) -> ItemRead:
    return ItemRead.of(items.get_item(session, item_id, actor=actor))


@router.patch("/items/{item_id}", response_model=ItemRead, summary="修改草稿")
def update_item(
    item_id: RecordId, body: ItemUpdate, session: WriteSession, actor: Writer
) -> ItemRead:
    item = items.update_item(session, actor=actor, now=clock_now(), item_id=item_id, **body.model_dump(exclude_unset=True))
    return ItemRead.of(item)


@router.post(
    "/items/{item_id}/{action}",
    response_model=ItemRead,
    summary="流转：submit 提交审核 / approve 通过 / reject 退回 / publish 发布 / expire 失效 / revise 重新修订",
)
def act_on_item(
    item_id: RecordId,
    action: str,
    session: WriteSession,
    actor: Writer,
    body: ItemActionRequest | None = None,
) -> ItemRead:
    item = items.transition(
        session,
        actor=actor,
        now=clock_now(),
        item_id=item_id,
        action=parse_action(action),
        note=body.note if body else "",
    )
    return ItemRead.of(item)
