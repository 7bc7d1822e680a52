"""Server-side sessions: a saved cookie dies with log-out, a password change, disabling or a timeout; forged
cookies signed with the old built-in key (or even the real key) log nobody in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import select, update

from liandong.account import service as accounts
from liandong.account.models import User, UserSession
from liandong.account.secret import InsecureConfiguration
from liandong.app import create_app
from liandong.config import configure, settings
from liandong.core.clock import now
from liandong.db import unit_of_work

SESSION_COOKIE = "liandong_session"


def _saved_cookie(tab) -> str:
    return tab.client.cookies.get(SESSION_COOKIE)


def _replay(engine, cookie: str) -> int:
    """A fresh client presenting only a saved cookie, as an attacker with a copy would."""
    with TestClient(create_app(engine), cookies={SESSION_COOKIE: cookie}) as thief:
        return thief.get("/api/orders", params={"limit": 1}).status_code


def _sign(payload: dict, key: str) -> str:
    import base64
    import json

    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(key).sign(data).decode()


def test_a_saved_cookie_does_not_outlive_log_out(browser, engine):
    tab = browser("w_dispatcher")
    cookie = _saved_cookie(tab)
    assert _replay(engine, cookie) == 200
    tab.get("/orders")
    assert tab.post("/logout").status_code == 303
    assert _replay(engine, cookie) == 401


def test_a_password_change_ends_every_session_of_that_user(browser, engine):
    first, second = browser("w_supervisor"), browser("w_supervisor")
    saved = [_saved_cookie(first), _saved_cookie(second)]
    other = browser("w_leader")
    with unit_of_work(engine) as session:
        accounts.set_password(session, username="w_supervisor", password="web-test-pass")
    assert [_replay(engine, cookie) for cookie in saved] == [401, 401]
    assert first.get("/orders", follow_redirects=False).status_code == 303  # back to the log-in page
    assert other.client.get("/api/orders", params={"limit": 1}).status_code == 200


def test_disabling_an_account_ends_its_sessions_at_once(browser, engine):
    tab = browser("w_cgj")
    cookie = _saved_cookie(tab)
    with unit_of_work(engine) as session:
        user = accounts.find_user(session, "w_cgj")
        accounts.update_user(session, user_id=user.id, active=False)
    try:
        with unit_of_work(engine) as session:
            accounts.update_user(session, user_id=accounts.find_user(session, "w_cgj").id, active=True)
        # Re-enabling does not bring the old session back.
        assert _replay(engine, cookie) == 401
    finally:
        with unit_of_work(engine) as session:
            accounts.update_user(session, user_id=accounts.find_user(session, "w_cgj").id, active=True)


@pytest.mark.parametrize("column", ["last_seen_at", "expires_at"])
def test_idle_and_absolute_timeouts_end_a_session(browser, engine, column):
    tab = browser("w_taker")
    cookie = _saved_cookie(tab)
    assert _replay(engine, cookie) == 200
    with unit_of_work(engine) as session:
        user_id = session.scalar(select(User.id).where(User.username == "w_taker"))
        live = select(UserSession.id).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        moment = now() - (timedelta(minutes=settings().session_idle_minutes + 1) if column == "last_seen_at" else timedelta(seconds=1))
        session.execute(update(UserSession).where(UserSession.id.in_(live)).values({column: moment}))
    assert _replay(engine, cookie) == 401


def test_the_database_keeps_only_a_hash_of_the_session_id(browser, engine):
    tab = browser("w_zjj")
    cookie = _saved_cookie(tab)
    with unit_of_work(engine) as session:
        hashes = session.scalars(select(UserSession.token_hash)).all()
    assert hashes and all(len(h) == 64 for h in hashes)
    assert not any(h in cookie for h in hashes)


def test_a_cookie_forged_with_the_old_default_key_or_the_real_key_logs_nobody_in(engine, web_users):
    with unit_of_work(engine) as session:
        admin_id = accounts.find_user(session, "w_admin").id
    # The attack from the issue: sign {"uid": <admin>} with the key every installation used to share.
    assert _replay(engine, _sign({"uid": admin_id}, "change-me-in-production")) == 401
    # Even someone holding this installation's key cannot mint a session: ids live only in the database.
    from liandong.account.secret import installation_secret

    real_key = installation_secret(settings().var_dir)
    assert _replay(engine, _sign({"uid": admin_id}, real_key)) == 401
    assert _replay(engine, _sign({"sid": "guessed-session-id"}, real_key)) == 401


def test_the_old_default_key_refuses_to_start_outside_the_demo(engine):
    previous = settings()
    try:
        configure(**{**previous.model_dump(exclude_unset=True), "secret_key": "change-me-in-production"})
        with pytest.raises(InsecureConfiguration):
            create_app(engine)
        configure(**{**previous.model_dump(exclude_unset=True), "secret_key": "change-me-in-production", "demo": True})
        create_app(engine)
    finally:
        configure(**previous.model_dump(exclude_unset=True))
