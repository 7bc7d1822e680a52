"""`liandong serve` and `liandong demo`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from liandong.config import settings


def _serve(host: str, port: int) -> None:
    import uvicorn

    from liandong.app import create_app
    from liandong.core.observe import configure_logging
    from liandong.web.suggest import warm_up

    # Load the triage model before the first call-taker types (not in a thread: warnings filters are not thread-safe).
    if settings().warm_up:
        warm_up()
    configure_logging()
    app = create_app()
    _start_embedded_worker(app)
    # SIGTERM / Ctrl+C: stop accepting, let in-flight requests finish (up to 30 s), then exit.
    uvicorn.run(app, host=host, port=port, log_config=None, timeout_graceful_shutdown=30)


def _start_embedded_worker(app) -> None:
    """On the embedded SQLite default the worker runs in-process, so a transfer is delivered without another command."""
    config = settings()
    wanted = config.embedded_worker if config.embedded_worker is not None else config.database_url.startswith("sqlite")
    if not wanted:
        return
    from liandong.linkage.worker import Worker

    app.state.worker = Worker(app.state.engine, concurrency=4)
    app.state.worker.start_background()
    typer.echo("后台任务（对接报文发送与定时任务）已在本进程内运行")


def _apply_role(role: str | None) -> None:
    if role is None:
        return
    from liandong.core.errors import ValidationFailed
    from liandong.linkage.messages import PLATFORMS

    if role not in PLATFORMS:
        raise ValidationFailed(f"平台角色无效：{role}。可选：{'、'.join(PLATFORMS)}", field="role")
    settings().platform_role = role


def _api_access_note() -> str:
    note = "接口 /api：已登录的操作员，或携带各自接口令牌（liandong tokens create）的外部系统可调用"
    if settings().api_token:
        note += "\n警告：LIANDONG_API_TOKEN 已弃用，仅按派单员身份访问工单；请为每个对接系统运行 liandong tokens create 后删除该设置"
    return note


def _check_secret() -> None:
    """Refuse a weak signing key before announcing anything (outside the demo)."""
    from liandong.account.secret import signing_key

    config = settings()
    signing_key(configured=config.secret_key, var_dir=config.var_dir, demo=config.demo)


RoleOption = Annotated[Optional[str], typer.Option("--role", help="本平台角色：12345（默认）|110|119|120|122")]


def serve_command(
    host: Annotated[Optional[str], typer.Option("--host")] = None,
    port: Annotated[Optional[int], typer.Option("--port")] = None,
    role: RoleOption = None,
) -> None:
    """启动 Web 服务（接口文档见 /docs）。"""
    _apply_role(role)
    config = settings()
    host, port = host or config.host, port or config.port
    _check_secret()
    typer.echo(f"联动已启动：http://{host}:{port}")
    typer.echo(_api_access_note())
    _serve(host, port)


def demo_command(
    host: Annotated[Optional[str], typer.Option("--host")] = None,
    port: Annotated[Optional[int], typer.Option("--port")] = None,
    orders: Annotated[int, typer.Option("--orders", min=1, max=20_000_000, help="演示工单数量")] = 360,
    months: Annotated[Optional[float], typer.Option("--months", min=0.1, max=120, help="历史跨度（月）；给出时或工单超过 2000 张时批量生成")] = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="只准备演示数据，不启动服务")] = False,
    role: RoleOption = None,
) -> None:
    """准备演示数据库（本地 SQLite，默认配置与近 90 天的演示工单），然后启动服务。"""
    from liandong.config import configure
    from liandong.demo import prepare_demo

    _apply_role(role)
    config = configure(**{**settings().model_dump(exclude_unset=True), "demo": True})
    host, port = host or config.host, port or config.port
    summary = prepare_demo(orders=orders, months=months, progress=lambda n: typer.echo(f"已生成 {n} 张工单…", err=True))
    typer.echo(f"演示数据库：{config.database_url}（新建工单 {summary['orders_created']} 张，共 {summary['orders_total']} 张）")
    from liandong.account.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    typer.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：" + "，".join(f"{username}（{name}）" for username, name, _role, _unit in DEMO_ACCOUNTS))
    if no_serve:
        return
    typer.echo(f"联动演示已启动：http://{host}:{port}  （接口文档 http://{host}:{port}/docs，按 Ctrl+C 退出）")
    typer.echo(_api_access_note())
    _serve(host, port)
