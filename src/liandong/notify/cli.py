"""`liandong notify …`: messages sent and waiting, the sender's status, the templates (list and preview)."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from liandong.core.clock import now as clock_now
from liandong.db import unit_of_work

app = typer.Typer(help="市民短信通知：发送记录、发送状态、通知模板。", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]


def _echo_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


@app.command("list")
def list_command(
    state: Annotated[Optional[str], typer.Option("--state", help="pending|failed|sent|dead|skipped")] = None,
    order: Annotated[Optional[str], typer.Option("--order", help="只看这张工单（工单编号）")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="最多列出条数")] = 50,
    as_json: JsonOption = False,
) -> None:
    """最近的通知（号码已脱敏）：事件、状态、尝试次数、短信内容。"""
    from liandong.notify import service

    with unit_of_work() as session:
        rows = service.list_notifications(session, state=state, order_number=order, limit=limit)
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        typer.echo("没有通知记录")
    for row in rows:
        typer.echo(f"{row['order_number']}\t{row['event_label']}\t{row['state_label']}\t{row['phone'] or '—'}\t第 {row['attempts']} 次\t{row['text']}")


@app.command("status")
def status_command(as_json: JsonOption = False) -> None:
    """发送状态：各状态数量、当前到期待发送数、尚未生成的通知数、下一条到期时间。"""
    from liandong.notify import service
    from liandong.notify.models import STATE_LABELS

    with unit_of_work() as session:
        figures = service.status(session, now=clock_now())
    if as_json:
        _echo_json(figures)
        return
    typer.echo(f"发送方式：{figures['notifier']}  免打扰时段：{figures['quiet_hours'] or '无'}")
    typer.echo("  ".join(f"{STATE_LABELS[k]} {v}" for k, v in figures["states"].items()))
    typer.echo(f"当前到期待发送 {figures['due_now']}  待生成 {figures['outbox_waiting']}  下一条到期 {figures['next_due_at'] or '—'}")


@app.command("templates")
def templates_command(
    preview: Annotated[Optional[str], typer.Option("--preview", help="预览这类通知（accepted|sign_overdue|replied|callback|closed）")] = None,
    body: Annotated[Optional[str], typer.Option("--body", help="与 --preview 一起：预览这段新模板（不保存）")] = None,
    as_json: JsonOption = False,
) -> None:
    """列出通知模板及示例短信；--preview 预览一类（或 --body 给出的新模板），未知字段报错。"""
    from liandong.notify import service
    from liandong.notify.templates import FIELDS

    if body is not None and preview is None:
        raise typer.BadParameter("--body 需要与 --preview 一起使用", param_hint="--body")
    with unit_of_work() as session:
        rows = service.list_templates(session)
        if preview is not None:
            kind = service.require_event(preview)
            current = next(r for r in rows if r["event"] == kind.value)
            text = service.preview_template(body=current["body"] if body is None else body)
            result = {"event": kind.value, "label": current["label"], "body": current["body"] if body is None else body, "preview": text}
            if as_json:
                _echo_json(result)
            else:
                typer.echo(f"{result['label']}（{kind.value}）示例：\n{text}")
            return
    if as_json:
        _echo_json({"fields": FIELDS, "templates": rows})
        return
    typer.echo("可用字段：" + "，".join(f"{{{{ {k} }}}} {v}" for k, v in FIELDS.items()))
    for row in rows:
        typer.echo(f"\n{row['label']}（{row['event']}）{'' if row['is_default'] else '［已修改］'}\n  模板：{row['body']}\n  示例：{row['preview']}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="notify")
