"""`python -m liandong.triage …`: the triage commands without the rest of the CLI (for scripts and benchmarks)."""

from __future__ import annotations

import sys

import typer

from liandong.core.errors import DomainError
from liandong.triage.cli import register

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)
register(app)


def main(argv: list[str] | None = None) -> None:
    import click

    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="liandong", standalone_mode=False)
    except DomainError as error:
        typer.echo(f"错误：{error.message}", err=True)
        raise SystemExit(error.exit_code) from None
    except click.exceptions.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except click.exceptions.Exit as error:
        raise SystemExit(error.exit_code) from None


if __name__ == "__main__":
    main(sys.argv[1:])
