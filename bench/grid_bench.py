"""Grid-ledger import figures: rows per second for a file of N rows (first import, then the same file again).

Usage: python bench/grid_bench.py [--rows 500] [--db sqlite:///build/grid_bench.db]
Prints figures; it is not a test. The database is created fresh (migrated, default catalogue) unless --db names one.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PLACES = ["新开南巷", "富力城3号楼", "新街K3区", "锦绣小区东门", "巴公镇中学路口", "老街菜市场"]
PROBLEMS = ["路面坑洼影响居民出行", "楼道堆放杂物", "路灯不亮", "井盖松动", "垃圾清运不及时", "广告牌松动"]


def ledger(rows: int, today) -> bytes:
    lines = ["排查日期,网格,地点,问题描述,群众诉求,照片,是否当场处置,网格员,乡镇（街道）"]
    for i in range(rows):
        day = (today - timedelta(days=1 + i % 6)).isoformat()
        bad = i % 50 == 49  # one row in fifty refused (a missing problem), as real ledgers have
        lines.append(f"{day},第{i % 20 + 1}网格,{PLACES[i % 6]}{i}号,{'' if bad else PROBLEMS[i % 6]},,IMG_{i}.jpg,{'是' if i % 4 == 0 else '否'},网格员{i % 9},巴公镇")
    return "\n".join(lines).encode("gb18030")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()

    from liandong.config import configure
    from liandong.core.actor import CLI
    from liandong.core.clock import local, now
    from liandong.db import get_engine, unit_of_work
    from liandong.db.migrate import upgrade
    from liandong.grid import service

    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'grid_bench.db'}"
    configure(database_url=url)
    upgrade(url=url)
    engine = get_engine(url)
    data = ledger(args.rows, local(now()).date())
    from liandong.triage import service as triage

    start = time.perf_counter()
    with unit_of_work(engine) as session:
        triage.engine_for(session).triage("热线预热")  # built once per process (as in a server or worker), not per file
    print(f"triage engine and model, once per process: {time.perf_counter() - start:.1f} s")
    for label in ("first import", "same file again"):
        start, cpu = time.perf_counter(), time.process_time()
        with unit_of_work(engine) as session:
            report = service.import_ledger(session, actor=CLI, now=now(), filename="bench.csv", data=data)
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        # CPU time too: on a shared machine the wall clock mostly measures the neighbours.
        print(f"{label}: {args.rows} rows in {elapsed:.2f} s wall, {used:.2f} s CPU ({args.rows / max(used, 1e-9):.0f} rows per CPU-second) — accepted {report['accepted']}, "
              f"rejected {report['rejected']}, duplicates {report['duplicates']}")


if __name__ == "__main__":
    main()
