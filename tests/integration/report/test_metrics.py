"""The figures of October 2023 (conftest.py) against values worked out by hand from the definitions.

As of 2023-11-20 10:00: received A–I = 9; D merged, E malicious → valid 7 (A B C F G H I); F answered directly;
dispatched A B C G H I = 6. Sign-for: B signed 10-12 (due 10-10), G never — late; C's first hop was returned unsigned
before its deadline (no verdict), its second signed on time → 4/6. Accepted replies A C H I on time (C within its
3-day extension, due 10-19), B late (10-17 > 10-16); G is open past 10-16 → 4/(5+1). Closed: A B C F I (H reopened)
→ 5/7. Callback stage A B C H I, reached A B H → 3/5; last reached callbacks A=5 B=4 H=5, all solved → 1, 1, score
4.667×20. Returned C → 1/6; closed once A B C F H I, reopened B (dissatisfied) H (reopen) → 2/6; extended C → 1/6;
repeat D → 1/9. Working hours first dispatch → accepted reply: A 24.5, B 143.4167, C 167.3333, H 22.9167, I 23.25.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from liandong.catalog.deadlines import SHANGHAI
from liandong.report import metrics

NOW = datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI)  # as in conftest.py


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=SHANGHAI)

OCTOBER = {"date_from": date(2023, 10, 1), "date_to": date(2023, 11, 1)}

LATE = {
    "received": 9, "merged": 1, "invalid": 1, "valid": 7, "dispatched": 6,
    "direct_answer_rate": round(1 / 7, 4), "response_rate": round(4 / 6, 4), "on_time_reply_rate": round(4 / 6, 4),
    "completion_rate": round(5 / 7, 4), "callback_rate": 0.6, "resolution_rate": 1.0, "satisfaction_rate": 1.0,
    "satisfaction_score": round(14 / 3 * 20, 2), "return_rate": round(1 / 6, 4), "reopen_rate": round(2 / 6, 4),
    "extension_rate": round(1 / 6, 4), "repeat_rate": round(1 / 9, 4),
    "avg_handling_hours": round((24.5 + 143.4167 + 167.3333 + 22.9167 + 23.25) / 5, 2),
}

# As of 2023-10-11 00:00, before most callbacks: A's callback (10-11 09:00) and I's third attempt have not happened,
# no reply deadline has passed, H is closed and not yet reopened, C's extension is a day away.
EARLY = {
    "received": 9, "merged": 1, "invalid": 1, "valid": 7, "dispatched": 6,
    "direct_answer_rate": round(1 / 7, 4), "response_rate": round(4 / 6, 4), "on_time_reply_rate": 1.0,
    "completion_rate": round(2 / 7, 4), "callback_rate": round(1 / 3, 4), "resolution_rate": 1.0, "satisfaction_rate": 1.0,
    "satisfaction_score": 100.0, "return_rate": round(1 / 6, 4), "reopen_rate": 0.0, "extension_rate": 0.0,
    "repeat_rate": round(1 / 9, 4), "avg_handling_hours": round((24.5 + 22.9167 + 23.25) / 3, 2),
}


@pytest.mark.parametrize(("as_of", "expected"), [(t(11, 20, 10), LATE), (t(10, 11, 0), EARLY)], ids=["late", "early"])
def test_october_matches_the_hand_computed_figures(session, october, as_of, expected):
    overall = metrics.compute(session, **OCTOBER, as_of=as_of, now=NOW)["overall"]
    for name, value in expected.items():
        assert overall[name] == pytest.approx(value, abs=0.006 if name == "avg_handling_hours" else 1e-4), name


def test_numerators_and_denominators_are_reported(session, october):
    overall = metrics.compute(session, **OCTOBER, as_of=t(11, 20, 10), now=NOW)["overall"]
    assert (overall["response_rate_num"], overall["response_rate_den"]) == (4, 6)
    assert (overall["on_time_reply_rate_num"], overall["on_time_reply_rate_den"]) == (4, 6)
    assert (overall["repeat_rate_num"], overall["repeat_rate_den"]) == (1, 9)


def test_a_period_without_orders_has_no_rates_at_all(session, october):
    overall = metrics.compute(session, date_from=date(2023, 9, 1), date_to=date(2023, 10, 1), as_of=t(11, 20, 10), now=NOW)["overall"]
    assert overall["received"] == 0
    for name in ("direct_answer_rate", "response_rate", "on_time_reply_rate", "completion_rate", "callback_rate", "resolution_rate",
                 "satisfaction_rate", "satisfaction_score", "return_rate", "reopen_rate", "extension_rate", "repeat_rate", "avg_handling_hours"):
        assert overall[name] is None, name


def test_a_zero_denominator_gives_null_not_zero(session, october):
    """Only the consultation of the day (F, answered directly): nothing was dispatched, nobody was called back."""
    from liandong.core.actor import Actor, Role
    from liandong.workorder import service
    from liandong.workorder.lifecycle import Action

    taker = Actor("hotline", Role.CALL_TAKER, records_history=True)
    order = service.create_order(session, actor=taker, now=NOW, received_at=t(11, 3, 9), request_type="consult", content="来电人咨询公积金提取")
    service.act(session, order_id=order.id, action=Action.ANSWER_DIRECTLY, actor=taker, now=NOW, at=t(11, 3, 9, 5), note="已答复")
    overall = metrics.compute(session, date_from=date(2023, 11, 3), date_to=date(2023, 11, 4), as_of=t(11, 20, 10), now=NOW)["overall"]
    assert overall["direct_answer_rate"] == 1.0 and overall["completion_rate"] == 1.0
    assert overall["response_rate"] is None and overall["return_rate"] is None and overall["satisfaction_rate"] is None
    assert overall["on_time_reply_rate"] is None and overall["callback_rate"] is None


def test_by_unit_lists_small_units_as_insufficient_sample(session, october):
    result = metrics.compute(session, **OCTOBER, as_of=t(11, 20, 10), by="department", now=NOW)
    groups = {g["key"]: g for g in result["groups"]}
    assert groups["zjj"]["label"] == "市住房和城乡建设局"
    assert (groups["zjj"]["dispatched"], groups["cgj"]["dispatched"]) == (4, 2)  # A B H I; C (replied) and G
    assert groups["zjj"]["response_rate"] == 0.75 and groups["cgj"]["response_rate"] == 0.5
    assert groups["zjj"]["grade"] == groups["cgj"]["grade"] == "样本不足"
    assert groups[None]["received"] == 3  # D, E and F never reached a unit
    assert sum(g["received"] for g in result["groups"]) == 9


def test_by_type_and_period(session, october):
    by_type = {g["key"]: g for g in metrics.compute(session, **OCTOBER, as_of=t(11, 20, 10), by="type", now=NOW)["groups"]}
    assert by_type["consult"]["received"] == 1 and by_type["complaint"]["received"] == 8
    assert by_type["consult"]["label"] == "咨询"
    days = metrics.compute(session, **OCTOBER, as_of=t(11, 20, 10), by="day", now=NOW)["groups"]
    assert [(g["key"], g["received"]) for g in days] == [("2023-10-09", 9)]


def test_period_over_period_change(session, october):
    result = metrics.compute(session, date_from=date(2023, 11, 1), date_to=date(2023, 12, 1), as_of=t(11, 30, 23), now=NOW)
    assert result["previous"]["from"] == "2023-10-01"
    assert result["overall"]["received"] == 0
    assert result["overall"]["change"]["received"] == -9
    assert result["overall"]["change"]["response_rate"] is None  # no rate this month to compare


def test_refused_input(session, october):
    from liandong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="结束日期"):
        metrics.compute(session, date_from=date(2023, 11, 1), date_to=date(2023, 11, 1), as_of=NOW)
    with pytest.raises(ValidationFailed, match="统计区间须在"):
        metrics.compute(session, date_from=date(1, 1, 1), date_to=date(1, 2, 1), as_of=NOW)
    with pytest.raises(ValidationFailed, match="未知的分组"):
        metrics.compute(session, **OCTOBER, as_of=NOW, by="colour")


def test_a_withdrawn_request_is_its_own_outcome_not_a_valid_completed_order(session, october):
    """J, received in October and withdrawn by the citizen before any unit signed: counted as received and withdrawn,
    left out of the valid orders and every rate — the completion rate stays 5/7, not 6/8."""
    from liandong.core.actor import Actor, Role
    from liandong.report import rollup
    from liandong.workorder import service
    from liandong.workorder.lifecycle import Action

    from .conftest import TAKER

    order = service.create_order(session, actor=TAKER, now=NOW, received_at=t(10, 20, 9), request_type="complaint", division_code="140502",
                                 content="来电人反映凤鸣小区门口路灯不亮（J）", caller_phone="13935619999")
    citizen = Actor("token:wechat-test", Role.CITIZEN, token="wechat-test", scopes=frozenset({"channel:feedback"}), own_order=order.id)
    service.act(session, order_id=order.id, action=Action.WITHDRAW, actor=citizen, now=NOW, note="已自行解决")
    rollup.ensure_fresh(session, now=NOW)
    overall = metrics.compute(session, **OCTOBER, as_of=NOW, now=NOW)["overall"]
    assert (overall["received"], overall["withdrawn"], overall["valid"]) == (10, 1, 7)
    assert (overall["completion_rate_num"], overall["completion_rate_den"]) == (5, 7)
    # As of a moment before the withdrawal (the citizen's action is timed by the server), J is a valid open order.
    before = metrics.compute(session, **OCTOBER, as_of=t(11, 20, 10), now=NOW)["overall"]
    assert (before["received"], before["withdrawn"], before["valid"], before["completion_rate_den"]) == (10, 0, 8, 8)
    # The same once J is in the daily rollup.
    rollup.roll(session, now=NOW + timedelta(hours=1))
    later = NOW + timedelta(days=1)
    rolled = metrics.compute(session, **OCTOBER, as_of=later, now=later)["overall"]
    assert (rolled["withdrawn"], rolled["valid"], rolled["completion_rate_den"]) == (1, 7, 7)
