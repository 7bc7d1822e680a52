"""The bulk generator writes exactly the rows the service would: the same plans driven through `workorder.service`
and through the pure-rule simulator give equal orders, chains, replies, callbacks, timelines and report facts."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import SHANGHAI
from liandong.report import rollup, synthetic
from liandong.report.models import OrderFact
from liandong.workorder import demo
from liandong.workorder.models import OrderCallback, OrderEvent, OrderHop, OrderReply, WorkOrder

NOW = datetime(2023, 12, 20, 18, 0, tzinfo=SHANGHAI)
# Surrogate keys differ between the two runs; `version` is SQLAlchemy's optimistic-lock counter, which counts the
# session's flushes (autoflushes inside a use case included), not anything that happened to the order.
SKIP = {"id", "version"}


def _plans(session, count=90, seed=2):
    tree = catalog.unit_tree(session)
    codes = {t.category: demo._category_code(session, t.category) for t in demo.TEMPLATES}
    return list(synthetic.plans(tree, count=count, now=NOW, days=40, seed=seed, category_codes=codes))


def _simulate(session, plans, first_order_id):
    tree = catalog.unit_tree(session)
    simulator = synthetic.Simulator(
        tree=tree, policy=catalog.get_policy(session), calendar=catalog.get_calendar(session), now=NOW,
        first_ids={"work_orders": first_order_id, "order_hops": 1, "order_replies": 1, "order_callbacks": 1, "order_events": 1},
        divisions={d.code: d.name for d in catalog.list_divisions(session)}, categories={c.code: c.name for c in catalog.list_categories(session)},
    )
    for plan in plans:
        simulator.run(plan)
    return simulator


def _rows(session, model, order_ids, key):
    columns = [c.name for c in model.__table__.columns if c.name not in SKIP]
    found = session.execute(select(model).where(model.order_id.in_(order_ids) if model is not WorkOrder else model.id.in_(order_ids))).scalars().all()
    return sorted(({c: getattr(r, c) for c in columns} for r in found), key=key)


def _plain(rows, model, key):
    columns = [c.name for c in model.__table__.columns if c.name not in SKIP]
    return sorted(({c: r[c] for c in columns} for r in rows), key=key)


def test_the_simulator_writes_what_the_service_writes(session):
    plans = _plans(session)
    assert {s.action.value for p in plans for s in p.steps} >= {
        "dispatch", "accept", "return", "reply", "review", "visit", "answer_directly", "merge", "mark_invalid", "request_extension",
        "approve_extension", "reject_extension", "remind", "supervise",
    }
    ids = synthetic.drive(session, plans, now=NOW)
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    simulator = _simulate(session, plans, ids[0])
    by_order = lambda r: (r.get("order_id", 0), r.get("seq", 0), r.get("called_at") or 0)  # noqa: E731
    by_id = lambda r: r["number"]  # noqa: E731
    assert _rows(session, WorkOrder, ids, by_id) == _plain(simulator.rows["work_orders"], WorkOrder, by_id)
    for model, name in ((OrderHop, "order_hops"), (OrderReply, "order_replies"), (OrderEvent, "order_events")):
        assert _rows(session, model, ids, by_order) == _plain(simulator.rows[name], model, by_order), name
    key = lambda r: (r["order_id"], r["called_at"])  # noqa: E731
    assert _rows(session, OrderCallback, ids, key) == _plain(simulator.rows["order_callbacks"], OrderCallback, key)
    # The facts derived from the service's rows by the rollup equal the simulator's.
    rollup.refresh_orders(session, ids)
    stored = {f.order_id: {c.name: getattr(f, c.name) for c in OrderFact.__table__.columns} for f in session.scalars(select(OrderFact).where(OrderFact.order_id.in_(ids)))}
    assert stored == {f["order_id"]: f for f in simulator.facts()}


@pytest.mark.parametrize("batch", [25, 1000])
def test_generate_in_batches_then_report(engine, batch, tmp_path):
    """`generate` in small and large batches: the same rows either way, and figures come straight off the rollup."""
    from datetime import date

    from sqlalchemy.orm import sessionmaker

    from liandong.db import make_engine
    from liandong.db.migrate import upgrade

    if engine.dialect.name != "sqlite":
        pytest.skip("the PostgreSQL COPY path is exercised by bench/report_bench.py")
    url = f"sqlite:///{tmp_path / 'bulk.db'}"
    upgrade(url=url)
    factory = sessionmaker(bind=make_engine(url), expire_on_commit=False)
    result = synthetic.generate(factory, count=300, months=2, now=NOW, seed=11, batch=batch)
    assert result["orders"] == 300
    with factory() as session:
        numbers = session.scalars(select(WorkOrder.number).order_by(WorkOrder.id)).all()
        assert len(numbers) == 300 == session.query(OrderFact).count()
        from liandong.report import metrics

        figures = metrics.compute(session, date_from=date(2023, 11, 1), date_to=date(2023, 12, 1), as_of=NOW, now=NOW)["overall"]
        assert figures["received"] > 100 and 0 < figures["response_rate"] < 1 and figures["merged"] >= 1
        assert rollup.refresh(session, now=NOW)["orders"] == 0  # the watermark is where the generator left it
