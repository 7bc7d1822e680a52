"""`liandong catalog …`: load and inspect divisions, departments, categories and the deadline policy."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from liandong.catalog import service
from liandong.config import settings
from liandong.db import unit_of_work


def register(app: typer.Typer) -> None:
    catalog_app = typer.Typer(help="目录：行政区划、承办单位、诉求分类、办理时限。", no_args_is_help=True)

    @catalog_app.command("load")
    def load_command(
        replace: Annotated[bool, typer.Option("--replace", help="用数据文件覆盖数据库中已修改的条目")] = False,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """从数据文件载入目录（默认只补充缺少的条目）。"""
        with unit_of_work() as session:
            counts = service.load_defaults(session, settings(), replace=replace)
        typer.echo(json.dumps(counts, ensure_ascii=False) if as_json else "已载入：" + "，".join(f"{k} {v}" for k, v in counts.items()))

    @catalog_app.command("departments")
    def departments_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """列出承办单位。"""
        with unit_of_work() as session:
            rows = [service.department_row(d) for d in service.list_departments(session)]
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False))
        else:
            for row in rows:
                typer.echo(f"{row['code']:12} {row['name']}  {row['duties']}")

    @catalog_app.command("divisions")
    def divisions_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """列出行政区划。"""
        with unit_of_work() as session:
            rows = [{"code": d.code, "name": d.name, "level": d.level, "parent_code": d.parent_code} for d in service.list_divisions(session)]
        typer.echo(json.dumps(rows, ensure_ascii=False) if as_json else "\n".join(f"{r['code']} {r['name']}" for r in rows))

    @catalog_app.command("policy")
    def policy_command() -> None:
        """显示办理时限规则（JSON）。"""
        with unit_of_work() as session:
            typer.echo(json.dumps(asdict(service.get_policy(session)), ensure_ascii=False))

    app.add_typer(catalog_app, name="catalog")
