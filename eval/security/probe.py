"""Black-box probe of the nine weaknesses of issue 11, over HTTP on 127.0.0.1 only.

Usage:
  python eval/security/probe.py [--source DIR] [--db sqlite|URL] [--only 1,2,…] [--budget SECONDS]

Starts `DIR/.venv/bin/liandong serve` from the given checkout (default: this tree) on a fresh SQLite file or a
fresh PostgreSQL database created beside the one URL names (dropped afterwards), prepares it through that checkout's
own CLI (`liandong db upgrade`, `liandong users create … --json`; orders through the API with the integration token
`LIANDONG_API_TOKEN`, which the old code reads as an administrator and the new as a deprecated dispatcher token),
then tries each weakness the way the issue describes it. One line per weakness:

  weakness N: EXPOSED|HELD — detail

and the exit status is 1 when any is EXPOSED (2 when the server could not be prepared). Bounded: every request
has a timeout, the whole run a budget, the server is killed if its resident memory passes 1.5 GB, and the largest
body sent is 20 MB, streamed (the issue's 200 MB is not needed to see whether a limit exists). Nothing here knows
which checkout is old or new: paths and fields are the ones both expose, cookies' names are read from the
server's own answers.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parents[2]
DEFAULT_KEY = "change-me-in-production"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PASSWORD = "Probe-pass-2026-long"
BIG_ID = str(2**63)
SUP2 = "\u00b2"  # superscript two: str.isdigit() accepts it, int() does not
ORDER = {"content": "来电人反映小区门口占道经营，早晚高峰堵得走不了，希望城管处理。", "request_type": "complaint",
         "division_code": "140502", "caller_name": "王某某", "caller_phone": "13912345678"}
THROTTLE_LIMIT = 5  # the issue's number: five failures from one address lock the account (old and new alike)
MEMORY_CAP = 1536 * 2**20
CST = timezone(timedelta(hours=8))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid: int) -> int:
    """Resident bytes of the process and its children (uvicorn may fork)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Target:
    """A server of one checkout on one fresh database, and the accounts prepared for the probe."""

    def __init__(self, source: Path, db: str, work: Path):
        self.source, self.work = source, work
        self.bin = source / ".venv" / "bin"
        if not (self.bin / "liandong").exists():
            raise SystemExit(f"找不到 {self.bin / 'liandong'}：请先在该目录运行 make install")
        self.pg_admin_url = None
        if db == "sqlite":
            self.url = f"sqlite:///{work / 'probe.db'}"
        else:
            self.pg_admin_url, name = db, "probe_" + secrets.token_hex(4)
            self._pg(f'CREATE DATABASE "{name}"')
            self.url, self.pg_name = db.rsplit("/", 1)[0] + "/" + name, name
        self.token = secrets.token_urlsafe(32)
        self.env = {**os.environ, "LIANDONG_DATABASE_URL": self.url, "LIANDONG_VAR_DIR": str(work / "var"),
                    "LIANDONG_API_TOKEN": self.token, "LIANDONG_EMBEDDED_WORKER": "false"}
        for name in ("LIANDONG_SECRET_KEY", "PYTHONPATH", "VIRTUAL_ENV"):
            self.env.pop(name, None)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.users: dict[str, dict] = {}

    @property
    def postgres(self) -> bool:
        return self.pg_admin_url is not None

    def _pg(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(sql)

    def cli(self, *args: str) -> str:
        done = subprocess.run([str(self.bin / "liandong"), *args], env=self.env, capture_output=True, text=True, timeout=180,
                              cwd=self.work, check=False)
        if done.returncode != 0:
            raise SystemExit(f"liandong {' '.join(args[:2])} 失败（{done.returncode}）：{(done.stderr or done.stdout)[-800:]}")
        return done.stdout

    def prepare(self, roles: dict[str, str]) -> None:
        self.cli("db", "upgrade")
        for username, role in roles.items():
            out = self.cli("users", "create", username, "--role", role, "--password", PASSWORD, "--json")
            self.users[username] = json.loads(out.strip().splitlines()[-1])

    def start(self) -> None:
        log = open(self.work / "server.log", "wb")  # noqa: SIM115 - kept open for the server's lifetime
        self.server = subprocess.Popen([str(self.bin / "liandong"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                       env=self.env, cwd=self.work, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 240
        while time.time() < deadline:
            if self.server.poll() is not None:
                raise SystemExit(f"服务启动即退出（{self.server.returncode}）：{(self.work / 'server.log').read_text()[-800:]}")
            try:
                if httpx.get(self.base + "/login", timeout=2).status_code == 200:
                    threading.Thread(target=self._watch, daemon=True).start()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise SystemExit("服务未能在 240 秒内启动")

    def _watch(self) -> None:
        while self.server and self.server.poll() is None:
            if rss(self.server.pid) > MEMORY_CAP:
                os.killpg(self.server.pid, signal.SIGKILL)
                print("probe: 服务内存超过 1.5 GB，已终止", file=sys.stderr)
                return
            time.sleep(0.1)

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(5)
        if self.postgres:
            try:
                self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            except Exception as error:  # noqa: BLE001 - the report says so; the run's results stand
                print(f"probe: 未能删除数据库 {self.pg_name}：{error}", file=sys.stderr)

    # --- clients -------------------------------------------------------------------------------------------------
    def client(self, headers: dict | None = None, **kw) -> httpx.Client:
        # One connection per request: the old code's server drops a keep-alive connection after a 500, which would
        # turn the next request's answer into a reset.
        return httpx.Client(base_url=self.base, timeout=kw.pop("timeout", 30), follow_redirects=False,
                            headers={"Connection": "close", **(headers or {})}, **kw)

    def api(self) -> httpx.Client:
        return self.client({"Authorization": f"Bearer {self.token}"})

    def login(self, username: str, password: str = PASSWORD, address: str | None = None) -> tuple[httpx.Client, int]:
        """A browser logged in (status 303) or not (the status of the log-in answer)."""
        headers = {"X-Forwarded-For": address} if address else {}
        browser = self.client(headers=headers)
        form = browser.get("/login")
        status = browser.post("/login", data={"username": username, "password": password, "csrf_token": _csrf(form.text)}).status_code
        if status == 303:
            page = browser.get("/", follow_redirects=True)
            token = _csrf(page.text) or _csrf(browser.get("/orders", follow_redirects=True).text)
            browser.headers["X-CSRF-Token"] = token
            browser.csrf = token
        return browser, status

    def create_order(self, client: httpx.Client | None = None, **fields) -> httpx.Response:
        own = client is None
        client = client or self.api()
        try:
            return client.post("/api/orders", json={**ORDER, **fields})
        finally:
            if own:
                client.close()


def _csrf(text: str) -> str:
    found = CSRF.search(text or "")
    return (found.group(1) or found.group(2)) if found else ""


def forge_cookie(payload: dict, key: str) -> str:
    """A Starlette session cookie (itsdangerous TimestampSigner over base64 JSON), as the old middleware signs it."""
    from itsdangerous import TimestampSigner

    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(key).sign(data).decode()


def httpx_protocol_errors() -> type[Exception]:
    """h11's error when the server answers and closes before the whole body was sent (it refused to read on)."""
    from h11 import LocalProtocolError

    return LocalProtocolError


def _message(response: httpx.Response) -> str:
    """The server's own words for a refusal (its JSON `detail` or `message`), short."""
    try:
        body = response.json()
    except ValueError:
        return ""
    found = body.get("detail") or body.get("message") or body.get("error") if isinstance(body, dict) else body
    return f"「{str(found)[:60]}」" if found else ""


def served(response: httpx.Response) -> bool:
    """The request was answered as a logged-in caller (a 2xx with the data, not a log-in page or an error)."""
    return 200 <= response.status_code < 300


# --- the weaknesses ------------------------------------------------------------------------------------------------
def w1(t: Target) -> tuple[bool, str]:
    admin = t.users["p_admin"]
    browser, status = t.login("p_admin")
    names = list(browser.cookies.keys())
    forged = {name: forge_cookie({"uid": admin["id"]}, DEFAULT_KEY) for name in names} or {"session": forge_cookie({"uid": admin["id"]}, DEFAULT_KEY)}
    with t.client(cookies=forged) as c:
        forged_status = c.get("/api/orders?limit=1").status_code
    saved = dict(browser.cookies.items())
    browser.post("/logout", data={"csrf_token": getattr(browser, "csrf", "")})
    browser.close()
    with t.client(cookies=saved) as c:
        reused_status = c.get("/api/orders?limit=1").status_code
    exposed = 200 <= forged_status < 300 or 200 <= reused_status < 300
    return exposed, (f"log-in {status}; cookie {{\"uid\": {admin['id']}}} signed with {DEFAULT_KEY} → {forged_status}; "
                     f"saved cookie after log-out → {reused_status}")


def w2(t: Target) -> tuple[bool, str]:
    with t.client() as anon:
        drafts = anon.get("/api/kb/items?status=draft")
        one = anon.get("/api/kb/items/1")
    created = []
    for username in ("p_taker", "p_leader"):
        browser, _ = t.login(username)
        created.append(browser.post("/api/kb/items", json={"question": "探针：哪里办理居住证？", "answer": "探针"}).status_code)
        browser.close()
    exposed = served(drafts) or served(one) or any(200 <= s < 300 for s in created)
    return exposed, (f"anonymous /api/kb/items?status=draft → {drafts.status_code}, /api/kb/items/1 → {one.status_code}; "
                     f"call-taker / leader POST /api/kb/items → {created[0]} / {created[1]}")


def w3(t: Target) -> tuple[bool, str]:
    size = 20 * 2**20
    chunk = b" " * 2**16

    head, tail = b'{"content": "', b'"}'
    pad = size - len(head) - len(tail)

    def body():
        yield head
        for start in range(0, pad, len(chunk)):
            yield chunk[: min(len(chunk), pad - start)]
        yield tail

    peak = [0]
    before = rss(t.server.pid)
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss(t.server.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        with t.client(timeout=60) as anon:
            status = anon.post("/api/orders", content=body(), headers={"Content-Type": "application/json", "Content-Length": str(size)}).status_code
    except (httpx.HTTPError, httpx_protocol_errors()) as error:
        status = f"connection closed ({type(error).__name__})"
    finally:
        done.set()
        sampler.join()
    grown = max(0, peak[0] - before) / 2**20
    # The log-in throttle's memory: 20 log-ins with 500 KB usernames; what stays resident afterwards.
    kept_before = rss(t.server.pid)
    statuses = set()
    with t.client(headers={"X-Forwarded-For": "10.33.0.1"}) as c:
        token = _csrf(c.get("/login").text)
        for n in range(20):
            name = f"{n:02d}" + "u" * (500 * 1024)
            try:
                statuses.add(c.post("/login", data={"username": name, "password": "x", "csrf_token": token}).status_code)
            except httpx.HTTPError as error:
                statuses.add(type(error).__name__)
    time.sleep(0.3)
    kept = max(0, rss(t.server.pid) - kept_before) / 2**20
    exposed = status != 413 or kept >= 5
    return exposed, (f"anonymous 20 MB JSON to /api/orders → {status}, server grew {grown:.0f} MB while reading; "
                     f"20 log-ins with 500 KB usernames → {sorted(map(str, statuses))}, {kept:.1f} MB kept")


def w4(t: Target) -> tuple[bool, str]:
    guesses = 12
    tabs = [t.client(headers={"X-Forwarded-For": "10.44.0.1"}, timeout=120) for _ in range(guesses)]
    tokens = [_csrf(tab.get("/login").text) for tab in tabs]
    start = threading.Barrier(guesses)

    def guess(n: int) -> int:
        start.wait()
        return tabs[n].post("/login", data={"username": "p_victim", "password": f"guess-{n}", "csrf_token": tokens[n]}).status_code

    with ThreadPoolExecutor(guesses) as pool:
        results = list(pool.map(guess, range(guesses)))
    for tab in tabs:
        tab.close()
    evaluated = results.count(400)
    # A stranger's failures from another address, then the real user at their own desk.
    stranger = [t.login("p_admin2", "is-it-this-one", address="10.44.0.2")[1] for _ in range(THROTTLE_LIMIT + 2)]
    time.sleep(3.5)
    owner, owner_status = t.login("p_admin2", address="10.44.0.3")
    owner.close()
    exposed = evaluated > THROTTLE_LIMIT or owner_status != 303
    return exposed, (f"{guesses} simultaneous wrong guesses: {evaluated} checked against the password (limit {THROTTLE_LIMIT}), "
                     f"{results.count(429)} refused; after a stranger's {len(stranger)} failures the owner's log-in → {owner_status}")


def _units(t: Target) -> list[str]:
    """Two units an order may be dispatched to, from the checkout's own catalogue file."""
    import csv

    path = t.source / "src" / "liandong" / "catalog" / "data" / "departments.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [row["code"] for row in rows]


def _dispatchable_pair(t: Target, api: httpx.Client) -> tuple[str, str] | None:
    """Two units the integration account can dispatch one order to (tried one after the other on a scratch order)."""
    ok = []
    for code in _units(t)[:40]:
        order = t.create_order(api).json()
        if api.post(f"/api/orders/{order['id']}/actions", json={"action": "dispatch", "to": code}).status_code == 200:
            ok.append(code)
            if len(ok) == 2:
                return ok[0], ok[1]
    return None


def w5(t: Target) -> tuple[bool, str]:
    tries = 10
    with t.api() as api:
        pair = _dispatchable_pair(t, api)
    if pair is None:
        return True, "no two units accepted a dispatch; not measured"
    both, statuses = 0, []
    clients = [t.api(), t.api()]
    for _ in range(tries):
        order = t.create_order(clients[0]).json()
        barrier = threading.Barrier(2)

        def send(n, order_id=order["id"], barrier=barrier):
            barrier.wait()
            return clients[n].post(f"/api/orders/{order_id}/actions", json={"action": "dispatch", "to": pair[n]}).status_code

        with ThreadPoolExecutor(2) as pool:
            got = list(pool.map(send, range(2)))
        statuses += got
        both += all(s == 200 for s in got)
    merge_statuses = []
    for _ in range(5):
        a, b = (t.create_order(clients[0]).json()["id"] for _ in range(2))
        barrier = threading.Barrier(2)

        def merge(n, ids=(a, b), barrier=barrier):
            barrier.wait()
            return clients[n].post(f"/api/orders/{ids[n]}/actions", json={"action": "merge", "into": ids[1 - n]}).status_code

        with ThreadPoolExecutor(2) as pool:
            merge_statuses += list(pool.map(merge, range(2)))
    for c in clients:
        c.close()
    losers = sorted({s for s in statuses if s != 200})
    bad_merges = sorted({s for s in merge_statuses if s >= 500 or s == 422})
    exposed = both > 0 or any(s >= 500 or s == 422 for s in statuses) or bool(bad_merges)
    return exposed, (f"two simultaneous dispatches both succeeded in {both}/{tries} tries (losers answered {losers or '-'}); "
                     f"cross-merges A→B/B→A answered {sorted(set(merge_statuses))}")


def w6(t: Target) -> tuple[bool, str]:
    now = datetime.now(CST)
    past = (now - timedelta(days=3)).replace(microsecond=0).isoformat()
    browser, _ = t.login("p_taker")
    made = t.create_order(browser, received_at=past)
    browser.close()
    backdated = made.status_code == 201 and str(made.json().get("received_at", ""))[:10] <= past[:10]
    with t.api() as api:
        ancient = t.create_order(api, received_at="0001-01-01T00:00:00+08:00")
        pair = _dispatchable_pair(t, api)
        # An order an integration received five days ago (integrations may give past times), dispatched by a person
        # "three days ago".
        order = t.create_order(api, received_at=(now - timedelta(days=5)).replace(microsecond=0).isoformat()).json()
    acted, at_backdated = "-", False
    if pair:
        dispatcher, _ = t.login("p_dispatcher")
        answer = dispatcher.post(f"/api/orders/{order['id']}/actions", json={"action": "dispatch", "to": pair[0], "at": past})
        acted = answer.status_code if answer.status_code == 200 else f"{answer.status_code} {_message(answer)}"
        if answer.status_code == 200:
            timeline = dispatcher.get(f"/api/orders/{order['id']}/timeline").json()
            at_backdated = any(str(e.get("at", ""))[:10] <= past[:10] and e.get("action") == "dispatch" for e in timeline)
        dispatcher.close()
    number = ancient.json().get("number") if ancient.status_code == 201 else None
    exposed = backdated or at_backdated or ancient.status_code == 201
    return exposed, (f"call-taker received_at 3 days ago → {made.status_code}{' kept' if backdated else ''}; "
                     f"dispatcher at= 3 days ago → {acted}{' kept' if at_backdated else ''}; "
                     f"received_at 0001-01-01 → {ancient.status_code}{' ' + number if number else ''}")


def w7(t: Target) -> tuple[bool, str]:
    with t.api() as api:
        for n in range(3):
            t.create_order(api, caller_phone=f"1391234{n:04d}")
        token_phones = len(set(PHONE.findall(api.get("/api/orders?limit=500").text)))
        token_item = api.post("/api/kb/items", json={"question": "探针：令牌能否新建条目？", "answer": "探针"}).status_code
    leader, _ = t.login("p_leader")
    listing = leader.get("/api/orders?limit=500")
    leader.close()
    leader_phones = len(set(PHONE.findall(listing.text)))
    exposed = leader_phones > 0 or token_phones > 0 or 200 <= token_item < 300
    return exposed, (f"leader /api/orders?limit=500 → {listing.status_code}, {leader_phones} full phone numbers; "
                     f"integration token: {token_phones} full numbers, POST /api/kb/items → {token_item}")


def w8(t: Target) -> tuple[bool, str]:
    failures: list[str] = []
    answers: dict[int, int] = {}

    def check(label: str, response: httpx.Response) -> None:
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(f"{label} {response.status_code}")

    with t.api() as api:
        check("received_at 0001-01-01", t.create_order(api, received_at="0001-01-01T00:00:00+08:00"))
        order = t.create_order(api).json()["id"]
        other = t.create_order(api).json()["id"]
        check("api item id 2^63", api.get(f"/api/kb/items/{BIG_ID}"))
        check("api order id 2^63", api.get(f"/api/orders/{BIG_ID}"))
        if t.postgres:
            check("address 300 chars", t.create_order(api, address="路" * 300))
            check("transferred_from 100 chars", t.create_order(api, transferred_from="x" * 100))
            check("NUL in content", t.create_order(api, content="占道经营\x00反映"))
    admin, _ = t.login("p_admin")
    for path in (f"/kb/items/{BIG_ID}", f"/kb/passages/{BIG_ID}", f"/orders/{order}/attachments/{BIG_ID}", f"/orders/{BIG_ID}"):
        check(f"GET {path.replace(BIG_ID, '2^63')}", admin.get(path))
    form = {"csrf_token": admin.csrf}
    check("days=²", admin.post(f"/orders/{order}/act", data={**form, "action": "request_extension", "days": SUP2, "note": "探针"}))
    check("into=²", admin.post(f"/orders/{order}/act", data={**form, "action": "merge", "into": SUP2}))
    check("duplicate_of_id=²", admin.post(f"/orders/{order}/act", data={**form, "action": "mark_invalid", "duplicate_of_id": SUP2, "note": "探针"}))
    check("user_id=abc", admin.post("/admin/users", data={**form, "intent": "update", "user_id": "abc", "username": "p_taker"}))
    admin.close()
    dispatcher, _ = t.login("p_dispatcher")
    check("bulk ids=²", dispatcher.post("/dispatch/bulk", data={"csrf_token": dispatcher.csrf, "ids": [SUP2, str(other)], "to": "x"}))
    dispatcher.close()
    seen = ", ".join(f"{status}×{count}" for status, count in sorted(answers.items()))
    return bool(failures), (f"{len(failures)} of {sum(answers.values())} inputs answered 5xx ({seen})"
                            + (": " + "; ".join(failures) if failures else ""))


def w9(t: Target, seconds: float = 8.0) -> tuple[bool, str]:
    latencies: list[float] = []
    errors: list[str] = []
    reads = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def writer():
        with t.api() as api:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    r = api.post("/api/orders", json=ORDER)
                    status = r.status_code
                    if status != 201:
                        errors.append(f"{status}{' database is locked' if 'locked' in r.text else ''}")
                except httpx.HTTPError as error:
                    errors.append(type(error).__name__)
                    continue
                with lock:
                    latencies.append(time.perf_counter() - t0)

    def reader():
        browser, _ = t.login("p_dispatcher")
        while time.perf_counter() < stop:
            try:
                status = browser.get("/orders").status_code
            except httpx.HTTPError as error:
                errors.append(type(error).__name__)
                continue
            if status != 200:
                errors.append(f"page {status}")
            with lock:
                reads[0] += 1
        browser.close()

    threads = [threading.Thread(target=writer) for _ in range(4)] + [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000 if ordered else float("nan")
    return bool(errors), (f"4 writers + 2 page readers for {seconds:.0f} s: {len(latencies) / seconds:.0f} creations/s, p99 {p99:.0f} ms, "
                          f"{reads[0]} pages, errors {sorted(set(errors)) or 0} (rate and p99 are this machine's; bench/load_orders.py measures them)")


PROBES = {1: w1, 2: w2, 3: w3, 4: w4, 5: w5, 6: w6, 7: w7, 8: w8, 9: w9}
ROLES = {"p_admin": "admin", "p_admin2": "admin", "p_victim": "supervisor", "p_dispatcher": "dispatcher",
         "p_taker": "call_taker", "p_leader": "leader"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Probe the weaknesses of issue 11 against a running checkout (loopback only).")
    parser.add_argument("--source", type=Path, default=HERE, help="checkout with its own .venv (default: this tree)")
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL (a fresh database is created beside it)")
    parser.add_argument("--only", default="", help="comma-separated weakness numbers (default: all nine)")
    parser.add_argument("--budget", type=float, default=600, help="seconds for the whole run")
    args = parser.parse_args(argv)
    try:
        chosen = [int(n) for n in args.only.split(",") if n.strip()] or list(PROBES)
    except ValueError:
        parser.error("--only 须为逗号分隔的编号，例如 1,2,3")
    if any(n not in PROBES for n in chosen):
        parser.error("--only 的编号须在 1 到 9 之间")
    work = Path(tempfile.mkdtemp(prefix="probe-"))
    deadline = time.time() + args.budget
    exposed_any = False
    target = None
    try:
        target = Target(args.source.resolve(), args.db, work)
        target.prepare(ROLES)
        target.start()
        print(f"# source {target.source} · database {'postgresql' if target.postgres else 'sqlite'}", flush=True)
        for n in chosen:
            if time.time() > deadline:
                print(f"weakness {n}: EXPOSED — not probed: the --budget of {args.budget:.0f} s ran out", flush=True)
                exposed_any = True
                continue
            try:
                exposed, detail = PROBES[n](target)
            except Exception as error:  # noqa: BLE001 - one probe's failure is reported, the others still run
                if os.environ.get("PROBE_DEBUG"):
                    import traceback

                    traceback.print_exc()
                exposed, detail = True, f"the probe could not complete: {type(error).__name__}: {str(error)[:200]}"
            exposed_any |= exposed
            print(f"weakness {n}: {'EXPOSED' if exposed else 'HELD'} — {detail}", flush=True)
    except SystemExit as error:
        print(f"probe: {error}", file=sys.stderr)
        return 2
    finally:
        if target is not None:
            target.stop()
            if os.environ.get("PROBE_DEBUG") and (work / "server.log").exists():
                print((work / "server.log").read_text()[-3000:], file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    return 1 if exposed_any else 0


if __name__ == "__main__":
    sys.exit(main())
