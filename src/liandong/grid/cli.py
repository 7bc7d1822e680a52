"""`liandong grid import FILE`: a patrol ledger (CSV or XLSX) as orders on the grid channel, with a report of every row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.db import unit_of_work

app = typer.Typer(help="网格员巡查台账：导入为网格渠道工单（日常排查建档、周末集中处置）。", no_args_is_help=True)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="台账文件：CSV（UTF-8 或 GB18030）或 XLSX")],
    handle_on: Annotated[Optional[str], typer.Option("--handle-on", help="集中处置日期 YYYY-MM-DD（缺省：本周六）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不导入")] = False,
    user: Annotated[Optional[str], typer.Option("--user", help="以该账号的角色和单位导入（缺省为管理员）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """导入一份网格员巡查台账；表头不正确时整个文件不导入（退出码 2）。"""
    from datetime import date

    from liandong.grid import service
    from liandong.workorder.cli import _actor

    day = None
    if handle_on:
        try:
            day = date.fromisoformat(handle_on.strip())
        except ValueError:
            raise ValidationFailed(f"处置日期格式应为 YYYY-MM-DD：{handle_on}", field="handle_on") from None
    if not file.is_file():
        raise ValidationFailed(f"文件不存在：{file}", field="file")
    data = file.read_bytes()
    with unit_of_work() as session:
        actor = _actor(session, "cli", user)
        report = service.import_ledger(session, actor=actor, now=clock_now(), filename=file.name, data=data, handle_on=day, dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    head = "试运行（未导入）" if dry_run else "导入完成"
    typer.echo(f"{head}：导入 {report['accepted']} 行，拒绝 {report['rejected']} 行，重复 {report['duplicates']} 行；集中处置日 {report['handle_on']}")
    for row in report["rows"]:
        detail = "；".join(row["reasons"]) or row.get("outcome_label", "")
        typer.echo(f"第 {row['row']} 行\t{row['status_label']}\t{row['order'] or '—'}\t{detail}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="grid")
