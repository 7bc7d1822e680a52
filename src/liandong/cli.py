"""The `liandong` command: global options, error handling, and each domain's commands."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import click
import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm.exc import StaleDataError

from liandong.config import configure
from liandong.core.errors import DomainError

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


def _register_domains() -> None:
    from liandong.account.cli import register as register_account
    from liandong.catalog.cli import register as register_catalog
    from liandong.dbcli import register as register_db
    from liandong.knowledge.cli import register as register_knowledge
    from liandong.triage.cli import register as register_triage
    from liandong.workorder.cli import register as register_workorder
    from liandong.webcli import register as register_web

    for register in (
        register_db,
        register_catalog,
        register_workorder,
        register_triage,
        register_knowledge,
        register_web,
        register_account,
    ):
        register(app)


_register_domains()


def fail(message: str, exit_code: int = 2) -> None:
    typer.echo(f"错误：{message}", err=True)
    raise SystemExit(exit_code)


def main(argv: list[str] | None = None) -> None:
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="liandong", standalone_mode=False)
    except DomainError as error:
        fail(error.message, error.exit_code)
    except click.exceptions.Abort:
        fail("已取消", 130)
    except click.exceptions.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except click.exceptions.Exit as error:
        raise SystemExit(error.exit_code) from None
    except StaleDataError:
        fail("工单已被他人同时修改，请重试", 4)
    except (OperationalError, ProgrammingError) as error:
        text = str(error.orig)
        if "no such table" in text or "does not exist" in text:
            fail("数据库尚未初始化，请先运行：liandong db upgrade", 6)
        fail(f"数据库错误：{text}", 6)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
