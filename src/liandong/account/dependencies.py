"""FastAPI dependencies that say who is calling."""

from __future__ import annotations

from liandong.core.actor import Actor, Role

# Until operator log-in arrives, API calls act as the hotline centre's integration account.
API_ACTOR = Actor(name="api", role=Role.ADMIN)


def current_actor() -> Actor:
    return API_ACTOR
