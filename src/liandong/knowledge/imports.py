"""Import 一问一答 from the CSV or XLSX sheets city hotline centres keep (问题 / 答案 / 主管部门 / 关键词 / 有效期).

Headers are matched by their usual names; every row is checked (question, answer, owning unit by code or
name, dates, duplicates in the file and in the knowledge base) and every bad row is reported with its row
number and reason. The import is one transaction: by default a file with any bad row imports nothing;
with `skip_bad` the good rows are imported and the bad ones listed. Nothing is dropped without a word:
blank rows are counted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from liandong.catalog.models import Department
from liandong.core import textfile
from liandong.core.actor import Actor
from liandong.core.clock import local
from liandong.core.errors import ValidationFailed
from liandong.knowledge import items
from liandong.knowledge.models import Item
from liandong.knowledge.states import ItemAction, ItemStatus

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
MAX_ROWS = 20000

# Field → the header names centres use for it (compared without spaces, brackets and "：").
HEADERS: dict[str, tuple[str, ...]] = {
    "question": ("问题", "标准问题", "问题描述", "咨询问题", "常见问题", "题目", "问", "question"),
    "answer": ("答案", "答复", "答复口径", "回复", "解答", "标准答案", "答复内容", "答", "answer"),
    "department": ("主管部门", "责任单位", "承办单位", "责任部门", "所属部门", "部门", "单位", "department", "unit"),
    "tags": ("关键词", "关键字", "标签", "分类", "tags", "keywords"),
    "valid_from": ("生效日期", "有效期起", "有效期开始", "开始日期", "发布日期", "valid_from"),
    "valid_until": ("有效期", "有效期至", "有效期止", "有效期截止", "失效日期", "截止日期", "到期日期", "valid_until"),
}
FIELD_LABELS = {
    "question": "问题",
    "answer": "答案",
    "department": "主管部门",
    "tags": "关键词",
    "valid_from": "生效日期",
    "valid_until": "有效期",
}
_HEADER_NOISE_RE = re.compile(r"[\s（）()【】\[\]:：*＊]")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_RANGE_RE = re.compile(r"^(.+?)\s*(?:至|到|—|–|~|～|--)\s*(.+)$")
_LONG_TERM = {"长期", "长期有效", "永久", "永久有效", "无", "不限", "-", "—"}
_TAG_SPLIT_RE = re.compile(r"[,，、;；/|\s]+")
_CITY_PREFIX_RE = re.compile(r"^(?:晋城市|晋城)")


@dataclass
class RowError:
    row: int  # the row number as the spreadsheet shows it (the header is row 1)
    reason: str

    def to_dict(self) -> dict:
        return {"row": self.row, "reason": self.reason}


@dataclass
class ImportReport:
    file: str
    rows: int = 0  # data rows read (blank rows not counted)
    blank_rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field → the header found for it
    ignored_columns: list[str] = field(default_factory=list)
    imported: list[int] = field(default_factory=list)  # item ids
    published: bool = False
    errors: list[RowError] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "rows": self.rows,
            "blank_rows": self.blank_rows,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "imported": self.imported,
            "imported_count": len(self.imported),
            "published": self.published,
            "errors": [error.to_dict() for error in self.errors],
        }


class ImportRejected(ValidationFailed):
    """The file has bad rows and nothing was imported; the report lists them."""

    def __init__(self, message: str, report: ImportReport):
        super().__init__(message, field="file")
        self.report = report


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, data: bytes | None = None) -> list[list[str]]:
    """All rows of the first sheet (XLSX) or of the CSV/TSV file, as strings; the first row is the header."""
    data = path.read_bytes() if data is None else data
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook is the same error to the user
            raise ValidationFailed(f"无法读取 Excel 文件：{path.name}", field="file") from None
        try:
            sheet = workbook.worksheets[0]
            return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    if suffix not in SUFFIXES:
        raise ValidationFailed(f"不支持的文件类型：{path.suffix or '无扩展名'}（支持 CSV 与 XLSX）", field="file")
    text = textfile.decode(data, name=path.name)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def map_headers(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Field → column index, and the headers that map to no field."""
    columns: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(header):
        key = _HEADER_NOISE_RE.sub("", name).lower()
        if not key:
            continue
        matched = None
        for field_name, names in HEADERS.items():
            if field_name in columns:
                continue
            if key in (n.lower() for n in names):
                matched = field_name
                break
        if matched is None:
            # "问题（必填）", "答复口径（话务员使用）": a known name at the start.
            for field_name, names in HEADERS.items():
                if field_name not in columns and any(key.startswith(n.lower()) and len(n) >= 2 for n in names):
                    matched = field_name
                    break
        if matched is None:
            ignored.append(name)
        else:
            columns[matched] = index
    return columns, ignored


def parse_date(value: str) -> date | None:
    value = value.strip()
    if not value or value in _LONG_TERM:
        return None
    match = _DATE_RE.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    if re.fullmatch(r"\d{8}", value):
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    raise ValueError(value)


def _validity(from_text: str, until_text: str) -> tuple[date | None, date | None]:
    """(valid_from, valid_until); 有效期 may be one date (until) or a range "2024-01-01至2025-12-31"."""
    match = _RANGE_RE.match(until_text.strip()) if until_text and not _DATE_RE.match(until_text.strip()) else None
    if match:
        return parse_date(match.group(1)), parse_date(match.group(2))
    return (parse_date(from_text) if from_text else None), parse_date(until_text) if until_text else None


class _Departments:
    def __init__(self, session: Session):
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for code, name, active in session.execute(select(Department.code, Department.name, Department.active)):
            if not active:
                continue
            self.by_code[code.lower()] = code
            self.by_name[name] = code
            self.by_name[_CITY_PREFIX_RE.sub("", name)] = code
            if name.startswith("市"):
                self.by_name[name[1:]] = code

    def find(self, value: str) -> str | None:
        value = value.strip()
        if not value:
            return None
        if value.lower() in self.by_code:
            return self.by_code[value.lower()]
        name = _CITY_PREFIX_RE.sub("", value)
        for candidate in (value, name, "市" + name):
            if candidate in self.by_name:
                return self.by_name[candidate]
        return None


@dataclass
class _Row:
    number: int
    question: str
    answer: str
    department_code: str
    tags: list[str]
    valid_from: date | None
    valid_until: date | None


def import_items(
    session: Session,
    *,
    path: Path,
    actor: Actor,
    now: datetime,
    publish: bool = False,
    skip_bad: bool = False,
) -> ImportReport:
    """Check every row, then create the items (drafts, or published with `publish`) in this transaction."""
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed(f"文件不存在：{path}", field="file")
    table = read_table(path)
    report = ImportReport(file=str(path), published=publish)
    if not table or not any(table[0]):
        raise ValidationFailed("文件是空的：第 1 行应为表头（问题、答案、主管部门……）", field="file")
    columns, report.ignored_columns = map_headers(table[0])
    report.columns = {name: table[0][index] for name, index in columns.items()}
    missing = [FIELD_LABELS[name] for name in ("question", "answer", "department") if name not in columns]
    if missing:
        raise ValidationFailed(
            f"表头缺少必需的列：{'、'.join(missing)}（第 1 行应包含 问题、答案、主管部门）", field="file"
        )
    if len(table) - 1 > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行，文件有 {len(table) - 1} 行", field="file")

    departments = _Departments(session)
    existing = {question: item_id for item_id, question in session.execute(select(Item.id, Item.question).where(Item.status != ItemStatus.EXPIRED.value))}
    today = local(now).date()
    seen: dict[str, int] = {}
    good: list[_Row] = []

    def value(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            report.blank_rows += 1
            continue
        report.rows += 1
        reasons = []
        question = re.sub(r"\s+", " ", value(row, "question"))
        answer = value(row, "answer")
        if not question:
            reasons.append("问题为空")
        elif len(question) > 500:
            reasons.append(f"问题超过 500 字（{len(question)} 字）")
        if not answer:
            reasons.append("答案为空")
        department_text = value(row, "department")
        department_code = departments.find(department_text)
        if not department_text:
            reasons.append("主管部门为空")
        elif department_code is None:
            reasons.append(f"主管部门“{department_text}”不在单位目录中（可填单位编码或名称）")
        valid_from = valid_until = None
        try:
            valid_from, valid_until = _validity(value(row, "valid_from"), value(row, "valid_until"))
        except ValueError as error:
            reasons.append(f"日期“{error.args[0]}”无法识别（应为 YYYY-MM-DD 或“长期”）")
        if valid_from and valid_until and valid_until < valid_from:
            reasons.append("有效期截止日期早于生效日期")
        if publish and valid_until and valid_until < today:
            reasons.append(f"有效期已过（{valid_until.isoformat()}），不能发布")
        if question and question in seen:
            reasons.append(f"与第 {seen[question]} 行的问题重复")
        elif question and question in existing:
            reasons.append(f"知识库中已有相同问题的条目 #{existing[question]}")
        if question:
            seen.setdefault(question, number)
        if reasons:
            report.errors.append(RowError(number, "；".join(reasons)))
            continue
        tags = [tag for tag in _TAG_SPLIT_RE.split(value(row, "tags")) if tag]
        good.append(_Row(number, question, answer, department_code or "", tags, valid_from, valid_until))

    if report.errors and not skip_bad:
        shown = "；".join(f"第 {error.row} 行：{error.reason}" for error in report.errors[:5])
        more = f"……共 {len(report.errors)} 行有问题" if len(report.errors) > 5 else ""
        raise ImportRejected(f"导入未执行，{len(report.errors)} 行需要修改：{shown}{more}", report)
    if not good and not report.errors:
        raise ValidationFailed("文件中没有可导入的行", field="file")
    for row in good:
        item = items.create_item(
            session,
            actor=actor,
            now=now,
            question=row.question,
            answer=row.answer,
            department_code=row.department_code,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            tags=row.tags,
            note=f"从 {path.name} 第 {row.number} 行导入",
        )
        if publish:
            for action in (ItemAction.SUBMIT, ItemAction.APPROVE, ItemAction.PUBLISH):
                items.transition(session, actor=actor, now=now, item_id=item.id, action=action, note="批量导入")
        report.imported.append(item.id)
    return report
