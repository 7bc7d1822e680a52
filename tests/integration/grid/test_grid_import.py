"""Importing patrol ledgers on SQLite and PostgreSQL: bad rows reported precisely, good rows imported once, on-spot rows
closed with the worker's note, the rest scheduled for the weekend at the township or dispatched at once when urgent."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from liandong.core.actor import CLI, Actor, Role
from liandong.core.clock import SHANGHAI
from liandong.core.errors import PermissionDenied, ValidationFailed
from liandong.grid import service
from liandong.grid.models import LedgerItem
from liandong.workorder import service as orders
from liandong.workorder.models import WorkOrder

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday: the coming Saturday is 2026-12-05
HEADER = "排查日期,网格,地点,问题描述,群众诉求,照片,是否当场处置,处置情况,网格员,县（市、区）,乡镇（街道）"
ROWS = [
    "2026-11-28,新开巷社区第三网格,新开南巷,路面坑洼影响居民出行,希望周末施工,IMG_001.jpg;IMG_002.jpg,否,,孙桂梅,泽州县,巴公镇",
    "2026-11-29,富力城社区第一网格,3号楼2单元楼道,楼道堆放杂物,,IMG_010.jpg,是,已与住户沟通并清理完毕,聂丽英,泽州县,巴公镇",
    "2026-11-30,新街社区第二网格,K3区2号楼,小区燃气管道泄漏有浓烈燃气味,尽快处理,,否,,张小元,泽州县,巴公镇",
    "2030-01-01,新街社区第二网格,K3区,积雪结冰,,,也许,,,泽州县,火星镇",
    "2026-11-30,新街社区第二网格,,,,,否,,高风英,,",
    ",,,,,,,,,,",
    "2026-11-28,新开巷社区 第三网格,新开南巷 ,路面坑洼影响居民出行,,,否,,孙桂梅,泽州县,巴公镇",
]
BGZ = Actor(name="bgz", role=Role.UNIT_HANDLER, department_code="zz-bgz")
CGJ = Actor(name="cgj", role=Role.UNIT_HANDLER, department_code="cgj")
ZZ = Actor(name="zz12345", role=Role.COUNTY_DISPATCHER, department_code="zz-12345")


def csv_bytes(rows=ROWS, header=HEADER, encoding="utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def run(session, data=None, *, name="台账.csv", actor=CLI, **kw) -> dict:
    return service.import_ledger(session, actor=actor, now=NOW, filename=name, data=data if data is not None else csv_bytes(), **kw)


def by_row(report: dict) -> dict[int, dict]:
    return {r["row"]: r for r in report["rows"]}


def grid_orders(session) -> int:
    return session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.channel == "grid"))


def test_bad_rows_are_reported_precisely_and_good_ones_imported_once(session):
    before = grid_orders(session)
    first = run(session)
    rows = by_row(first)
    assert (first["accepted"], first["rejected"], first["duplicates"], first["blank"]) == (3, 2, 1, 1)
    assert rows[5]["status"] == "rejected" and rows[5]["order"] is None
    assert rows[5]["reasons"] == [
        "排查日期：不能晚于今天（2026-12-02）：2030-01-01", "是否当场处置：只能填“是”或“否”，收到：也许", "网格员：不能为空",
        "乡镇（街道）：泽州县目录中没有这个乡镇（街道）：火星镇",
    ]
    assert rows[6]["reasons"] == ["地点：不能为空", "问题描述：不能为空"]
    assert 7 not in rows  # the blank line is counted as blank, not as a row
    assert rows[8]["status"] == "duplicate" and rows[8]["reasons"] == ["已导入（重复）：与本文件第 2 行相同"]
    assert grid_orders(session) == before + 3

    second = run(session, name="同一台账再次导入.csv")
    again = by_row(second)
    assert (second["accepted"], second["rejected"], second["duplicates"]) == (0, 2, 4)
    for number in (2, 3, 4):
        assert again[number]["status"] == "duplicate" and again[number]["status_label"] == "已导入（重复）"
        assert again[number]["order"] == rows[number]["order"]
        assert again[number]["reasons"] == [f"已导入（重复）：工单 {rows[number]['order']}"]
    assert grid_orders(session) == before + 3


def _order(session, number: str) -> WorkOrder:
    return session.get(WorkOrder, orders.resolve_order_id(session, number))


def test_on_spot_rows_are_closed_with_the_workers_note(session):
    rows = by_row(run(session))
    order = _order(session, rows[3]["order"])
    assert (order.status, order.close_reason, order.channel, order.reply_text) == ("closed", "on_spot", "grid", "已与住户沟通并清理完毕")
    assert order.handle_on is None
    events = orders.get_order(session, order.id, actor=CLI, full=True).events
    assert [(e.action, e.note) for e in events][-1] == ("close_on_spot", "已与住户沟通并清理完毕")
    assert rows[3]["outcome"] == "closed_on_spot"


def test_the_rest_go_to_the_township_for_the_weekend_and_urgent_ones_at_once(session):
    rows = by_row(run(session))
    scheduled = _order(session, rows[2]["order"])
    assert (scheduled.status, scheduled.department_code, scheduled.sub_centre_code) == ("dispatched", "zz-bgz", "zz-12345")
    assert scheduled.handle_on == date(2026, 12, 5) and rows[2]["handle_on"] == "2026-12-05"
    assert scheduled.town_code == "140525108" and scheduled.address == "新开南巷"
    assert "群众诉求：希望周末施工" in scheduled.content and "IMG_002.jpg" in scheduled.content
    urgent = _order(session, rows[4]["order"])
    assert rows[4]["outcome"] == "urgent" and rows[4]["urgent"] is True
    assert urgent.status in ("dispatched", "at_sub_centre") and urgent.handle_on is None
    item = session.scalar(select(LedgerItem).where(LedgerItem.order_id == urgent.id))
    assert item.urgent and item.worker == "张小元"

    # The township's handler sees its items by handling day, the county sub-centre too; another unit sees none.
    seen = dict(service.list_items(session, actor=BGZ, now=NOW, flt=service.ItemFilter()))
    assert scheduled.id in [i.order_id for i in seen["2026-12-05（周六）"]]
    assert urgent.id not in {i.order_id for items in seen.values() for i in items}  # urgent: with the duty unit, not the township
    assert {i.order_id for items in service.list_items(session, actor=ZZ, now=NOW, flt=service.ItemFilter()) for i in items[1]} >= {scheduled.id}
    assert service.list_items(session, actor=CGJ, now=NOW, flt=service.ItemFilter()) == []
    on_spot = service.list_items(session, actor=CLI, now=NOW, flt=service.ItemFilter(kind="on_spot"))
    assert [label for label, _ in on_spot] == ["当场处置（已办结）"]
    assert service.list_items(session, actor=CLI, now=NOW, flt=service.ItemFilter(day_from=date(2026, 12, 6))) == []
    # The township may act on it as on any order it holds.
    assert "accept" in [a.action.value for a in orders.permitted(scheduled, BGZ, NOW)]


def test_a_chosen_handling_day_and_a_dry_run(session):
    before = grid_orders(session)
    dry = run(session, dry_run=True, handle_on=date(2026, 12, 12))
    assert (dry["accepted"], dry["dry_run"], dry["handle_on"]) == (3, True, "2026-12-12")
    assert grid_orders(session) == before
    rows = by_row(run(session, handle_on=date(2026, 12, 12)))
    assert _order(session, rows[2]["order"]).handle_on == date(2026, 12, 12)
    with pytest.raises(ValidationFailed, match="不能早于今天"):
        run(session, handle_on=date(2026, 12, 1))


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("日期,网格,问题,颜色", "缺少必填列：地点、是否当场处置、网格员；无法识别的列：颜色"),
        (HEADER + ",备用", "无法识别的列：备用"),
    ],
)
def test_a_wrong_header_refuses_the_whole_file(session, header, message):
    before = grid_orders(session)
    with pytest.raises(ValidationFailed, match="整个文件未导入") as refused:
        run(session, csv_bytes(header=header))
    assert message in refused.value.message
    assert grid_orders(session) == before


def test_an_unnamed_column_with_data_refuses_the_file(session):
    with pytest.raises(ValidationFailed, match="第 12 列没有表头，但第 2 行在该列有内容"):
        run(session, csv_bytes(rows=[ROWS[0] + ",多出来的内容"]))


def test_gb18030_csv_and_xlsx(session):
    gb = run(session, csv_bytes(rows=ROWS[:2], encoding="gb18030"), name="台账.csv")
    assert (gb["accepted"], gb["rejected"]) == (2, 0)

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["巡查日期", "所属网格", "点位", "问题", "居民诉求", "现场照片", "当场处置", "巡查人", "乡镇"])
    sheet.append([datetime(2026, 11, 30, 9, 0), "新街社区第一网格", "新街12号", "路灯不亮", None, None, "否", "高风英", "巴公镇"])
    sheet.append([datetime(2026, 12, 3), "新街社区第一网格", "新街14号", "井盖缺失", None, None, "否", "高风英", "巴公镇"])
    sheet.append([datetime(2026, 11, 28), "新开巷社区第三网格", "新开南巷", "路面坑洼影响居民出行", None, None, "否", "孙桂梅", "巴公镇"])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = by_row(run(session, buffer.getvalue(), name="台账.xlsx"))
    assert xlsx[2]["status"] == "accepted"
    assert xlsx[3]["reasons"] == ["巡查日期：不能晚于今天（2026-12-02）：2026-12-03"]
    assert xlsx[4]["status"] == "duplicate"  # the same row as the CSV's, whatever the file


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("台账.doc", b"x", "不支持的文件类型"), ("台账.csv", b"", "文件为空"), ("台账.xlsx", b"not a workbook", "无法读取 Excel 文件"),
     ("台账.csv", b"\xff\xfe\x00\xd8", "无法识别文件编码")],
)
def test_unreadable_files(session, name, data, message):
    with pytest.raises(ValidationFailed, match=message):
        run(session, data, name=name)


def test_who_may_import(session):
    with pytest.raises(PermissionDenied, match="导入网格台账"):
        run(session, actor=BGZ)
    # A county sub-centre imports its own county's ledgers; a row of another county is refused with the reason.
    report = run(session, csv_bytes(rows=[ROWS[0], "2026-11-28,东街社区,东街1号,路灯不亮,,,否,,李四,城区,"]), actor=ZZ)
    rows = by_row(report)
    assert rows[2]["status"] == "accepted"
    assert rows[3]["reasons"] == ["县（市、区）：不属于本分中心所在的县（市、区）：城区"]


def test_the_command_line(run_cli, tmp_path):
    assert run_cli("db", "upgrade")[0] == 0
    ledger_file = tmp_path / "台账.csv"
    ledger_file.write_bytes(csv_bytes(rows=ROWS[:3] + [ROWS[3]]))
    code, out, _ = run_cli("grid", "import", str(ledger_file), "--json")
    first = json.loads(out)
    assert code == 0 and (first["accepted"], first["rejected"], first["duplicates"]) == (3, 1, 0)
    assert set(first["rows"][0]) >= {"row", "status", "order", "reasons"}
    code, out, _ = run_cli("grid", "import", str(ledger_file), "--json")
    assert code == 0 and json.loads(out)["duplicates"] == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,颜色\n2026-11-28,红\n", encoding="utf-8")
    code, out, err = run_cli("grid", "import", str(bad), "--json")
    assert code == 2 and out == "" and "整个文件未导入" in err and "Traceback" not in err
    code, _, err = run_cli("grid", "import", str(ledger_file), "--handle-on", "12月5日")
    assert code == 2 and "YYYY-MM-DD" in err


def test_two_imports_of_the_same_rows_at_once_import_each_row_once(engine):
    """PostgreSQL: the second import waits on the unique row key and reports the row as a duplicate, not a fault."""
    import threading
    import uuid

    from liandong.db import unit_of_work

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises whole transactions; the race needs PostgreSQL's row-level waits")
    grid = f"并发网格{uuid.uuid4().hex[:8]}"
    data = csv_bytes(rows=[f"2026-11-28,{grid},新开南巷,路面坑洼,,,否,,孙桂梅,泽州县,巴公镇"])
    reports: list[dict] = []

    def second():
        with unit_of_work(engine) as other:
            reports.append(run(other, data))

    with unit_of_work(engine) as one:
        reports.append(run(one, data))
        racer = threading.Thread(target=second)
        racer.start()
        racer.join(timeout=3)  # blocked on the uncommitted row key
        assert racer.is_alive()
    racer.join(timeout=60)
    assert not racer.is_alive()
    assert [r["accepted"] for r in reports] == [1, 0]
    assert reports[1]["rows"][0]["reasons"] == ["已导入（重复）：另一次导入同时导入了该行"]
