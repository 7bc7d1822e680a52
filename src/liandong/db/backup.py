"""`liandong backup` / `liandong restore` for the embedded SQLite database (online, consistent copies).

SQLite's backup API copies a live database page by page under its own locks, so a backup taken while the server
writes is a consistent snapshot. PostgreSQL installations use pg_dump / pg_restore instead.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from liandong.config import settings
from liandong.core.errors import ValidationFailed


def _sqlite_file() -> Path:
    url = make_url(settings().database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ValidationFailed("备份与恢复命令只适用于 SQLite 数据库；PostgreSQL 请使用 pg_dump / pg_restore", field="db")
    return Path(url.database)


def _check(path: Path) -> int:
    """A Liandong database that passes SQLite's integrity check; returns its number of orders."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ValidationFailed(f"备份文件已损坏：{path}", field="path")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"alembic_version", "work_orders"} <= tables:
                raise ValidationFailed(f"不是联动数据库的备份：{path}", field="path")
            return connection.execute("SELECT count(*) FROM work_orders").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise ValidationFailed(f"无法读取备份文件：{path}（{error}）", field="path") from None


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def backup_command(
    path: Annotated[Path, typer.Argument(help="备份文件路径")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    """备份 SQLite 数据库（服务运行中也可执行，得到一致的快照）。"""
    source = _sqlite_file()
    if not source.exists():
        raise ValidationFailed(f"数据库文件不存在：{source}", field="db")
    if path.exists() and not force:
        raise ValidationFailed(f"文件已存在：{path}（如需覆盖请加 --force）", field="path")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    _copy(source, path)
    orders = _check(path)
    typer.echo(f"已备份到 {path}（工单 {orders} 张）")


def restore_command(
    path: Annotated[Path, typer.Argument(help="备份文件路径")],
    yes: Annotated[bool, typer.Option("--yes", help="确认用备份替换当前数据库")] = False,
) -> None:
    """用备份替换当前 SQLite 数据库（请先停止服务）。"""
    target = _sqlite_file()
    if not path.exists():
        raise ValidationFailed(f"备份文件不存在：{path}", field="path")
    orders = _check(path)
    if not yes:
        raise ValidationFailed("恢复会替换当前数据库的全部内容，请停止服务后加 --yes 确认", field="yes")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(path, target)
    typer.echo(f"已从 {path} 恢复（工单 {orders} 张）")
