"""API tokens, one per integrating system: shown once, kept as SHA-256, with a role, scopes and an expiry."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, Row, bindparam, or_, select, update
from sqlalchemy.orm import Session

from liandong.account.models import ApiToken
from liandong.account.service import _check_role
from liandong.audit import service as audit
from liandong.core.actor import Actor, Role
from liandong.core.errors import Conflict, NotFound, ValidationFailed

# What a token may call; a person's session is governed by the role alone.
SCOPES: dict[str, str] = {
    "orders:read": "读取工单",
    "orders:write": "受理新工单与办理操作",
    "kb:read": "检索知识库与一问一答",
    "kb:write": "新建、修改与流转一问一答",
    "reports:read": "读取统计指标与热点",
    "personal:read": "查看市民姓名与电话原文（每次查看均记录）",
    "open311:write": "通过 Open311 GeoReport v2 接口提交诉求与补充信息",
    # A channel gateway (role citizen) acting for citizens: docs/channels.md.
    "channel:submit": "渠道网关：代市民提交诉求",
    "channel:track": "渠道网关：凭查询码和手机尾号查询进度",
    "channel:feedback": "渠道网关：代市民评价、补充信息、撤回",
}
DEFAULT_SCOPES = ("orders:read", "orders:write")
DEFAULT_ROLE = Role.CALL_TAKER.value
# A token never administers: configuration and accounts are changed by people, on the CLI or the admin pages.
REFUSED_ROLES = frozenset({Role.ADMIN, Role.SYSTEM})
NAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
PREFIX = "ld_"
# Writing last-used on every call would turn reads into writes.
TOUCH_EVERY = timedelta(seconds=60)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _check_scopes(scopes: list[str] | tuple[str, ...] | None) -> list[str]:
    chosen = list(dict.fromkeys(s.strip() for s in (scopes or DEFAULT_SCOPES) if s.strip()))
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise ValidationFailed(f"未知权限范围：{'、'.join(unknown)}。可选：{'、'.join(SCOPES)}", field="scope")
    return chosen


def find_token(session: Session, name: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.name == (name or "").strip()))


def create_token(
    session: Session,
    *,
    now: datetime,
    name: str,
    role: str = DEFAULT_ROLE,
    department_code: str | None = None,
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
    actor: Actor | None = None,
) -> tuple[ApiToken, str]:
    """A new token; returns the row and the secret, which is shown this once and never stored."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise ValidationFailed("令牌名称须为 2–64 位字母、数字或 _ . -", field="name")
    if find_token(session, name) is not None:
        raise Conflict(f"令牌名称已存在：{name}（如需更换请先吊销：liandong tokens revoke {name}）", field="name")
    try:
        parsed_role = Role(role)
    except ValueError:
        parsed_role = None
    if parsed_role in REFUSED_ROLES:
        raise ValidationFailed("接口令牌不能具有管理员或系统角色", field="role")
    parsed, code = _check_role(session, role, department_code, token=True)
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed("到期时间必须晚于现在", field="expires")
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        token_hash=digest(secret),
        prefix=secret[:10],
        role=parsed.value,
        department_code=code,
        scopes=_check_scopes(scopes),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="token.create", now=now, target=name, role=row.role, scopes=row.scopes)
    return row, secret


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.name)))


def revoke_token(session: Session, *, name: str, now: datetime, actor: Actor | None = None) -> ApiToken:
    row = find_token(session, name)
    if row is None:
        raise NotFound(f"令牌不存在：{name}", field="name")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(session, actor=actor, action="token.revoke", now=now, target=row.name)
    session.flush()
    return row


def status(row: ApiToken | Row, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


# Built once, and a plain (Core) read of the row: it runs on every API call, where loading an ORM object cost more
# than the statement. The row answers the same attribute names as an ApiToken (status, use_due, actor_of).
_TOKENS = ApiToken.__table__
_BY_HASH = select(*_TOKENS.columns).where(_TOKENS.c.token_hash == bindparam("token_hash"))


def authenticate(db: Session | Connection, *, token: str, now: datetime) -> Row | None:
    """The live token row (its columns, read-only) for a presented secret, or None. Only reads: its use is recorded
    by `record_use`."""
    if not token or len(token) > 256:
        return None
    connection = db.connection() if isinstance(db, Session) else db
    row = connection.execute(_BY_HASH, {"token_hash": digest(token)}).first()
    if row is None or status(row, now) != "active":
        return None
    return row


def use_due(row: ApiToken | Row, now: datetime) -> bool:
    """Token use is recorded at most once a minute per token (with the first call of that minute)."""
    return row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY


def record_use(session: Session, *, token_id: int, now: datetime) -> bool:
    """Mark the token used and audit it, in the caller's (own, short) transaction; False when another call of the
    same minute already did. The conditional update makes simultaneous calls record one use, not several."""
    marked = session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_EVERY))
        .values(last_used_at=now)
    )
    if marked.rowcount != 1:
        return False
    row = session.get(ApiToken, token_id)
    audit.record(session, actor=actor_of(row), action="token.use", now=now, target=row.name)
    return True


def actor_of(row: ApiToken | Row) -> Actor:
    return Actor(
        name=f"token:{row.name}", role=Role(row.role), department_code=row.department_code, token=row.name, scopes=frozenset(row.scopes or ())
    )


# The deprecated LIANDONG_API_TOKEN setting: still accepted so integrations keep working while they move to
# `liandong tokens create`, but as a dispatcher limited to orders — never as an administrator.
LEGACY_ACTOR = Actor(name="token:legacy", role=Role.DISPATCHER, token="legacy", scopes=frozenset(DEFAULT_SCOPES))
