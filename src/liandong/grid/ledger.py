"""Grid-worker patrol ledgers (网格员巡查台账), pure: the header map, one row's validation, its identity and the handling day.

Imports only the standard library and core. The service reads the file, resolves places against the catalogue and
writes orders; everything that decides whether a row is good, and what it means, is here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from liandong.core.errors import ValidationFailed

EARLIEST = date(2000, 1, 1)
# DB limits of what a row becomes (work_orders.address 255, content 10 000; grid_ledger_items columns).
MAX_GRID = 64
MAX_PLACE = 255
MAX_PROBLEM = 2000
MAX_REQUEST = 1000
MAX_PHOTOS = 1000
MAX_NOTE = 1000
MAX_WORKER = 32
MAX_DIVISION = 64
# How far ahead a handling day may be chosen.
MAX_SCHEDULE_DAYS = 366
SATURDAY = 5


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the canonical Chinese header
    required: bool
    synonyms: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("date", "排查日期", True, ("排查日期", "巡查日期", "发现日期", "日期", "排查时间", "巡查时间")),
    Column("grid", "网格", True, ("网格", "网格名称", "所属网格", "网格编号", "网格号")),
    Column("place", "地点", True, ("地点", "点位", "问题点位", "位置", "地址", "具体位置", "问题地点")),
    Column("problem", "问题描述", True, ("问题描述", "问题", "存在问题", "隐患描述", "问题内容", "发现问题", "排查问题")),
    Column("request", "群众诉求", False, ("群众诉求", "居民诉求", "诉求", "群众意见", "居民意见")),
    Column("photos", "照片", False, ("照片", "现场照片", "照片编号", "图片", "照片文件", "影像资料")),
    Column("on_spot", "是否当场处置", True, ("是否当场处置", "当场处置", "是否已处置", "现场处置", "是否当场解决", "已当场处置")),
    Column("note", "处置情况", False, ("处置情况", "处置说明", "处置结果", "备注", "处理情况")),
    Column("worker", "网格员", True, ("网格员", "网格员姓名", "巡查人", "排查人", "填报人")),
    Column("division", "县（市、区）", False, ("县（市、区）", "县市区", "县区", "区县", "所属县区", "县")),
    Column("township", "乡镇（街道）", False, ("乡镇（街道）", "乡镇街道", "乡镇", "街道", "所属乡镇", "所属街道", "镇街")),
)
COLUMN_LABELS = {c.key: c.label for c in COLUMNS}
_NOISE = re.compile(r"[\s*＊:：()（）、，,\[\]【】]")


def header_key(name: str) -> str:
    """How a header cell is compared: width-folded, without spaces, brackets, stars and colons."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(name or ""))).lower()


HEADER_MAP: dict[str, str] = {header_key(s): c.key for c in COLUMNS for s in c.synonyms}


@dataclass(frozen=True)
class Header:
    """Which column of the file holds which field (0-based), and each field's header as the file wrote it."""

    index: dict[str, int]
    names: dict[str, str]


def map_header(cells: Sequence[str]) -> Header:
    """The file's header row → fields; the whole file is refused when a required column is missing, unknown or repeated."""
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for position, raw in enumerate(cells):
        text = str(raw or "").strip()
        if not text:
            continue  # an unnamed column; the service refuses the file if such a column holds data
        key = HEADER_MAP.get(header_key(text))
        if key is None:
            unknown.append(text)
        elif key in index:
            repeated.append(f"{names[key]}/{text}")
        else:
            index[key] = position
            names[key] = text
    missing = [c.label for c in COLUMNS if c.required and c.key not in index]
    problems = []
    if missing:
        problems.append("缺少必填列：" + "、".join(missing))
    if unknown:
        problems.append("无法识别的列：" + "、".join(unknown))
    if repeated:
        problems.append("重复的列：" + "、".join(repeated))
    if problems:
        expected = "、".join(c.label + ("" if c.required else "（可选）") for c in COLUMNS)
        raise ValidationFailed(f"台账表头不正确，整个文件未导入。{'；'.join(problems)}。应有的列：{expected}", field="header")
    return Header(index=index, names=names)


# ---------------------------------------------------------------- one row


@dataclass
class Row:
    """A validated ledger row; `errors` lists (column header, reason) when it is refused."""

    number: int  # the row's number in the file (the header is row 1)
    patrol_date: date | None = None
    grid: str = ""
    place: str = ""
    problem: str = ""
    request: str | None = None
    photos: list[str] = field(default_factory=list)
    on_spot: bool | None = None
    note: str | None = None
    worker: str = ""
    division: str | None = None  # as written; the service resolves it with `resolve`
    township: str | None = None
    division_code: str | None = None
    town_code: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def reasons(self) -> list[str]:
        return [f"{column}：{reason}" for column, reason in self.errors]


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_YES = {"是", "yes", "y", "已处置", "已当场处置", "√", "✓", "1", "true"}
_NO = {"否", "no", "n", "未处置", "×", "✗", "0", "false"}
_PHOTO_SPLIT = re.compile(r"[;；,，、\s]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_date(value: object) -> date:
    """A patrol date as ledgers write it (2026-12-05, 2026/12/5, 2026.12.05, 2026年12月5日, 20261205, or an Excel date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValueError(f"日期无法识别：{text}（应为 2026-12-05 或 2026年12月5日）")


def parse_yes_no(value: object) -> bool:
    text = unicodedata.normalize("NFKC", str(value or "")).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"只能填“是”或“否”，收到：{text}" if text else "不能为空，请填“是”或“否”")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


# Resolves (division as written, township as written) to (division code, town code), or raises ValueError with the
# column key and the reason; the catalogue lives in the service.
Resolver = Callable[[str | None, str | None], tuple[str | None, str | None]]


def validate_row(number: int, cells: Sequence[object], header: Header, *, today: date, resolve: Resolver) -> Row:
    """Check one row against every rule and collect every reason it is refused (not just the first)."""
    row = Row(number=number)
    values = {key: cells[i] if i < len(cells) else None for key, i in header.index.items()}

    refused: set[str] = set()

    def refuse(key: str, reason: str) -> None:
        refused.add(key)
        row.errors.append((header.names.get(key, COLUMN_LABELS[key]), reason))

    texts: dict[str, str] = {}
    for key in header.index:
        if key == "date" and isinstance(values[key], date):
            continue
        text = _text(values[key])
        if _CONTROL.search(text):
            refuse(key, "含有不允许的控制字符（如 NUL）")
            text = ""
        texts[key] = text

    if "date" in texts or isinstance(values.get("date"), date):
        try:
            row.patrol_date = parse_date(values["date"] if isinstance(values.get("date"), date) else texts["date"])
        except ValueError as error:
            refuse("date", str(error) if texts.get("date") else "不能为空")
        else:
            if row.patrol_date > today:
                refuse("date", f"不能晚于今天（{today.isoformat()}）：{row.patrol_date.isoformat()}")
            elif row.patrol_date < EARLIEST:
                refuse("date", f"不能早于 {EARLIEST.isoformat()}：{row.patrol_date.isoformat()}")

    for key, limit, attr in (
        ("grid", MAX_GRID, "grid"), ("place", MAX_PLACE, "place"), ("problem", MAX_PROBLEM, "problem"), ("worker", MAX_WORKER, "worker"),
    ):
        text = texts.get(key, "")
        if not text:
            if key not in refused:
                refuse(key, "不能为空")
        elif len(text) > limit:
            refuse(key, f"过长（{len(text)} 字，最多 {limit} 字）")
        else:
            setattr(row, attr, text)

    for key, limit, attr in (("request", MAX_REQUEST, "request"), ("note", MAX_NOTE, "note")):
        text = texts.get(key, "")
        if len(text) > limit:
            refuse(key, f"过长（{len(text)} 字，最多 {limit} 字）")
        else:
            setattr(row, attr, text or None)

    photos = texts.get("photos", "")
    if len(photos) > MAX_PHOTOS:
        refuse("photos", f"过长（{len(photos)} 字，最多 {MAX_PHOTOS} 字）")
    else:
        row.photos = [p for p in _PHOTO_SPLIT.split(photos) if p]

    if "on_spot" in texts:
        try:
            row.on_spot = parse_yes_no(texts["on_spot"])
        except ValueError as error:
            refuse("on_spot", str(error))

    for key in ("division", "township"):
        text = texts.get(key, "")
        if len(text) > MAX_DIVISION:
            refuse(key, f"过长（{len(text)} 字，最多 {MAX_DIVISION} 字）")
            texts[key] = ""
    row.division, row.township = texts.get("division") or None, texts.get("township") or None
    if row.division or row.township:
        try:
            row.division_code, row.town_code = resolve(row.division, row.township)
        except LookupError as error:
            key, reason = error.args
            refuse(key, reason)
    # Reasons in the order of the file's columns, as a person reads the row.
    position = {header.names[k]: i for k, i in header.index.items()}
    row.errors.sort(key=lambda error: position.get(error[0], len(position)))
    return row


# ---------------------------------------------------------------- identity, urgency, handling day


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def row_key(*, grid: str, patrol_date: date, place: str, problem: str) -> str:
    """A row's identity, independent of the file it came in: grid + date + place + problem, normalised and hashed."""
    parts = (_normalised(grid), patrol_date.isoformat(), _normalised(place), _normalised(problem))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def is_urgent(triage: Mapping | None) -> bool:
    """An emergency (110/119/120) or a hazard triage grades above 一般 is dispatched at once, not kept for the weekend."""
    if not triage:
        return False
    return bool(triage.get("emergency")) or triage.get("platform", "12345") != "12345" or triage.get("level", "一般") != "一般"


def coming_saturday(today: date) -> date:
    """周末集中处置: the Saturday of this week (today when it is Saturday), else the next one."""
    return today + timedelta(days=(SATURDAY - today.weekday()) % 7)


def check_handling_day(day: date, *, today: date) -> date:
    if day < today:
        raise ValidationFailed(f"处置日期不能早于今天（{today.isoformat()}）：{day.isoformat()}", field="handle_on")
    if day > today + timedelta(days=MAX_SCHEDULE_DAYS):
        raise ValidationFailed(f"处置日期不能晚于一年以后：{day.isoformat()}", field="handle_on")
    return day


def content_of(row: Row) -> str:
    """The order's text: the problem, what residents ask, where and by whom it was found, the photos' references."""
    lines = [row.problem]
    if row.request:
        lines.append(f"群众诉求：{row.request}")
    lines.append(f"网格员{row.worker}于{row.patrol_date.isoformat() if row.patrol_date else ''}在{row.grid}（{row.place}）排查发现。")
    if row.photos:
        lines.append("现场照片：" + "、".join(row.photos))
    return "\n".join(lines)


def on_spot_note(row: Row) -> str:
    return row.note or f"网格员{row.worker}已当场处置"
