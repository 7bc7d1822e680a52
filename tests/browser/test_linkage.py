"""The 110 desk's pages on a 110-role instance: incoming 工单 with countdowns, 受理/处置/办结反馈, 警单转办 to 12345,
the sender's board with each destination's delivery state and the late sign-for warning, dead letters with retry."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.browser

PASSWORD = "demo12345"
VIEWPORT = {"width": 1366, "height": 768}
SECRET = "browser-linkage-secret-0123"
PARTY_12345 = {"platform": "12345", "name": "jc12345", "unit_code": "jc-12345", "division_code": "140500"}


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory):
    import uvicorn

    from liandong.account.demo import seed_demo_accounts
    from liandong.app import create_app
    from liandong.config import configure, settings
    from liandong.core.clock import now
    from liandong.db import get_engine, unit_of_work
    from liandong.db.migrate import upgrade
    from liandong.linkage import service

    root = tmp_path_factory.mktemp("desk110")
    url = f"sqlite:///{root / 'desk110.db'}"
    previous = settings()
    configure(database_url=url, var_dir=root, platform_role="110")
    try:
        upgrade(url=url)
        engine = get_engine(url)
        with unit_of_work(engine) as session:
            seed_demo_accounts(session, now=now())
            service.add_peer(session, name="jc12345", url="http://127.0.0.1:9", secret=SECRET, platform="12345", division_code=None, now=now())
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        uv = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"))
        thread = threading.Thread(target=uv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not uv.started:
            assert time.monotonic() < deadline and thread.is_alive(), "desk server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", engine
        uv.should_exit = True
        thread.join(timeout=10)
    finally:
        configure(**previous.model_dump(exclude_unset=True))


def _arrive(engine, content: str) -> str:
    """12345 transfers an order to this 110 platform (the message applied as the HTTP endpoint would)."""
    from liandong.core.clock import now
    from liandong.db import unit_of_work
    from liandong.linkage import messages, service

    at = now()
    number = f"JC-20261201-{uuid.uuid4().int % 10**6:06d}"
    message = messages.envelope(
        message_id=uuid.uuid4().hex, kind="transfer", sender=PARTY_12345, receiver_platform="110", conversation=number, seq=1, sent_at=at,
        body={"order_number": number, "direction": "12345→110", "received_at": at.isoformat(), "transferred_at": at.isoformat(),
              "title": content[:10], "content": content, "request_type": "report", "level": "一般", "division_code": "140525",
              "caller": {"phone": "13812345678", "name": "张先生", "confidential": False}, "sign_within_minutes": 30},
    )
    with unit_of_work(engine) as session:
        service.apply(session, peer_name="jc12345", platform="12345", message=message, now=at)
    return number


@pytest.fixture
def desk_page(browser, desk_server):
    base, _engine = desk_server
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=base)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.fill("input[name=username]", "desk110")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/link")
    yield page
    context.close()


def test_the_desk_answers_an_incoming_order(desk_page, desk_server, shot):
    from liandong.db import unit_of_work
    from liandong.linkage import service
    from liandong.linkage.models import Delivery

    _base, engine = desk_server
    number = _arrive(engine, "小区门口有人持械斗殴情绪激动")
    page = desk_page
    page.reload()
    row = page.locator("#link-incoming tbody tr", has=page.locator(f"code:text-is('{number}')"))
    expect(row.locator(".countdown")).to_contain_text("剩余")
    shot(page, "link-desk")
    row.locator("form[data-action=link_accept] textarea[name=note]").fill("已派巴公派出所民警出警")
    row.locator("form[data-action=link_accept] button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_be_visible()
    row = page.locator("#link-incoming tbody tr", has=page.locator(f"code:text-is('{number}')"))
    expect(row.locator("form[data-action=link_complete]")).to_be_visible()
    row.locator("form[data-action=link_progress] textarea[name=note]").fill("民警已到场，正在调解")
    row.locator("form[data-action=link_progress] button[type=submit]").click()
    row = page.locator("#link-incoming tbody tr", has=page.locator(f"code:text-is('{number}')"))
    row.locator("form[data-action=link_complete] textarea[name=note]").fill("双方和解，已告知报警人")
    row.locator("form[data-action=link_complete] button[type=submit]").click()
    expect(page.locator("#link-incoming", has_text=number)).to_have_count(0)  # done: off the queue
    with unit_of_work(engine) as session:
        service.fan_out(session, now=__import__("liandong.core.clock", fromlist=["now"]).now())
        kinds = [d.kind for d in session.scalars(select(Delivery).where(Delivery.conversation == number).order_by(Delivery.seq))]
    assert kinds == ["receipt", "acceptance", "progress", "completion"]


def test_a_return_needs_a_reason(desk_page, desk_server):
    _base, engine = desk_server
    number = _arrive(engine, "楼上邻居装修噪音扰民")
    page = desk_page
    page.reload()
    row = page.locator("#link-incoming tbody tr", has=page.locator(f"code:text-is('{number}')"))
    row.locator("form[data-action=link_return] button[type=submit]").click()
    # The browser refuses an empty required reason; nothing is sent.
    expect(page.locator("#link-incoming", has_text=number)).to_be_visible()
    row.locator("form[data-action=link_return] textarea[name=note]").fill("属噪声扰民，不属公安职责，请 12345 派生态环境部门")
    row.locator("form[data-action=link_return] button[type=submit]").click()
    expect(page.locator("#link-incoming", has_text=number)).to_have_count(0)


def test_incident_transfer_to_12345_and_the_senders_board(desk_page, desk_server, shot):
    from liandong.core.clock import now
    from liandong.db import unit_of_work
    from liandong.linkage import service
    from liandong.linkage.models import OrderLink

    _base, engine = desk_server
    page = desk_page
    page.fill("#form-incident textarea[name=content]", "报警人称小区路灯损坏多日，夜间出行不便")
    page.fill("#form-incident textarea[name=facts]", "经核实非警情，请 12345 派相关部门处理")
    page.fill("#form-incident input[name=caller_phone]", "13912345678")
    page.fill("#form-incident input[name=division_code]", "140525")
    page.click("#form-incident button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("已转 12345")
    with unit_of_work(engine) as session:
        service.fan_out(session, now=now())
    page.reload()
    row = page.locator("#link-outgoing tbody tr").first
    expect(row.locator(".delivery[data-state=pending]")).to_contain_text("待发送")
    expect(row).to_contain_text("待对方签收")
    expect(row.locator(".late-warning")).to_have_count(0)
    with unit_of_work(engine) as session:  # the agreed time passes without a 签收
        for link in session.scalars(select(OrderLink).where(OrderLink.direction == "out")):
            link.sign_due_at = now() - timedelta(minutes=5)
    page.reload()
    expect(page.locator("#link-outgoing tbody tr").first.locator(".late-warning")).to_contain_text("超时未签收")
    shot(page, "link-sender-board")


def test_supervisors_retry_dead_letters(browser, desk_server):
    from liandong.db import unit_of_work
    from liandong.linkage.models import Delivery

    base, engine = desk_server
    _arrive(engine, "道路井盖缺失存在安全隐患")
    from liandong.core.clock import now
    from liandong.linkage import service

    with unit_of_work(engine) as session:
        service.fan_out(session, now=now())
        delivery = session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
        delivery.state, delivery.attempts, delivery.last_error = "dead", 12, "ConnectError: 对方平台无响应"
        dead_id = delivery.id
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=base)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/supervision")
    page.goto("/link/dead")
    row = page.locator(f"#dead-letters tr[data-delivery='{dead_id}']")
    expect(row).to_contain_text("对方平台无响应")
    row.locator("button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("已重新发送 1 条")
    expect(page.locator(f"#dead-letters tr[data-delivery='{dead_id}']")).to_have_count(0)
    with unit_of_work(engine) as session:
        assert session.get(Delivery, dead_id).state == "pending"
    context.close()


def test_the_board_shows_which_transfer_list_each_side_uses(desk_page, desk_server):
    """分流转办清单 shared between peers: 12345 publishes its version; the 110 desk's board shows both sides' versions."""
    from liandong.core.clock import now
    from liandong.db import unit_of_work
    from liandong.linkage import messages, service

    _base, engine = desk_server
    at = now()
    with unit_of_work(engine) as session:
        own = service.own_transfer_list(session)
        seq = 1 + len([r for r in service.transfer_list_status(session)["peers"] if r["peer_version"]])
        message = messages.envelope(message_id=uuid.uuid4().hex, kind="transfer_list", sender=PARTY_12345, receiver_platform="110",
                                    conversation=service.TRANSFER_LIST_CONVERSATION, seq=seq, sent_at=at,
                                    body={"version": "2099.01-7", "published_at": at.isoformat(), "items": own["items"][:3]})
        service.apply(session, peer_name="jc12345", platform="12345", message=message, now=at)
    desk_page.goto("/link")
    row = desk_page.locator("#link-lists tr[data-peer=jc12345]")
    expect(row.locator(".peer-version")).to_contain_text("2099.01-7")
    expect(row.locator(".peer-version")).to_contain_text("与本方不同")
    expect(desk_page.locator("#own-list-version")).to_have_text(own["version"])
