"""An order down the unit tree and back, in the browser: city dispatcher → 泽州县 sub-centre → 巴公镇 with 泽州县住建局
assisting → structured reply → 12345 review sends it back once → second reply passes → one unanswered callback, then
满意 and 已解决 → closed. Each hop's sign-for clock and the timeline are checked on the order page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def act(page, action: str) -> None:
    page.click(f"#form-{action} button[type=submit]")


def reply(page, text: str) -> None:
    page.select_option("#f-reply-result", "resolved")
    page.fill("#f-reply-note", text)
    page.fill("#f-reply-handler", "王干事")
    page.fill("#f-reply-handler_phone", "03563000000")
    page.check("#form-reply input[name=contacted][value=yes]")
    act(page, "reply")


def test_city_county_township_assist_review_callback(new_page, api, shot):
    order = api("POST", "/api/orders", {
        "content": "泽州县巴公镇锦绣小区楼上住户夜间装修，电钻噪音很大，晚上十一点以后还在施工，影响休息。",
        "request_type": "complaint", "division_code": "140525", "caller_name": "王女士", "caller_phone": "13935688888",
    })
    number = order["number"]

    # 1. The city dispatcher sends it to the 泽州县 sub-centre, with a 派单意见.
    city = new_page("dispatcher")
    city.goto(f"/orders/{order['id']}")
    options = city.locator("#f-dispatch-to option").all_inner_texts()
    assert "泽州县12345政务服务便民热线分中心" in options and "巴公镇人民政府" not in options  # townships are the county's to dispatch
    city.select_option("#f-dispatch-to", "zz-12345")
    city.fill("#f-dispatch-note", "属地装修噪音，请分中心派乡镇核查")
    act(city, "dispatch")
    assert "分中心待派单" in city.inner_text("main h1")

    # 2. The sub-centre re-dispatches to 巴公镇, 泽州县住建局 assisting.
    county = new_page("zz12345")
    county.goto("/dispatch")
    expect(county.locator("#queue tr", has_text=number)).to_be_visible()
    county.goto(f"/orders/{order['id']}")
    county.select_option("#f-dispatch-to", "zz-bgz")
    county.select_option("#f-dispatch-assist", ["zz-zjj"])
    county.fill("#f-dispatch-note", "请巴公镇会同县住建局现场核查")
    act(county, "dispatch")
    assert "待签收" in county.inner_text("main h1")
    hops = county.locator("#chain tr.hop")
    expect(hops).to_have_count(2)
    assert "市12345热线中心" in hops.nth(0).inner_text() and "按时" in hops.nth(0).locator(".signed").inner_text()
    assert "泽州县12345政务服务便民热线分中心" in hops.nth(1).inner_text() and "剩" in hops.nth(1).locator(".signed").inner_text()

    # 3. The assisting bureau finds it in its inbox and adds its opinion.
    assist = new_page("zzzjj")
    assist.goto("/unit?tab=assist")
    assist.locator("#inbox tr", has_text=number).locator("a", has_text=number).click()
    assist.fill("#f-assist_opinion-note", "经核查施工方未办理夜间施工许可，已配合责令停工")
    act(assist, "assist_opinion")
    assert "已协办意见" in assist.inner_text(".flash.ok")
    assert assist.locator("#form-reply").count() == 0  # the main unit replies for all

    # 4. 巴公镇 signs and replies with the structured record.
    town = new_page("bgz")
    town.goto("/unit?tab=sign")
    row = town.locator("#inbox tr", has_text=number)
    row.locator("button[data-action=accept]").click()
    expect(row.locator(".done", has_text="已签收")).to_be_visible()
    town.goto(f"/orders/{order['id']}")
    assert "按时" in town.locator("#chain tr.hop").nth(1).locator(".signed").inner_text()
    reply(town, "已要求施工方停工。")
    assert "已答复" in town.inner_text("#order-clock")

    # 5. 12345 review sends it back once; the reply clock runs again.
    desk = new_page("hotline")
    desk.goto("/review")
    row = desk.locator("#review tr", has_text=number)
    assert "答复过短" in row.inner_text() or "质量提示" in desk.inner_text("main")
    row.locator("input[name=passed][value=no]").check()
    row.locator("textarea[name=note]").fill("未说明整改结果和复查情况，请补充")
    row.locator("button[type=submit]").click()
    assert f"{number}：已答复审核，当前状态「办理中」" in desk.inner_text(".flash.ok")
    town.goto(f"/orders/{order['id']}")
    assert "剩" in town.inner_text("#order-clock")
    reply(town, "已责令施工方夜间停止施工，会同县住建局复查已整改到位，并电话告知来电人处理结果。")
    desk.goto("/review")
    row = desk.locator("#review tr", has_text=number)
    row.locator("input[name=passed][value=yes]").check()
    row.locator("button[type=submit]").click()
    assert "当前状态「待回访」" in desk.inner_text(".flash.ok")

    # 6. The first callback is not answered; the second reaches a satisfied caller whose problem is solved.
    desk.goto("/callbacks")
    row = desk.locator("#callbacks tr", has_text=number)
    row.locator("select[name=outcome]").select_option("unreachable")
    row.locator("button[type=submit]").click()
    assert "当前状态「待回访」" in desk.inner_text(".flash.ok")
    row = desk.locator("#callbacks tr", has_text=number)
    assert "已回访 1 次未成功" in row.inner_text()
    row.locator("select[name=outcome]").select_option("reached")
    row.locator("select[name=satisfaction]").select_option("4")
    row.locator("input[name=resolved][value=yes]").check()
    row.locator("button[type=submit]").click()
    assert f"{number}：已回访，当前状态「已办结」" in desk.inner_text(".flash.ok")

    desk.goto(f"/orders/{order['id']}")
    shot(desk, "order-front-line")
    assert "已办结" in desk.inner_text("main h1") and "满意 · 已解决" in desk.inner_text("#satisfaction")
    steps = desk.locator("#timeline li").evaluate_all("items => items.map(i => i.dataset.action)")
    assert steps == ["create", "dispatch", "dispatch", "assist_opinion", "accept", "reply", "review", "reply", "review", "visit", "visit"]
    assert [r.get_attribute("data-review") for r in desk.locator("#replies .reply").all()] == ["returned", "passed"]
    assert re.search(r"未接通.*接通", desk.inner_text("#callback-log"), re.S)
