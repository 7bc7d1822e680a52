"""Random action sequences against the real service: the invariants hold whatever operators do."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.core.errors import DomainError
from liandong.workorder import service
from liandong.workorder.lifecycle import Action, Status

ADMIN = Actor("prop", Role.ADMIN, records_history=True)
NOW = datetime(2024, 12, 31, 12, 0, tzinfo=SHANGHAI)

steps = st.lists(
    st.tuples(
        st.sampled_from(list(Action)),
        st.sampled_from(["zjj", "cgj", "gs", "zz-12345", "zz-bgz", "zz-zjj", None]),
        st.sampled_from([None, "办理说明"]),
        st.sampled_from([None, True, False]),
        st.integers(min_value=0, max_value=72),  # hours since the previous step
        st.sampled_from([None, 1, 5, 40]),
        st.fixed_dictionaries(
            {},
            optional={
                "outcome": st.sampled_from(["reached", "unreachable", "refused", "wrong_number", "bogus"]),
                "satisfaction": st.sampled_from(["1", "3", "5", "9"]),
                "resolved": st.booleans(),
                "passed": st.booleans(),
                "uphold": st.booleans(),
                "reason": st.sampled_from(["not_our_duty", "wrong_area", "nope"]),
                "result": st.sampled_from(["resolved", "explained", "nope"]),
                "handler": st.just("王工"),
                "handler_phone": st.sampled_from(["13800000000", "12"]),
                "contacted": st.booleans(),
                "assist": st.sampled_from([["zz-zjj"], ["cgj"], []]),
            },
        ),
    ),
    max_size=25,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    request_type=st.sampled_from(["consult", "help", "complaint", "report", "suggestion"]),
    received_offset=st.integers(min_value=0, max_value=400),
    sequence=steps,
)
def test_random_sequences_keep_invariants(session, request_type, received_offset, sequence):
    # Examples share the fixture's session; each one starts clean and rolls back what it wrote.
    session.expunge_all()
    with session.begin_nested() as example:
        received = datetime(2023, 9, 1, 9, 0, tzinfo=SHANGHAI) + timedelta(days=received_offset)
        main = service.create_order(session, actor=ADMIN, now=NOW, content="合并目标工单", received_at=received)
        order = service.create_order(session, actor=ADMIN, now=NOW, content="随机操作的工单", request_type=request_type, received_at=received)
        clock = received
        seen = [(e.seq, e.action) for e in order.events]
        for action, to, note, satisfied, hours, days, extra in sequence:
            clock = min(clock + timedelta(hours=hours), NOW)
            status_before = order.status
            try:
                with session.begin_nested():
                    service.act(
                        session, order_id=order.id, action=action, actor=ADMIN, now=NOW, at=clock,
                        to=to, note=note, satisfied=satisfied, into=main.id, days=days, **extra,
                    )
            except DomainError:
                session.refresh(order)
                assert order.status == status_before  # a refusal changes nothing
                assert [(e.seq, e.action) for e in order.events] == seen
                continue
            # the timeline never loses an event, and grows by exactly one per accepted action
            now_seen = [(e.seq, e.action) for e in order.events]
            assert now_seen[: len(seen)] == seen and len(now_seen) == len(seen) + 1
            assert now_seen[-1] == (len(now_seen), action.value)
            seen = now_seen
            if status_before == Status.CLOSED:
                assert action in (Action.REOPEN, Action.APPEND)  # a closed order accepts nothing else
            if status_before in (Status.MERGED, Status.TRANSFERRED_110):
                assert action is Action.CLOSE and status_before == Status.TRANSFERRED_110
            # deadlines never precede receipt
            assert order.sign_due_at >= order.received_at and order.reply_due_at >= order.received_at
            assert order.reply_due_at >= order.reply_started_at
            assert [e.seq for e in order.events] == list(range(1, len(order.events) + 1))
            times = [e.occurred_at for e in order.events]
            assert times == sorted(times)
        example.rollback()
