"""`liandong audit verify|anchor|list`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from liandong.audit import service
from liandong.config import settings
from liandong.core.clock import now as clock_now
from liandong.core.errors import DomainError
from liandong.db import unit_of_work


class ChainBroken(DomainError):
    exit_code = 8
    code = "audit_chain_broken"


app = typer.Typer(help="审计日志：校验哈希链、锚定链头、查看记录。", no_args_is_help=True)


@app.command("verify")
def verify_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """校验审计日志：完整时退出码 0；任何记录被修改、删除或乱序插入时指出第一条问题记录并以非零退出。"""
    anchors = service.read_anchors(service.anchor_path(settings().var_dir))
    with unit_of_work() as session:
        count, found = service.verify(session, anchors=anchors)
    body = {"records": count, "anchors": len(anchors), "ok": found is None}
    if found is not None:
        body.update({"first_bad_id": found.id, "reason": found.reason})
    if as_json:
        typer.echo(json.dumps(body, ensure_ascii=False))
    elif found is None:
        typer.echo(f"审计日志完整：共 {count} 条记录，{len(anchors)} 个锚点")
    if found is not None:
        raise ChainBroken(f"审计日志已被篡改：第一条问题记录 #{found.id}（{found.reason}）")


@app.command("anchor")
def anchor_command() -> None:
    """把当前链头写入数据库之外的锚点文件（定时任务每小时执行一次）。"""
    with unit_of_work() as session:
        entry = service.anchor(session, path=service.anchor_path(settings().var_dir), now=clock_now())
    typer.echo("审计日志为空，无需锚定" if entry is None else f"已锚定 #{entry['id']} {entry['hash'][:16]}…")
