"""Page timings of the operators' web application on the demo database (prints figures; not a test).

Builds a demo database in a temporary directory (or uses LIANDONG_DATABASE_URL if set), logs in as each
demo account and requests every workspace page several times through the ASGI app, then prints the
median and worst time per page. Target: every page under 200 ms.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 7
PAGES = {
    "hotline": ["/intake", "/callbacks", "/orders", "/orders?warning=red&sort=due_asc", "/kb", "/kb?q=身份证丢了怎么补办", "/orders/{order}"],
    "dispatcher": ["/dispatch", "/dispatch?tab=returned", "/dispatch?tab=extensions"],
    "zjj": ["/unit", "/unit?tab=doing", "/orders?status=in_progress"],
    "supervisor": ["/supervision", "/supervision?tab=returns", "/supervision?tab=unsatisfied", "/kb/review"],
    "leader": ["/supervision"],
    "admin": ["/admin/units", "/admin/users", "/admin/categories", "/admin/deadlines", "/admin/transfer?item=E110-01"],
}
POSTS = {"hotline": [("/intake/suggest", {"content": "我住在泽州县巴公镇锦绣苑小区，楼上邻居晚上十一点以后还在装修施工，电钻噪音很大", "caller_phone": "13935600001"})]}


def main() -> int:
    from fastapi.testclient import TestClient

    from liandong.account.demo import DEMO_PASSWORD
    from liandong.app import create_app
    from liandong.config import configure, settings
    from liandong.db import get_engine
    from liandong.demo import prepare_demo
    from liandong.web.suggest import warm_up

    if not os.environ.get("LIANDONG_DATABASE_URL"):
        root = Path(tempfile.mkdtemp(prefix="liandong-web-bench-"))
        configure(database_url=f"sqlite:///{root / 'demo.db'}", var_dir=root)
    started = time.perf_counter()
    summary = prepare_demo()
    print(f"demo database {settings().database_url}: {summary['orders_total']} orders ({time.perf_counter() - started:.1f} s to prepare)")
    warm_up()
    app = create_app(get_engine())
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    rows: list[tuple[str, str, float, float]] = []
    with TestClient(app) as client:
        for username, pages in PAGES.items():
            client.cookies.clear()
            csrf = token.search(client.get("/login").text).group(1)
            client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf})
            csrf = token.search(client.get("/orders").text).group(1)
            order = re.search(r'href="/orders/(\d+)"', client.get("/orders").text).group(1)
            requests = [("GET", p.format(order=order), None) for p in pages] + [("POST", p, d) for p, d in POSTS.get(username, [])]
            for method, path, data in requests:
                timings = []
                for _ in range(ROUNDS + 1):  # the first round compiles templates and fills caches
                    t0 = time.perf_counter()
                    if method == "GET":
                        response = client.get(path)
                    else:
                        response = client.post(path, data={**data, "csrf_token": csrf}, headers={"HX-Request": "true"})
                    timings.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                warm = timings[1:]
                rows.append((username, f"{method} {path}", statistics.median(warm), max(warm)))
    width = max(len(r[1]) for r in rows)
    print(f"{'account':11} {'page':{width}}  median ms   worst ms")
    for username, page, median, worst in rows:
        flag = "" if worst < 200 else "  <-- over 200 ms"
        print(f"{username:11} {page:{width}}  {median:9.1f}  {worst:9.1f}{flag}")
    slow = [r for r in rows if r[3] >= 200]
    print(f"{len(rows)} pages, slowest median {max(r[2] for r in rows):.1f} ms, slowest worst {max(r[3] for r in rows):.1f} ms; {len(slow)} over 200 ms")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
