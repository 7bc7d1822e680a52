"""`liandong users …`: create, list and change passwords of operator accounts."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from liandong.account import service
from liandong.core.actor import CLI, ROLE_LABELS, Role
from liandong.core.clock import now as clock_now
from liandong.db import unit_of_work

ROLE_HELP = "角色：" + "、".join(f"{r.value}（{ROLE_LABELS[r]}）" for r in service.LOGIN_ROLES)


def _row(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": ROLE_LABELS[Role(user.role)],
        "department_code": user.department_code,
        "active": user.active,
    }


def _password(given: str | None) -> str:
    if given:
        return given
    return typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


app = typer.Typer(help="账号：新建、列出、修改密码。", no_args_is_help=True)

@app.command("create")
def create_command(
    username: Annotated[str, typer.Argument(help="登录名")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    name: Annotated[Optional[str], typer.Option("--name", help="显示姓名")] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="所属承办单位代码（承办单位账号必填）")] = None,
    password: Annotated[Optional[str], typer.Option("--password", help="密码（缺省时交互输入）")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """新建账号。"""
    secret = _password(password)
    with unit_of_work() as session:
        user = service.create_user(
            session, now=clock_now(), username=username, password=secret, role=role, display_name=name, department_code=department,
            actor=CLI,
        )
        row = _row(user)
    typer.echo(json.dumps(row, ensure_ascii=False) if as_json else f"已新建账号 {row['username']}（{row['role_label']}）")

@app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出账号。"""
    with unit_of_work() as session:
        rows = [_row(u) for u in service.list_users(session)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        state = "" if row["active"] else "（已停用）"
        typer.echo(f"{row['username']:12} {row['role_label']:6} {row['display_name']} {row['department_code'] or ''}{state}".rstrip())

@app.command("passwd")
def passwd_command(
    username: Annotated[str, typer.Argument(help="登录名")],
    password: Annotated[Optional[str], typer.Option("--password", help="新密码（缺省时交互输入）")] = None,
) -> None:
    """修改账号密码。"""
    secret = _password(password)
    with unit_of_work() as session:
        service.set_password(session, username=username, password=secret, actor=CLI)
    typer.echo(f"已修改 {username} 的密码")


tokens_app = typer.Typer(help="接口令牌：每个对接系统（110 平台、微信渠道 …）一个，含角色、权限范围与到期时间。", no_args_is_help=True)


def _token_row(row, now) -> dict:
    from liandong.account import tokens

    return {
        "name": row.name,
        "prefix": row.prefix,
        "role": row.role,
        "department_code": row.department_code,
        "scopes": list(row.scopes or []),
        "created_at": row.created_at.isoformat(),
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
        "status": tokens.status(row, now),
    }


def _expiry(text: str | None):
    """A date (valid through that day, Shanghai time) or an ISO time with zone."""
    from datetime import date, datetime, time, timedelta

    from liandong.core.clock import SHANGHAI
    from liandong.core.errors import ValidationFailed

    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"到期时间格式无效：{text}（例如 2027-06-30）", field="expires") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


@tokens_app.command("create")
def token_create_command(
    name: Annotated[str, typer.Argument(help="对接系统名称，例如 110-desk、wechat")],
    scope: Annotated[Optional[list[str]], typer.Option("--scope", help="权限范围，可重复；缺省 orders:read 与 orders:write")] = None,
    expires: Annotated[Optional[str], typer.Option("--expires", help="到期日期（含当天），例如 2027-06-30")] = None,
    role: Annotated[str, typer.Option("--role", help="令牌代表的角色（不可为管理员）")] = "call_taker",
    department: Annotated[Optional[str], typer.Option("--department", help="所属单位代码（承办单位角色必填）")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """新建接口令牌；令牌原文只显示这一次，库中仅存其摘要。"""
    from liandong.account import tokens

    now = clock_now()
    with unit_of_work() as session:
        row, secret = tokens.create_token(
            session, now=now, name=name, role=role, department_code=department, scopes=scope, expires_at=_expiry(expires), actor=CLI
        )
        body = {**_token_row(row, now), "token": secret}
    if as_json:
        typer.echo(json.dumps(body, ensure_ascii=False))
        return
    typer.echo(f"已新建接口令牌 {body['name']}（{body['role']}，{'、'.join(body['scopes'])}）")
    typer.echo(f"令牌（只显示这一次，请妥善保存）：{secret}")


@tokens_app.command("list")
def token_list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出接口令牌（不含令牌原文）。"""
    from liandong.account import tokens

    now = clock_now()
    with unit_of_work() as session:
        rows = [_token_row(row, now) for row in tokens.list_tokens(session)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    labels = {"active": "有效", "revoked": "已吊销", "expired": "已过期"}
    for row in rows:
        until = row["expires_at"][:10] if row["expires_at"] else "长期"
        typer.echo(f"{row['name']:16} {row['prefix']}… {row['role']:12} {' '.join(row['scopes'])}  到期 {until}  {labels[row['status']]}")


@tokens_app.command("revoke")
def token_revoke_command(name: Annotated[str, typer.Argument(help="令牌名称")]) -> None:
    """吊销接口令牌，立即生效。"""
    from liandong.account import tokens

    with unit_of_work() as session:
        tokens.revoke_token(session, name=name, now=clock_now(), actor=CLI)
    typer.echo(f"已吊销接口令牌 {name}")
