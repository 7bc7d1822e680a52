"""The 网格台账 page over HTTP: the upload answers with the row-by-row report, a wrong header with 422 and the reason, a
unit with 403 (units read their items, the desks import); call-takers may not open the page."""

from __future__ import annotations

import uuid
from datetime import timedelta

from liandong.core.clock import local, now

HEADER = "排查日期,网格,地点,问题描述,是否当场处置,网格员,乡镇（街道）"


def _upload(tab, name: str, data: bytes, **fields):
    tab.get("/grid")
    return tab.client.post("/grid/import", data={"csrf_token": tab.token, **fields}, files={"file": (name, data, "text/csv")},
                           follow_redirects=False)


def test_upload_report_and_refusals(browser):
    desk = browser("w_dispatcher")
    yesterday = (local(now()).date() - timedelta(days=1)).isoformat()
    grid = f"测试网格{uuid.uuid4().hex[:8]}"
    data = f"{HEADER}\n{yesterday},{grid},新开南巷,路面坑洼,否,孙桂梅,巴公镇\n{yesterday},{grid},新开南巷,,否,孙桂梅,巴公镇\n".encode("gb18030")
    response = _upload(desk, "台账.csv", data, dry_run="1")
    assert response.status_code == 200
    assert 'data-count="accepted">1<' in response.text and 'data-count="rejected">1<' in response.text
    assert "问题描述：不能为空" in response.text and "检查完成（未导入）" in response.text
    page = desk.get(f"/grid?q={grid}")
    assert "grid-empty" in page.text  # a dry run imports nothing

    wrong = _upload(desk, "台账.csv", "日期,颜色\n".encode())
    assert wrong.status_code == 422 and "整个文件未导入" in wrong.text and "无法识别的列：颜色" in wrong.text
    no_file = desk.client.post("/grid/import", data={"csrf_token": desk.token}, follow_redirects=False)
    assert no_file.status_code == 422 and "请选择台账文件" in no_file.text
    bad_day = _upload(desk, "台账.csv", data, handle_on="12月5日")
    assert bad_day.status_code == 422 and "YYYY-MM-DD" in bad_day.text

    unit = browser("w_zjj")
    assert unit.get("/grid").status_code == 200 and 'action="/grid/import"' not in unit.get("/grid").text
    refused = _upload(unit, "台账.csv", data)
    assert refused.status_code == 403 and "导入网格台账" in refused.text
    assert browser("w_taker").get("/grid").status_code == 403
    assert desk.get("/grid?from=明天").status_code == 422
