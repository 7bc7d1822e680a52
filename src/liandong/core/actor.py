"""Who is acting: passed into every service call so permissions live in the service layer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from liandong.core.errors import PermissionDenied


class Role(StrEnum):
    CALL_TAKER = "call_taker"
    DISPATCHER = "dispatcher"
    COUNTY_DISPATCHER = "county_dispatcher"
    UNIT_HANDLER = "unit_handler"
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    ADMIN = "admin"
    SYSTEM = "system"
    POLICE_DESK = "police_desk"  # the 110 desk of a 110-role platform
    LINKAGE = "linkage"  # a peer platform's messages, applied by the integration account
    CITIZEN = "citizen"  # a citizen on the public page or through a channel gateway (WeChat, apps, 政务服务网)


ROLE_LABELS: dict[Role, str] = {
    Role.CALL_TAKER: "话务员",
    Role.DISPATCHER: "派单员",
    Role.COUNTY_DISPATCHER: "分中心派单员",
    Role.UNIT_HANDLER: "承办单位",
    Role.SUPERVISOR: "热线督查",
    Role.LEADER: "领导",
    Role.ADMIN: "管理员",
    Role.SYSTEM: "系统",
    Role.POLICE_DESK: "110 接警员",
    Role.LINKAGE: "对接平台",
    Role.CITIZEN: "市民",
}

# Roles that act for the whole centre regardless of unit.
CENTRE_WIDE = frozenset({Role.ADMIN, Role.SYSTEM})
# Roles of the city 12345 centre: they see every order of the city.
CENTRE_ROLES = frozenset(
    {Role.CALL_TAKER, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.SYSTEM, Role.POLICE_DESK, Role.LINKAGE}
)


@dataclass(frozen=True)
class Actor:
    name: str
    role: Role
    department_code: str | None = None  # a unit handler's unit; a county dispatcher's sub-centre
    # An integrating system calling with its API token: its name and the operations it may call (None = a person).
    token: str | None = None
    scopes: frozenset[str] | None = None
    # Records what happened elsewhere (data imports on the command line, history generators): may give past times.
    records_history: bool = False
    # A citizen acts on the one order they proved is theirs (tracking code + the phone's last four digits).
    own_order: int | None = None

    @property
    def centre_wide(self) -> bool:
        return self.role in CENTRE_WIDE

    @property
    def may_backdate(self) -> bool:
        """The system, an integrating system or a history import may say an event happened earlier; people may not."""
        return self.role is not Role.CITIZEN and (self.role is Role.SYSTEM or self.token is not None or self.records_history)

    def may(self, scope: str) -> bool:
        """People are governed by their role alone; a token also needs the scope of the operation."""
        return self.scopes is None or scope in self.scopes


SYSTEM = Actor(name="system", role=Role.SYSTEM)
CLI = Actor(name="cli", role=Role.ADMIN, records_history=True)


def require_admin(actor: Actor, what: str) -> None:
    """Catalogue and configuration changes are for administrators (and the system) only."""
    if not actor.centre_wide:
        raise PermissionDenied(f"{ROLE_LABELS[actor.role]}无权{what}，请联系系统管理员")
