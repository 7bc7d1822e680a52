"""Ingestion into a real database: documents with metadata, passages with positions, idempotent re-ingest, PDF."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import func, select

from liandong.knowledge.ingest import ingest_file, ingest_paths
from liandong.knowledge.models import Document, Passage, Source
from liandong.knowledge.search import list_documents

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_corpus_is_split_into_documents_and_passages(corpus, session):
    by_name = {result.path.rsplit("/", 1)[-1][:3]: result for result in corpus}
    assert by_name["002"].kind == "gazette" and by_name["002"].documents == 11
    assert by_name["003"].kind == "gazette" and by_name["003"].documents == 8
    assert {by_name[p].kind for p in ("000", "001", "004")} == {"newspaper"}
    numbers = [d["doc_number"] for d in list_documents(session, source_type="gazette")]
    assert "晋市政办〔2023〕21号" in numbers and "忻政任〔2023〕9号" in numbers
    assert "国办发〔2022〕12号" not in numbers
    hotline = session.scalar(select(Document).where(Document.doc_number == "晋市政办〔2023〕21号"))
    assert hotline.issued_on == date(2023, 6, 2)
    assert hotline.publication == "公开发布"
    assert hotline.issuer == "晋城市人民政府办公室"
    for passage in hotline.passages:
        assert hotline.text[passage.start_offset : passage.end_offset] == passage.text
        assert 1 <= passage.first_line <= passage.last_line


def test_reingesting_the_same_file_changes_nothing(corpus, session, seed_files):
    before = session.scalar(select(func.count(Passage.id)))
    results = ingest_paths(session, paths=seed_files, now=NOW)
    assert {result.status for result in results} == {"skipped"}
    assert session.scalar(select(func.count(Passage.id))) == before
    assert session.scalar(select(func.count(Source.id))) == 5


def test_a_changed_file_replaces_its_previous_version(session, tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("本报讯 市民来电反映路灯不亮。\n（张三）\n路灯修好了\n", encoding="utf-8")
    first = ingest_file(session, path=path, now=NOW)
    assert first.status == "ingested" and first.documents == 1
    path.write_text("本报讯 市民来电反映路灯不亮，已修复。\n（张三）\n路灯修好了\n", encoding="utf-8")
    second = ingest_file(session, path=path, now=NOW)
    assert second.status == "replaced"
    sources = session.scalars(select(Source).where(Source.path == str(path.resolve()))).all()
    assert len(sources) == 1
    assert ["已修复" in document.text for document in sources[0].documents] == [True]


def _tiny_pdf(lines: list[str]) -> bytes:
    """A minimal valid PDF with Helvetica text, one page per line: enough to drive pdfplumber."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(lines)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(lines)} >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, line in enumerate(lines):
        content = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_goes_through_the_same_pipeline(session, tmp_path):
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(_tiny_pdf(["Hotline 12345 answers policy questions.", "Second page: call 110 for emergencies."]))
    result = ingest_file(session, path=path, now=NOW)
    assert result.status == "ingested" and result.passages >= 1
    document = session.scalar(select(Document).where(Document.source_id == result.source_id))
    assert "Hotline 12345 answers policy questions." in document.text
    assert "call 110 for emergencies" in document.text


def test_progress_is_reported_per_file(session, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"本报讯 {name} 的内容。\n", encoding="utf-8")
    messages: list[str] = []
    ingest_paths(session, paths=[tmp_path], now=NOW, progress=messages.append)
    assert len(messages) == 2 and messages[-1].startswith("[2/2 100%]")
