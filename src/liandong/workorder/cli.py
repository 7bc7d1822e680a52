"""`liandong orders …`: create, act on, show and list work orders; `--json` for machines.

The CLI acts as the centre's administrator unless `--user NAME` names an account, whose role and unit then
apply exactly as in the pages (so `allowed_actions` and refusals are that person's).
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from liandong.catalog import service as catalog
from liandong.catalog.deadlines import Warning
from liandong.core.actor import Actor, Role
from liandong.core.clock import now as clock_now
from liandong.core.clock import parse_aware
from liandong.core.errors import ValidationFailed
from liandong.core.vocabulary import parse_yes_no
from liandong.db import unit_of_work
from liandong.workorder import queries, service
from liandong.workorder.lifecycle import Action, parse_action
from liandong.workorder.queries import SORTS, OrderFilter
from liandong.workorder.schemas import WorkOrderRead

app = typer.Typer(help="工单：受理、办理、查询。", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
UserOption = Annotated[Optional[str], typer.Option("--user", help="以该账号的角色和单位操作（缺省为管理员）")]
ActorOption = Annotated[str, typer.Option("--actor", help="操作人名称（未指定 --user 时）")]


def _actor(session, name: str, user: str | None) -> Actor:
    if user:
        from liandong.account import service as accounts

        account = accounts.require_user(session, user)
        if not account.active:
            raise ValidationFailed(f"账号已停用：{user}", field="user")
        return accounts.actor_of(account)
    # The administrator at the terminal enters records from elsewhere (paper, other systems) with their times.
    return Actor(name=name, role=Role.ADMIN, records_history=True)


def _view(session, order, *, actor: Actor, now, full: bool) -> WorkOrderRead:
    names = {d.code: d.name for d in catalog.list_departments(session)} if full else None
    return WorkOrderRead.of(order, now=now, actor=actor, full=full, names=names)


def _print_order(order: WorkOrderRead, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(order.model_dump(exclude_none=False), ensure_ascii=False))
        return
    typer.echo(
        f"{order.number}（id {order.id}）{order.status_label}｜{order.request_type_label}｜"
        f"{order.department_name or '未派单'}｜答复时限 {order.reply_due_at}｜{order.warning_label}"
    )
    typer.echo(f"  {order.title}")
    for hop in order.dispatch_chain or []:
        signed = f"签收 {hop.signed_at}" if hop.signed_at else f"签收时限 {hop.sign_due_at}"
        typer.echo(f"  派单 {hop.seq}. {hop.sender_name} → {hop.unit_name}（{signed}）")
    for event in order.events or []:
        typer.echo(f"  {event.seq:>3}. {event.occurred_at} {event.action_label} {event.actor} {event.note or ''}".rstrip())
    if order.allowed_actions:
        typer.echo("  可执行：" + "、".join(order.allowed_actions))


@app.command("create")
def create_command(
    text: Annotated[str, typer.Option("--text", help="诉求内容")],
    title: Annotated[Optional[str], typer.Option("--title", help="标题（缺省时由地点和事项生成）")] = None,
    request_type: Annotated[str, typer.Option("--type", help="consult|help|complaint|report|suggestion")] = "consult",
    phone: Annotated[Optional[str], typer.Option("--phone", help="来电号码")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="来电人姓名")] = None,
    channel: Annotated[str, typer.Option("--channel", help="phone|web|wechat|app|api|grid|transfer_110")] = "phone",
    division: Annotated[Optional[str], typer.Option("--division", help="县（市、区）代码")] = None,
    town: Annotated[Optional[str], typer.Option("--town", help="乡镇（街道）代码")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="事发地址")] = None,
    category: Annotated[Optional[str], typer.Option("--category", help="诉求分类代码")] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="拟派主办单位代码")] = None,
    assist: Annotated[Optional[list[str]], typer.Option("--assist", help="协办单位代码，可重复")] = None,
    level: Annotated[str, typer.Option("--level", help="一般|较大|重大|特别重大")] = "一般",
    received_at: Annotated[Optional[str], typer.Option("--received-at", help="受理时间，ISO 8601 带时区")] = None,
    confidential: Annotated[bool, typer.Option("--confidential", help="保密：承办单位看不到来电人")] = False,
    no_reply: Annotated[bool, typer.Option("--no-reply", help="来电人不需要回复（不回访）")] = False,
    actor: ActorOption = "cli",
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """受理一张新工单。"""
    now = clock_now()
    received = parse_aware(received_at, field="received_at") if received_at else None
    with unit_of_work() as session:
        who = _actor(session, actor, user)
        order = service.create_order(
            session,
            actor=who,
            now=now,
            content=text,
            title=title,
            request_type=request_type,
            channel=channel,
            caller_name=name,
            caller_phone=phone,
            division_code=division,
            town_code=town,
            address=address,
            category_code=category,
            department_code=department,
            assist_codes=assist or [],
            level=level,
            received_at=received,
            confidential=confidential,
            reply_wanted=not no_reply,
        )
        result = _view(session, order, actor=who, now=now, full=False)
    _print_order(result, as_json)


ACTIONS_HELP = "|".join(a.value for a in Action)


@app.command("act")
def act_command(
    order: Annotated[str, typer.Argument(help="工单 id 或编号")],
    action: Annotated[str, typer.Argument(help=ACTIONS_HELP)],
    to: Annotated[Optional[str], typer.Option("--to", help="派单/改派的承办单位代码；转警时为 110/119/120")] = None,
    assist: Annotated[Optional[list[str]], typer.Option("--assist", help="协办单位代码，可重复")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="说明：派单意见、退单理由、答复内容、审核意见等")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="派单异议理由 not_our_duty|incomplete|wrong_area|other")] = None,
    uphold: Annotated[Optional[str], typer.Option("--uphold", help="异议审核：yes 成立（改派）|no 驳回")] = None,
    result: Annotated[Optional[str], typer.Option("--result", help="办理结果 resolved|partly|explained|untrue")] = None,
    handler: Annotated[Optional[str], typer.Option("--handler", help="答复人")] = None,
    handler_phone: Annotated[Optional[str], typer.Option("--handler-phone", help="答复人电话")] = None,
    contacted: Annotated[Optional[str], typer.Option("--contacted", help="是否已联系来电人 yes|no")] = None,
    contacted_at: Annotated[Optional[str], typer.Option("--contacted-at", help="联系来电人的时间，ISO 8601 带时区")] = None,
    passed: Annotated[Optional[str], typer.Option("--pass", help="答复审核：yes 通过|no 退回")] = None,
    outcome: Annotated[Optional[str], typer.Option("--outcome", help="回访结果 reached|unreachable|refused|wrong_number")] = None,
    satisfaction: Annotated[Optional[str], typer.Option("--satisfaction", help="满意度 1–5（5 非常满意）")] = None,
    resolved: Annotated[Optional[str], typer.Option("--resolved", help="问题是否解决 yes|no")] = None,
    satisfied: Annotated[Optional[str], typer.Option("--satisfied", help="回访简写：yes 满意|no 不满意")] = None,
    into: Annotated[Optional[str], typer.Option("--into", help="并单的主工单 id 或编号")] = None,
    days: Annotated[Optional[str], typer.Option("--days", help="延期工作日数")] = None,
    at: Annotated[Optional[str], typer.Option("--at", help="操作时间，ISO 8601 带时区")] = None,
    ref: Annotated[Optional[str], typer.Option("--ref", help="引用（如知识条目）")] = None,
    expected_version: Annotated[Optional[int], typer.Option("--expected-version", min=1, help="期望的工单版本")] = None,
    actor: ActorOption = "cli",
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """对工单执行一个办理操作。"""
    now = clock_now()
    parsed_action = parse_action(action)
    when = parse_aware(at, field="at") if at else None
    contact_time = parse_aware(contacted_at, field="contacted_at") if contacted_at else None
    shortcut = parse_yes_no(satisfied, field="satisfied", label="--satisfied")
    with unit_of_work() as session:
        who = _actor(session, actor, user)
        order_id = service.resolve_order_id(session, order)
        changed = service.act(
            session,
            order_id=order_id,
            action=parsed_action,
            actor=who,
            now=now,
            at=when,
            expected_version=expected_version,
            satisfied=shortcut,
            to=to,
            assist=assist or [],
            note=note,
            reason=reason,
            uphold=uphold,
            result=result,
            handler=handler,
            handler_phone=handler_phone,
            contacted=contacted,
            contacted_at=contact_time,
            passed=passed,
            outcome=outcome,
            satisfaction=satisfaction,
            resolved=resolved,
            into=into,
            days=days,
            ref=ref,
        )
        view = _view(session, service.get_order(session, changed.id, actor=who, full=True), actor=who, now=now, full=True)
    _print_order(view, as_json)


@app.command("show")
def show_command(
    order: Annotated[str, typer.Argument(help="工单 id 或编号")],
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """显示工单详情：派单链、协办、答复、回访与完整时间线。"""
    now = clock_now()
    with unit_of_work() as session:
        who = _actor(session, "cli", user)
        found = service.get_order(session, service.resolve_order_id(session, order), actor=who, full=True)
        view = _view(session, found, actor=who, now=now, full=True)
    _print_order(view, as_json)


@app.command("list")
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
    user: UserOption = None,
    as_json: JsonOption = False,
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
        who = _actor(session, "cli", user)
        items, total = queries.list_orders(session, flt, actor=who, now=now, limit=limit, offset=offset, sort=sort)
        views = [_view(session, o, actor=who, now=now, full=False) for o in items]
    if as_json:
        typer.echo(json.dumps({"total": total, "limit": limit, "offset": offset, "items": [v.model_dump() for v in views]}, ensure_ascii=False))
        return
    typer.echo(f"共 {total} 张工单")
    for view in views:
        typer.echo(f"{view.id:>6} {view.number} {view.status_label:<6} {view.request_type_label} {view.department_name or '—'} {view.warning_label} {view.title}")


@app.command("lifecycle")
def lifecycle_command() -> None:
    """打印工单生命周期表（状态、操作、角色、去向、必填项），与 docs/lifecycle.md 一致。"""
    from liandong.workorder.lifecycle import table_markdown

    typer.echo(table_markdown(), nl=False)


@app.command("purge-personal")
def purge_personal_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只统计，不修改")] = False,
    days: Annotated[Optional[int], typer.Option("--days", min=30, max=36500, help="保留天数（缺省读取 LIANDONG_PERSONAL_DATA_RETENTION_DAYS）")] = None,
    as_json: JsonOption = False,
) -> None:
    """匿名化超过保留期限的已办结工单：删除来电人姓名、号码，遮盖诉求内容中的号码与称呼。"""
    from liandong.config import settings
    from liandong.core.actor import SYSTEM

    with unit_of_work() as session:
        result = service.purge_personal(
            session, now=clock_now(), retention_days=days or settings().personal_data_retention_days, actor=SYSTEM, dry_run=dry_run
        )
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        verb = "将匿名化" if dry_run else "已匿名化"
        from liandong.core.retention import KEPT

        beside = "".join(f"，{k.what} {result['beside'].get(k.table.name, 0)} 条" for k in KEPT)
        typer.echo(f"{verb} {result['orders']} 张于 {result['cutoff'][:10]} 前办结的工单{beside}")


nuisance_app = typer.Typer(help="恶意骚扰号码：多次无效/恶意来电的号码被标记待核实。", no_args_is_help=True)


def _flag_row(flag) -> dict:
    return {
        "id": flag.id, "caller_phone": flag.caller_phone, "status": flag.status, "order_ids": flag.order_ids,
        "flagged_at": flag.flagged_at.isoformat(), "reviewed_by": flag.reviewed_by, "note": flag.note,
        "expires_at": flag.expires_at.isoformat() if flag.expires_at else None, "later_order_ids": flag.later_order_ids,
        "lifted_by": flag.lifted_by, "lift_note": flag.lift_note,
    }


@nuisance_app.command("list")
def nuisance_list_command(
    status: Annotated[Optional[str], typer.Option("--status", help="open / confirmed / dismissed / lifted；缺省只列待核实")] = "open",
    as_json: JsonOption = False,
) -> None:
    """列出被标记的号码及其证据工单。"""
    from liandong.workorder import nuisance

    with unit_of_work() as session:
        rows = [_flag_row(f) for f in nuisance.list_flags(session, status=status)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(f"#{row['id']} {row['caller_phone']} {row['status']} 证据工单 {', '.join(map(str, row['order_ids']))}")


def _review(flag_id: int, confirm: bool, note: str | None, user: str | None) -> None:
    from liandong.workorder import nuisance

    with unit_of_work() as session:
        who = _actor(session, "cli", user)
        flag = nuisance.review(session, flag_id=flag_id, actor=who, now=clock_now(), confirm=confirm, note=note)
        typer.echo(f"标记 #{flag.id}（{flag.caller_phone}）：{'已确认为恶意骚扰' if confirm else '已排除'}")


@nuisance_app.command("confirm")
def nuisance_confirm_command(
    flag_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)],
    note: Annotated[Optional[str], typer.Option("--note")] = None,
    user: UserOption = None,
) -> None:
    """确认为恶意骚扰。"""
    _review(flag_id, True, note, user)


@nuisance_app.command("dismiss")
def nuisance_dismiss_command(
    flag_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)],
    note: Annotated[Optional[str], typer.Option("--note")] = None,
    user: UserOption = None,
) -> None:
    """排除标记（并非骚扰）。"""
    _review(flag_id, False, note, user)


@nuisance_app.command("lift")
def nuisance_lift_command(
    flag_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)],
    note: Annotated[str, typer.Option("--note", help="解除理由（如：来电人申诉，经核实为正常诉求）")],
    user: UserOption = None,
) -> None:
    """申诉解除：已确认的骚扰号码恢复正常受理。"""
    from liandong.workorder import nuisance

    with unit_of_work() as session:
        who = _actor(session, "cli", user)
        flag = nuisance.lift(session, flag_id=flag_id, actor=who, now=clock_now(), note=note)
        typer.echo(f"标记 #{flag.id}（{flag.caller_phone}）：已解除")
