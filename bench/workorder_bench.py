"""Work-order core throughput and latency: create, act, list, on SQLite and (if given) PostgreSQL.

Usage: python bench/workorder_bench.py [--orders 2000] [--postgres URL]
Prints figures; it is not a test. Each backend gets a fresh database.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from liandong.catalog.deadlines import SHANGHAI
from liandong.core.actor import Actor, Role
from liandong.db import get_engine, unit_of_work
from liandong.db.migrate import upgrade
from liandong.workorder import queries, service
from liandong.workorder.lifecycle import Action
from liandong.workorder.queries import OrderFilter

ADMIN = Actor("bench", Role.ADMIN, records_history=True)
TEXTS = [
    "来电人反映小区物业长期不作为，楼道堆满杂物。",
    "网友留言：路口井盖破损，夜间存在安全隐患。",
    "来电人咨询灵活就业人员养老保险缴费标准。",
    "来电人反映某建筑工地夜间施工噪音扰民。",
]
UNITS = ["zjj", "cgj", "rsj", "gs", "sthjj"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(url: str, orders: int) -> dict:
    upgrade(url=url)
    engine = get_engine(url)
    now = datetime.now(SHANGHAI)
    start = now - timedelta(days=60)
    create_times: list[float] = []
    ids: list[int] = []
    began = time.perf_counter()
    for i in range(orders):
        t0 = time.perf_counter()
        with unit_of_work(engine) as session:
            order = service.create_order(
                session, actor=ADMIN, now=now, content=TEXTS[i % len(TEXTS)], request_type="complaint",
                received_at=start + timedelta(minutes=i * 40), caller_phone="13800000000",
            )
            ids.append(order.id)
        create_times.append(time.perf_counter() - t0)
    create_rate = orders / (time.perf_counter() - began)

    act_times: list[float] = []
    began = time.perf_counter()
    for i, order_id in enumerate(ids):
        for action, kwargs in ((Action.DISPATCH, {"to": UNITS[i % len(UNITS)]}), (Action.ACCEPT, {})):
            t0 = time.perf_counter()
            with unit_of_work(engine) as session:
                service.act(session, order_id=order_id, action=action, actor=ADMIN, now=now, **kwargs)
            act_times.append(time.perf_counter() - t0)
    act_rate = len(act_times) / (time.perf_counter() - began)

    list_times: list[float] = []
    filters = [OrderFilter(), OrderFilter(department="zjj"), OrderFilter(open_only=True, text="井盖"), OrderFilter(status=["in_progress"])]
    for i in range(200):
        t0 = time.perf_counter()
        with unit_of_work(engine) as session:
            queries.list_orders(session, filters[i % len(filters)], actor=ADMIN, now=now, limit=50)
        list_times.append(time.perf_counter() - t0)
    return {
        "create_per_s": create_rate,
        "create_p50_ms": statistics.median(create_times) * 1000,
        "create_p99_ms": percentile(create_times, 0.99) * 1000,
        "act_per_s": act_rate,
        "act_p50_ms": statistics.median(act_times) * 1000,
        "act_p99_ms": percentile(act_times, 0.99) * 1000,
        "list50_p50_ms": statistics.median(list_times) * 1000,
        "list50_p99_ms": percentile(list_times, 0.99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--postgres", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    backends = {"sqlite": f"sqlite:///{tempfile.mkdtemp()}/bench.db"}
    admin = None
    if args.postgres:
        base = make_url(args.postgres)
        name = f"liandong_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        backends["postgres"] = base.set(database=name).render_as_string(hide_password=False)
    try:
        for name, url in backends.items():
            figures = run(url, args.orders)
            print(f"[{name}] {args.orders} orders")
            for key, value in figures.items():
                print(f"  {key:>16}: {value:8.1f}")
    finally:
        if admin is not None:
            get_engine(backends["postgres"]).dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(backends["postgres"]).database}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
