"""The transfer list (分流转办事项清单) as data: items with keywords and patterns, matched with context checks."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from liandong.core.errors import ValidationFailed
from liandong.triage.text import is_hypothetical, is_negated, is_past

PLATFORMS = ("12345", "110", "119", "120", "guidance", "invalid")
EMERGENCY_PLATFORMS = ("110", "119", "120")
DIRECTIONS = ("emergency", "12345→110", "110→12345", "12345", "guidance", "invalid")
REQUEST_TYPES = ("consult", "help", "complaint", "report", "suggestion")
LEVELS = ("一般", "较大", "重大", "特别重大")


@dataclass(frozen=True)
class TransferItem:
    id: str
    name: str
    direction: str
    platform: str
    priority: int
    department: str | None = None
    category: tuple[str, ...] = ()
    request_type: str | None = None
    level: str = "一般"
    description: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    check_negation: bool = True
    check_past: bool = False
    check_hypothetical: bool = False
    regex: re.Pattern | None = field(default=None, compare=False, repr=False)
    exclude_regex: re.Pattern | None = field(default=None, compare=False, repr=False)

    @property
    def is_emergency(self) -> bool:
        return self.direction == "emergency"


@dataclass(frozen=True)
class Hit:
    item: TransferItem
    keyword: str
    start: int
    keywords: tuple[str, ...] = ()

    @property
    def strength(self) -> float:
        """More and longer (more specific) matched words make a stronger hit."""
        return 0.08 * (max(len(k) for k in self.keywords or (self.keyword,)) - 2) + 0.1 * (len(set(self.keywords)) - 1)


@dataclass(frozen=True)
class Rejected:
    """A hit dropped by a context check, kept so reasons can say why an alarm did not fire."""

    item: TransferItem
    keyword: str
    why: str


@dataclass(frozen=True)
class TransferList:
    version: str
    items: tuple[TransferItem, ...]
    digest: str

    def match(self, text: str) -> tuple[list[Hit], list[Rejected]]:
        hits: list[Hit] = []
        rejected: list[Rejected] = []
        for item in self.items:
            if item.regex is None or item.regex.search(text) is None:
                continue
            if item.exclude_regex is not None and item.exclude_regex.search(text):
                continue
            dropped: Rejected | None = None
            found: list[tuple[str, int]] = []
            for m in item.regex.finditer(text):
                word = m.group(0)
                if item.check_negation and is_negated(text, m.start()):
                    dropped = dropped or Rejected(item, word, "否定")
                    continue
                if item.check_hypothetical and is_hypothetical(text, m.start()):
                    dropped = dropped or Rejected(item, word, "假设或隐患")
                    continue
                if item.check_past and is_past(text, m.start(), m.end()):
                    dropped = dropped or Rejected(item, word, "已过去的事件")
                    continue
                found.append((word, m.start()))
                if item.is_emergency:
                    break
            if found:
                word, start = max(found, key=lambda f: len(f[0]))
                hits.append(Hit(item, word, start, tuple(f[0] for f in found)))
            elif dropped is not None:
                rejected.append(dropped)
        return hits, rejected

    def get(self, item_id: str) -> TransferItem | None:
        return next((i for i in self.items if i.id == item_id), None)


def _compile(words: tuple[str, ...], patterns: tuple[str, ...], where: str) -> re.Pattern | None:
    parts = [re.escape(w) for w in words if w] + [p for p in patterns if p]
    if not parts:
        return None
    # Longest alternatives first so the reported keyword is the most specific one.
    parts.sort(key=len, reverse=True)
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts))
    except re.error as error:
        raise ValidationFailed(f"分流转办事项清单第 {where} 项的正则表达式有误：{error}") from None


def parse_transfer_list(data: dict, *, source: str = "") -> TransferList:
    """Validate a decoded TOML document and compile its items."""
    raw_items = data.get("item") or []
    if not raw_items:
        raise ValidationFailed("分流转办事项清单为空")
    items: list[TransferItem] = []
    seen: set[str] = set()
    for raw in raw_items:
        item_id = str(raw.get("id", "")).strip()
        if not item_id or item_id in seen:
            raise ValidationFailed(f"分流转办事项清单中事项编号缺失或重复：{item_id or '（空）'}")
        seen.add(item_id)
        direction = raw.get("direction", "12345")
        platform = raw.get("platform", "12345")
        if direction not in DIRECTIONS:
            raise ValidationFailed(f"事项 {item_id} 的流向无效：{direction}")
        if platform not in PLATFORMS:
            raise ValidationFailed(f"事项 {item_id} 的平台无效：{platform}")
        request_type = raw.get("request_type") or None
        if request_type is not None and request_type not in REQUEST_TYPES:
            raise ValidationFailed(f"事项 {item_id} 的诉求类型无效：{request_type}")
        level = raw.get("level", "一般")
        if level not in LEVELS:
            raise ValidationFailed(f"事项 {item_id} 的事件等级无效：{level}")
        keywords = tuple(raw.get("keywords", ()))
        patterns = tuple(raw.get("patterns", ()))
        exclude = tuple(raw.get("exclude", ()))
        emergency = direction == "emergency"
        items.append(
            TransferItem(
                id=item_id,
                name=raw.get("name", item_id),
                direction=direction,
                platform=platform,
                priority=int(raw.get("priority", 50)),
                department=raw.get("department") or None,
                category=tuple(raw.get("category", ())),
                request_type=request_type,
                level=level,
                description=raw.get("description", ""),
                examples=tuple(raw.get("examples", ())),
                keywords=keywords,
                patterns=patterns,
                exclude=exclude,
                check_negation=bool(raw.get("check_negation", True)),
                check_past=bool(raw.get("check_past", emergency or platform == "110")),
                check_hypothetical=bool(raw.get("check_hypothetical", emergency or platform == "110")),
                regex=_compile(keywords, patterns, item_id),
                exclude_regex=_compile((), exclude, item_id),
            )
        )
    items.sort(key=lambda i: -i.priority)
    digest = hashlib.sha256(repr(sorted(data.items(), key=lambda kv: kv[0])).encode("utf-8")).hexdigest()[:16]
    return TransferList(version=str(data.get("version", "0")), items=tuple(items), digest=digest)


def load_transfer_list(path: Path) -> TransferList:
    try:
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ValidationFailed(f"找不到分流转办事项清单：{path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed(f"分流转办事项清单格式错误：{error}") from None
    return parse_transfer_list(data, source=str(path))
