"""Demo accounts, one per role, so `liandong demo` can be tried right away (never use these in production)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from liandong.account import service

DEMO_PASSWORD = "demo12345"
# (username, display name, role, unit)
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("hotline", "坐席 王敏", "call_taker", None),
    ("dispatcher", "派单员 李强", "dispatcher", None),
    ("zz12345", "泽州县分中心 陈静", "county_dispatcher", "zz-12345"),
    ("zjj", "住建局 赵工", "unit_handler", "zjj"),
    ("cgj", "城管局 孙科", "unit_handler", "cgj"),
    ("zzzjj", "泽州县住建局 韩工", "unit_handler", "zz-zjj"),
    ("bgz", "巴公镇 王干事", "unit_handler", "zz-bgz"),
    ("supervisor", "督查专员 周洁", "supervisor", None),
    ("leader", "热线中心 郭主任", "leader", None),
    ("admin", "系统管理员", "admin", None),
)
# On a 110-role instance (`liandong demo --role 110`), the desk that answers 12345's transfers.
DEMO_110_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (("desk110", "110 接警员 赵强", "police_desk", None),)


def seed_demo_accounts(session: Session, *, now: datetime) -> list[str]:
    """Create the demo accounts that do not exist yet; existing ones (and their passwords) are left alone."""
    from liandong.config import settings

    created = []
    accounts = DEMO_ACCOUNTS + (DEMO_110_ACCOUNTS if settings().platform_role == "110" else ())
    for username, display_name, role, department in accounts:
        if service.find_user(session, username) is None:
            service.create_user(
                session, now=now, username=username, password=DEMO_PASSWORD, role=role, display_name=display_name, department_code=department
            )
            created.append(username)
    return created
