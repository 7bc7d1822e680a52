"""FastAPI dependencies that say who is calling."""

from __future__ import annotations

import hmac

from fastapi import Request

from liandong.account.models import User
from liandong.core.actor import Actor, Role
from liandong.core.errors import PermissionDenied, Unauthenticated
from liandong.db import session_factory

# Integrations presenting the configured bearer token act as the hotline centre's integration account.
API_ACTOR = Actor(name="api", role=Role.ADMIN)


def _bearer(request: Request) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_actor(request: Request) -> Actor:
    """The logged-in operator (web session cookie), or the integration account (bearer token); nobody else."""
    session = request.scope.get("session") if "session" in request.scope else None
    user_id = session.get("uid") if session else None
    if not user_id:
        expected = getattr(request.app.state, "api_token", None)
        presented = _bearer(request)
        if expected and presented and hmac.compare_digest(presented.encode(), expected.encode()):
            return API_ACTOR
        raise Unauthenticated("请先登录，或在请求头提供接口令牌（Authorization: Bearer …）")
    with session_factory(request.app.state.engine)() as db:
        user = db.get(User, user_id)
        if user is None or not user.active:
            # A session for a removed or disabled account must never fall back to the integration account.
            raise PermissionDenied("登录已失效或账号已停用，请重新登录")
        return Actor(name=user.username, role=Role(user.role), department_code=user.department_code)
