"""Fault test of the 12345 ↔ 110 linkage with real processes (also run, shorter, by tests/fault/test_linkage_fault.py).

Starts a 12345 instance and a 110 instance (`liandong serve`, separate SQLite or PostgreSQL databases, loopback
ports) and a worker for each (`liandong worker`); sends N transfers each way through the HTTP API while a chaos
loop SIGKILLs and restarts the receiver, the sender and the workers at random moments. Desks on both sides answer
what arrives (110: 受理 + 办结反馈; 12345: 派单, which tells 110 it was accepted). At the end every transfer must be
on the other side exactly once with its feedback, both sides must agree on every status, and nothing may be
pending. Prints messages, kills, retries, duplicates dropped and the time to drain.

    .venv/bin/python bench/linkage_fault.py --n 1000            # SQLite
    .venv/bin/python bench/linkage_fault.py --n 1000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LIANDONG = str(Path(sys.executable).with_name("liandong"))
SECRET = "fault-test-shared-secret-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Side:
    role: str  # 12345 | 110
    name: str
    url: str  # database
    port: int
    var: Path
    processes: dict = field(default_factory=dict)
    stopped: bool = False
    token: str = ""  # the desk's own integration token on this side (`liandong tokens create`)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "LIANDONG_DATABASE_URL": self.url, "LIANDONG_PLATFORM_ROLE": self.role, "LIANDONG_VAR_DIR": str(self.var),
            "LIANDONG_EMBEDDED_WORKER": "false",
            # Short delays so a test run drains in seconds; never a dead letter while processes come and go.
            "LIANDONG_LINK_BACKOFF_BASE": "0.2", "LIANDONG_LINK_BACKOFF_CAP": "1.5", "LIANDONG_LINK_MAX_ATTEMPTS": "100000",
            "LIANDONG_LINK_LEASE_SECONDS": "3", "LIANDONG_LINK_TIMEOUT": "5", "LIANDONG_WARM_UP": "false",
        })
        return env

    def run(self, *args: str) -> str:
        done = subprocess.run([LIANDONG, *args], env=self.env(), capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"liandong {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def start(self, what: str) -> None:
        log = open(self.var / f"{what}.log", "ab")
        if what == "serve":
            args = ["serve", "--role", self.role, "--host", "127.0.0.1", "--port", str(self.port)]
        else:
            # The whole worker, as a platform runs it: the relay and the scheduled tasks (citizens' notifications among them).
            args = ["worker", "--role", self.role, "--interval", "0.2"]
        with log:  # the child keeps its own descriptor
            self.processes[what] = subprocess.Popen([LIANDONG, *args], env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                                    start_new_session=True)

    def kill(self, what: str) -> None:
        process = self.processes.get(what)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self) -> None:
        self.stopped = True
        for what in list(self.processes):
            self.kill(what)

    def wait_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start; see {self.var / 'serve.log'}")


def _create_database(url: str | None, name: str, var: Path) -> str:
    if url is None:
        return f"sqlite:///{var / f'{name}.db'}"
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    database = f"liandong_fault_{name}_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + database


class Api:
    """An operator's calls to one side, retried while that side is down (its process is being killed)."""

    def __init__(self, side: Side):
        self.side = side
        self.client = httpx.Client(base_url=side.base, headers={"Authorization": f"Bearer {side.token}"}, timeout=10)

    def call(self, method: str, path: str, *, retry_for: float = 300, **kwargs):
        deadline = time.monotonic() + retry_for
        last = None
        while True:
            try:
                response = self.client.request(method, path, **kwargs)
                if response.status_code < 500:
                    return response
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {error}"
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.side.name} {method} {path}: still failing after {retry_for:.0f} s ({last})")
            time.sleep(0.3)


TEXTS_12345 = ["小区门口有人持械斗殴，情绪激动", "有人在商场门口寻衅滋事", "邻居家传出呼救声，疑似家暴", "路口有人醉酒闹事，阻断交通"]
TEXTS_110 = ["小区路灯损坏多日，夜间出行不便", "楼下餐馆油烟扰民，多次协商无果", "道路井盖缺失，存在安全隐患", "供暖不热，室温不足十五度"]


errors: list[str] = []


def send_transfers(api: Api, n: int, *, texts: list[str], transfer: dict, tag: str, sent: list) -> None:
    try:
        _send_transfers(api, n, texts=texts, transfer=transfer, tag=tag, sent=sent)
    except Exception as error:  # noqa: BLE001 - reported in the figures and fails the run
        errors.append(f"{tag}: {error}")


def _send_transfers(api: Api, n: int, *, texts: list[str], transfer: dict, tag: str, sent: list) -> None:
    """受理 and transfer N orders through the sender's API; an order whose response was lost is looked up, not re-created."""
    for i in range(n):
        marker = f"[{tag}-{i:05d}]"
        order = None
        while order is None:
            existing = api.call("GET", "/api/orders", params={"q": marker, "limit": 5}).json()["items"]
            if existing:
                order = existing[0]
                break
            body = {"content": f"{random.choice(texts)}{marker}", "request_type": "report" if tag == "a" else "help",
                    "caller_phone": "13812345678", "division_code": "140525"}
            response = api.call("POST", "/api/orders", json=body)
            if response.status_code == 409:  # busy: look it up again (it may have been written) and retry
                time.sleep(0.3)
                continue
            if response.status_code != 201:
                raise RuntimeError(f"create failed: {response.status_code} {response.text}")
            order = response.json()
        while order["status"] == "received":
            response = api.call("POST", f"/api/orders/{order['id']}/actions", json=transfer)
            if response.status_code == 200:
                break
            if response.status_code != 409:
                raise RuntimeError(f"transfer failed: {response.status_code} {response.text}")
            # 409: already transferred (a lost answer) or SQLite was busy — ask again whether it went, and retry if not.
            time.sleep(0.3)
            order = api.call("GET", f"/api/orders/{order['id']}").json()
        sent.append(order["number"])


def desk(api: Api, channel: str, actions: list[dict], stop: threading.Event) -> None:
    """The receiving desk: answer every order that arrived (retrying through restarts)."""
    while not stop.is_set():
        items = []
        try:
            for status in ("received", "in_progress"):
                listed = api.call("GET", "/api/orders", params={"channel": channel, "status": status, "limit": 100}, retry_for=5)
                items += listed.json()["items"] if listed.status_code == 200 else []
        except RuntimeError:
            continue
        for order in items:
            for action in actions:
                if action["from"] == order["status"]:
                    try:
                        api.call("POST", f"/api/orders/{order['id']}/actions", json=action["body"], retry_for=5)
                    except RuntimeError:
                        pass
                    break
        stop.wait(0.5)


def chaos(sides: list[Side], stop: threading.Event, kills: list, rng: random.Random, pause: tuple[float, float],
          round_done: threading.Event | None = None) -> None:
    """SIGKILL a random process (a server only once it serves again), then restart it after a moment. Targets are dealt
    from a shuffled deck, so every round kills each server and each worker once, in a random order at random moments."""
    deck: list = []
    while not stop.wait(rng.uniform(*pause)):
        if not deck:
            if kills and round_done is not None:
                round_done.set()
            deck = [(side, what) for side in sides for what in ("serve", "worker")]
            rng.shuffle(deck)
        side, what = deck.pop()
        if what == "serve":
            try:
                side.wait_up(timeout=30)
            except RuntimeError:
                pass
        if stop.is_set():
            return
        side.kill(what)
        kills.append(f"{side.name}:{what}")
        time.sleep(rng.uniform(0.1, 1.0))
        if not side.stopped:
            side.start(what)


def read_state(side: Side) -> dict:
    """Everything the checks need, read straight from the side's database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(side.url)
    with engine.connect() as c:
        orders = {r.number: r for r in c.execute(text("SELECT id, number, status, channel, transferred_from FROM work_orders"))}
        deliveries = c.execute(text("SELECT state, attempts, duplicates FROM link_deliveries")).all()
        links = {r.order_id: r for r in c.execute(text("SELECT order_id, direction, remote_number, remote_status, accepted_at, completed_at FROM link_orders"))}
        unpublished = c.execute(text("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL")).scalar()
        inbox = c.execute(text("SELECT count(*) FROM link_inbox")).scalar()
        refused = c.execute(text("SELECT count(*) FROM link_refusals")).scalar()
    engine.dispose()
    return {"orders": orders, "deliveries": deliveries, "links": links, "unpublished": unpublished, "inbox": inbox, "refused": refused}


def check(a: dict, b: dict, sent_a: list[str], sent_b: list[str]) -> list[str]:
    """What is wrong (empty when everything arrived once, with feedback, statuses agreeing, nothing pending)."""
    problems = []
    for here, there, sent, want_there, want_here in ((a, b, sent_a, "closed", "awaiting_callback"), (b, a, sent_b, "dispatched", "transferred_12345")):
        copies: dict[str, list] = {}
        for order in there["orders"].values():
            if order.transferred_from:
                copies.setdefault(order.transferred_from, []).append(order)
        for number in sent:
            got = copies.get(number, [])
            if len(got) != 1:
                problems.append(f"{number}: {len(got)} copies on the other side")
                continue
            mine = here["orders"][number]
            link = here["links"].get(mine.id)
            if got[0].status != want_there or mine.status != want_here:
                problems.append(f"{number}: here {mine.status}, there {got[0].status}")
            elif link is None or link.remote_number != got[0].number or link.remote_status != got[0].status:
                problems.append(f"{number}: the sender's view {link and (link.remote_number, link.remote_status)} disagrees with {got[0].number} {got[0].status}")
        for side in (here,):
            waiting = [d for d in side["deliveries"] if d.state != "delivered"]
            if waiting:
                problems.append(f"{len(waiting)} deliveries not delivered")
            if side["unpublished"]:
                problems.append(f"{side['unpublished']} outbox rows not published")
    return problems


def run(*, n: int = 100, postgres: str | None = None, seed: int = 0, chaos_pause: tuple[float, float] = (1.5, 4.0),
        drain_timeout: float = 180, workdir: Path | None = None) -> dict:
    rng = random.Random(seed)
    random.seed(seed)
    root = Path(workdir or tempfile.mkdtemp(prefix="liandong-fault-"))
    sides = []
    for role, name in (("12345", "jc12345"), ("110", "jc110")):
        var = root / name
        var.mkdir(parents=True, exist_ok=True)
        sides.append(Side(role=role, name=name, url=_create_database(postgres, name, var), port=free_port(), var=var))
    a, b = sides
    for side, other in ((a, b), (b, a)):
        side.run("db", "upgrade")
        side.run("link", "peer", "add", other.name, other.base, "--secret", SECRET, "--platform", other.role)
        # Each side's desk calls with its own token: the 12345 dispatch desk, the 110 police desk.
        desk_role = "dispatcher" if side.role == "12345" else "police_desk"
        side.token = json.loads(side.run("tokens", "create", f"fault-{side.name}", "--role", desk_role, "--json"))["token"]
    try:
        for side in sides:
            side.start("serve")
            side.start("worker")
        for side in sides:
            side.wait_up()
        api_a, api_b = Api(a), Api(b)
        stop_desks, stop_chaos, round_done = threading.Event(), threading.Event(), threading.Event()
        kills: list[str] = []
        sent_a: list[str] = []
        sent_b: list[str] = []
        threads = [
            threading.Thread(target=desk, args=(api_b, "transfer_12345", [
                {"from": "received", "body": {"action": "link_accept", "note": "已派民警处置"}},
                {"from": "in_progress", "body": {"action": "link_complete", "note": "民警到场处置完毕"}}], stop_desks), daemon=True),
            threading.Thread(target=desk, args=(api_a, "transfer_110", [
                {"from": "received", "body": {"action": "dispatch", "to": "zjj", "note": "请核查处理"}}], stop_desks), daemon=True),
            threading.Thread(target=chaos, args=(sides, stop_chaos, kills, rng, chaos_pause, round_done), daemon=True),
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        senders = [
            threading.Thread(target=send_transfers, args=(api_a, n), kwargs={"texts": TEXTS_12345, "tag": "a", "sent": sent_a,
                             "transfer": {"action": "transfer_110", "to": "110", "note": "涉嫌违法犯罪，转110处置"}}),
            threading.Thread(target=send_transfers, args=(api_b, n), kwargs={"texts": TEXTS_110, "tag": "b", "sent": sent_b,
                             "transfer": {"action": "transfer_12345", "note": "非警务求助，转12345办理"}}),
        ]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join()
        failures = [error for error in errors]
        sent_at = time.monotonic()
        round_done.wait(timeout=180)  # at least every server and every worker killed once, even if sending was quick
        stop_chaos.set()
        threads[2].join()
        for side in sides:
            for what in ("serve", "worker"):
                if side.processes[what].poll() is not None:
                    side.start(what)
            side.wait_up()
        chaos_end = time.monotonic()
        problems = ["not checked"]
        while time.monotonic() - chaos_end < drain_timeout:
            state_a, state_b = read_state(a), read_state(b)
            problems = check(state_a, state_b, sent_a, sent_b)
            if not problems:
                break
            time.sleep(1)
        drained = time.monotonic()
        stop_desks.set()
        for thread in threads[:2]:
            thread.join(timeout=30)
        api_a.client.close()
        api_b.client.close()
        deliveries = state_a["deliveries"] + state_b["deliveries"]
        figures = {
            "transfers_each_way": n,
            "messages": len(deliveries),
            "kills": len(kills),
            "kills_by_process": {k: kills.count(k) for k in sorted(set(kills))},
            "retries": sum(d.attempts for d in deliveries) - sum(1 for d in deliveries if d.state == "delivered"),
            "duplicates_dropped": sum(d.duplicates for d in deliveries),
            "refused": state_a["refused"] + state_b["refused"],
            "send_seconds": round(sent_at - started, 1),
            "drain_seconds": round(drained - chaos_end, 1),
            "total_seconds": round(drained - started, 1),
            "ok": not problems and not failures and len(sent_a) == n and len(sent_b) == n,
            "problems": (failures + problems)[:20],
            "workdir": str(root),
        }
        return figures
    finally:
        for side in sides:
            side.stop()
        if postgres:
            drop_databases(postgres, [side.url for side in sides])


def drop_databases(admin_url: str, urls: list[str]) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for url in urls:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="transfers each way")
    parser.add_argument("--postgres", default=None, help="PostgreSQL admin URL: run on two throw-away databases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--drain-timeout", type=float, default=600)
    args = parser.parse_args()
    figures = run(n=args.n, postgres=args.postgres, seed=args.seed, drain_timeout=args.drain_timeout)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()
