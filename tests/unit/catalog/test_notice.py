"""The State Council's holiday notice: the real 2023–2026 texts, the wording variants, and every refusal."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from liandong.catalog.calendar import WorkingCalendar
from liandong.catalog.notice import find_year, parse_notice
from liandong.core.errors import ValidationFailed

NOTICES = Path(__file__).resolve().parents[2] / "data" / "notices"


def read(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


def d(text: str) -> date:
    return date.fromisoformat(text)


# (file, {festival: (first day off, last day off, days)}, make-up working days) as the notices say.
REAL = [
    (
        "2023.txt",
        {
            "元旦": ("2022-12-31", "2023-01-02", 3),
            "春节": ("2023-01-21", "2023-01-27", 7),
            "清明节": ("2023-04-05", "2023-04-05", 1),
            "劳动节": ("2023-04-29", "2023-05-03", 5),
            "端午节": ("2023-06-22", "2023-06-24", 3),
            "中秋节、国庆节": ("2023-09-29", "2023-10-06", 8),
        },
        ["2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"],
    ),
    (
        "2024.txt",
        {
            "元旦": ("2024-01-01", "2024-01-01", 1),
            "春节": ("2024-02-10", "2024-02-17", 8),
            "清明节": ("2024-04-04", "2024-04-06", 3),
            "劳动节": ("2024-05-01", "2024-05-05", 5),
            "端午节": ("2024-06-10", "2024-06-10", 1),
            "中秋节": ("2024-09-15", "2024-09-17", 3),
            "国庆节": ("2024-10-01", "2024-10-07", 7),
        },
        ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"],
    ),
    (
        "2025.txt",
        {
            "元旦": ("2025-01-01", "2025-01-01", 1),
            "春节": ("2025-01-28", "2025-02-04", 8),
            "清明节": ("2025-04-04", "2025-04-06", 3),
            "劳动节": ("2025-05-01", "2025-05-05", 5),
            "端午节": ("2025-05-31", "2025-06-02", 3),
            "国庆节、中秋节": ("2025-10-01", "2025-10-08", 8),
        },
        ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ),
    (
        "2026.txt",
        {
            "元旦": ("2026-01-01", "2026-01-03", 3),
            "春节": ("2026-02-15", "2026-02-23", 9),
            "清明节": ("2026-04-04", "2026-04-06", 3),
            "劳动节": ("2026-05-01", "2026-05-05", 5),
            "端午节": ("2026-06-19", "2026-06-21", 3),
            "中秋节": ("2026-09-25", "2026-09-27", 3),
            "国庆节": ("2026-10-01", "2026-10-07", 7),
        },
        ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    ),
]


@pytest.mark.parametrize(("name", "holidays", "makeup"), REAL, ids=[row[0] for row in REAL])
def test_real_notices_parse_to_the_published_days(name, holidays, makeup):
    notice = parse_notice(read(name))
    assert notice.year == int(name[:4])
    assert {h.name: (h.start.isoformat(), h.end.isoformat(), len(h.days)) for h in notice.holidays} == holidays
    assert [m.day.isoformat() for m in notice.makeup_days] == makeup
    # each day carries the clause it came from, quoted in the notice's own punctuation
    spring = next(h for h in notice.holidays if h.name == "春节")
    assert spring.clause.startswith("二、春节：")
    assert all(m.clause == next(h.clause for h in notice.holidays if h.name == m.name) for m in notice.makeup_days)


@pytest.mark.parametrize("name", [row[0] for row in REAL])
def test_real_notices_agree_with_chinesecalendar_day_for_day(name):
    notice = parse_notice(read(name))
    calendar = WorkingCalendar(notice_days=notice.days(), notice_years={notice.year}, sources=())
    day = date(notice.year, 1, 1)
    disagreements = []
    while day.year == notice.year:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []
    for entry in notice.entries():  # days of the year before (2022-12-31 in the 2023 notice) too
        assert chinese_calendar.is_workday(entry.day) is entry.is_workday, entry


def test_synthetic_2027_notice_parses():
    notice = parse_notice(read("2027-synthetic.txt"))
    assert notice.year == 2027
    spring = next(h for h in notice.holidays if h.name == "春节")
    assert (spring.start, spring.end) == (d("2027-02-05"), d("2027-02-12"))
    assert [m.day for m in notice.makeup_days if m.name == "春节"] == [d("2027-01-31"), d("2027-02-13")]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


@pytest.mark.parametrize("name", [row[0] for row in REAL])
def test_full_width_digits_and_a_notice_pasted_as_one_paragraph(name):
    original = parse_notice(read(name))
    text = full_width(read(name))
    assert name[:4] not in text and unicodedata.normalize("NFKC", text) != text
    assert parse_notice(text) == original
    # pasted without line breaks the last clause also carries the closing words; the days are the same
    one_line = parse_notice(read(name).replace("\n", ""))
    assert [(e.day, e.is_workday, e.name) for e in one_line.entries()] == [(e.day, e.is_workday, e.name) for e in original.entries()]


def test_half_width_punctuation_as_reprinted_online():
    text = read("2026.txt").translate(str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","}))
    assert parse_notice(text) == parse_notice(read("2026.txt"))


# Single clauses with the year given: the wording variants of the notices since 2011.
VARIANTS = [
    # cross-year range without years: 31 Dec belongs to the year before
    (2023, "一、元旦：12月31日至1月2日放假调休，共3天。", ["2022-12-31", "2023-01-01", "2023-01-02"], []),
    # cross-year make-up day without a year, nearest to the festival
    (2012, "一、元旦：2012年1月1日至3日放假调休，共3天。12月31日（星期六）上班。", ["2012-01-01", "2012-01-02", "2012-01-03"], ["2011-12-31"]),
    # cross-month range with the end's month written
    (2025, "五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。", ["2025-05-31", "2025-06-01", "2025-06-02"], []),
    # 星期 rather than 周, and 农历 remarks
    (
        2020,
        "二、春节：1月24日（农历除夕、星期五）至30日（农历正月初六、星期四）放假调休，共7天。1月19日（星期日）、2月1日（星期六）上班。",
        [f"2020-01-{n}" for n in range(24, 31)],
        ["2020-01-19", "2020-02-01"],
    ),
    # "放假，与周末连休" decides only the day written
    (2024, "五、端午节：6月10日放假，与周末连休。", ["2024-06-10"], []),
    # "放假1天，不调休"
    (2025, "一、元旦：1月1日（周三）放假1天，不调休。", ["2025-01-01"], []),
    # the older 补休 wording
    (2017, "一、元旦：1月1日放假，1月2日（星期一）补休。", ["2017-01-01", "2017-01-02"], []),
    # a make-up Sunday written as 星期日 in February, and a clause as newspapers reprint it (no number)
    (2025, "春节：2月3日至7日放假，共5天。2月9日（星期日）上班。", [f"2025-02-0{n}" for n in range(3, 8)], ["2025-02-09"]),
    # an encouragement to rest is not a day off
    (
        2024,
        "二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。",
        [f"2024-02-{n}" for n in range(10, 18)],
        ["2024-02-04", "2024-02-18"],
    ),
    # Chinese numerals in the count
    (2026, "三、清明节：4月4日（周六）至6日（周一）放假，共三天。", ["2026-04-04", "2026-04-05", "2026-04-06"], []),
]


@pytest.mark.parametrize(("year", "clause", "off", "work"), VARIANTS)
def test_wording_variants(year, clause, off, work):
    notice = parse_notice(clause, year=year)
    assert [e.day.isoformat() for e in notice.entries() if not e.is_workday] == sorted(off)
    assert [e.day.isoformat() for e in notice.entries() if e.is_workday] == work


def test_year_from_title_or_opening_sentence():
    assert find_year("国务院办公厅关于2027年部分节假日安排的通知") == 2027
    assert find_year("经国务院批准，现将2027年元旦、春节……安排通知如下。") == 2027
    assert find_year("一、元旦：1月1日放假。") is None
    assert parse_notice("国务院办公厅关于２０２４年部分节假日安排的通知\n一、元旦：1月1日放假，与周末连休。").year == 2024


def test_notes_name_the_holiday_and_the_notice():
    notice = parse_notice(read("2026.txt"))
    first, *_ = notice.entries()
    assert notice.note(first) == "元旦放假（2026年节假日安排通知）"
    makeup = next(e for e in notice.entries() if e.is_workday)
    assert notice.note(makeup) == "元旦调休上班（2026年节假日安排通知）"
    assert notice.title == "国务院办公厅关于2026年部分节假日安排的通知"


REFUSED = [
    ("", None, "请粘贴"),
    ("通知" * 10_001, 2027, "粘贴的内容超过 20000 字"),
    ("一、元旦：1月1日放假。", None, "无法确定年份"),
    ("国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：1月1日放假。", 2027, "与指定的 2027 年不一致"),
    ("国务院办公厅关于2027年部分节假日安排的通知\n各省、自治区：\n节假日期间要安排好值班。", None, "没有找到放假安排"),
    # weekday written beside the date does not match the year
    ("一、元旦：1月1日（周四）放假1天。", 2027, "标注为周四，但 2027-01-01 是周五，请核对年份和日期：「一、元旦：1月1日（周四）放假1天。」"),
    # the count does not match the range
    ("四、劳动节：5月1日（周六）至5日（周三）放假调休，共4天。", 2027, "写明共 4 天，但列出的日期是 5 天"),
    # a make-up day on a weekday
    ("四、劳动节：5月1日至5日放假调休，共5天。5月7日（周五）上班。", 2027, "调休上班日 2027-05-07 是周五，不是周末"),
    # a day both off and on
    ("一、元旦：1月1日至3日放假，共3天。\n二、春节：2月5日至12日放假，共8天。1月2日（周六）上班。", 2027, "既是放假日又是上班日"),
    # the same day off in two clauses
    ("一、元旦：1月1日至3日放假，共3天。\n二、春节：1月3日至4日放假，共2天。", 2027, "在“元旦”中已经出现"),
    # a sentence with a day the parser cannot read
    ("二、春节：2月5日至12日放假调休，共8天。2月13日（周六）值班。", 2027, "无法识别“2月13日（周六）值班”：「二、春节"),
    ("二、春节：2月5日至12日放假调休，共8天，另行补假。", 2027, "无法识别“另行补假”"),
    ("二、春节：2月5日至12日放假调休，共8天。1月31日（周日）、2月13日（周六）起上班。", 2027, "无法识别日期后的“起”"),
    ("二、春节：2月5日（腊八）至12日放假调休，共8天。", 2027, "无法识别括注“腊八”"),
    # an unknown festival, or an arrangement outside any clause
    ("八、国家公祭日：12月13日放假。", 2027, "无法识别节日名称“国家公祭日”"),
    ("一、元旦：1月1日至3日放假，共3天。\n春节2月5日至12日放假调休。", 2027, "无法识别这段放假安排"),
    ("二、春节：2月5日至12日放假调休。\n五、春节：10月1日放假。", 2027, "“春节”出现了两次"),
    # impossible or implausible dates
    ("二、春节：2月30日放假。", 2027, "日期不存在：2027年2月30日"),
    ("二、春节：2月1日至3月10日放假。", 2027, "放假日期跨度超过 31 天"),
    ("二、春节：至12日放假。", 2027, "无法识别"),
    ("二、春节：5日至12日放假。", 2027, "缺少月份"),
    ("一、元旦：2025年1月1日放假。", 2027, "放假日期不在 2027 年"),
    ("一、元旦：1月1日放假。2025年1月4日（星期六）上班。", 2027, "不属于 2027 年的安排"),
    ("二、春节：1月31日（周日）上班。", 2027, "这一条没有放假日期"),
    ("二、春节：2月5日至12日。", 2027, "无法识别“2月5日至12日”"),
]


@pytest.mark.parametrize(("text", "year", "message"), REFUSED)
def test_refuses_what_it_cannot_account_for_and_quotes_it(text, year, message):
    with pytest.raises(ValidationFailed) as refused:
        parse_notice(text, year=year)
    assert message in refused.value.message
    assert refused.value.field == "text"


def test_whole_real_notice_with_one_clause_broken_is_refused():
    text = read("2026.txt").replace("5月9日（周六）上班", "5月9日（周六）上班半天")
    with pytest.raises(ValidationFailed, match="四、劳动节"):
        parse_notice(text)
