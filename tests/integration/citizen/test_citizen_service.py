"""Citizens' self-service through the real service on SQLite and PostgreSQL: submit → track → rate closes or reopens,
supplement, withdraw, the same answer for every wrong code/phone pair, and bad input that changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from liandong.citizen import challenge, codes
from liandong.citizen import service as citizen
from liandong.citizen.models import CitizenTicket
from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.workorder import service
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import OrderAttachment, OrderCallback, OrderEvent, WorkOrder
from liandong.workorder.nuisance import NuisanceFlag

ADMIN = Actor("tester", Role.ADMIN)
GATEWAY = Actor("token:wechat-test", Role.CITIZEN, token="wechat-test", scopes=frozenset({"channel:submit"}))
TEXT = "巴公镇锦绣小区门口的路灯坏了一个多月，晚上很黑，希望尽快修好。"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _now() -> datetime:
    from liandong.core.clock import now

    return now()


def _submit(session, *, phone="13812345678", actor=None, now=None, **overrides) -> citizen.Receipt:
    now = now or _now()
    values = {"content": TEXT, "phone": phone, "request_type": "complaint", "division_code": "140525", "name": "王女士"}
    values.update(overrides)
    if actor is None:
        issued = challenge.issue(citizen.challenge_key(), now)
        answer = _answer(issued)
        return citizen.submit(session, actor=None, now=now, submission=citizen.Submission(**values), challenge_token=issued.token,
                              challenge_answer=answer)
    return citizen.submit(session, actor=actor, now=now, submission=citizen.Submission(**values), channel="wechat")


def _answer(issued: challenge.Challenge) -> str:
    """Solve the page's question as a person would read it."""
    digits = {c: i for i, c in enumerate(challenge.DIGITS)}
    text = issued.question.split("等于")[0]
    sign = "加" if "加" in text else "减"
    left, right = text.split(sign)
    a = int(left) if left.isdigit() else digits[left]
    b = digits[right] if right in digits else int(right)
    return str(a + b if sign == "加" else a - b)


def _order(session, receipt) -> WorkOrder:
    return session.scalar(select(WorkOrder).where(WorkOrder.number == receipt.number))


def _to_callback(session, order: WorkOrder) -> None:
    now = _now()
    for action, inputs in (
        (Action.DISPATCH, {"to": "zjj"}),
        (Action.ACCEPT, {}),
        (Action.REPLY, {"result": "resolved", "note": "已安排维修班组更换路灯，当晚恢复照明。", "handler": "赵工", "handler_phone": "13935600000", "contacted": True}),
        (Action.REVIEW, {"passed": True}),
    ):
        service.act(session, order_id=order.id, action=action, actor=ADMIN, now=now, **inputs)
    assert session.get(WorkOrder, order.id).status == Status.AWAITING_CALLBACK


def test_submit_creates_a_web_order_with_a_readable_unique_code(session):
    receipt = _submit(session, photos=(citizen.Photo("灯.png", "image/png", PNG),), latitude="35.62", longitude="112.87")
    assert codes.normalize_code(receipt.tracking_code) == receipt.tracking_code
    order = _order(session, receipt)
    assert order.channel == "web" and order.status == Status.RECEIVED and order.caller_phone == "13812345678"
    ticket = session.scalar(select(CitizenTicket).where(CitizenTicket.order_id == order.id))
    assert ticket.source == "public" and (ticket.latitude, ticket.longitude) == (35.62, 112.87)
    assert session.scalar(select(func.count()).select_from(OrderAttachment).where(OrderAttachment.order_id == order.id)) == 1
    other = _submit(session, phone="13912345678")
    assert other.tracking_code != receipt.tracking_code


def test_track_shows_progress_without_personal_data(session):
    receipt = _submit(session)
    progress = citizen.track(session, actor=None, now=_now(), code=receipt.display_code.lower(), last4="5678")
    shown = str(progress.to_dict())
    assert progress.status_label == "已受理，正在分派"
    assert "13812345678" not in shown and "王女士" not in shown and "路灯" not in shown
    assert [s.text for s in progress.steps] == ["诉求已受理（网站）"]
    assert {a["action"] for a in progress.allowed} == {"supplement", "withdraw"}


@pytest.mark.parametrize("code_change, last4", [(False, "0000"), (True, "5678"), (False, "567"), (False, "abcd")])
def test_wrong_pairs_get_the_same_answer(session, code_change, last4):
    receipt = _submit(session)
    code = receipt.tracking_code
    if code_change:
        code = code[:-1] + ("2" if code[-1] != "2" else "3")
    with pytest.raises(NotFound) as refused:
        citizen.track(session, actor=None, now=_now(), code=code, last4=last4)
    assert refused.value.message == citizen.TRACK_MISS


def test_rating_satisfied_and_solved_closes_like_a_reached_callback(session):
    receipt = _submit(session)
    order = _order(session, receipt)
    _to_callback(session, order)
    progress = citizen.track(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678")
    assert progress.reply.startswith("已安排维修班组") and progress.unit == "市住房和城乡建设局"
    assert progress.may("rate") and not progress.may("withdraw")
    progress = citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.RATE,
                           satisfaction="5", resolved="yes", note="修得很快")
    order = session.get(WorkOrder, order.id, populate_existing=True)
    assert order.status == Status.CLOSED and order.close_reason == "satisfied" and order.satisfaction == 5 and order.resolved
    callback = session.scalar(select(OrderCallback).where(OrderCallback.order_id == order.id))
    assert (callback.outcome, callback.satisfaction, callback.resolved, callback.called_by) == ("reached", 5, True, "citizen:public")
    assert progress.status_label == "已办结" and progress.rating["label"] == "非常满意"
    assert progress.steps[-1].text == "您已评价：非常满意，已解决"


def test_rating_unsolved_reopens_to_the_unit(session):
    receipt = _submit(session)
    order = _order(session, receipt)
    _to_callback(session, order)
    citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.RATE, satisfaction="2", resolved="no")
    order = session.get(WorkOrder, order.id, populate_existing=True)
    assert order.status == Status.IN_PROGRESS and order.reopen_count == 1 and order.department_code == "zjj"


def test_rating_needs_both_answers_and_a_reviewed_reply(session):
    receipt = _submit(session)
    with pytest.raises(InvalidTransition):  # not replied yet
        citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.RATE, satisfaction="5", resolved="yes")
    _to_callback(session, _order(session, receipt))
    with pytest.raises(ValidationFailed):
        citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.RATE, satisfaction="5")
    with pytest.raises(ValidationFailed):
        citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.RATE, satisfaction="9", resolved="yes")


def test_supplement_goes_on_the_timeline_for_the_unit(session):
    receipt = _submit(session)
    citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.SUPPLEMENT, note="灯杆编号 JX-0231")
    order = _order(session, receipt)
    event = session.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.seq.desc()).limit(1))
    assert (event.action, event.note, event.actor_role) == ("supplement", "灯杆编号 JX-0231", "citizen")
    with pytest.raises(ValidationFailed):
        citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.SUPPLEMENT, note="  ")


def test_withdraw_closes_before_handling_and_not_after(session):
    receipt = _submit(session)
    progress = citizen.act(session, actor=None, now=_now(), code=receipt.tracking_code, last4="5678", action=Action.WITHDRAW, note="已自行解决")
    order = _order(session, receipt)
    assert order.status == Status.CLOSED and order.close_reason == "withdrawn" and progress.status_label == "已撤回"
    late = _submit(session, phone="13812340000")
    order = _order(session, late)
    service.act(session, order_id=order.id, action=Action.DISPATCH, actor=ADMIN, now=_now(), to="zjj")
    service.act(session, order_id=order.id, action=Action.ACCEPT, actor=ADMIN, now=_now())
    with pytest.raises(InvalidTransition):
        citizen.act(session, actor=None, now=_now(), code=late.tracking_code, last4="0000", action=Action.WITHDRAW, note="不要了")


def test_a_citizen_acts_on_nothing_but_their_own_order(session):
    mine, theirs = _submit(session), _submit(session, phone="13700001111")
    owner = Actor("citizen:public", Role.CITIZEN, own_order=_order(session, mine).id)
    with pytest.raises(NotFound):
        service.act(session, order_id=_order(session, theirs).id, action=Action.SUPPLEMENT, actor=owner, now=_now(), note="x")
    with pytest.raises(NotFound):
        service.get_order(session, _order(session, theirs).id, actor=owner)
    # Nobody rates, adds or withdraws in a citizen's name, not even an administrator.
    with pytest.raises(PermissionDenied):
        service.act(session, order_id=_order(session, mine).id, action=Action.WITHDRAW, actor=ADMIN, now=_now(), note="代撤回")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"phone": ""}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"content": "  "}, "content"),
        ({"content": "灯坏"}, "content"),
        ({"content": "路灯" * 1001}, "content"),
        ({"request_type": "praise"}, "request_type"),
        ({"latitude": "35.5"}, "longitude"),
        ({"latitude": "95", "longitude": "112"}, "latitude"),
        ({"latitude": "35", "longitude": "150"}, "longitude"),
        ({"latitude": "nan", "longitude": "112"}, "latitude"),
        ({"address": "凤台街\x00"}, "address"),
        ({"division_code": "999999"}, None),
        ({"photos": tuple(citizen.Photo(f"{i}.png", "image/png", PNG) for i in range(4))}, "photos"),
        ({"photos": (citizen.Photo("a.exe", "image/png", b"MZ\x90\x00"),)}, "photos"),
        ({"photos": (citizen.Photo("big.png", "image/png", PNG + b"\x00" * citizen.MAX_PHOTO_BYTES),)}, "photos"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_changes_nothing(session, overrides, field):
    before = session.scalar(select(func.count()).select_from(WorkOrder))
    with pytest.raises((ValidationFailed, NotFound)) as refused:
        _submit(session, **overrides)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    if field:
        assert refused.value.field == field
    assert session.scalar(select(func.count()).select_from(WorkOrder)) == before


def test_the_challenge_is_required_and_checked(session):
    now = _now()
    values = citizen.Submission(content=TEXT, phone="13812345678")
    issued = challenge.issue(citizen.challenge_key(), now)
    wrong = str(int(_answer(issued)) + 1)
    for token, answer in ((None, None), (issued.token, wrong), (issued.token + "x", _answer(issued))):
        with pytest.raises(ValidationFailed) as refused:
            citizen.submit(session, actor=None, now=now, submission=values, challenge_token=token, challenge_answer=answer)
        assert refused.value.field == "challenge"
    with pytest.raises(ValidationFailed, match="过期"):
        citizen.submit(session, actor=None, now=now + challenge.TTL + timedelta(seconds=1), submission=values,
                       challenge_token=issued.token, challenge_answer=_answer(issued))


def test_an_emergency_is_sent_to_110_unless_the_citizen_says_otherwise(session):
    text = "楼下有人持刀砍人，现在还在打，快来人！"
    with pytest.raises(citizen.EmergencyRefused) as refused:
        _submit(session, content=text)
    assert refused.value.platform == "110" and "110" in refused.value.message
    receipt = _submit(session, content=text, not_emergency=True)
    assert _order(session, receipt).status == Status.RECEIVED


def test_confirmed_nuisance_numbers_cannot_submit_online(session):
    session.add(NuisanceFlag(caller_phone="13600001234", status="confirmed", order_ids=[], flagged_at=_now(),
                            expires_at=_now() + timedelta(days=90)))
    session.flush()
    with pytest.raises(PermissionDenied, match="恶意骚扰"):
        _submit(session, phone="13600001234")


def test_a_gateway_request_id_gives_the_same_order_twice(session):
    first = citizen.submit(session, actor=GATEWAY, now=_now(), submission=citizen.Submission(content=TEXT, phone="13812345678"),
                           channel="zwfw", request_id="zw-20261201-0001")
    again = citizen.submit(session, actor=GATEWAY, now=_now(), submission=citizen.Submission(content=TEXT, phone="13812345678"),
                           channel="zwfw", request_id="zw-20261201-0001")
    assert again.tracking_code == first.tracking_code and again.replayed and not first.replayed
    assert _order(session, first).channel == "zwfw"
    with pytest.raises(Exception, match="另一内容"):
        citizen.submit(session, actor=GATEWAY, now=_now(), submission=citizen.Submission(content=TEXT + "补充", phone="13812345678"),
                       channel="zwfw", request_id="zw-20261201-0001")
    with pytest.raises(ValidationFailed):
        citizen.submit(session, actor=GATEWAY, now=_now(), submission=citizen.Submission(content=TEXT, phone="13812345678"), channel="phone")
    with pytest.raises(PermissionDenied):
        citizen.submit(session, actor=ADMIN, now=_now(), submission=citizen.Submission(content=TEXT, phone="13812345678"), channel="app")


def test_the_acceptance_message_carries_the_tracking_code(session):
    from liandong.notify import service as notify
    from liandong.notify.models import Notification

    now = _now()
    receipt = _submit(session, now=now)
    order = _order(session, receipt)
    for _ in range(100):  # other tests may have left older unpublished messages in the shared database: drain them too
        if not notify.fan_out(session, now=now + timedelta(minutes=1)):
            break
    texts = [n.text for n in session.scalars(select(Notification).where(Notification.order_id == order.id))]
    assert texts and any(receipt.display_code in text for text in texts), texts
