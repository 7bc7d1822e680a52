"""市民自助 in a real browser at 375×667: submit → code → track → rate; the emergency banner; the consultation answer."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


@pytest.fixture
def phone_page(browser, server):
    """A fresh phone-sized context (no log-in); no request may leave the app."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=server, is_mobile=True, has_touch=True)
    outside: list[str] = []
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("request", lambda r: None if r.url.startswith(server) or r.url.startswith("data:") else outside.append(r.url))
    yield page
    context.close()
    assert not outside, f"external requests: {outside}"


def _answer_challenge(page) -> None:
    label = page.inner_text("label[for=challenge_answer]")
    left, sign, right = re.search(r"验证：(\w+?)([加减])(\w+?)等于几", label).groups()
    a, b = (int(x) if x.isdigit() else DIGITS[x] for x in (left, right))
    page.fill("#challenge_answer", str(a + b if sign == "加" else a - b))


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


def _to_callback(number: str) -> None:
    """The unit replies and 12345 passes the reply (the operators' side, through the same service)."""
    from sqlalchemy import select

    from liandong.core.actor import Actor, Role
    from liandong.core.clock import now
    from liandong.db import unit_of_work
    from liandong.workorder import service
    from liandong.workorder.lifecycle import Action
    from liandong.workorder.models import WorkOrder

    admin = Actor("browser-test", Role.ADMIN)
    with unit_of_work() as session:
        order_id = session.scalar(select(WorkOrder.id).where(WorkOrder.number == number))
        for action, inputs in (
            (Action.DISPATCH, {"to": "cgj"}),
            (Action.ACCEPT, {}),
            (Action.REPLY, {"result": "resolved", "note": "已安排环卫车辆每日清运两次，积存垃圾已清理完毕。", "handler": "李科长",
                            "handler_phone": "03562220000", "contacted": True}),
            (Action.REVIEW, {"passed": True}),
        ):
            service.act(session, order_id=order_id, action=action, actor=admin, now=now(), **inputs)


def test_submit_track_and_rate_on_a_phone(phone_page, shot):
    page = phone_page
    page.goto("/public")
    _fits_the_screen(page)
    page.select_option("#request_type", "complaint")
    page.fill("#content", "城区凤台街锦绣小区的垃圾站好几天没人清运了，味道很大，苍蝇很多，希望尽快处理。")
    page.select_option("#division_code", "140502")
    page.fill("#address", "凤台街锦绣小区北门垃圾站")
    page.fill("#name", "赵先生")
    page.fill("#phone", "13934561234")
    _answer_challenge(page)
    shot(page, "public-submit")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/public/submitted"))
    code = page.get_attribute("#tracking-code", "data-code")
    assert re.fullmatch(r"[2-9A-HJKMNP-TW-Z]{10}", code)
    assert "查询码" in page.inner_text("main")
    shot(page, "public-submitted")
    page.click("#to-status")
    page.wait_for_url(re.compile(rf"/public/status/{code}"))
    assert page.inner_text("#public-status") == "已受理，正在分派"
    number = re.search(r"工单编号 (\S+)", page.inner_text(".status-card")).group(1)

    _to_callback(number)

    # A new visit: the status page asks for the phone's last four digits first.
    page.context.clear_cookies()
    page.goto("/public/track")
    page.fill("#tracking_code", code[:4].lower() + "-" + code[4:])
    page.fill("#phone_last4", "0000")
    page.click("#track-submit")
    assert "查询码或手机号后四位不正确" in page.inner_text("#track-error")
    page.fill("#tracking_code", code)
    page.fill("#phone_last4", "1234")
    page.click("#track-submit")
    page.wait_for_url(re.compile(rf"/public/status/{code}"))
    assert page.inner_text("#public-status") == "已答复，请您评价"
    assert "垃圾已清理完毕" in page.inner_text("#public-reply")
    assert "市城市管理局" in page.inner_text("#public-unit")
    assert "13934561234" not in page.content() and "赵先生" not in page.content()
    _fits_the_screen(page)
    page.check("#rate-form input[name=satisfaction][value='4']")
    page.check("#rate-form input[name=resolved][value=yes]")
    page.fill("#rate-note", "处理及时")
    shot(page, "public-status")
    page.click("#rate-submit")
    page.wait_for_selector(".flash.ok")
    assert "感谢您的评价" in page.inner_text(".flash.ok")
    assert page.inner_text("#public-status") == "已办结"
    assert "您的评价：满意，已解决" in page.inner_text("#public-rating")
    assert page.locator("#rate-form").count() == 0


def test_an_emergency_shows_the_banner_and_blocks_submission(phone_page, shot):
    page = phone_page
    page.goto("/public")
    page.fill("#content", "楼道里着火了，浓烟很大，有老人被困在五楼出不来！")
    page.wait_for_selector("#emergency-banner")
    assert "请立即拨打 110/119/120" in page.inner_text("#emergency-banner")
    assert page.get_attribute("#emergency-banner a.call", "href") == "tel:119"
    _fits_the_screen(page)
    shot(page, "public-emergency")
    page.fill("#phone", "13934560001")
    _answer_challenge(page)
    page.click("#submit")
    page.wait_for_selector("#form-error")
    assert "请立即拨打 119" in page.inner_text("#form-error")
    assert page.url.endswith("/public")  # refused, nothing saved
    assert "请立即拨打 110/119/120" in page.inner_text("#emergency-banner")


def test_a_consultation_shows_the_knowledge_answer_with_its_source(phone_page, shot):
    page = phone_page
    page.goto("/public")
    page.fill("#content", "我想问下公积金租房能不能提取，要去哪里办")
    page.wait_for_selector("#knowledge-answer")
    answer = page.inner_text("#knowledge-answer")
    assert "这能解决您的问题吗？" in answer and "公积金" in answer and "来源：" in answer
    _fits_the_screen(page)
    shot(page, "public-consultation")
