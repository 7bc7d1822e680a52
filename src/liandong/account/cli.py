"""`liandong users …`: create, list and change passwords of operator accounts."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from liandong.account import service
from liandong.core.actor import ROLE_LABELS, Role
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
            session, now=clock_now(), username=username, password=secret, role=role, display_name=name, department_code=department
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
        service.set_password(session, username=username, password=secret)
    typer.echo(f"已修改 {username} 的密码")
