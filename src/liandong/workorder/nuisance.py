"""Nuisance and malicious callers (恶意骚扰): repeated invalid or malicious calls from one number within a window
are flagged for review, with those calls as evidence; a supervisor confirms or dismisses the flag.

The rule is configuration (LIANDONG_NUISANCE_THRESHOLD calls within LIANDONG_NUISANCE_WINDOW_HOURS); the check runs
in the same transaction as the 无效/恶意 marking that completes the pattern.

The handling rule (LIANDONG_NUISANCE_HANDLING, LIANDONG_NUISANCE_CONFIRMED_DAYS) applies to a confirmed number for a
limited time: its new calls are marked 疑似骚扰 for the call-taker and kept as further evidence, and with
`auto_invalid` closed as 恶意来电 at once (never a call triage sent to 110/119/120). A supervisor lifts a
confirmation on appeal (解除), with the reason. Every step is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, Integer, String, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from liandong.audit import service as audit
from liandong.core.actor import Actor, Role
from liandong.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from liandong.db import Base, UTCDateTime

INVALID_CLOSES = ("invalid", "malicious")
OPEN, CONFIRMED, DISMISSED, LIFTED = "open", "confirmed", "dismissed", "lifted"
STATUS_LABELS = {OPEN: "待核实", CONFIRMED: "已确认骚扰", DISMISSED: "已排除", LIFTED: "已解除"}
MARK, AUTO_INVALID = "mark", "auto_invalid"
HANDLINGS = {MARK: "标记疑似骚扰，由话务员判断", AUTO_INVALID: "标记并自动归为恶意来电"}
# Never closed automatically, whatever the number's history: a nuisance caller can still be in danger.
EMERGENCY_PLATFORMS = frozenset({"110", "119", "120"})
NOTE_MAX = 500
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
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)  # a confirmation's time limit
    later_order_ids: Mapped[list] = mapped_column(JSON, default=list)  # calls after confirmation, handled by the rule
    lifted_by: Mapped[str | None] = mapped_column(String(80), default=None)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    lift_note: Mapped[str | None] = mapped_column(String(500), default=None)


@dataclass(frozen=True)
class Rule:
    threshold: int
    window: timedelta


@dataclass(frozen=True)
class Policy:
    handling: str  # MARK or AUTO_INVALID
    confirmed_for: timedelta


def policy_from_settings() -> Policy:
    from liandong.config import settings

    config = settings()
    return Policy(handling=config.nuisance_handling, confirmed_for=timedelta(days=config.nuisance_confirmed_days))


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
    if len(evidence) < rule.threshold or active(session, phone, now) is not None:
        return None  # a number already confirmed is handled by the rule, not flagged again
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


def _note(note: str | None) -> str | None:
    from liandong.workorder import validation

    value = (note or "").strip()
    return validation.require_text(value, field="note", label="说明", limit=NOTE_MAX) or None


def _flag(session: Session, flag_id: int, actor: Actor) -> NuisanceFlag:
    if actor.role not in REVIEWERS:
        raise PermissionDenied("只有热线督查或管理员可以核实骚扰号码")
    flag = session.get(NuisanceFlag, flag_id)
    if flag is None:
        raise NotFound(f"标记不存在：{flag_id}", field="flag_id")
    return flag


def review(
    session: Session, *, flag_id: int, actor: Actor, now: datetime, confirm: bool, note: str | None = None, policy: Policy | None = None
) -> NuisanceFlag:
    flag = _flag(session, flag_id, actor)
    note = _note(note)
    if flag.status != OPEN:
        raise InvalidTransition("该标记已核实过")
    policy = policy or policy_from_settings()
    flag.status = CONFIRMED if confirm else DISMISSED
    flag.reviewed_by, flag.reviewed_at, flag.note = actor.name, now, note
    flag.expires_at = now + policy.confirmed_for if confirm else None
    audit.record(
        session, actor=actor, action=f"nuisance.{flag.status}", now=now, target=f"flag:{flag.id}", note=flag.note,
        expires_at=flag.expires_at, handling=policy.handling if confirm else None,
    )
    return flag


def lift(session: Session, *, flag_id: int, actor: Actor, now: datetime, note: str | None) -> NuisanceFlag:
    """解除 on appeal (the caller or a colleague shows the calls were genuine): the rule stops applying at once."""
    flag = _flag(session, flag_id, actor)
    note = _note(note)
    if not note:
        raise ValidationFailed("解除骚扰标记须说明理由（如：来电人申诉，经核实为正常诉求）", field="note")
    if flag.status != CONFIRMED:
        raise InvalidTransition(f"该标记当前为「{STATUS_LABELS[flag.status]}」，只有已确认的骚扰标记可以解除")
    flag.status, flag.lifted_by, flag.lifted_at, flag.lift_note = LIFTED, actor.name, now, note
    audit.record(session, actor=actor, action="nuisance.lifted", now=now, target=f"flag:{flag.id}", note=note)
    return flag


# Built once: every new call with a number asks this, and building the statement cost as much as running it. A plain
# (Core) read of the id on the session's connection: nearly every number has no flag, and the ORM's execution path
# cost more than the query; the flag is loaded through the session only when there is one.
_FLAGS = NuisanceFlag.__table__.c
_ACTIVE = (
    select(_FLAGS.id)
    .where(_FLAGS.caller_phone == bindparam("phone"), _FLAGS.status == CONFIRMED, _FLAGS.expires_at > bindparam("now"))
    .order_by(_FLAGS.id.desc())
    .limit(1)
)


def active(session: Session, phone: str | None, now: datetime) -> NuisanceFlag | None:
    """The confirmation that applies to calls from this number now (confirmed, within its time limit, not lifted)."""
    if not phone:
        return None
    if session.autoflush:
        session.flush()  # what an ORM query would have flushed first (nothing, almost always)
    flag_id = session.connection().scalar(_ACTIVE, {"phone": phone, "now": now})
    return session.get(NuisanceFlag, flag_id) if flag_id is not None else None


def handle_new_call(session: Session, *, order_id: int, phone: str | None, triage: dict | None, now: datetime,
                    policy: Policy) -> str | None:
    """A new call from a confirmed number: kept as evidence and audited; returns MARK or AUTO_INVALID (None when the
    number is not confirmed). An emergency is only ever marked."""
    flag = active(session, phone, now)
    if flag is None:
        return None
    flag.later_order_ids = [*(flag.later_order_ids or []), order_id]
    emergency = str((triage or {}).get("platform") or "") in EMERGENCY_PLATFORMS
    handling = AUTO_INVALID if policy.handling == AUTO_INVALID and not emergency else MARK
    audit.record(session, actor=None, action="nuisance.call", now=now, target=f"flag:{flag.id}", order_id=order_id, handling=handling)
    return handling


def evidence_ids(flag: NuisanceFlag) -> list[int]:
    return sorted(set(flag.order_ids or []) | set(flag.later_order_ids or []))
