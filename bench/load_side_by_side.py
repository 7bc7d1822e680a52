"""Two checkouts' servers under load at the same time: order creations per server CPU-second for both, same noise.

Usage:
  python bench/load_side_by_side.py BASE_DIR OTHER_DIR [--db URL] [--workers 1] [--clients 8] [--seconds 20]
BASE_DIR and OTHER_DIR each hold a `src` (e.g. `git archive main src | tar -x -C DIR`). Each server gets its own
database (a fresh SQLite file, or a fresh PostgreSQL database beside --db, dropped afterwards) and its own writer
clients; both run for the same seconds, so other work on a shared machine weighs on both alike, where back-to-back
`load_orders.py --source` runs each meet their own minute. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_orders as lo  # noqa: E402 - the sibling script's server, preparation and CPU accounting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("other", type=Path)
    parser.add_argument("--db", default=None, help="PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8, help="writer clients per server")
    parser.add_argument("--seconds", type=float, default=20, help="measured duration (at most 600)")
    args = parser.parse_args()
    for source in (args.base, args.other):
        if not (source / "src").is_dir():
            raise SystemExit(f"{source} 下没有 src 目录")
    sides = []
    try:
        for label, source in (("base", args.base.resolve()), ("other", args.other.resolve())):
            var_dir = Path(tempfile.mkdtemp(prefix=f"liandong-side-{label}-"))
            url = lo._postgres(args.db, create=True) if args.db else f"sqlite:///{var_dir / 'load.db'}"
            side = {"label": label, "source": source, "url": url, "ok": [], "errors": []}
            sides.append(side)
            token, _password = lo.prepare(url, var_dir, source)
            port = lo.free_port()
            side["server"] = lo.start_server(url, var_dir, port, args.workers, source)
            side["base"], side["headers"] = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
        for side in sides:
            lo.warm(side["base"], side["headers"], args.clients)
        measure(sides, args.clients, min(args.seconds, 600))
    finally:
        for side in sides:
            if "server" in side:
                side["server"].terminate()
                side["server"].wait(60)
            if args.db:
                lo._postgres(args.db, drop=side["url"])


def measure(sides: list[dict], clients: int, seconds: float) -> None:
    stop = [0.0]
    ready = threading.Barrier(len(sides) * clients + 1)

    def writer(side: dict) -> None:
        with httpx.Client(base_url=side["base"], headers=side["headers"], timeout=30) as client:
            ready.wait()
            while time.perf_counter() < stop[0]:
                began = time.perf_counter()
                try:
                    status = client.post("/api/orders", json=lo.ORDER).status_code
                except httpx.HTTPError:
                    status = 0
                (side["ok"] if status == 201 else side["errors"]).append(time.perf_counter() - began)

    threads = [threading.Thread(target=writer, args=(side,)) for side in sides for _ in range(clients)]
    pids = [lo.process_tree(side["server"].pid) for side in sides]
    elapsed, before, after = lo.run_window(threads, stop, ready, seconds, lambda: [lo.cpu_seconds(tree) for tree in pids])
    for side, cpu0, cpu1 in zip(sides, before, after):
        cpu, created = cpu1 - cpu0, len(side["ok"])
        print(f"{side['label']} ({side['source']}): created_per_s {created / elapsed:.1f}, p99_ms {lo.percentile(side['ok'], 0.99) * 1000:.1f}, "
              f"errors {len(side['errors'])}, server_cpu_s {cpu:.1f}, created_per_server_cpu_s {created / cpu if cpu else float('nan'):.1f}", flush=True)


if __name__ == "__main__":
    main()
