"""Users: create, authenticate, change passwords and roles. Passwords are stored only as argon2 hashes."""

from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from liandong.account.models import User
from liandong.account.sessions import end_all_sessions
from liandong.audit import service as audit
from liandong.catalog import service as catalog
from liandong.core.actor import ROLE_LABELS, Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.errors import Conflict, NotFound, ValidationFailed

_hasher = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
# People log in with these roles; "system" is for scheduled tasks and integrations only.
LOGIN_ROLES = tuple(r for r in Role if r not in (Role.SYSTEM, Role.LINKAGE, Role.CITIZEN))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed(f"密码至少 {MIN_PASSWORD} 位", field="password")
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed(f"密码不能超过 {MAX_PASSWORD} 位", field="password")


def _check_role(session: Session, role: str, department_code: str | None, *, token: bool = False) -> tuple[Role, str | None]:
    try:
        parsed = Role(role)
    except ValueError:
        labels = "、".join(f"{r.value}（{ROLE_LABELS[r]}）" for r in LOGIN_ROLES)
        raise ValidationFailed(f"角色无效：{role}。可选：{labels}", field="role") from None
    if parsed in (Role.SYSTEM, Role.LINKAGE):
        raise ValidationFailed("系统角色不能用于登录账号", field="role")
    if parsed is Role.CITIZEN and not token:
        # Citizens never log in; the role is for channel gateways' tokens (WeChat, apps, 政务服务网).
        raise ValidationFailed("市民角色只用于渠道网关的接口令牌，不能用于登录账号", field="role")
    code = (department_code or "").strip() or None
    if parsed is Role.UNIT_HANDLER and not code:
        raise ValidationFailed("承办单位账号必须指定所属单位", field="department_code")
    if parsed is Role.COUNTY_DISPATCHER:
        if not code:
            raise ValidationFailed("分中心派单员账号必须指定所属县级分中心", field="department_code")
        if catalog.require_department(session, code).kind != "sub_centre":
            raise ValidationFailed("分中心派单员账号的单位必须是县（市、区）12345 分中心", field="department_code")
    elif code:
        catalog.require_department(session, code)
    return parsed, code


def actor_of(user: User) -> Actor:
    return Actor(name=user.username, role=Role(user.role), department_code=user.department_code)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户不存在：{user_id}", field="user_id")
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == (username or "").strip()))


def require_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"用户不存在：{username}", field="username")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def create_user(
    session: Session,
    *,
    now: datetime,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    department_code: str | None = None,
    actor: Actor | None = None,
) -> User:
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise ValidationFailed("用户名须为 2–64 位字母、数字或 _ . -", field="username")
    if find_user(session, username) is not None:
        raise Conflict(f"用户名已存在：{username}", field="username")
    _check_password(password)
    parsed, code = _check_role(session, role, department_code)
    user = User(
        username=username,
        display_name=(display_name or "").strip() or username,
        role=parsed.value,
        department_code=code,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", now=now, target=username, role=parsed.value, department=code)
    return user


def update_user(
    session: Session,
    *,
    user_id: int,
    display_name: str | None = None,
    role: str | None = None,
    department_code: str | None = None,
    active: bool | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
) -> User:
    user = get_user(session, user_id)
    if display_name is not None and display_name.strip():
        user.display_name = display_name.strip()[:64]
    reason = None
    if role is not None:
        parsed, code = _check_role(session, role, department_code)
        if (parsed.value, code) != (user.role, user.department_code):
            reason = "role_changed"
        user.role = parsed.value
        user.department_code = code
    if active is not None:
        if user.active and not active:
            reason = "disabled"
        user.active = active
    audit.record(
        session, actor=actor, action="user.update", now=now or clock_now(), target=user.username,
        role=user.role, department=user.department_code, active=user.active, sessions_ended=reason,
    )
    if reason:
        # What a session may do was decided at log-in; a changed or disabled account logs in again.
        end_all_sessions(session, user_id=user.id, now=now or clock_now(), reason=reason)
    session.flush()
    return user


def set_password(session: Session, *, username: str, password: str, now: datetime | None = None, actor: Actor | None = None) -> User:
    """A new password ends every session of the user (a reset after a leak must lock the thief out)."""
    user = require_user(session, username)
    _check_password(password)
    user.password_hash = hash_password(password)
    end_all_sessions(session, user_id=user.id, now=now or clock_now(), reason="password_changed")
    audit.record(session, actor=actor, action="user.password", now=now or clock_now(), target=user.username)
    session.flush()
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this name and password, or None; the same answer for every kind of failure."""
    # Longer than any real name or password: refused without a database look-up (still at the same cost).
    oversized = len(username or "") > 64 or len(password or "") > MAX_PASSWORD
    user = None if oversized else find_user(session, username)
    if user is None or not user.active:
        # Spend the same time as a real check so response times do not reveal which names exist.
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


_DUMMY_HASH = hash_password("not-a-real-password")
