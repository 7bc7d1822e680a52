"""Who is calling: one identity loader for API and pages, cached per request.

A browser presents a signed cookie holding a random session id that must match a live server-side session; an
integrating system presents its own API token. Either way the result is an Actor that every service call takes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from fastapi import Request

from liandong.account import sessions, tokens
from liandong.account.models import User
from liandong.catalog.models import Department
from liandong.config import settings
from liandong.core import after
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.errors import PermissionDenied, Unauthenticated
from liandong.db import session_factory

SESSION_ID = "sid"
_CACHE = "liandong.identity"
_NOBODY = object()


@dataclass(frozen=True)
class Identity:
    """The caller: a logged-in person (user_id set) or an integrating system (actor.token set)."""

    actor: Actor
    user_id: int | None = None
    display_name: str = ""
    department_name: str | None = None
    session_token: str | None = None


def timeouts() -> sessions.Timeouts:
    config = settings()
    return sessions.Timeouts(idle=timedelta(minutes=config.session_idle_minutes), absolute=timedelta(hours=config.session_absolute_hours))


def cookie_session(request: Request) -> dict:
    # Absent when the app runs without the web middleware (API-only tests).
    return request.scope.get("session") if "session" in request.scope else {}


def bearer(request: Request) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _of_user(user: User, db, token: str) -> Identity:
    department = db.get(Department, user.department_code) if user.department_code else None
    return Identity(
        actor=Actor(name=user.username, role=Role(user.role), department_code=user.department_code),
        user_id=user.id,
        display_name=user.display_name,
        department_name=department.name if department else None,
        session_token=token,
    )


def _load(request: Request) -> Identity | None:
    now = clock_now()
    cookie = cookie_session(request)
    session_token = cookie.get(SESSION_ID) if cookie else None
    presented = bearer(request)
    if not session_token and not presented:
        return None
    engine = request.app.state.engine
    # Only reads, so a read never waits for (or fails on) a writer; last-seen marks and token use are written after
    # the response, each in its own short transaction (core.after).
    if session_token:
        with session_factory(engine)() as db:
            user, mark = sessions.resolve(db, token=str(session_token), now=now, timeouts=timeouts())
            identity = _of_user(user, db, str(session_token)) if user is not None else None
            if mark is not None:
                after.defer(request.scope, engine, partial(sessions.save_mark, mark=mark, now=now))
            if identity is None:
                # A dead session id is dropped from the cookie; it never falls back to a token.
                cookie.pop(SESSION_ID, None)
            return identity
    # A token is one plain read on a pooled connection (no ORM session): it runs on every integration call.
    with engine.connect() as connection:
        row = tokens.authenticate(connection, token=presented, now=now)
        if row is not None:
            if tokens.use_due(row, now):
                after.defer(request.scope, engine, partial(tokens.record_use, token_id=row.id, now=now))
            return Identity(actor=tokens.actor_of(row), display_name=row.name)
    legacy = getattr(request.app.state, "api_token", None)
    if legacy and hmac.compare_digest(presented.encode("utf-8", "surrogatepass"), legacy.encode("utf-8", "surrogatepass")):
        return Identity(actor=tokens.LEGACY_ACTOR, display_name="legacy")
    return None


def identify(request: Request) -> Identity | None:
    """The caller of this request, loaded once and kept on the request."""
    cached = request.scope.get(_CACHE, _NOBODY)
    if cached is _NOBODY:
        cached = _load(request)
        request.scope[_CACHE] = cached
    return cached


def forget(request: Request) -> None:
    """After log-in or log-out the request's caller changes."""
    request.scope.pop(_CACHE, None)


def current_actor(request: Request) -> Actor:
    """The logged-in operator (server-side session) or an integrating system (its API token); nobody else."""
    identity = identify(request)
    if identity is None:
        raise Unauthenticated("请先登录，或在请求头提供接口令牌（Authorization: Bearer …）")
    return identity.actor


def scoped(scope: str):
    """A dependency: the caller, who must hold `scope` when calling with a token."""

    def check(request: Request) -> Actor:
        actor = current_actor(request)
        if not actor.may(scope):
            raise PermissionDenied(f"接口令牌 {actor.token} 无此权限：{tokens.SCOPES.get(scope, scope)}（{scope}）")
        return actor

    return check
