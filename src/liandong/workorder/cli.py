"""`liandong orders …`: create, act on, show and list work orders; `--json` for machines."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from liandong.catalog.deadlines import Warning
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.clock import parse_aware
from liandong.core.errors import ValidationFailed
from liandong.db import unit_of_work
from liandong.workorder import queries, service
from liandong.workorder.queries import SORTS, OrderFilter
from liandong.workorder.schemas import WorkOrderRead
from liandong.workorder.states import parse_action

_YES = {"yes", "y", "true", "1", "是", "满意"}
_NO = {"no", "n", "false", "0", "否", "不满意"}


def _actor(name: str) -> Actor:
    return Actor(name=name, role=Role.ADMIN)


def _parse_yes_no(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise ValidationFailed(f"--satisfied 只接受 yes 或 no，收到：{value}", field="satisfied")


def _print_order(order: WorkOrderRead, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(order.model_dump(exclude_none=False), ensure_ascii=False))
        return
    typer.echo(
        f"{order.number}（id {order.id}）{order.status_label}｜{order.request_type_label}｜"
        f"{order.department_name or '未派单'}｜答复时限 {order.reply_due_at}｜{order.warning_label}"
    )
    typer.echo(f"  {order.title}")
    for event in order.events or []:
        typer.echo(f"  {event.seq:>3}. {event.occurred_at} {event.action_label} {event.actor} {event.note or ''}".rstrip())


def register(app: typer.Typer) -> None:
    orders = typer.Typer(help="工单：受理、办理、查询。", no_args_is_help=True)

    @orders.command("create")
    def create_command(
        text: Annotated[str, typer.Option("--text", help="诉求内容")],
        title: Annotated[Optional[str], typer.Option("--title", help="标题")] = None,
        request_type: Annotated[str, typer.Option("--type", help="consult|help|complaint|report|suggestion")] = "consult",
        phone: Annotated[Optional[str], typer.Option("--phone", help="来电号码")] = None,
        name: Annotated[Optional[str], typer.Option("--name", help="来电人姓名")] = None,
        channel: Annotated[str, typer.Option("--channel", help="phone|web|wechat|app|api|grid|transfer_110")] = "phone",
        division: Annotated[Optional[str], typer.Option("--division", help="县（市、区）代码")] = None,
        address: Annotated[Optional[str], typer.Option("--address", help="事发地址")] = None,
        category: Annotated[Optional[str], typer.Option("--category", help="诉求分类代码")] = None,
        department: Annotated[Optional[str], typer.Option("--department", help="拟派主办单位代码")] = None,
        assist: Annotated[Optional[list[str]], typer.Option("--assist", help="协办单位代码，可重复")] = None,
        level: Annotated[str, typer.Option("--level", help="一般|较大|重大|特别重大")] = "一般",
        received_at: Annotated[Optional[str], typer.Option("--received-at", help="受理时间，ISO 8601 带时区")] = None,
        actor: Annotated[str, typer.Option("--actor", help="操作人")] = "cli",
        as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    ) -> None:
        """受理一张新工单。"""
        now = clock_now()
        received = parse_aware(received_at, field="received_at") if received_at else None
        with unit_of_work() as session:
            order = service.create_order(
                session,
                actor=_actor(actor),
                now=now,
                content=text,
                title=title,
                request_type=request_type,
                channel=channel,
                caller_name=name,
                caller_phone=phone,
                division_code=division,
                address=address,
                category_code=category,
                department_code=department,
                assist_codes=assist or [],
                level=level,
                received_at=received,
            )
            result = WorkOrderRead.of(order, now=now)
        _print_order(result, as_json)

    @orders.command("act")
    def act_command(
        order: Annotated[str, typer.Argument(help="工单 id 或编号")],
        action: Annotated[str, typer.Argument(help="dispatch|accept|return|request_extension|approve_extension|reject_extension|reply|visit|reopen|close|answer_directly|merge|supervise|remind|transfer_110")],
        to: Annotated[Optional[str], typer.Option("--to", help="派单/改派的承办单位代码")] = None,
        note: Annotated[Optional[str], typer.Option("--note", help="说明：退单理由、答复内容等")] = None,
        satisfied: Annotated[Optional[str], typer.Option("--satisfied", help="回访结果 yes|no")] = None,
        into: Annotated[Optional[str], typer.Option("--into", help="并单的主工单 id 或编号")] = None,
        days: Annotated[Optional[int], typer.Option("--days", help="延期工作日数")] = None,
        at: Annotated[Optional[str], typer.Option("--at", help="操作时间，ISO 8601 带时区")] = None,
        ref: Annotated[Optional[str], typer.Option("--ref", help="引用（如知识条目）")] = None,
        actor: Annotated[str, typer.Option("--actor", help="操作人")] = "cli",
        as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    ) -> None:
        """对工单执行一个办理操作。"""
        now = clock_now()
        parsed_action = parse_action(action)
        when = parse_aware(at, field="at") if at else None
        verdict = _parse_yes_no(satisfied)
        with unit_of_work() as session:
            order_id = service.resolve_order_id(session, order)
            into_id = service.resolve_order_id(session, into) if into else None
            result = service.act(
                session,
                order_id=order_id,
                action=parsed_action,
                actor=_actor(actor),
                now=now,
                to=to,
                note=note,
                satisfied=verdict,
                into=into_id,
                days=days,
                at=when,
                ref=ref,
            )
            view = WorkOrderRead.of(result, now=now, with_events=True)
        _print_order(view, as_json)

    @orders.command("show")
    def show_command(
        order: Annotated[str, typer.Argument(help="工单 id 或编号")],
        as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    ) -> None:
        """显示工单详情与完整时间线。"""
        now = clock_now()
        with unit_of_work() as session:
            found = service.get_order(session, service.resolve_order_id(session, order), actor=_actor("cli"))
            view = WorkOrderRead.of(found, now=now, with_events=True)
        _print_order(view, as_json)

    @orders.command("list")
    def list_command(
        status: Annotated[Optional[list[str]], typer.Option("--status", help="状态，可重复")] = None,
        department: Annotated[Optional[str], typer.Option("--department")] = None,
        request_type: Annotated[Optional[str], typer.Option("--type")] = None,
        division: Annotated[Optional[str], typer.Option("--division")] = None,
        channel: Annotated[Optional[str], typer.Option("--channel")] = None,
        warning: Annotated[Optional[Warning], typer.Option("--warning", help="none|normal|yellow|red")] = None,
        due_before: Annotated[Optional[str], typer.Option("--due-before", help="答复时限早于（带时区）")] = None,
        due_after: Annotated[Optional[str], typer.Option("--due-after", help="答复时限晚于（带时区）")] = None,
        text: Annotated[Optional[str], typer.Option("--text", "-q", help="全文检索")] = None,
        open_only: Annotated[bool, typer.Option("--open", help="只看未办结")] = False,
        sort: Annotated[str, typer.Option("--sort", help="|".join(SORTS))] = "received_desc",
        limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
        offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    ) -> None:
        """按条件列出工单。"""
        if sort not in SORTS:
            raise ValidationFailed(f"排序方式无效：{sort}。可选：{'、'.join(SORTS)}", field="sort")
        now = clock_now()
        flt = OrderFilter(
            status=status or [],
            department=department,
            request_type=request_type,
            division=division,
            channel=channel,
            warning=warning,
            due_before=parse_aware(due_before, field="due_before") if due_before else None,
            due_after=parse_aware(due_after, field="due_after") if due_after else None,
            text=text,
            open_only=open_only,
        )
        with unit_of_work() as session:
            items, total = queries.list_orders(session, flt, actor=_actor("cli"), now=now, limit=limit, offset=offset, sort=sort)
            views = [WorkOrderRead.of(o, now=now) for o in items]
        if as_json:
            typer.echo(
                json.dumps({"total": total, "limit": limit, "offset": offset, "items": [v.model_dump() for v in views]}, ensure_ascii=False)
            )
            return
        typer.echo(f"共 {total} 张工单")
        for view in views:
            typer.echo(f"{view.id:>6} {view.number} {view.status_label:<6} {view.request_type_label} {view.department_name or '—'} {view.warning_label} {view.title}")

    app.add_typer(orders, name="orders")
