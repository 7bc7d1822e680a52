"""Import of 一问一答 sheets (CSV, XLSX): header mapping, row checks with row numbers, one transaction."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from liandong.core.actor import Actor, Role
from liandong.core.errors import PermissionDenied, ValidationFailed
from liandong.knowledge.imports import ImportRejected, import_items, map_headers, parse_date
from liandong.knowledge.models import Item

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)
ADMIN = Actor(name="管理员", role=Role.ADMIN)


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Item))


def write_csv(tmp_path, text: str, name: str = "items.csv", encoding: str = "utf-8-sig"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


GOOD_CSV = """问题,答案（话务员口径）,主管部门,关键词,有效期,备注
供暖费怎么交？,可在热力公司营业厅、微信公众号或银行代收网点缴纳。,市热力公司,供暖，暖气费,2027-03-31,内部
公积金贷款额度怎么算？,按缴存余额和还款能力核定，最高额度以公积金中心公布为准。,gjj,公积金、贷款,长期,

残疾人补贴在哪申请？,向户籍所在地乡镇（街道）民政窗口申请，提交身份证、残疾证。,民政局,残疾人,2025-01-01至2027-12-31,
"""


def test_csv_is_imported_as_drafts(session, tmp_path):
    before = _count(session)
    report = import_items(session, path=write_csv(tmp_path, GOOD_CSV), actor=ADMIN, now=NOW)
    assert len(report.imported) == 3 and report.rows == 3 and report.blank_rows == 1 and not report.errors
    assert report.columns["answer"] == "答案（话务员口径）" and report.ignored_columns == ["备注"]
    assert _count(session) == before + 3
    heating, fund, disability = (session.get(Item, item_id) for item_id in report.imported)
    assert heating.status == "draft" and heating.department_code == "rl" and heating.tags == ["供暖", "暖气费"]
    assert heating.valid_until == date(2027, 3, 31) and fund.valid_until is None and fund.department_code == "gjj"
    assert (disability.valid_from, disability.valid_until) == (date(2025, 1, 1), date(2027, 12, 31))
    assert disability.department_code == "mzj"
    assert "第 2 行导入" in heating.events[0].note


def test_xlsx_is_imported_and_published(session, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["标准问题", "答复口径", "责任单位", "关键字", "失效日期"])
    sheet.append(["电动自行车要上牌吗？", "按规定登记上牌，携带购车发票、合格证到车管网点办理。", "市公安局", "电动车", datetime(2027, 6, 30)])
    path = tmp_path / "items.xlsx"
    workbook.save(path)
    report = import_items(session, path=path, actor=ADMIN, now=NOW, publish=True)
    [item_id] = report.imported
    item = session.get(Item, item_id)
    assert item.status == "published" and item.department_code == "gaj" and item.valid_until == date(2027, 6, 30)


BAD_CSV = """问题,答案,主管部门,有效期
燃气费怎么交？,营业厅或线上缴纳。,市燃气公司,2027-12-31
,没有问题的答案,rq,
停水了找谁？,,gs,
垃圾没人清理找谁？,联系所在社区或城管。,市环卫局,
燃气费怎么交？,重复的问题。,rq,
路灯坏了找谁？,城管部门负责路灯维修。,cgj,2027-02-30
过期的条目,早已失效。,cgj,2020-01-01
"""


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_imported(session, tmp_path):
    before = _count(session)
    with pytest.raises(ImportRejected) as rejected:
        import_items(session, path=write_csv(tmp_path, BAD_CSV, encoding="gb18030"), actor=ADMIN, now=NOW, publish=True)
    errors = {error.row: error.reason for error in rejected.value.report.errors}
    assert errors[3] == "问题为空"
    assert errors[4] == "答案为空"
    assert "市环卫局" in errors[5] and "单位目录" in errors[5]
    assert errors[6] == "与第 2 行的问题重复"
    assert "2027-02-30" in errors[7]
    assert "有效期已过" in errors[8]
    assert 2 not in errors
    assert "导入未执行" in rejected.value.message and "第 3 行" in rejected.value.message
    assert _count(session) == before


def test_skip_bad_imports_the_good_rows_and_lists_the_rest(session, tmp_path):
    report = import_items(session, path=write_csv(tmp_path, BAD_CSV), actor=ADMIN, now=NOW, skip_bad=True)
    assert len(report.imported) == 2  # rows 2 and 8 (a draft may be past its validity; publishing it may not)
    assert sorted(error.row for error in report.errors) == [3, 4, 5, 6, 7]
    again = import_items(session, path=write_csv(tmp_path, BAD_CSV), actor=ADMIN, now=NOW, skip_bad=True)
    assert not again.imported and any("已有相同问题的条目" in error.reason for error in again.errors)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "文件是空的"),
        ("标题,内容\n问,答\n", "表头缺少必需的列：问题、答案、主管部门"),
        ("问题,答案\n问,答\n", "表头缺少必需的列：主管部门"),
    ],
)
def test_unusable_files_are_refused(session, tmp_path, text, message):
    with pytest.raises(ValidationFailed) as error:
        import_items(session, path=write_csv(tmp_path, text), actor=ADMIN, now=NOW)
    assert message in error.value.message


def test_other_file_problems(session, tmp_path):
    with pytest.raises(ValidationFailed, match="文件不存在"):
        import_items(session, path=tmp_path / "missing.csv", actor=ADMIN, now=NOW)
    with pytest.raises(ValidationFailed, match="不支持的文件类型"):
        import_items(session, path=write_csv(tmp_path, "问题", name="items.doc"), actor=ADMIN, now=NOW)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(ValidationFailed, match="无法读取 Excel 文件"):
        import_items(session, path=broken, actor=ADMIN, now=NOW)


def test_a_unit_handler_imports_only_for_its_own_unit(session, tmp_path):
    handler = Actor(name="住建局", role=Role.UNIT_HANDLER, department_code="zjj")
    with pytest.raises(PermissionDenied):
        import_items(session, path=write_csv(tmp_path, GOOD_CSV), actor=handler, now=NOW)


@pytest.mark.parametrize(
    ("header", "fields"),
    [
        (["问题", "答案", "主管部门"], {"question": 0, "answer": 1, "department": 2}),
        (["咨询问题*", "答复内容", "承办单位", "有效期至"], {"question": 0, "answer": 1, "department": 2, "valid_until": 3}),
        (["Question", "Answer", "Department", "Tags"], {"question": 0, "answer": 1, "department": 2, "tags": 3}),
    ],
)
def test_header_mapping(header, fields):
    assert map_headers(header)[0] == fields


@pytest.mark.parametrize(
    ("text", "value"),
    [("2027-03-31", date(2027, 3, 31)), ("2027/3/1", date(2027, 3, 1)), ("2027年3月1日", date(2027, 3, 1)), ("20270301", date(2027, 3, 1)), ("长期", None), ("", None)],
)
def test_parse_date(text, value):
    assert parse_date(text) == value
