"""`liandong link …` (peers, status, retry, negotiation) and `liandong worker`."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from liandong.config import settings
from liandong.core.actor import CLI
from liandong.core.clock import now as clock_now
from liandong.db import unit_of_work

app = typer.Typer(help="12345 与 110 等平台对接：对接平台、发送状态、死信重试。", no_args_is_help=True)
peer_app = typer.Typer(help="对接平台（对方的地址与共享密钥）。", no_args_is_help=True)
app.add_typer(peer_app, name="peer")

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]


def _echo_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


@peer_app.command("add")
def peer_add(
    name: Annotated[str, typer.Argument(help="对方平台名称（对方签名时使用的名称，如 jc110）")],
    url: Annotated[str, typer.Argument(help="对方地址，如 http://127.0.0.1:8001")],
    secret: Annotated[str, typer.Option("--secret", help="双方约定的共享密钥（16–256 字符）")],
    platform: Annotated[Optional[str], typer.Option("--platform", help="对方平台类型：12345|110|119|120|122（缺省：本平台为 12345 时 110，否则 12345）")] = None,
    division: Annotated[Optional[str], typer.Option("--division", help="对方服务区域的行政区划代码（县级 110 填县代码）")] = None,
    as_json: JsonOption = False,
) -> None:
    """登记或更新一个对接平台。"""
    from liandong.linkage import service

    platform = platform or ("110" if settings().platform_role == "12345" else "12345")
    with unit_of_work() as session:
        peer = service.add_peer(session, name=name, url=url, secret=secret, platform=platform, division_code=division, now=clock_now())
        row = {"name": peer.name, "platform": peer.platform, "url": peer.url, "division_code": peer.division_code}
    if as_json:
        _echo_json(row)
    else:
        typer.echo(f"已登记对接平台 {row['name']}（{row['platform']}）：{row['url']}")


@peer_app.command("list")
def peer_list(as_json: JsonOption = False) -> None:
    """列出对接平台（不显示密钥）。"""
    from liandong.linkage import service

    with unit_of_work() as session:
        rows = [{"name": p.name, "platform": p.platform, "url": p.url, "division_code": p.division_code, "active": p.active}
                for p in service.list_peers(session)]
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['name']}\t{row['platform']}\t{row['url']}\t{row['division_code'] or '—'}")


@app.command("status")
def status_command(as_json: JsonOption = False) -> None:
    """各对接平台：待发送、发送失败、已送达、死信数量与最早待发送时长。"""
    from liandong.linkage import service

    with unit_of_work() as session:
        status = service.link_status(session, now=clock_now())
    if as_json:
        _echo_json(status)
        return
    typer.echo(f"本平台：{status['name']}（{status['platform']}）  未分发 {status['unpublished']}  已接收 {status['inbox']}  已拒收 {status['refused']}")
    for p in status["peers"]:
        age = "—" if p["oldest_pending_age_seconds"] is None else f"{p['oldest_pending_age_seconds']:.0f} 秒"
        typer.echo(f"{p['peer']}：待发送 {p['pending']}  失败待重试 {p['failed']}  已送达 {p['delivered']}  死信 {p['dead']}  最早待发送 {age}")


@app.command("retry")
def retry_command(
    delivery: Annotated[Optional[int], typer.Option("--id", min=1, help="只重试这一条")] = None,
    peer: Annotated[Optional[str], typer.Option("--peer", help="只重试发往该平台的")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="连同等待重试的失败报文立即重发")] = False,
    as_json: JsonOption = False,
) -> None:
    """死信一键重试：立即重新发送，重新计数。"""
    from liandong.linkage import service

    with unit_of_work() as session:
        if peer is not None:
            service.require_peer(session, peer)
        count = service.retry(session, now=clock_now(), delivery_id=delivery, peer=peer, failed=failed)
    if as_json:
        _echo_json({"retried": count})
    else:
        typer.echo(f"已重新排队 {count} 条报文")


@app.command("query")
def query_command(
    order: Annotated[str, typer.Argument(help="本平台的工单编号（转给对方的，或对方转来的）")],
    peer: Annotated[Optional[str], typer.Option("--peer", help="对方平台名称（缺省：该工单对接的平台）")] = None,
    as_json: JsonOption = False,
) -> None:
    """状态查询：向对方平台查询该工单在对方的状态。"""
    from sqlalchemy import select

    from liandong.linkage import service
    from liandong.linkage.models import OrderLink
    from liandong.linkage.relay import query_status
    from liandong.workorder.models import WorkOrder
    from liandong.workorder.service import resolve_order_id

    with unit_of_work() as session:
        local = session.get(WorkOrder, resolve_order_id(session, order))
        link = session.scalar(select(OrderLink).where(OrderLink.order_id == local.id).order_by(OrderLink.id.desc()).limit(1))
        if peer is None and link is None:
            from liandong.core.errors import InvalidTransition

            raise InvalidTransition(f"工单 {local.number} 没有与对方平台的转办记录，请用 --peer 指定")
        target = service.require_peer(session, peer or link.peer_name)
        number = link.conversation if link else local.number
        sender = service.sender_party()
    answer = query_status(target, number, sender=sender)
    if as_json:
        _echo_json(answer)
    elif answer.get("result") == "ok":
        typer.echo(f"对方编号 {answer['receiver_order_number']}：{answer['status_label']}（{answer['updated_at']}）")
    else:
        typer.echo(answer.get("detail") or "对方平台没有该工单")


@app.command("negotiate")
def negotiate_command(
    order: Annotated[str, typer.Argument(help="工单编号或 id")],
    outcome: Annotated[str, typer.Option("--outcome", help="agreed_sender|agreed_receiver|failed（未达成一致按首接负责制）")],
    mode: Annotated[str, typer.Option("--mode", help="三方通话 或 消息")] = "三方通话",
    participant: Annotated[Optional[list[str]], typer.Option("--participant", help="参与人，可重复")] = None,
    note: Annotated[Optional[str], typer.Option("--note")] = None,
) -> None:
    """记录协商结果并发送给对方平台。"""
    from liandong.linkage import service
    from liandong.workorder.service import resolve_order_id

    with unit_of_work() as session:
        link = service.record_negotiation(session, order_id=resolve_order_id(session, order), mode=mode, outcome=outcome,
                                          participants=list(participant or []), note=note, actor=CLI, now=clock_now())
        typer.echo(service.negotiation_note(link.negotiation))


@app.command("transfer-list")
def transfer_list_command(
    publish: Annotated[bool, typer.Option("--publish", help="把本方现行清单发布给尚未收到该版本的对接平台")] = False,
    force: Annotated[bool, typer.Option("--force", help="与 --publish 同用：即使对方已收到该版本也重新发布")] = False,
    peer: Annotated[Optional[str], typer.Option("--peer", help="只发布给该平台")] = None,
    as_json: JsonOption = False,
) -> None:
    """分流转办清单：本方现行版本、已发布给各对接平台的版本、对方所用版本；--publish 发布。"""
    from liandong.linkage import service

    with unit_of_work() as session:
        if peer is not None:
            service.require_peer(session, peer)
        sent = service.publish_transfer_list(session, now=clock_now(), force=force, peer=peer) if publish else []
        status = service.transfer_list_status(session)
    status["published_now"] = sent
    if as_json:
        _echo_json(status)
        return
    d = status["by_direction"]
    typer.echo(f"本方清单版本 {status['version']}：共享事项 {status['items']} 项（12345→110 {d['12345→110']}，110→12345 {d['110→12345']}，"
               f"紧急警情 {d['emergency']}）")
    if publish:
        typer.echo(f"已发布给：{'、'.join(sent)}" if sent else "各对接平台均已有此版本，未重复发布")
    for p in status["peers"]:
        typer.echo(f"{p['peer']}（{p['platform']}）：本方已发布 {p['published_version'] or '—'}（{p['published_state_label']}）"
                   f"  对方所用 {p['peer_version'] or '未收到'}")


def worker_command(
    once: Annotated[bool, typer.Option("--once", help="发送当前到期的报文、运行一次各定时任务后退出")] = False,
    interval: Annotated[float, typer.Option("--interval", min=0.05, max=60, help="发送轮询间隔（秒）")] = 0.5,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="并发发送数")] = 8,
    no_tasks: Annotated[bool, typer.Option("--no-tasks", help="只发送对接报文，不运行定时任务（由其他 worker 运行）")] = False,
    role: Annotated[Optional[str], typer.Option("--role", help="本平台角色（与 serve --role 相同；或设置 LIANDONG_PLATFORM_ROLE）")] = None,
    as_json: JsonOption = False,
) -> None:
    """后台任务：对接报文发送（重试、死信）与各定时任务。PostgreSQL 上可在多台机器同时运行。"""
    from liandong.linkage.worker import Worker
    from liandong.web.cli import _apply_role

    _apply_role(role)
    worker = Worker(concurrency=concurrency)
    if once:
        figures = worker.once(tasks=not no_tasks)
        worker.relay.close()
        if as_json:
            _echo_json(figures)
        else:
            r = figures["relay"]
            typer.echo(f"已发送 {r['sent']} 次：送达 {r['delivered']}（其中对方已有 {r['duplicates']}），失败 {r['failed']}，转入死信 {r['dead']}")
        return
    from liandong.core.observe import configure_logging

    configure_logging()  # JSON lines on stderr like `serve`: task figures, dead letters, the console notifier's messages
    typer.echo(f"后台任务已启动（{settings().sender_name}，{settings().database_url.split('@')[-1]}），按 Ctrl+C 退出", err=True)
    worker.run_forever(interval=interval, tasks=not no_tasks)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="link")
    root.command("worker")(worker_command)
