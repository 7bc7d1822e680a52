"""Abuse from loopback, as in the issue: oversized bodies are refused before parsing or authentication, the log-in
throttle is counted before the password hash (concurrency cannot beat it), kept in the database (processes agree),
bounded whatever the usernames, and a stranger cannot lock the real user out."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.web.conftest import PASSWORD, Browser

from liandong.account import throttle
from liandong.account.models import LoginCounter
from liandong.app import create_app
from liandong.db import unit_of_work


def _client(engine, address: str) -> TestClient:
    return TestClient(create_app(engine), client=(address, 50000))


def test_an_oversized_json_body_is_refused_before_authentication(engine):
    with _client(engine, "10.30.0.1") as client:
        declared = client.post("/api/orders", content=b"{" + b" " * (2 * 1024 * 1024) + b"}", headers={"content-type": "application/json"})
        assert declared.status_code == 413 and "请求内容过大" in declared.json()["detail"]

        def chunks():
            for _ in range(40):
                yield b" " * 65536

        streamed = client.post("/api/orders", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert client.post("/api/orders", json={"content": "x"}).status_code == 401  # a normal body reaches the auth check


def test_a_huge_multipart_or_form_post_to_login_is_refused_before_csrf(engine):
    with _client(engine, "10.30.0.2") as client:
        upload = client.post("/login", files={"file": ("a.bin", b"\0" * (12 * 1024 * 1024))})
        assert upload.status_code == 413
        form = client.post("/login", data={"username": "u" * (300 * 1024), "password": "x"})
        assert form.status_code == 413


def test_log_in_counters_stay_small_whatever_the_usernames(browser, engine):
    tab = browser(address="10.30.0.3")
    for n in range(6):
        tab.login(f"{n}" + "名" * 20_000, "wrong-password")
    with unit_of_work(engine) as session:
        longest = session.scalar(select(func.max(func.length(LoginCounter.key))))
    assert longest <= 64
    with unit_of_work(engine) as session:
        assert "名名名" not in " ".join(session.scalars(select(LoginCounter.key)))


def test_simultaneous_guesses_cannot_beat_the_throttle(engine, web_users):
    # Apps and pages are built in this thread (warnings filters are not thread-safe); the threads only post.
    app = create_app(engine)
    Browser(TestClient(app, client=("10.30.9.9", 50000))).login("warm-up", "x")
    tabs = [Browser(TestClient(app, client=("10.30.0.4", 50000))) for _ in range(20)]
    for tab in tabs:
        tab.get("/login")
    results: list[int] = []
    start = threading.Event()

    def attempt(tab, n):
        start.wait()
        results.append(tab.post("/login", {"username": "w_leader", "password": f"guess-{n}"}).status_code)

    threads = [threading.Thread(target=attempt, args=(tab, n)) for n, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    start.set()
    for thread in threads:
        thread.join(60)
    assert len(results) == 20
    # Only the allowance was checked against the password hash; the rest were refused before hashing.
    assert results.count(400) <= throttle.PAIR.limit and results.count(429) >= 20 - throttle.PAIR.limit
    right = Browser(TestClient(app, client=("10.30.0.4", 50000)))
    assert right.login("w_leader", PASSWORD).status_code == 429


def test_a_stranger_cannot_lock_the_real_user_out(browser, engine):
    stranger = browser(address="10.30.0.5")
    for _ in range(throttle.ACCOUNT.limit + 2):
        assert stranger.login("w_admin", "is-it-this-one").status_code in (400, 429)
    time.sleep(throttle.PACE.total_seconds() + 0.2)
    # The real administrator, at their own desk, gets in (paced attempts, no lock on the account).
    assert browser(address="10.30.0.6").login("w_admin").status_code == 303


def test_two_server_processes_share_the_counters(engine, web_users):
    first, second = Browser(_client(engine, "10.30.0.7")), Browser(_client(engine, "10.30.0.7"))
    for _ in range(3):
        assert first.login("w_zjj", "wrong-one").status_code == 400
    for _ in range(2):
        assert second.login("w_zjj", "wrong-two").status_code == 400
    assert second.login("w_zjj", PASSWORD).status_code == 429
    assert first.login("w_zjj", PASSWORD).status_code == 429


