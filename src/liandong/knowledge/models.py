"""Knowledge-base tables: ingested sources, their documents and passages, and 一问一答 items with a timeline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liandong.db import Base, UTCDateTime


class Source(Base):
    """One ingested file (a gazette issue or a newspaper page); re-ingesting the same content is a no-op."""

    __tablename__ = "kb_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1024), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # gazette / newspaper
    size_bytes: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)

    documents: Mapped[list[Document]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True, order_by="Document.seq"
    )


class Document(Base):
    """A gazette document (with its 文号) or a newspaper article, as repaired text."""

    __tablename__ = "kb_documents"
    __table_args__ = (UniqueConstraint("source_id", "seq", name="uq_kb_documents_source_id_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("kb_sources.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # document / article
    title: Mapped[str] = mapped_column(String(500))
    doc_number: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    issuer: Mapped[str | None] = mapped_column(String(128), default=None)
    issued_on: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    publication: Mapped[str | None] = mapped_column(String(32), default=None)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    byline: Mapped[str | None] = mapped_column(String(255), default=None)
    # The city (or the province) the document comes from, detected at ingest (knowledge/region.py).
    region_code: Mapped[str | None] = mapped_column(String(12), default=None, index=True)
    region_name: Mapped[str | None] = mapped_column(String(32), default=None)
    text: Mapped[str] = mapped_column(Text)
    first_line: Mapped[int] = mapped_column(Integer)
    last_line: Mapped[int] = mapped_column(Integer)

    source: Mapped[Source] = relationship(back_populates="documents")
    passages: Mapped[list[Passage]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="Passage.seq"
    )


class Passage(Base):
    """A citable window of a document (about 100–400 characters) with its offsets and source lines."""

    __tablename__ = "kb_passages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    first_line: Mapped[int] = mapped_column(Integer)
    last_line: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="passages")


class ItemPassage(Base):
    __tablename__ = "kb_item_passages"

    item_id: Mapped[int] = mapped_column(ForeignKey("kb_items.id", ondelete="CASCADE"), primary_key=True)
    passage_id: Mapped[int] = mapped_column(ForeignKey("kb_passages.id", ondelete="CASCADE"), primary_key=True)


class Item(Base):
    """A curated question and answer (一问一答) owned by a unit. Status changes only through items.transition."""

    __tablename__ = "kb_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text, default="")
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), default=None, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date, default=None)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(16), default="manual")  # manual / mined
    mined_count: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    passages: Mapped[list[Passage]] = relationship(secondary="kb_item_passages", order_by="Passage.id")
    events: Mapped[list[ItemEvent]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True, order_by="ItemEvent.id"
    )


class ItemEvent(Base):
    """The append-only timeline of an item: who did what, from which status to which."""

    __tablename__ = "kb_item_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("kb_items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16), default=None)
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[Item] = relationship(back_populates="events")
