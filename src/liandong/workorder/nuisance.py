"""Nuisance and malicious callers (恶意骚扰): repeated invalid or malicious calls from one number within a window
are flagged for review, with those calls as evidence; a supervisor confirms or dismisses the flag.

The rule is configuration (LIANDONG_NUISANCE_THRESHOLD calls within LIANDONG_NUISANCE_WINDOW_HOURS); the check runs
in the same transaction as the 无效/恶意 marking that completes the pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from liandong.audit import service as audit
from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, NotFound, PermissionDenied
from liandong.db import Base, UTCDateTime

INVALID_CLOSES = ("invalid", "malicious")
OPEN, CONFIRMED, DISMISSED = "open", "confirmed", "dismissed"
REVIEWERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})


class NuisanceFlag(Base):
    __tablename__ = "nuisance_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    caller_phone: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    order_ids: Mapped[list] = mapped_column(JSON, default=list)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(80), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)


@dataclass(frozen=True)
class Rule:
    threshold: int
    window: timedelta


def rule_from_settings() -> Rule:
    from liandong.config import settings

    config = settings()
    return Rule(threshold=config.nuisance_threshold, window=timedelta(hours=config.nuisance_window_hours))


def check(session: Session, *, phone: str | None, now: datetime, rule: Rule) -> NuisanceFlag | None:
    """After a call from `phone` is marked invalid or malicious: flag the number when the pattern is complete."""
    from liandong.workorder.models import WorkOrder

    if not phone:
        return None
    evidence = list(
        session.scalars(
            select(WorkOrder.id).where(
                WorkOrder.caller_phone == phone, WorkOrder.close_reason.in_(INVALID_CLOSES), WorkOrder.closed_at >= now - rule.window
            ).order_by(WorkOrder.id)
        )
    )
    if len(evidence) < rule.threshold:
        return None
    flag = session.scalar(select(NuisanceFlag).where(NuisanceFlag.caller_phone == phone, NuisanceFlag.status == OPEN))
    if flag is None:
        flag = NuisanceFlag(caller_phone=phone, status=OPEN, order_ids=evidence, flagged_at=now)
        session.add(flag)
        session.flush()
        audit.record(session, actor=None, action="nuisance.flag", now=now, target=f"flag:{flag.id}", order_ids=evidence)
    else:
        flag.order_ids = sorted(set(flag.order_ids) | set(evidence))
    return flag


def list_flags(session: Session, *, status: str | None = OPEN) -> list[NuisanceFlag]:
    query = select(NuisanceFlag).order_by(NuisanceFlag.id.desc())
    if status:
        query = query.where(NuisanceFlag.status == status)
    return list(session.scalars(query))


def review(session: Session, *, flag_id: int, actor: Actor, now: datetime, confirm: bool, note: str | None = None) -> NuisanceFlag:
    if actor.role not in REVIEWERS:
        raise PermissionDenied("只有热线督查或管理员可以核实骚扰号码")
    flag = session.get(NuisanceFlag, flag_id)
    if flag is None:
        raise NotFound(f"标记不存在：{flag_id}", field="flag_id")
    if flag.status != OPEN:
        raise InvalidTransition("该标记已核实过")
    flag.status = CONFIRMED if confirm else DISMISSED
    flag.reviewed_by, flag.reviewed_at, flag.note = actor.name, now, (note or "")[:500] or None
    audit.record(session, actor=actor, action=f"nuisance.{flag.status}", now=now, target=f"flag:{flag.id}", note=flag.note)
    return flag


def confirmed(session: Session, phone: str | None) -> bool:
    """Whether calls from this number were confirmed as harassment."""
    return bool(phone) and session.scalar(
        select(NuisanceFlag.id).where(NuisanceFlag.caller_phone == phone, NuisanceFlag.status == CONFIRMED).limit(1)
    ) is not None
