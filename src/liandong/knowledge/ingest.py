"""Ingest text and PDF files: extract, repair, split into documents and passages, store; idempotent by content."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from liandong.core import textfile
from liandong.core.errors import ValidationFailed
from liandong.knowledge import split as splitter
from liandong.knowledge.models import Document, Passage, Source
from liandong.knowledge.region import detect_sources

SUFFIXES = (".txt", ".pdf", ".text", ".md")
CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"

Progress = Callable[[str], None]


@dataclass
class IngestResult:
    path: str
    status: str  # ingested / skipped / replaced
    kind: str
    documents: int
    passages: int
    size_bytes: int
    source_id: int

    @property
    def status_label(self) -> str:
        return {"ingested": "已导入", "skipped": "已存在，跳过", "replaced": "内容已变，已重新导入"}[self.status]


def extract_text(path: Path, data: bytes) -> str:
    """Text of a file; PDF pages are joined with form feeds so page starts survive into repair."""
    if path.suffix.lower() == ".pdf":
        import io

        import pdfplumber

        pages = []
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
        return "\n\f".join(pages)
    return textfile.decode(data, name=path.name, field="path")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: the given files, and every .txt/.pdf under given directories, in name order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise ValidationFailed(f"文件不存在：{raw}", field="path")
    return found


def ingest_file(session: Session, *, path: Path, now: datetime, display_name: str | None = None) -> IngestResult:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(Source).where(Source.sha256 == digest))
    if existing is not None:
        documents = len(existing.documents)
        passages = sum(len(document.passages) for document in existing.documents)
        return IngestResult(str(path), "skipped", existing.kind, documents, passages, len(data), existing.id)
    location = str(path.resolve())
    status = "ingested"
    previous = session.scalars(select(Source).where(Source.path == location)).all()
    if previous:
        # Same file, new content: the new version replaces the old one.
        session.execute(delete(Source).where(Source.id.in_([source.id for source in previous])))
        session.expire_all()
        status = "replaced"
    kind, documents = splitter.split_text(extract_text(path, data))
    regions = detect_sources(
        [{"title": d.title, "issuer": d.issuer, "doc_number": d.doc_number, "text": d.text} for d in documents]
    )
    source = Source(
        name=display_name or path.name,
        path=location,
        sha256=digest,
        kind=kind,
        size_bytes=len(data),
        ingested_at=now,
    )
    session.add(source)
    session.flush()
    # Bulk inserts (executemany with RETURNING): a gazette issue has hundreds of passages.
    document_ids = session.scalars(
        insert(Document).returning(Document.id, sort_by_parameter_order=True),
        [
            {
                "source_id": source.id,
                "seq": seq,
                "kind": parsed.kind,
                "title": parsed.title[:500],
                "doc_number": parsed.doc_number,
                "issuer": parsed.issuer,
                "issued_on": parsed.date,
                "publication": parsed.publication,
                "attachments": parsed.attachments,
                "byline": parsed.byline[:255] if parsed.byline else None,
                "region_code": region.code if region else None,
                "region_name": region.name if region else None,
                "text": parsed.text,
                "first_line": parsed.first_line,
                "last_line": parsed.last_line,
            }
            for seq, (parsed, region) in enumerate(zip(documents, regions), start=1)
        ],
    ).all() if documents else []
    rows = [
        {
            "document_id": document_id,
            "seq": index,
            "text": passage.text,
            "start_offset": passage.start,
            "end_offset": passage.end,
            "first_line": passage.first_line,
            "last_line": passage.last_line,
        }
        for document_id, parsed in zip(document_ids, documents)
        for index, passage in enumerate(splitter.passages(parsed), start=1)
    ]
    if rows:
        session.execute(insert(Passage), rows)
    passage_count = len(rows)
    return IngestResult(str(path), status, kind, len(documents), passage_count, len(data), source.id)


def ingest_paths(
    session: Session, *, paths: Iterable[str | Path], now: datetime, progress: Progress | None = None
) -> list[IngestResult]:
    files = expand_paths(paths)
    if not files:
        raise ValidationFailed("没有找到可导入的文件（支持 .txt 与 .pdf）", field="path")
    results = []
    total = sum(file.stat().st_size for file in files)
    done = 0
    for number, file in enumerate(files, start=1):
        result = ingest_file(session, path=file, now=now)
        done += result.size_bytes
        results.append(result)
        if progress:
            progress(
                f"[{number}/{len(files)} {done * 100 // max(total, 1)}%] {file.name}：{result.status_label}，"
                f"{result.documents} 篇文档，{result.passages} 个段落"
            )
    return results


def ingest_demo_corpus(session: Session, *, now: datetime, progress: Progress | None = None) -> list[IngestResult]:
    """The packaged demo corpus (two gazette issues and three newspaper pages)."""
    return ingest_paths(session, paths=[CORPUS_DIR], now=now, progress=progress)
