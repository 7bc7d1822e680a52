"""The daily rollup gives exactly the figures of a scan of the fact table — as of now and as of moments in the past,
overall and in every grouping, for the current and the previous period — before and after late events move orders
it has already summed (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import SHANGHAI
from liandong.report import metrics, rollup, service, synthetic
from liandong.report.models import DailyFigures, OrderFact
from liandong.workorder import demo
from liandong.workorder.lifecycle import Action

from .conftest import CITY, HOUSING, NOW, REPLY, TAKER, URBAN, t

GROUPINGS = [(None, 1), ("department", 1), ("division", 1), ("category", 1), ("category", 2), ("category", 3), ("channel", 1), ("type", 1),
             ("day", 1), ("week", 1), ("month", 1)]


def everything(session, *, periods, as_ofs, now):
    return {
        (start, end, as_of, by, level): metrics.compute(session, date_from=start, date_to=end, as_of=as_of, by=by, level=level, now=now)
        for start, end in periods for as_of in as_ofs for by, level in GROUPINGS
    }


def facts_only(session) -> None:
    """Empty the daily rollup, so every figure is read from the fact rows (what the metrics did before it existed)."""
    session.execute(delete(DailyFigures))
    session.execute(update(OrderFact).values(rolled=False))


def rolled(session) -> int:
    return session.scalar(select(func.count()).select_from(OrderFact).where(OrderFact.rolled.is_(True))) or 0


def assert_same(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key in expected:
        assert got[key] == expected[key], key


OCTOBER = [(date(2023, 10, 1), date(2023, 11, 1)), (date(2023, 10, 9), date(2023, 10, 10))]
AS_OFS = [NOW, t(10, 9, 9, 22), t(10, 17, 12), t(10, 25, 12), NOW + timedelta(days=40)]


def test_rollup_equals_the_fact_scan_on_the_hand_computed_month_and_after_late_events(october, session):
    rollup.ensure_fresh(session, now=NOW)
    expected = everything(session, periods=OCTOBER, as_ofs=AS_OFS, now=NOW)
    assert expected[(date(2023, 10, 1), date(2023, 11, 1), NOW, None, 1)]["overall"]["received"] == 9

    result = rollup.roll(session, now=NOW)
    assert result["rolled"] >= 7 and rolled(session) == result["rolled"]
    assert session.scalar(select(func.count()).select_from(DailyFigures)) > 0
    assert rollup.roll(session, now=NOW)["rolled"] == 0  # nothing twice
    assert_same(everything(session, periods=OCTOBER, as_ofs=AS_OFS, now=NOW), expected)

    # Late events on orders already summed: G goes back and to another unit, H is answered again and closed,
    # and an October call is entered late (补录).
    october.act("G", Action.RETURN, URBAN, t(11, 20, 9, 0), note="属住房保障职责")
    october.act("G", Action.DISPATCH, CITY, t(11, 20, 10, 0), to="zjj")
    october.act("G", Action.ACCEPT, HOUSING, t(11, 21, 9, 0))
    october.act("H", Action.REPLY, HOUSING, t(10, 24, 9, 0), **REPLY)
    october.act("H", Action.REVIEW, TAKER, t(10, 24, 10, 0), passed=True)
    october.act("H", Action.VISIT, TAKER, t(10, 24, 11, 0), outcome="reached", satisfaction="3", resolved=True)
    october.create("J", t(10, 30, 9, 0))
    october.act("J", Action.DISPATCH, CITY, t(10, 30, 9, 30), to="cgj")
    late = everything(session, periods=OCTOBER, as_ofs=AS_OFS, now=NOW)  # re-derives G, H, J first (ensure_fresh)
    assert rolled(session) == result["rolled"] - 2  # G and H were taken out of the rollup, waiting to settle again
    facts_only(session)
    truth = everything(session, periods=OCTOBER, as_ofs=AS_OFS, now=NOW)
    assert truth != expected
    assert_same(late, truth)
    rollup.roll(session, now=NOW + timedelta(days=60))
    assert_same(everything(session, periods=OCTOBER, as_ofs=AS_OFS, now=NOW), truth)
    # A frozen-report document (every table of the month) is the same either way too.
    with_rollup = service.figures(session, period=service.parse_period("2023-10"), as_of=NOW, now=NOW)
    facts_only(session)
    assert service.figures(session, period=service.parse_period("2023-10"), as_of=NOW, now=NOW) == with_rollup


def test_rollup_equals_the_fact_scan_on_varied_synthetic_history(session):
    now = datetime(2023, 12, 20, 18, 0, tzinfo=SHANGHAI)
    tree = catalog.unit_tree(session)
    codes = {template.category: demo._category_code(session, template.category) for template in demo.TEMPLATES}
    plans = list(synthetic.plans(tree, count=120, now=now, days=45, seed=7, category_codes=codes))
    synthetic.drive(session, plans, now=now)
    rollup.ensure_fresh(session, now=now)
    periods = [(date(2023, 11, 1), date(2023, 12, 1)), (date(2023, 12, 1), date(2024, 1, 1)), (date(2023, 11, 20), date(2023, 12, 20))]
    as_ofs = [now, now - timedelta(days=3), now - timedelta(days=12), datetime(2023, 11, 25, 12, 0, tzinfo=SHANGHAI)]
    expected = everything(session, periods=periods, as_ofs=as_ofs, now=now)
    # Roll twice, as a worker would: part of the history, then the rest.
    first = rollup.roll(session, now=now - timedelta(days=10))["rolled"]
    second = rollup.roll(session, now=now)["rolled"]
    assert first > 0 and second > 0
    assert_same(everything(session, periods=periods, as_ofs=as_ofs, now=now), expected)
