"""The ledger's pure rules: the header map, every row check, the row identity, urgency and the handling day."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from liandong.core.errors import ValidationFailed
from liandong.grid import ledger

TODAY = date(2026, 12, 2)  # a Wednesday
HEADER = ["排查日期", "网格", "地点", "问题描述", "群众诉求", "照片", "是否当场处置", "网格员", "县（市、区）", "乡镇（街道）"]


def resolve(division, township):
    """A two-county catalogue: 巴公镇 in 泽州县 only; 东街街道 in both (ambiguous without the county)."""
    counties = {"泽州县": "140525", "城区": "140502"}
    if division and division not in counties:
        raise LookupError("division", f"目录中没有这个县（市、区）：{division}")
    if township == "巴公镇" and division in (None, "泽州县"):
        return "140525", "140525108"
    if township == "东街街道" and division == "城区":
        return "140502", "140502001"
    if township == "东街街道":
        raise LookupError("township", "多个县（市、区）都有“东街街道”，请填写县（市、区）列")
    if township:
        raise LookupError("township", f"目录中没有这个乡镇（街道）：{township}")
    return counties.get(division), None


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        (HEADER, None),
        (["日期", "所属网格", "点位", "问题", "居民诉求", "现场照片", "当场处置", "巡查人"], None),
        ([" 排查日期* ", "网格：", "地点", "问题描述", "是否当场处置", "网格员", "乡镇(街道)", ""], None),
        (["ＰＨＯＴＯ", *HEADER], "无法识别的列：ＰＨＯＴＯ"),
        (["排查日期", "网格", "地点", "问题描述", "是否当场处置"], "缺少必填列：网格员"),
        (["网格", "地点", "问题描述", "是否当场处置", "网格员"], "缺少必填列：排查日期"),
        ([*HEADER, "巡查日期"], "重复的列：排查日期/巡查日期"),
        (["颜色", "尺寸"], "缺少必填列：排查日期、网格、地点、问题描述、是否当场处置、网格员；无法识别的列：颜色、尺寸"),
    ],
)
def test_header_map(cells, field):
    if field is None:
        header = ledger.map_header(cells)
        assert {"date", "grid", "place", "problem", "on_spot", "worker"} <= set(header.index)
        return
    with pytest.raises(ValidationFailed, match="整个文件未导入") as refused:
        ledger.map_header(cells)
    assert field in refused.value.message
    assert refused.value.field == "header"


def test_header_synonyms_map_to_one_field_each():
    assert all(ledger.HEADER_MAP[ledger.header_key(s)] == c.key for c in ledger.COLUMNS for s in c.synonyms)
    assert ledger.header_key("乡镇（街道）") == ledger.header_key("乡镇(街道)") == "乡镇街道"


GOOD = ["2026-11-28", "新开巷社区第三网格", "新开南巷", "路面坑洼影响出行", "希望周末施工", "IMG_001.jpg；IMG_002.jpg", "否", "孙桂梅", "泽州县", "巴公镇"]


def row(**changes):
    cells = list(GOOD)
    for name, value in changes.items():
        cells[HEADER.index(name)] = value
    return ledger.validate_row(7, cells, ledger.map_header(HEADER), today=TODAY, resolve=resolve)


def test_a_good_row():
    good = row()
    assert good.ok, good.reasons()
    assert (good.patrol_date, good.grid, good.place, good.on_spot, good.worker) == (date(2026, 11, 28), "新开巷社区第三网格", "新开南巷", False, "孙桂梅")
    assert good.photos == ["IMG_001.jpg", "IMG_002.jpg"]
    assert (good.division_code, good.town_code) == ("140525", "140525108")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"排查日期": "2026-12-03"}, "排查日期：不能晚于今天（2026-12-02）：2026-12-03"),
        ({"排查日期": "1999-12-31"}, "排查日期：不能早于 2000-01-01：1999-12-31"),
        ({"排查日期": "2026-02-30"}, "排查日期：日期无法识别：2026-02-30（应为 2026-12-05 或 2026年12月5日）"),
        ({"排查日期": "上周三"}, "排查日期：日期无法识别：上周三（应为 2026-12-05 或 2026年12月5日）"),
        ({"排查日期": ""}, "排查日期：不能为空"),
        ({"网格": ""}, "网格：不能为空"),
        ({"网格": "网" * 65}, "网格：过长（65 字，最多 64 字）"),
        ({"地点": "  "}, "地点：不能为空"),
        ({"地点": "路" * 256}, "地点：过长（256 字，最多 255 字）"),
        ({"问题描述": ""}, "问题描述：不能为空"),
        ({"问题描述": "坑" * 2001}, "问题描述：过长（2001 字，最多 2000 字）"),
        ({"问题描述": "路面\x00坑洼"}, "问题描述：含有不允许的控制字符（如 NUL）"),
        ({"群众诉求": "求" * 1001}, "群众诉求：过长（1001 字，最多 1000 字）"),
        ({"照片": "p" * 1001}, "照片：过长（1001 字，最多 1000 字）"),
        ({"是否当场处置": "也许"}, "是否当场处置：只能填“是”或“否”，收到：也许"),
        ({"是否当场处置": ""}, "是否当场处置：不能为空，请填“是”或“否”"),
        ({"网格员": ""}, "网格员：不能为空"),
        ({"网格员": "张" * 33}, "网格员：过长（33 字，最多 32 字）"),
        ({"县（市、区）": "火星县"}, "县（市、区）：目录中没有这个县（市、区）：火星县"),
        ({"乡镇（街道）": "火星镇"}, "乡镇（街道）：目录中没有这个乡镇（街道）：火星镇"),
        ({"县（市、区）": "", "乡镇（街道）": "东街街道"}, "乡镇（街道）：多个县（市、区）都有“东街街道”，请填写县（市、区）列"),
    ],
)
def test_each_bad_value_is_reported_with_its_column_and_reason(changes, reason):
    bad = row(**changes)
    assert bad.reasons() == [reason]


def test_every_reason_of_a_row_is_reported_not_just_the_first():
    bad = row(**{"排查日期": "2030-01-01", "网格员": "", "是否当场处置": "也许"})
    assert [column for column, _ in bad.errors] == ["排查日期", "是否当场处置", "网格员"]  # in the order of the columns


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-28", date(2026, 11, 28)), ("2026/11/8", date(2026, 11, 8)), ("2026.11.28", date(2026, 11, 28)),
        ("2026年11月8日", date(2026, 11, 8)), ("20261128", date(2026, 11, 28)), ("２０２６-１１-２８", date(2026, 11, 28)),
        ("2026-11-28 09:30", date(2026, 11, 28)), (datetime(2026, 11, 28, 9, 30), date(2026, 11, 28)), (date(2026, 11, 28), date(2026, 11, 28)),
    ],
)
def test_dates_as_ledgers_write_them(value, expected):
    assert ledger.parse_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("是", True), ("否", False), ("Y", True), ("n", False), ("√", True), ("×", False),
                                                 ("已处置", True), ("未处置", False), ("1", True), ("0", False)])
def test_yes_no(value, expected):
    assert ledger.parse_yes_no(value) is expected


def test_the_identity_ignores_spacing_and_width_but_not_the_content():
    key = ledger.row_key(grid="新开巷社区 第三网格", patrol_date=date(2026, 11, 28), place="新开南巷", problem="路面坑洼")
    assert key == ledger.row_key(grid="新开巷社区第三网格", patrol_date=date(2026, 11, 28), place=" 新开南巷 ", problem="路面坑洼")
    assert key == ledger.row_key(grid="新开巷社区第三网格", patrol_date=date(2026, 11, 28), place="新开南巷", problem="路面坑洼")
    assert key != ledger.row_key(grid="新开巷社区第三网格", patrol_date=date(2026, 11, 29), place="新开南巷", problem="路面坑洼")
    assert key != ledger.row_key(grid="新开巷社区第三网格", patrol_date=date(2026, 11, 28), place="新开北巷", problem="路面坑洼")
    assert len(key) == 64


@pytest.mark.parametrize(
    ("triage", "urgent"),
    [
        (None, False),
        ({"platform": "12345", "level": "一般", "emergency": False}, False),
        ({"platform": "119", "level": "一般", "emergency": True}, True),
        ({"platform": "12345", "level": "较大", "emergency": False}, True),
        ({"platform": "110", "level": "一般", "emergency": False}, True),
    ],
)
def test_urgent_means_emergency_or_a_graded_hazard(triage, urgent):
    assert ledger.is_urgent(triage) is urgent


@pytest.mark.parametrize(
    ("today", "saturday"),
    [(date(2026, 11, 30), date(2026, 12, 5)), (date(2026, 12, 2), date(2026, 12, 5)), (date(2026, 12, 5), date(2026, 12, 5)),
     (date(2026, 12, 6), date(2026, 12, 12))],
)
def test_the_coming_saturday(today, saturday):
    assert ledger.coming_saturday(today) == saturday


def test_a_handling_day_is_today_or_later_within_a_year():
    assert ledger.check_handling_day(TODAY, today=TODAY) == TODAY
    with pytest.raises(ValidationFailed, match="不能早于今天"):
        ledger.check_handling_day(date(2026, 12, 1), today=TODAY)
    with pytest.raises(ValidationFailed, match="一年以后"):
        ledger.check_handling_day(date(2028, 1, 1), today=TODAY)


def test_the_order_text_keeps_everything_the_row_said():
    text = ledger.content_of(row())
    assert text.splitlines() == [
        "路面坑洼影响出行", "群众诉求：希望周末施工", "网格员孙桂梅于2026-11-28在新开巷社区第三网格（新开南巷）排查发现。", "现场照片：IMG_001.jpg、IMG_002.jpg",
    ]
    assert ledger.on_spot_note(row()) == "网格员孙桂梅已当场处置"
