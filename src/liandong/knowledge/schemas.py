"""API and CLI shapes for knowledge items and searches (kept apart from the ORM models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from liandong.db import MAX_ID
from liandong.knowledge.states import ACTION_LABELS, STATUS_LABELS, ItemAction, ItemStatus

PassageId = Annotated[int, Field(ge=1, le=MAX_ID)]


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=500, description="问题")
    answer: str = Field(default="", description="答复口径")
    department_code: str | None = Field(default=None, description="责任单位编码")
    valid_from: date | None = None
    valid_until: date | None = None
    tags: list[str] = Field(default_factory=list)
    passage_ids: list[PassageId] = Field(default_factory=list, description="出处段落编号")


class ItemUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(default=None, min_length=1, max_length=500)
    answer: str | None = None
    department_code: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    tags: list[str] | None = None
    passage_ids: list[PassageId] | None = None


class ItemActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = ""


class ItemEventRead(BaseModel):
    at: datetime
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    actor: str
    note: str


class ItemRead(BaseModel):
    id: int
    question: str
    answer: str
    department_code: str | None
    status: str
    status_label: str
    valid_from: date | None
    valid_until: date | None
    tags: list[str]
    origin: str
    mined_count: int | None
    passage_ids: list[int]
    created_by: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    events: list[ItemEventRead] = Field(default_factory=list)

    @classmethod
    def of(cls, item, *, with_events: bool = True) -> ItemRead:
        return cls(
            id=item.id,
            question=item.question,
            answer=item.answer,
            department_code=item.department_code,
            status=item.status,
            status_label=STATUS_LABELS[ItemStatus(item.status)],
            valid_from=item.valid_from,
            valid_until=item.valid_until,
            tags=list(item.tags or []),
            origin=item.origin,
            mined_count=item.mined_count,
            passage_ids=[passage.id for passage in item.passages],
            created_by=item.created_by,
            created_at=item.created_at,
            updated_at=item.updated_at,
            published_at=item.published_at,
            events=[
                ItemEventRead(
                    at=event.at,
                    action=event.action,
                    action_label=ACTION_LABELS[ItemAction(event.action)],
                    from_status=event.from_status,
                    to_status=event.to_status,
                    actor=event.actor,
                    note=event.note,
                )
                for event in item.events
            ]
            if with_events
            else [],
        )


class SearchResult(BaseModel):
    doc_id: int | None
    title: str
    doc_number: str | None
    date: str | None
    source: str
    passage: str
    score: float
    kind: str = Field(description="gazette / newspaper / item")
    passage_id: int | None
    item_id: int | None
    start: int
    end: int
    first_line: int | None
    last_line: int | None
    span: list[int] | None = Field(description="passage 内命中片段的起止位置")
    matched: str | None
    city: str | None = Field(default=None, description="文件所属城市或省份，如“晋城市”“山西省”")
    scope: str = Field(default="unknown", description="own 本市 / province 本省 / other 外市 / unknown 不详")
    other_city: bool = Field(default=False, description="是否外市文件")


class DocumentRead(BaseModel):
    doc_id: int
    title: str
    doc_number: str | None
    issuer: str | None
    date: str | None
    publication: str | None
    attachments: list[str]
    byline: str | None
    region_code: str | None = None
    city: str | None = Field(default=None, description="文件所属城市或省份")
    kind: str
    source: str
    source_type: str
    source_path: str
    first_line: int
    last_line: int
    chars: int
    passages: int


class CitationRead(BaseModel):
    title: str
    doc_number: str | None
    source: str
    issuer: str | None
    date: str | None
    start: int = Field(description="答案在文档正文（kb_documents.text）中的起始位置；一问一答为在答复口径中的位置")
    end: int
    city: str | None = Field(description="文件所属城市或省份")
    other_city: bool = Field(description="是否外市文件")
    scope: str = Field(description="own 本市 / province 本省 / other 外市 / unknown 不详")
    kind: str = Field(description="gazette / newspaper / item")
    doc_id: int | None
    passage_id: int | None
    item_id: int | None
    passage_start: int = Field(description="答案在 passage 中的起始位置")
    passage_end: int
    first_line: int | None
    last_line: int | None


class AlternativeRead(BaseModel):
    answer: str
    confidence: float
    citation: CitationRead
    passage: str


class RepairRead(BaseModel):
    wrong: str
    right: str


class AnswerRead(BaseModel):
    question: str
    understood_as: str | None = Field(description="按书面语与纠错理解后的问题")
    repairs: list[RepairRead]
    answer: str | None = Field(description="原文中作答的句子；知识库没有可靠答案时为 null")
    confidence: float
    citation: CitationRead | None
    passage: str | None
    message: str | None = Field(description="没有答案时为“知识库中没有找到可靠答案”")
    reasons: list[str]
    alternatives: list[AlternativeRead]
