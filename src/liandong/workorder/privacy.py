"""Who sees a caller's name and number (pure): in full, masked (138****5678, 张*), or not at all.

Full: the people who must talk to the caller — the call-taker who took the call, the supervisor who makes the
callback (回访), the unit handling the order (it must contact the caller), and the system. Everyone else at the
centre (dispatchers, county dispatchers, leaders, administrators) and integrations without `personal:read` see
masked values and may reveal one order's caller with a reason, which is recorded. A confidential (保密) caller is
hidden from the handling unit and the county sub-centre entirely, and cannot be revealed to them.
"""

from __future__ import annotations

import re
from enum import StrEnum

from liandong.core.actor import Actor, Role


class Access(StrEnum):
    FULL = "full"
    MASKED = "masked"
    HIDDEN = "hidden"


FULL_ROLES = frozenset({Role.CALL_TAKER, Role.SUPERVISOR, Role.UNIT_HANDLER, Role.SYSTEM})
OUTSIDE_THE_CENTRE = frozenset({Role.UNIT_HANDLER, Role.COUNTY_DISPATCHER})
PERSONAL_SCOPE = "personal:read"


def caller_access(*, confidential: bool, actor: Actor) -> Access:
    if confidential and actor.role in OUTSIDE_THE_CENTRE:
        return Access.HIDDEN
    if actor.scopes is not None and actor.role is not Role.SYSTEM:
        return Access.FULL if PERSONAL_SCOPE in actor.scopes and actor.role in FULL_ROLES else Access.MASKED
    return Access.FULL if actor.role in FULL_ROLES else Access.MASKED


def may_reveal(*, confidential: bool, actor: Actor) -> bool:
    """Masked viewers may reveal one caller with a reason; a hidden caller stays hidden; tokens need the scope."""
    if caller_access(confidential=confidential, actor=actor) is Access.HIDDEN:
        return False
    return actor.scopes is None or PERSONAL_SCOPE in actor.scopes


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else phone[:3] + "****"
    return "*" * len(phone)


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def caller_view(*, name: str | None, phone: str | None, access: Access) -> tuple[str | None, str | None]:
    if access is Access.FULL:
        return name, phone
    if access is Access.MASKED:
        return mask_name(name), mask_phone(phone)
    return None, None


_LONG_NUMBER = re.compile(r"\d[\d\- ]{5,}\d")
_TITLE = re.compile(r"[\u4e00-\u9fff](?:女士|先生|师傅|大爷|大妈|阿姨)")


def text_view(text: str | None, access: Access) -> str | None:
    """The order's own words as this reader may see them: a number a caller typed into the text (a phone, an ID) is
    masked like the caller's number (138****5678) for every reader who does not see the caller in full."""
    if access is Access.FULL or not text:
        return text
    return _LONG_NUMBER.sub(lambda m: mask_phone(re.sub(r"[\- ]", "", m.group(0))), text)


def scrub_text(text: str) -> str:
    """Numbers that could be a phone or an ID, and 王女士-style names, out of an order's text (retention purge)."""
    return _TITLE.sub("＊", _LONG_NUMBER.sub("＊", text or ""))
