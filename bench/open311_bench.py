"""Open311 GeoReport v2 timings on a demo database (prints figures; not a test).

Builds a demo database with --orders orders over the last three months in a temporary directory (or uses
LIANDONG_DATABASE_URL if set), then times each read endpoint in XML and JSON (the full 1000-request page of
GET requests, one request, the updates of the last day, services) and POST requests with an api_key.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 7


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=5000)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from liandong.account import tokens
    from liandong.app import create_app
    from liandong.config import configure, settings
    from liandong.core.clock import now
    from liandong.db import get_engine, unit_of_work
    from liandong.demo import prepare_demo

    if not os.environ.get("LIANDONG_DATABASE_URL"):
        root = Path(tempfile.mkdtemp(prefix="liandong-open311-bench-"))
        configure(database_url=f"sqlite:///{root / 'demo.db'}", var_dir=root)
    started = time.perf_counter()
    summary = prepare_demo(orders=args.orders, months=3)
    print(f"demo database {settings().database_url}: {summary['orders_total']} orders ({time.perf_counter() - started:.1f} s to prepare)")
    with unit_of_work() as session:
        _row, key = tokens.create_token(session, now=now(), name=f"bench-{int(time.time())}", scopes=["open311:write"])
    form = {"api_key": key, "service_code": "0101003", "address_string": "巴公镇锦绣小区东门", "description": "小区门口井盖缺失，晚上很危险",
            "attribute[request_type]": "help", "attribute[county]": "140525"}
    rows = []
    with TestClient(create_app(get_engine())) as client:
        listed = client.get("/open311/v2/requests.json").json()
        one = listed[0]["service_request_id"]
        since = (now().replace(microsecond=0)).isoformat()
        calls = []
        for fmt in ("json", "xml"):
            calls += [
                ("GET", f"/open311/v2/requests.{fmt}", None),
                ("GET", f"/open311/v2/requests/{one}.{fmt}", None),
                ("GET", f"/open311/v2/servicerequestupdates.{fmt}?start_date={since[:10]}T00:00:00%2B08:00", None),
                ("GET", f"/open311/v2/services.{fmt}", None),
                ("POST", f"/open311/v2/requests.{fmt}", form),
            ]
        for method, path, data in calls:
            timings = []
            size = 0
            for _ in range(ROUNDS + 1):
                t0 = time.perf_counter()
                response = client.get(path) if method == "GET" else client.post(path, data=data)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (path, response.status_code, response.text[:200])
                size = len(response.content)
            warm = timings[1:]
            rows.append((f"{method} {path.split('?')[0]}", statistics.median(warm), max(warm), size))
        print(f"GET requests returns {len(listed)} requests (the spec's first 1000 of the last 90 days)")
    width = max(len(r[0]) for r in rows)
    print(f"{'call':{width}}  median ms   worst ms   bytes")
    for name, median, worst, size in rows:
        print(f"{name:{width}}  {median:9.1f}  {worst:9.1f}  {size:7d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
