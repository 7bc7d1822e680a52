"""Snapshots of closed periods, recompute as a new revision, and the XLSX / PDF read back (October 2023 fixture)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.core.errors import PermissionDenied, ValidationFailed
from liandong.report import exports, periods, service
from liandong.workorder.lifecycle import Action

NOW = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, records_history=True)
LEADER = Actor("leader", Role.LEADER, records_history=True)
OCTOBER = periods.parse("2023-10")


def test_a_closed_period_is_frozen_and_late_events_do_not_change_it(session, october):
    first = service.period_report(session, period=OCTOBER, actor=LEADER, now=NOW)
    assert first["frozen"] and first["revision"] == 1 and first["overall"]["completion_rate"] == round(5 / 7, 4)
    # A late event: G is finally signed for, answered and closed … the frozen October does not move.
    later = datetime(2023, 12, 1, 9, 3, tzinfo=SHANGHAI)
    october.act("G", Action.ACCEPT, Actor("cgj", Role.UNIT_HANDLER, "cgj", records_history=True), later)
    again = service.period_report(session, period=OCTOBER, actor=LEADER, now=later)
    assert again["overall"] == first["overall"] and again["revision"] == 1
    # A recompute is a new, labelled revision with the late event in it; the old one stays readable.
    redone = service.recompute(session, period=OCTOBER, actor=SUPERVISOR, now=later, label="补录 G 单签收")
    assert redone["revision"] == 2 and "补录 G 单签收" in redone["revision_label"]
    assert redone["overall"]["response_rate_den"] == first["overall"]["response_rate_den"]
    assert service.period_report(session, period=OCTOBER, actor=LEADER, now=later, revision=1)["overall"] == first["overall"]
    assert [s.revision for s in service.snapshots(session, OCTOBER)] == [2, 1]


def test_a_running_period_is_live_and_cannot_be_frozen(session, october):
    november = periods.parse("2023-11")
    live = service.period_report(session, period=november, actor=LEADER, now=datetime(2023, 11, 20, tzinfo=SHANGHAI))
    assert live["frozen"] is False and live["revision"] is None
    with pytest.raises(ValidationFailed, match="尚未结束"):
        service.recompute(session, period=november, actor=SUPERVISOR, now=datetime(2023, 11, 20, tzinfo=SHANGHAI))


def test_reports_are_for_supervisors_and_leaders(session, october):
    with pytest.raises(PermissionDenied):
        service.period_report(session, period=OCTOBER, actor=Actor("zjj", Role.UNIT_HANDLER, "zjj", records_history=True), now=NOW)
    with pytest.raises(PermissionDenied):
        service.recompute(session, period=OCTOBER, actor=LEADER, now=NOW)


def test_the_workbook_reads_back_with_typed_numbers_frozen_headers_and_filters(session, october):
    from openpyxl import load_workbook

    data = service.period_report(session, period=OCTOBER, actor=LEADER, now=NOW)
    book = load_workbook(io.BytesIO(exports.render(data, "xlsx")))
    assert {"指标", "单位分档", "县（市、区）", "诉求分类（一级）", "受理渠道", "诉求类型", "每日趋势", "突出问题", "超期工单", "指标定义", "说明"} <= set(book.sheetnames)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref, sheet.title
    figures = {row[6]: row for row in book["指标"].iter_rows(min_row=2, values_only=True)}
    assert figures["received"][1] == 9 and isinstance(figures["received"][1], int)
    assert figures["response_rate"][1:4] == (round(4 / 6, 4), 4, 6)
    assert book["指标"]["B6"].number_format == "0.0%" or any(c.number_format == "0.0%" for c in book["指标"]["B"])
    units = {row[0]: row for row in book["单位分档"].iter_rows(min_row=2, values_only=True)}
    assert units["市住房和城乡建设局"][-1] == "样本不足" and units["市住房和城乡建设局"][3] == 4
    overdue = list(book["超期工单"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in overdue] == ["市城市管理局"]  # G
    text = " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert "1393561" not in text and "王工" not in text  # no caller numbers, no handler names


def test_the_pdf_has_cover_summary_tables_and_no_personal_data(session, october, tmp_path):
    import pdfplumber
    import pypdfium2

    data = service.period_report(session, period=OCTOBER, actor=LEADER, now=NOW)
    out = tmp_path / "october.pdf"
    size = exports.write(data, "pdf", out)
    assert size > 10_000
    with pdfplumber.open(out) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert "2023年10月月报" in pages[0] and "指标定义版本：2026.1" in pages[0]
    body = "\n".join(pages[1:])
    assert "12345热线共受理群众诉求9件" in body and "有效工单7件" in body
    assert "承办单位分档" in body and "样本不足" in body and "超期未办结工单" in body and "每月一题" in body
    assert "1393561" not in body and "王工" not in body
    # The first pages as pictures: rendered, not blank (docs/metrics.md shows what they look like).
    document = pypdfium2.PdfDocument(str(out))
    for index in range(2):
        image = document[index].render(scale=0.5).to_pil().convert("L")
        assert image.getextrema()[0] < 100  # dark ink on the page
        image.save(tmp_path / f"page{index + 1}.png")
    document.close()
