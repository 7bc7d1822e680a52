"""`liandong db …`: schema migrations and first-time set-up."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from liandong.db.migrate import current_revision, upgrade

app = typer.Typer(help="数据库：迁移与初始化。", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    no_seed: Annotated[bool, typer.Option("--no-seed", help="只迁移结构，不载入默认目录")] = False,
) -> None:
    """把数据库升级到最新结构，并在首次运行时载入默认目录（区划、单位、分类、时限）。"""
    result = upgrade(seed=not no_seed)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(f"数据库已升级到版本 {result['revision']}")
        if result.get("seeded"):
            typer.echo("已载入默认目录：" + "，".join(f"{k} {v}" for k, v in result["seeded"].items()))


@app.command("current")
def current_command() -> None:
    """显示数据库当前的迁移版本。"""
    typer.echo(current_revision() or "（未初始化）")
