"""The transfer list (分流转办事项清单) as data: items with keywords and patterns, matched with context checks."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from liandong.core.errors import ValidationFailed
from liandong.triage.text import is_hypothetical, is_negated, is_past

PLATFORMS = ("12345", "110", "119", "120", "guidance", "invalid")
EMERGENCY_PLATFORMS = ("110", "119", "120")
DIRECTIONS = ("emergency", "12345→110", "110→12345", "12345", "guidance", "invalid")
REQUEST_TYPES = ("consult", "help", "complaint", "report", "suggestion")
LEVELS = ("一般", "较大", "重大", "特别重大")


@dataclass(frozen=True)
class Secondary:
    """Another platform to alert with an item's hit: always, or when `when` matches the hit's sentence."""

    platform: str
    reason: str = ""
    when: re.Pattern | None = field(default=None, compare=False)


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
    # Never dropped for being background, habitual or feared (overdose, poisoning, self-harm, suicide).
    never_miss: bool = False
    secondary: tuple[Secondary, ...] = ()
    # (regex, reason): a hit whose sentence matches is not this item ("工厂烟囱浓烟滚滚" is pollution, not fire).
    sentence_exclude: tuple[tuple[re.Pattern, str], ...] = field(default=(), compare=False)
    # A hit whose clause matches is mentioned in passing ("拿着身份证去办", "打过12345热线") and does not route.
    incidental: tuple[re.Pattern, ...] = field(default=(), compare=False)
    # The unit is a stand-in until the catalogue has a unit whose duties name this topic (duty_words).
    interim: bool = False
    duty_words: tuple[str, ...] = ()
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
    # Every accepted match: (word, start, end).
    spans: tuple[tuple[str, int, int], ...] = ()

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
    start: int = -1


# judge(item, text, start, end) -> None to accept the match, or the reason (Chinese) to drop it.
Judge = Callable[[TransferItem, str, int, int], "str | None"]
_MAX_SPANS = 12


def legacy_judge(item: TransferItem, text: str, start: int, end: int) -> str | None:
    """The item's own context checks on a plain window around the match (negation, hypothetical, past)."""
    if item.check_negation and is_negated(text, start):
        return "否定"
    if item.check_hypothetical and is_hypothetical(text, start):
        return "假设或隐患"
    if item.check_past and is_past(text, start, end):
        return "已过去的事件"
    return None


@dataclass(frozen=True)
class TransferList:
    version: str
    items: tuple[TransferItem, ...]
    digest: str
    # Words jieba must keep whole so that an alarm word inside them is seen as part of a longer word.
    compound_words: tuple[str, ...] = ()

    def match(self, text: str, *, judge: Judge | None = None) -> tuple[list[Hit], list[Rejected]]:
        judge = judge or legacy_judge
        hits: list[Hit] = []
        rejected: list[Rejected] = []
        for item in self.items:
            if item.regex is None or item.regex.search(text) is None:
                continue
            if item.exclude_regex is not None and item.exclude_regex.search(text):
                continue
            dropped: Rejected | None = None
            found: list[tuple[str, int, int]] = []
            for m in item.regex.finditer(text):
                why = judge(item, text, m.start(), m.end())
                if why is not None:
                    dropped = dropped or Rejected(item, m.group(0), why, m.start())
                    continue
                found.append((m.group(0), m.start(), m.end()))
                if len(found) >= _MAX_SPANS:
                    break
            if found:
                word, start, _ = max(found, key=lambda f: len(f[0]))
                hits.append(Hit(item, word, start, tuple(f[0] for f in found), tuple(found)))
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
        secondary = []
        for entry in raw.get("secondary", ()):
            entry = {"platform": entry} if isinstance(entry, str) else dict(entry)
            if entry.get("platform") not in EMERGENCY_PLATFORMS:
                raise ValidationFailed(f"事项 {item_id} 的联动平台无效：{entry.get('platform')}")
            when = _compile((), tuple(_as_list(entry.get("when"))), item_id)
            secondary.append(Secondary(entry["platform"], str(entry.get("reason", "")), when))
        sentence_exclude = []
        for entry in raw.get("sentence_exclude", ()):
            entry = {"pattern": entry} if isinstance(entry, str) else dict(entry)
            sentence_exclude.append((_compile((), (str(entry.get("pattern", "")),), item_id), str(entry.get("reason") or "所在句子说明不是这一情形")))
        incidental = tuple(_compile((), (p,), item_id) for p in raw.get("incidental", ()) if p)
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
                never_miss=bool(raw.get("never_miss", False)),
                secondary=tuple(secondary),
                sentence_exclude=tuple((p, r) for p, r in sentence_exclude if p is not None),
                incidental=tuple(p for p in incidental if p is not None),
                interim=bool(raw.get("interim", False)),
                duty_words=tuple(raw.get("duty_words", ())),
                regex=_compile(keywords, patterns, item_id),
                exclude_regex=_compile((), exclude, item_id),
            )
        )
    items.sort(key=lambda i: -i.priority)
    digest = hashlib.sha256(repr(sorted(data.items(), key=lambda kv: kv[0])).encode("utf-8")).hexdigest()[:16]
    compounds = tuple(str(w) for w in data.get("compound_words", ()) if w)
    return TransferList(version=str(data.get("version", "0")), items=tuple(items), digest=digest, compound_words=compounds)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def load_transfer_list(path: Path) -> TransferList:
    try:
        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ValidationFailed(f"找不到分流转办事项清单：{path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed(f"分流转办事项清单格式错误：{error}") from None
    return parse_transfer_list(data, source=str(path))
