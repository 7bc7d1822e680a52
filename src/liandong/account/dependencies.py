"""FastAPI dependencies that say who is calling."""

from __future__ import annotations

from fastapi import Request

from liandong.account.models import User
from liandong.core.actor import Actor, Role
from liandong.core.errors import PermissionDenied
from liandong.db import session_factory

# Calls without a logged-in operator act as the hotline centre's integration account (API clients, scripts).
API_ACTOR = Actor(name="api", role=Role.ADMIN)


def current_actor(request: Request) -> Actor:
    """The logged-in operator when the request carries the web session cookie, else the integration account."""
    session = request.scope.get("session") if "session" in request.scope else None
    user_id = session.get("uid") if session else None
    if not user_id:
        return API_ACTOR
    with session_factory(request.app.state.engine)() as db:
        user = db.get(User, user_id)
        if user is None or not user.active:
            # A session for a removed or disabled account must never fall back to the integration account.
            raise PermissionDenied("登录已失效或账号已停用，请重新登录")
        return Actor(name=user.username, role=Role(user.role), department_code=user.department_code)
