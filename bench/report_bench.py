"""Report figures at city scale: monthly report, the dashboard's requests, hotspot detection per arriving order.

    python bench/report_bench.py --backend postgres --orders 5000000     # a throw-away database, dropped at the end
    python bench/report_bench.py --backend sqlite --orders 1000000

How the data is made: two blocks of `--base` orders (default 100,000) are generated through the real rules by the
bulk simulator (`report.synthetic`, the same path as `liandong demo --orders N`), with their timelines, hops, replies,
callbacks and facts: the newest 28 days, and the 28 days before them — both carried out up to now, so the older
block is as settled as a real month-old block is (closed, called back, a tail still open), not a frozen copy of the
newest one's open orders. The older block is then repeated back in time, 28 days per copy, until `--orders` is
reached: copies of the two tables the measured requests read (`work_orders` and `report_order_facts`, every time
shifted, ids and numbers renumbered), not of the timelines they never read. Prints the generator's throughput too.

`--keep NAME` keeps the dataset (a PostgreSQL database, or an SQLite file under the temp folder) and reuses it when
it is already there, so the requests can be measured again after a change without generating again.
After the data is in, the worker's `report.refresh_facts` task runs once (timed): it keeps the facts and the daily
rollup current, as the worker does every few minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from liandong.core.clock import SHANGHAI  # noqa: E402

SPAN_DAYS = 28
TIMES_ORDERS = ["received_at", "sign_due_at", "sign_yellow_at", "reply_started_at", "reply_due_at", "reply_yellow_at", "dispatched_at",
                "accepted_at", "replied_at", "closed_at", "updated_at", "last_action_at", "first_callback_at"]


def _fact_times():
    from liandong.report.models import OrderFact

    return [c.name for c in OrderFact.__table__.columns if c.type.__class__.__name__ == "UTCDateTime"]


def tile(engine, *, first: int, offset: int, copies: int) -> None:
    """Repeat the block of ids first..offset `copies` times back in time (28 days each) in work_orders and report_order_facts."""
    from liandong.report.models import OrderFact
    from liandong.workorder.models import WorkOrder

    postgres = engine.dialect.name == "postgresql"
    order_columns = [c.name for c in WorkOrder.__table__.columns]
    fact_columns = [c.name for c in OrderFact.__table__.columns]
    fact_times = _fact_times()
    with engine.begin() as connection:
        top = connection.scalar(select(func.max(WorkOrder.id)))
    for copy in range(1, copies + 1):
        shift_days = SPAN_DAYS * copy
        delta = top - first + 1 + (offset - first + 1) * (copy - 1)

        def shifted(column: str, times: list[str], delta=delta, copy=copy, shift_days=shift_days) -> str:
            if column == "id" or column == "order_id":
                return f"{column} + {delta}"
            if column in ("duplicate_of_id", "merged_into_id"):
                return f"CASE WHEN {column} IS NULL THEN NULL ELSE {column} + {delta} END"
            if column == "number":
                return f"number || '-{copy}'"
            if column in times:
                if postgres:
                    return f"{column} - interval '{shift_days} days'"
                return f"CASE WHEN {column} IS NULL THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%f000', {column}, '-{shift_days} days') END"
            return column

        with engine.begin() as connection:
            connection.execute(text(
                f"INSERT INTO work_orders ({', '.join(order_columns)}) SELECT {', '.join(shifted(c, TIMES_ORDERS) for c in order_columns)} "
                f"FROM work_orders WHERE id BETWEEN {first} AND {offset}"
            ))
            connection.execute(text(
                f"INSERT INTO report_order_facts ({', '.join(fact_columns)}) SELECT {', '.join(shifted(c, fact_times) for c in fact_columns)} "
                f"FROM report_order_facts WHERE order_id BETWEEN {first} AND {offset}"
            ))
        print(f"  tiled copy {copy}/{copies}", flush=True)
    with engine.begin() as connection:
        if postgres:
            connection.execute(text("SELECT setval(pg_get_serial_sequence('work_orders', 'id'), (SELECT MAX(id) FROM work_orders))"))
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))


def timed(label: str, fn, repeat: int = 3):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(f"{label:<52} best {min(times):7.3f} s   median {statistics.median(times):7.3f} s")
    return min(times), result


def generate(engine, *, orders: int, base: int, now: datetime) -> None:
    from liandong.db import session_factory
    from liandong.report import synthetic
    from liandong.workorder.models import WorkOrder

    factory = session_factory(engine)
    generated = events = 0
    start = time.perf_counter()
    blocks = [now] if orders <= base else [now, now - timedelta(days=SPAN_DAYS)]
    first = None
    for index, until in enumerate(blocks):
        if index == 1:
            with engine.begin() as connection:
                first = (connection.scalar(select(func.max(WorkOrder.id))) or 0) + 1
        result = synthetic.generate(factory, count=min(base, orders - generated), months=SPAN_DAYS / 30.4, now=now, until=until,
                                    seed=2026 + index, batch=20_000, progress=lambda n: print(f"  generated {n:,}", flush=True))
        generated += result["orders"]
        events += result["events"]
    took = time.perf_counter() - start
    print(f"generated {generated:,} orders ({events:,} timeline entries) through the rules in {took:.1f} s"
          f" = {generated / took:,.0f} orders/s")
    copies = max(0, -(-(orders - generated) // base))
    if copies and first is not None:
        with engine.begin() as connection:
            offset = connection.scalar(select(func.max(WorkOrder.id)))
        start = time.perf_counter()
        tile(engine, first=first, offset=offset, copies=copies)
        print(f"repeated the older block {copies} times back in time in {time.perf_counter() - start:.1f} s")


def run(url: str, *, orders: int, base: int) -> None:
    from liandong.config import configure
    from liandong.db import get_engine, unit_of_work
    from liandong.db.migrate import upgrade
    from liandong.report import alerts, periods, service, tasks
    from liandong.report.models import OrderFact

    configure(database_url=url)
    upgrade(url=url)
    engine = get_engine(url)
    now = datetime(2026, 11, 30, 20, 0, tzinfo=SHANGHAI)
    with unit_of_work(engine) as session:
        total = session.scalar(select(func.count()).select_from(OrderFact))
    if total < orders:
        if total:
            raise SystemExit(f"the kept dataset holds {total:,} orders, fewer than --orders {orders:,}: drop it first")
        generate(engine, orders=orders, base=base, now=now)
    else:
        print(f"reusing the kept dataset ({total:,} orders)")
    with unit_of_work(engine) as session:
        total = session.scalar(select(func.count()).select_from(OrderFact))
        open_orders = session.scalar(select(func.count()).select_from(OrderFact).where(
            OrderFact.closed_at.is_(None), OrderFact.merged_at.is_(None), OrderFact.transferred_at.is_(None)))
    print(f"orders in the report tables: {total:,} ({open_orders / max(total, 1):.1%} open)")
    start = time.perf_counter()
    refreshed = tasks.refresh_facts(now)
    print(f"worker task report.refresh_facts (facts and daily rollup) in {time.perf_counter() - start:.1f} s: {refreshed}")
    if refreshed.get("rolled", 0) > total // 10:
        # A first roll of millions of rows rewrites them all: what autovacuum does after it, done now.
        start = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE report_order_facts" if engine.dialect.name == "postgresql" else "ANALYZE"))
        print(f"vacuum/analyze after the first roll in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    refreshed = tasks.refresh_facts(now + timedelta(minutes=5))
    print(f"the same five minutes later (nothing moved) in {time.perf_counter() - start:.2f} s")

    month = periods.parse("2026-10")
    with unit_of_work(engine) as session:
        cohort = session.scalar(select(func.count()).select_from(OrderFact).where(
            OrderFact.received_at >= datetime(2026, 10, 1, tzinfo=SHANGHAI), OrderFact.received_at < datetime(2026, 11, 1, tzinfo=SHANGHAI)))
    print(f"October 2026 cohort: {cohort:,} orders")

    def monthly():
        with unit_of_work(engine) as session:
            return service.figures(session, period=month, as_of=now, now=now)

    report_time, _ = timed("monthly report (every table of 2026-10)", monthly)

    from fastapi.testclient import TestClient

    from liandong.account import service as accounts
    from liandong.app import create_app

    with unit_of_work(engine) as session:
        from liandong.account.models import User

        if session.scalar(select(User).where(User.username == "bench.leader")) is None:
            accounts.create_user(session, now=now, username="bench.leader", password="bench-password-1", role="leader")
    client = TestClient(create_app(engine))
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/login", data={"username": "bench.leader", "password": "bench-password-1", "csrf_token": token}).status_code in (200, 303)
    query = "from=2026-11-01&to=2026-11-30"
    slowest = 0.0
    for path in ["/dashboard", *(f"/dashboard/panels/{p}" for p in ("trend", "units", "categories", "counties", "hotspots")), "/stats?by=department", "/reports"]:
        url_ = f"{path}{'&' if '?' in path else '?'}{query}"
        best, response = timed(f"GET {path}", lambda u=url_: client.get(u))
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        slowest = max(slowest, best)
    print(f"dashboard: slowest request {slowest:.3f} s")

    window_end = datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)

    def full_scan():
        with unit_of_work(engine) as session:
            return alerts.scan(session, now=window_end, fresh=False)

    full_time, found = timed("hotspot pass over every key (72 h window, 28-day baseline)", full_scan)
    # The worker's passes, every 10 minutes for two hours: each tests the keys that had an arrival since the last.
    passes, arrivals, spent = 12, 0, 0.0
    start_at = window_end - timedelta(minutes=10 * passes)
    with unit_of_work(engine) as session:
        alerts.scan(session, now=start_at, fresh=False)
        for step in range(1, passes + 1):
            moment = start_at + timedelta(minutes=10 * step)
            arrivals += session.scalar(select(func.count()).select_from(OrderFact).where(
                OrderFact.received_at > moment - timedelta(minutes=10), OrderFact.received_at <= moment)) or 0
            began = time.perf_counter()
            alerts.scan(session, now=moment, fresh=False, since=moment - timedelta(minutes=10))
            spent += time.perf_counter() - began
        session.rollback()
    per_order = spent / max(arrivals, 1) * 1000
    print(f"hotspots: {full_time * 1000:.0f} ms for a pass over every key ({len(found)} alerts touched); the worker's 10-minute passes"
          f" take {spent / passes * 1000:.0f} ms each for {arrivals / passes:.1f} arriving orders → {per_order:.1f} ms per arriving order")
    print(f"SUMMARY backend={engine.dialect.name} orders={total} monthly_report_s={report_time:.2f} dashboard_slowest_s={slowest:.3f} "
          f"hotspot_ms_per_order={per_order:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--base", type=int, default=100_000)
    parser.add_argument("--keep", default="", help="keep the dataset under this name and reuse it when present")
    parser.add_argument("--postgres", default=os.environ.get("LIANDONG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    base = min(args.base, args.orders)
    if args.backend == "sqlite":
        if args.keep:
            run(f"sqlite:///{Path(tempfile.gettempdir()) / f'liandong_bench_{args.keep}.db'}", orders=args.orders, base=base)
            return
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'bench.db'}", orders=args.orders, base=base)
        return
    server = make_url(args.postgres)
    name = f"liandong_bench_{args.keep or uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(server.set(database=name).render_as_string(hide_password=False), orders=args.orders, base=base)
    finally:
        from liandong.db import _engines

        for engine in list(_engines.values()):
            engine.dispose()
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped database {name}")
        admin.dispose()


if __name__ == "__main__":
    main()
