"""网格台账 in real Chromium: a dispatcher uploads a patrol ledger and reads the row-by-row report (a second upload says
已导入（重复）), and the township's handler finds the items under their handling day."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _ledger() -> tuple[bytes, str]:
    from liandong.core.clock import local, now

    today = local(now()).date()
    yesterday = (today - timedelta(days=1)).isoformat()
    grid = f"新开巷社区第{uuid.uuid4().hex[:6]}网格"
    rows = [
        "排查日期,网格,地点,问题描述,群众诉求,照片,是否当场处置,处置情况,网格员,县（市、区）,乡镇（街道）",
        f"{yesterday},{grid},新开南巷,路面坑洼影响居民出行,希望周末施工,IMG_001.jpg,否,,孙桂梅,泽州县,巴公镇",
        f"{yesterday},{grid},3号楼楼道,楼道堆放杂物,,,是,已与住户沟通清理完毕,聂丽英,泽州县,巴公镇",
        f"{(today + timedelta(days=3)).isoformat()},{grid},新街,路灯不亮,,,否,,张小元,泽州县,巴公镇",
    ]
    return "\n".join(rows).encode("gb18030"), grid


def test_upload_a_ledger_then_the_township_sees_it_by_handling_day(new_page, shot):
    data, grid = _ledger()
    page = new_page("dispatcher")
    page.goto("/grid")
    expect(page.locator("#grid-import h1")).to_have_text("导入网格员巡查台账")
    page.set_input_files("#grid-import input[type=file]", files=[{"name": "巡查台账.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("#grid-import button[type=submit]")
    report = page.locator("#grid-report")
    expect(report.locator("[data-count=accepted]")).to_have_text("2")
    expect(report.locator("[data-count=rejected]")).to_have_text("1")
    expect(page.locator("tr[data-row='3']")).to_contain_text("当场处置，已办结")
    expect(page.locator("tr[data-row='4'][data-status=rejected]")).to_contain_text("排查日期：不能晚于今天")
    expect(page.locator("tr[data-row='2']")).to_contain_text("巴公镇人民政府")
    shot(page, "grid-import")

    # The same file again imports nothing new.
    page.set_input_files("#grid-import input[type=file]", files=[{"name": "巡查台账.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("#grid-import button[type=submit]")
    expect(page.locator("#grid-report [data-count=duplicates]")).to_have_text("2")
    expect(page.locator("tr[data-row='2']")).to_contain_text("已导入（重复）")

    # A wrong header: the whole file refused, with the columns named.
    page.set_input_files("#grid-import input[type=file]", files=[{"name": "错表头.csv", "mimeType": "text/csv", "buffer": "日期,颜色\n".encode()}])
    page.click("#grid-import button[type=submit]")
    expect(page.locator("#grid-import-error")).to_contain_text("整个文件未导入")
    expect(page.locator("#grid-import-error")).to_contain_text("无法识别的列：颜色")

    township = new_page("bgz")
    township.goto("/grid")
    expect(township.locator("#grid-import")).to_have_count(0)  # units see their items; the desks import
    item = township.locator("tr[data-kind=scheduled]", has_text=grid)
    expect(item).to_have_count(1)
    expect(township.locator("h3.grid-day", has_text="（周六）").first).to_be_visible()
    township.select_option("#grid-filters select[name=kind]", "scheduled")
    township.click("#grid-filters button[type=submit]")
    expect(township.locator("tr[data-kind=scheduled]", has_text=grid)).to_have_count(1)
    expect(township.locator("tr[data-kind=on_spot]")).to_have_count(0)
    shot(township, "grid-township")
    township.locator("tr[data-kind=scheduled]", has_text=grid).locator("a").first.click()
    expect(township.locator("body")).to_contain_text("路面坑洼影响居民出行")
