"""Log-in state (a server-side session whose id rides in a signed cookie), CSRF tokens for every form, and the logged-in operator."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from liandong.account import sessions
from liandong.account.dependencies import SESSION_ID, forget, identify, timeouts
from liandong.account.models import User
from liandong.core.actor import ROLE_LABELS, Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.errors import PermissionDenied

SESSION_CSRF = "csrf"
SESSION_FLASH = "flash"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the log-in page."""

    def __init__(self, next_url: str = "/"):
        self.next_url = next_url


class CsrfFailed(Exception):
    pass


@dataclass(frozen=True)
class Operator:
    """The person at the screen, as the pages need them."""

    id: int
    username: str
    display_name: str
    role: Role
    department_code: str | None
    department_name: str | None

    @property
    def actor(self) -> Actor:
        return Actor(name=self.username, role=self.role, department_code=self.department_code)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def has(self, *roles: Role) -> bool:
        return self.role is Role.ADMIN or self.role in roles


def _session(request: Request) -> dict:
    # Absent when the app runs without the web middleware (API-only tests).
    return request.scope.get("session") if "session" in request.scope else {}


def csrf_token(request: Request) -> str:
    data = _session(request)
    token = data.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        data[SESSION_CSRF] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Every state-changing request carries the session's token, in the form or (HTMX) in a header."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = _session(request).get(SESSION_CSRF)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            sent = form.get(CSRF_FIELD)
    if not expected or not sent or not secrets.compare_digest(str(expected), str(sent)):
        raise CsrfFailed()


def log_in(request: Request, user: User, db: Session) -> None:
    """A fresh server-side session (a new id: a session fixed before log-in is never promoted)."""
    data = _session(request)
    old = data.get(SESSION_ID)
    if old:
        sessions.end_session(db, token=str(old), now=clock_now())
    data.clear()
    client = request.client.host if request.client else None
    data[SESSION_ID] = sessions.open_session(db, user=user, now=clock_now(), timeouts=timeouts(), client=client)
    data[SESSION_CSRF] = secrets.token_urlsafe(32)
    forget(request)


def log_out(request: Request, db: Session) -> None:
    data = _session(request)
    token = data.get(SESSION_ID)
    if token:
        sessions.end_session(db, token=str(token), now=clock_now())
    data.clear()
    forget(request)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    data = _session(request)
    data[SESSION_FLASH] = [*data.get(SESSION_FLASH, []), [kind, message]]


def pop_flashes(request: Request) -> list[list[str]]:
    return _session(request).pop(SESSION_FLASH, [])


def load_operator(request: Request) -> Operator | None:
    """The logged-in person, from the one identity loader (a token caller is no operator of the pages)."""
    identity = identify(request)
    if identity is None or identity.user_id is None:
        return None
    actor = identity.actor
    return Operator(
        id=identity.user_id,
        username=actor.name,
        display_name=identity.display_name,
        role=actor.role,
        department_code=actor.department_code,
        department_name=identity.department_name,
    )


def current_operator(request: Request) -> Operator:
    operator = load_operator(request)
    if operator is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return operator


CurrentOperator = Annotated[Operator, Depends(current_operator)]


def require(*roles: Role):
    """A dependency: the operator must hold one of `roles` (administrators always may)."""

    def check(operator: CurrentOperator) -> Operator:
        if not operator.has(*roles):
            raise PermissionDenied(f"{operator.role_label}无权访问此页面")
        return operator

    return check


def login_url(next_url: str) -> str:
    return "/login" if next_url in ("", "/") else f"/login?next={quote(next_url, safe='')}"
