"""Parse the State Council's annual holiday notice (国务院办公厅关于××××年部分节假日安排的通知).

Pure: standard library and `liandong.core` only. `parse_notice` turns the pasted text into the days off
(放假) and make-up working days (调休上班) of each festival, with the clause each came from. It refuses
text it cannot fully account for — every sentence of a festival clause that names a day must be read —
and checks the result: weekdays written beside dates match the calendar, "共N天" matches the range,
make-up days fall on weekends, no day is both off and on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from liandong.core.errors import ValidationFailed

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
WEEKDAY_NAMES = "一二三四五六日"
MAX_RANGE_DAYS = 31
MAX_TEXT_LENGTH = 20_000  # a notice is under 1,000 characters; a whole news page pasted with it stays well under this

_FESTIVAL = "|".join(FESTIVALS)
_NUMERAL = "[一二三四五六七八九十]{1,3}"
# "二、春节:" (numbered, as in the notice) or "春节:" (as newspapers reprint it).
HEADING = re.compile(rf"^\s*(?:(?P<number>{_NUMERAL})\s*[、.]\s*)?(?P<name>[\u4e00-\u9fff、]{{2,24}}?)\s*:\s*(?P<body>.*)$")
_HEADING_START = re.compile(rf"(?={_NUMERAL}\s*[、.]\s*(?:{_FESTIVAL})(?:、(?:{_FESTIVAL}))*\s*:)")
_CLOSING_START = re.compile(r"(?<=。)\s*(?=节假日期间|国务院办公厅\s*\d{4}\s*年)")
TITLE = re.compile(r"国务院办公厅关于\s*(\d{4})\s*年\s*部分节假日安排的通知")
PREAMBLE_YEAR = re.compile(r"现将\s*(\d{4})\s*年")
PREAMBLE_END = re.compile(r"通知如下")
DATE = re.compile(r"(?:(?P<year>\d{4})\s*年\s*)?(?:(?P<month>\d{1,2})\s*月\s*)?(?P<day>\d{1,2})\s*日(?:\s*\((?P<remark>[^()]*)\))?")
ANY_DATE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*日\s*\(")
ARRANGEMENT_WORDS = re.compile(r"放假|上班|调休|补休|休息")
WEEKDAY_REMARK = re.compile(rf"^(?:周|星期|礼拜)(?P<weekday>[{WEEKDAY_NAMES}天])$")
COUNT = r"(?P<count>\d{1,2}|[一二三四五六七八九十]{1,3})"
DAYS_OFF = re.compile(rf"^放假(?:调休|公休)?(?:{COUNT}天)?$")
TOTAL = re.compile(rf"^共{COUNT}天$")
BENIGN = re.compile(r"^(?:不调休|与周末连休|连休)$")


@dataclass(frozen=True)
class Holiday:
    """One festival's days off as the notice lists them (weekends inside the range included)."""

    name: str
    days: tuple[date, ...]
    clause: str

    @property
    def start(self) -> date:
        return self.days[0]

    @property
    def end(self) -> date:
        return self.days[-1]


@dataclass(frozen=True)
class MakeUpDay:
    """A weekend day declared a working day (调休上班) in a festival's clause."""

    day: date
    name: str
    clause: str


@dataclass(frozen=True)
class NoticeDay:
    day: date
    is_workday: bool
    name: str
    clause: str


@dataclass(frozen=True)
class Notice:
    year: int
    holidays: tuple[Holiday, ...]
    makeup_days: tuple[MakeUpDay, ...]

    @property
    def title(self) -> str:
        return f"国务院办公厅关于{self.year}年部分节假日安排的通知"

    def entries(self) -> list[NoticeDay]:
        """Every day the notice decides, in date order."""
        rows = [NoticeDay(d, False, h.name, h.clause) for h in self.holidays for d in h.days]
        rows += [NoticeDay(m.day, True, m.name, m.clause) for m in self.makeup_days]
        return sorted(rows, key=lambda row: row.day)

    def days(self) -> dict[date, bool]:
        """day → is it a working day, for every day the notice names."""
        return {row.day: row.is_workday for row in self.entries()}

    def note(self, entry: NoticeDay) -> str:
        what = "调休上班" if entry.is_workday else "放假"
        return f"{entry.name}{what}（{self.year}年节假日安排通知）"


@dataclass
class _DateToken:
    text: str
    year: int | None
    month: int | None
    day: int
    weekday: int | None  # 0 = Monday, as written in the remark


_DISPLAY = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})


def display(text: str) -> str:
    """Normalised text back in the notice's own punctuation, for quoting to administrators."""
    return text.translate(_DISPLAY).replace("[", "〔").replace("]", "〕")


def _refuse(message: str, clause: str | None = None) -> ValidationFailed:
    message = display(message)
    if clause:
        message = f"{message}：「{display(clause)}」"
    return ValidationFailed(message, field="text")


def normalise(text: str) -> str:
    """Full-width digits, colons, commas and brackets to their plain forms; one kind of line break."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    text = text.replace("〔", "[").replace("〕", "]")
    # A notice pasted as one paragraph still starts each numbered clause, the closing words and the signature on their own line.
    text = _HEADING_START.sub("\n", text)
    return _CLOSING_START.sub("\n", text)


def _chinese_number(value: str) -> int:
    if value.isdigit():
        return int(value)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if value == "十":
        return 10
    if value.startswith("十"):
        return 10 + digits[value[1]]
    if value.endswith("十"):
        return digits[value[0]] * 10
    if "十" in value:
        tens, ones = value.split("十")
        return digits[tens] * 10 + digits[ones]
    return digits[value]


def _date_tokens(text: str, clause: str) -> list[_DateToken]:
    """The dates of a run like "1月26日(周日)、2月8日(周六)"; refuses anything between them but "、"."""
    tokens: list[_DateToken] = []
    position = 0
    while True:
        found = DATE.match(text, position)
        if not found:
            raise _refuse(f"无法识别日期“{text[position:] or text}”", clause)
        tokens.append(_token(found, clause))
        position = found.end()
        rest = text[position:]
        if not rest:
            return tokens
        if rest[0] != "、":
            raise _refuse(f"无法识别日期后的“{rest}”", clause)
        position += 1


def _token(found: re.Match, clause: str) -> _DateToken:
    weekday = None
    remark = (found.group("remark") or "").strip()
    for item in filter(None, (part.strip() for part in re.split(r"[、,]", remark))):
        named = WEEKDAY_REMARK.match(item)
        if named:
            letter = named.group("weekday")
            weekday = 6 if letter in "日天" else WEEKDAY_NAMES.index(letter)
        elif not (item.startswith("农历") or item in ("除夕", "春节")):
            raise _refuse(f"无法识别括注“{item}”", clause)
    return _DateToken(
        text=found.group(0),
        year=int(found.group("year")) if found.group("year") else None,
        month=int(found.group("month")) if found.group("month") else None,
        day=int(found.group("day")),
        weekday=weekday,
    )


def _make_date(year: int, month: int, day: int, clause: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _refuse(f"日期不存在：{year}年{month}月{day}日", clause) from None


def _check_weekday(value: date, token: _DateToken, clause: str) -> None:
    if token.weekday is not None and token.weekday != value.weekday():
        actual = WEEKDAY_NAMES[value.weekday()]
        written = WEEKDAY_NAMES[token.weekday]
        raise _refuse(f"{token.text} 标注为周{written}，但 {value.isoformat()} 是周{actual}，请核对年份和日期", clause)


def _range(tokens: list[_DateToken], year: int, clause: str) -> list[date]:
    """The days of "X月X日(至Y日)"; a range without years that crosses New Year ends in the notice's year."""
    first = tokens[0]
    if first.month is None:
        raise _refuse(f"日期“{first.text}”缺少月份", clause)
    start = _make_date(first.year or year, first.month, first.day, clause)
    if len(tokens) == 1:
        end = start
    else:
        last = tokens[1]
        month = last.month or start.month
        end_year = last.year or start.year
        if last.year is None and (month, last.day) < (start.month, start.day):
            end_year += 1
        end = _make_date(end_year, month, last.day, clause)
        if first.year is None and last.year is None and end.year > year:
            start = start.replace(year=start.year - 1)
            end = end.replace(year=end.year - 1)
    _check_weekday(start, first, clause)
    if len(tokens) > 1:
        _check_weekday(end, tokens[1], clause)
    if end < start:
        raise _refuse("放假日期的结束早于开始", clause)
    if (end - start).days >= MAX_RANGE_DAYS:
        raise _refuse(f"放假日期跨度超过 {MAX_RANGE_DAYS} 天", clause)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _valid_years(year: int, token: _DateToken) -> list[int]:
    """Of the notice's year and its neighbours, those in which the month and day exist (29 February)."""
    result = []
    for candidate in (year - 1, year, year + 1):
        try:
            date(candidate, token.month or 1, token.day)
        except ValueError:
            continue
        result.append(candidate)
    return result or [year]


def _single(token: _DateToken, year: int, near: date | None, clause: str) -> date:
    """A make-up or 补休 day: without a year, the year that puts it nearest the festival's days off."""
    if token.month is None:
        raise _refuse(f"日期“{token.text}”缺少月份", clause)
    if token.year is not None:
        value = _make_date(token.year, token.month, token.day, clause)
    else:
        candidates = [_make_date(y, token.month, token.day, clause) for y in _valid_years(year, token)]
        anchor = near or date(year, 7, 1)
        value = min(candidates, key=lambda d: abs((d - anchor).days))
    _check_weekday(value, token, clause)
    return value


@dataclass
class _Clause:
    name: str
    text: str
    holidays: list[date]
    makeup: list[date]


def _split_sentences(body: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。]", body) if s.strip()]


def _parse_clause(name: str, body: str, clause: str, year: int) -> _Clause:
    result = _Clause(name=name, text=clause, holidays=[], makeup=[])
    count: int | None = None
    pending_single: list[tuple[str, list[_DateToken]]] = []
    for sentence in _split_sentences(re.sub(r"\s+", "", body)):
        if sentence.startswith("鼓励"):
            continue  # an encouragement (e.g. to take 除夕 off with annual leave), not a day off
        if not ANY_DATE.search(sentence) and not ARRANGEMENT_WORDS.search(sentence):
            continue  # closing words that decide no day
        for part in (p.strip() for p in re.split(r"[,;]", sentence)):
            if not part:
                continue
            if "放假" in part:
                head, _, tail = part.partition("放假")
                off = DAYS_OFF.match("放假" + tail)
                if not head or off is None:
                    raise _refuse(f"无法识别“{part}”", clause)
                if result.holidays:
                    raise _refuse("同一条中有两段放假日期", clause)
                pieces = head.split("至")
                if len(pieces) > 2:
                    raise _refuse(f"无法识别“{part}”", clause)
                tokens = [_single_token(p, clause) for p in pieces]
                result.holidays = _range(tokens, year, clause)
                if off.group("count"):
                    count = _chinese_number(off.group("count"))
            elif (total := TOTAL.match(part)) is not None:
                count = _chinese_number(total.group("count"))
            elif BENIGN.match(part):
                continue
            elif part.endswith("上班"):
                pending_single.append(("work", _date_tokens(part[: -len("上班")], clause)))
            elif part.endswith("补休"):
                pending_single.append(("off", _date_tokens(part[: -len("补休")], clause)))
            else:
                raise _refuse(f"无法识别“{part}”", clause)
    if not result.holidays:
        raise _refuse("这一条没有放假日期", clause)
    near = result.holidays[0]
    for kind, tokens in pending_single:
        for token in tokens:
            value = _single(token, year, near, clause)
            if kind == "work":
                if value.weekday() < 5:
                    raise _refuse(f"调休上班日 {value.isoformat()} 是周{WEEKDAY_NAMES[value.weekday()]}，不是周末", clause)
                result.makeup.append(value)
            elif value not in result.holidays:
                result.holidays.append(value)
    result.holidays.sort()
    if count is not None and count != len(result.holidays):
        raise _refuse(f"写明共 {count} 天，但列出的日期是 {len(result.holidays)} 天", clause)
    return result


def _single_token(text: str, clause: str) -> _DateToken:
    tokens = _date_tokens(text, clause)
    if len(tokens) != 1:
        raise _refuse(f"无法识别日期“{text}”", clause)
    return tokens[0]


def _festival_name(name: str) -> str | None:
    parts = name.split("、")
    return name if all(part in FESTIVALS for part in parts) else None


def find_year(text: str) -> int | None:
    """The year from the title (国务院办公厅关于2027年部分节假日安排的通知) or the opening sentence."""
    normalised = normalise(text)
    titled = TITLE.search(normalised) or PREAMBLE_YEAR.search(normalised)
    return int(titled.group(1)) if titled else None


def parse_notice(text: str, year: int | None = None) -> Notice:
    """Read the notice; `year` is required when the pasted text carries no title."""
    if len(text or "") > MAX_TEXT_LENGTH:
        raise _refuse(f"粘贴的内容超过 {MAX_TEXT_LENGTH} 字，请只粘贴通知全文")
    normalised = normalise(text)
    if not normalised.strip():
        raise _refuse("请粘贴国务院办公厅关于节假日安排的通知全文")
    found_year = find_year(normalised)
    if year is not None and found_year is not None and year != found_year:
        raise _refuse(f"通知标题写的是 {found_year} 年，与指定的 {year} 年不一致")
    year = year or found_year
    if year is None:
        raise _refuse("无法确定年份：请粘贴含标题“国务院办公厅关于××××年部分节假日安排的通知”的全文，或指定年份")
    if not 1990 <= year <= 2200:
        raise _refuse(f"年份超出范围：{year}")

    lines = [line.strip() for line in normalised.split("\n") if line.strip()]
    preamble_end = next((i for i, line in enumerate(lines) if PREAMBLE_END.search(line)), -1)
    clauses: list[_Clause] = []
    for index, line in enumerate(lines):
        heading = HEADING.match(line)
        name = _festival_name(heading.group("name")) if heading else None
        if heading and heading.group("number") and name is None and ARRANGEMENT_WORDS.search(line):
            raise _refuse(f"无法识别节日名称“{heading.group('name')}”（应为{'、'.join(FESTIVALS)}）", line)
        if name is not None:
            clauses.append(_parse_clause(name, heading.group("body"), line, year))
            continue
        if index <= preamble_end and not clauses:
            continue  # title, addressees and the opening sentence, which may mention 放假 in general terms
        if ANY_DATE.search(line) and ARRANGEMENT_WORDS.search(line) and not line.startswith("鼓励"):
            raise _refuse("无法识别这段放假安排（应为“节日名称：日期放假……”的格式）", line)
    if not clauses:
        raise _refuse("没有找到放假安排（例如“一、元旦：1月1日放假……”）")

    seen_names: set[str] = set()
    seen_days: dict[date, tuple[str, bool]] = {}
    holidays: list[Holiday] = []
    makeup: list[MakeUpDay] = []
    for clause in clauses:
        if clause.name in seen_names:
            raise _refuse(f"“{clause.name}”出现了两次", clause.text)
        seen_names.add(clause.name)
        if clause.holidays[-1].year != year:
            raise _refuse(f"放假日期不在 {year} 年", clause.text)
        for value, is_workday in [(d, False) for d in clause.holidays] + [(d, True) for d in clause.makeup]:
            if value.year not in (year - 1, year):
                raise _refuse(f"日期 {value.isoformat()} 不属于 {year} 年的安排", clause.text)
            if value in seen_days:
                other, other_is_workday = seen_days[value]
                if other_is_workday != is_workday:
                    raise _refuse(f"{value.isoformat()} 既是放假日又是上班日（另见“{other}”）", clause.text)
                raise _refuse(f"{value.isoformat()} 在“{other}”中已经出现", clause.text)
            seen_days[value] = (clause.name, is_workday)
        quoted = display(clause.text)
        holidays.append(Holiday(name=clause.name, days=tuple(clause.holidays), clause=quoted))
        makeup.extend(MakeUpDay(day=d, name=clause.name, clause=quoted) for d in sorted(clause.makeup))
    return Notice(year=year, holidays=tuple(holidays), makeup_days=tuple(sorted(makeup, key=lambda m: m.day)))
