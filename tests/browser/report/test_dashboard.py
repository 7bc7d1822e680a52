"""The leader's dashboard and the report pages in real Chromium: charts drawn from vendored ECharts, each chart's
table one click away, the date-range picker, report downloads — and nothing fetched from outside the app."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.browser


def test_the_leader_lands_on_the_dashboard_with_charts_and_their_tables(new_page, shot):
    page = new_page("leader")
    assert page.url.endswith("/dashboard")
    assert "统计看板" in page.inner_text("main h1")
    for panel in ("trend", "units", "categories", "counties"):
        page.wait_for_selector(f"#chart-{panel}[data-ready='1'] svg", timeout=60_000)
    assert page.locator("#kpis .kpi").count() == 8
    assert "响应率" in page.inner_text("#kpis")
    shot(page, "dashboard")
    # Every chart has the table behind it one click away.
    table = page.locator("#table-units")
    assert table.is_hidden()
    page.click("#panel-units [data-toggle-table]")
    assert table.is_visible() and "承办单位" in table.inner_text()
    assert "样本不足" in table.inner_text() or "A" in table.inner_text()
    page.click("#panel-counties [data-toggle-table]")
    assert "泽州县" in page.inner_text("#table-counties")


def test_the_date_range_picker_changes_the_figures(new_page):
    page = new_page("leader")
    received = page.inner_text("#kpis [data-metric=received] .n")
    today = date.today()
    page.fill("#range input[name=from]", (today - timedelta(days=6)).isoformat())
    page.fill("#range input[name=to]", today.isoformat())
    page.click("#range button[type=submit]")
    page.wait_for_url("**/dashboard?from=*")
    assert int(page.inner_text("#kpis [data-metric=received] .n")) <= int(received)
    page.wait_for_selector("#chart-trend[data-ready='1'] svg", timeout=60_000)
    page.click("#panel-trend [data-toggle-table]")
    assert page.locator("#table-trend tbody tr").count() <= 7


def test_figures_page_and_report_downloads(new_page, shot):
    from openpyxl import load_workbook

    page = new_page("supervisor")
    page.goto("/stats?by=division")
    assert "按县（市、区）" in page.inner_text(".tabs .on") and "泽州县" in page.inner_text("#groups")
    assert "分母" in page.inner_text("#overall")
    page.goto("/reports")
    shot(page, "reports")
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    row = page.locator(f"tr[data-period='{last_month}']")
    with page.expect_download(timeout=120_000) as download:
        row.locator("a", has_text="Excel").first.click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "单位分档" in book.sheetnames
    # The PDF link, fetched with the page's own log-in (rendering takes a few seconds).
    href = row.locator("a", has_text="PDF").first.get_attribute("href")
    response = page.request.get(href, timeout=120_000)
    assert response.ok and response.headers["content-type"] == "application/pdf" and response.body()[:5] == b"%PDF-"
    page.reload()
    assert "已冻结" in page.locator(f"tr[data-period='{last_month}']").inner_text()
    page.goto("/hotspots")
    assert "民意热点" in page.inner_text("main h1")


def test_units_cannot_open_the_dashboard(new_page):
    page = new_page("zjj")
    assert page.goto("/dashboard").status == 403
