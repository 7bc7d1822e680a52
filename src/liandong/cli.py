"""The `liandong` command: global options, error handling, and each domain's commands."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm.exc import StaleDataError
from typer import Abort, Exit
from typer._click.exceptions import BadParameter, ClickException, MissingParameter, NoSuchOption, UsageError

from liandong.config import configure
from liandong.core.errors import CONCURRENT_CHANGE, DomainError

app = typer.Typer(
    name="liandong",
    help="联动 Liandong：12345 政务服务便民热线与 110 对接联动平台。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    db: Annotated[
        Optional[str], typer.Option("--db", help="数据库地址（SQLAlchemy URL），默认读取 LIANDONG_DATABASE_URL 或 ./var/liandong.db")
    ] = None,
) -> None:
    overrides = {"database_url": db} if db else {}
    configure(**overrides)


def _mount_domains() -> None:
    """Each domain owns a Typer app; the root mounts them under their command names."""
    from liandong.account import cli as account_cli
    from liandong.catalog.cli import register as register_catalog
    from liandong.db import cli as db_cli
    from liandong.grid.cli import register as register_grid
    from liandong.knowledge.cli import register as register_knowledge
    from liandong.linkage.cli import register as register_linkage
    from liandong.notify.cli import register as register_notify
    from liandong.report.cli import register as register_report
    from liandong.triage.cli import register as register_triage
    from liandong.web import cli as web_cli
    from liandong.workorder import cli as workorder_cli

    app.add_typer(db_cli.app, name="db")
    register_catalog(app)
    app.add_typer(workorder_cli.app, name="orders")
    app.add_typer(workorder_cli.nuisance_app, name="nuisance")
    register_triage(app)
    register_knowledge(app)
    register_report(app)
    register_linkage(app)
    register_notify(app)
    register_grid(app)
    app.command("serve")(web_cli.serve_command)
    app.command("demo")(web_cli.demo_command)
    app.add_typer(account_cli.app, name="users")
    app.add_typer(account_cli.tokens_app, name="tokens")
    from liandong.audit import cli as audit_cli

    app.add_typer(audit_cli.app, name="audit")
    from liandong.db import backup

    app.command("backup")(backup.backup_command)
    app.command("restore")(backup.restore_command)


_mount_domains()


def fail(message: str, exit_code: int = 2) -> None:
    typer.echo(f"错误：{message}", err=True)
    raise SystemExit(exit_code)


_EXPLAIN = (
    ("valid integer", "应为整数"),
    ("valid number", "应为数字"),
    ("valid boolean", "应为 yes 或 no"),
    ("is not one of", "不在可选值中"),
    ("not in the range", "超出允许范围"),
    ("greater than", "数值过小"),
    ("less than", "数值过大"),
    ("does not exist", "文件不存在"),
)


def _explain(message: str) -> str:
    return next((chinese for english, chinese in _EXPLAIN if english in message), "格式不正确")


def _usage_message(error: ClickException) -> str:
    """Click's English usage errors, said in Chinese with what to type instead."""
    if isinstance(error, NoSuchOption):
        return f"未知选项：{error.option_name}"
    if isinstance(error, MissingParameter):
        name = error.param.opts[0] if error.param is not None and getattr(error.param, "opts", None) else (error.param_hint or "")
        return f"缺少必填参数：{name}"
    if isinstance(error, BadParameter):
        hint = error.param.opts[0] if error.param is not None and getattr(error.param, "opts", None) else (error.param_hint or "")
        return f"参数取值无效：{hint}（{_explain(error.message)}）"
    text = error.format_message()
    if text.startswith("No such command"):
        return "未知命令：" + text.removeprefix("No such command").strip(" '.")
    if text.startswith("Got unexpected extra argument"):
        return "多余的参数：" + text.split("(", 1)[-1].rstrip(")")
    return f"用法错误：{text}"


def main(argv: list[str] | None = None) -> None:
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="liandong", standalone_mode=False)
    except DomainError as error:
        fail(error.message, error.exit_code)
    except Abort:
        fail("已取消", 130)
    except UsageError as error:
        where = error.ctx.command_path if error.ctx is not None else "liandong"
        fail(f"{_usage_message(error)}。运行 {where} --help 查看用法", 2)
    except ClickException as error:
        fail(error.format_message(), error.exit_code or 1)
    except Exit as error:
        raise SystemExit(error.exit_code) from None
    except StaleDataError:
        fail(CONCURRENT_CHANGE, 4)
    except (OperationalError, ProgrammingError) as error:
        text = str(error.orig)
        if "no such table" in text or "does not exist" in text:
            fail("数据库尚未初始化，请先运行：liandong db upgrade", 6)
        fail(f"数据库错误：{text}", 6)
    except KeyboardInterrupt:
        fail("已取消", 130)
    except Exception:  # noqa: BLE001 - a person at a terminal gets a sentence; the details go to the log file
        fail(f"内部错误，未完成操作。详情已写入 {_log_crash()}", 1)


def _log_crash() -> str:
    import traceback
    from pathlib import Path

    from liandong.config import settings

    path = Path(settings().var_dir) / "log" / "cli-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc() + "\n")
    except OSError:
        return "（日志文件无法写入）"
    return str(path)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
