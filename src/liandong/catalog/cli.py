"""`liandong catalog …`: load and inspect divisions, departments, categories, the deadline policy and the working-day calendar."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer

from liandong.catalog import edits, service
from liandong.catalog.calendar import DAY_SOURCE_LABELS
from liandong.catalog.edits import NoticePreview
from liandong.config import settings
from liandong.core import textfile
from liandong.core.actor import CLI
from liandong.core.clock import SHANGHAI, now
from liandong.core.errors import NotFound
from liandong.db import unit_of_work

app = typer.Typer(help="目录：行政区划、承办单位、诉求分类、办理时限、工作日历。", no_args_is_help=True)

WORK = {True: "上班", False: "放假"}


@app.command("load")
def load_command(
    replace: Annotated[bool, typer.Option("--replace", help="用数据文件覆盖数据库中已修改的条目")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """从数据文件载入目录（默认只补充缺少的条目）。"""
    with unit_of_work() as session:
        counts = service.load_defaults(session, settings(), replace=replace)
    typer.echo(json.dumps(counts, ensure_ascii=False) if as_json else "已载入：" + "，".join(f"{k} {v}" for k, v in counts.items()))


@app.command("departments")
def departments_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出承办单位。"""
    with unit_of_work() as session:
        rows = [service.department_row(d) for d in service.list_departments(session)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            typer.echo(f"{row['code']:12} {row['name']}  {row['duties']}")


@app.command("divisions")
def divisions_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出行政区划。"""
    with unit_of_work() as session:
        rows = [{"code": d.code, "name": d.name, "level": d.level, "parent_code": d.parent_code} for d in service.list_divisions(session)]
    typer.echo(json.dumps(rows, ensure_ascii=False) if as_json else "\n".join(f"{r['code']} {r['name']}" for r in rows))


@app.command("policy")
def policy_command() -> None:
    """显示办理时限规则（JSON）。"""
    with unit_of_work() as session:
        typer.echo(json.dumps(asdict(service.get_policy(session)), ensure_ascii=False))


def _read_notice_file(path: Path) -> str:
    if not path.is_file():
        raise NotFound(f"文件不存在：{path}", field="file")
    return textfile.decode(path.read_bytes(), name=str(path))


def _preview_json(preview: NoticePreview, *, saved: bool) -> dict:
    notice = preview.notice
    return {
        "year": notice.year,
        "title": notice.title,
        "saved": saved,
        "replaces_import_of": preview.replaced_at.isoformat() if preview.replaced_at is not None else None,
        "holidays": [{"name": h.name, "days": [d.isoformat() for d in h.days], "clause": h.clause} for h in notice.holidays],
        "makeup_days": [{"day": m.day.isoformat(), "name": m.name, "clause": m.clause} for m in notice.makeup_days],
        "changes": [
            {"day": c.day.isoformat(), "before": WORK[c.before], "after": WORK[c.after], "before_source": c.before_source.value, "reason": c.reason}
            for c in preview.changes
        ],
        "kept_overrides": [{"day": k.day.isoformat(), "is_workday": k.is_workday, "note": k.note} for k in preview.kept],
    }


def _preview_text(preview: NoticePreview, *, saved: bool) -> str:
    notice = preview.notice
    lines = [notice.title]
    if preview.replaced_at is not None:
        when = preview.replaced_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        lines.append(f"（将替换 {preview.replaced_by} 于 {when} 导入的 {notice.year} 年通知；人工调整保留）")
    for holiday in notice.holidays:
        span = holiday.start.isoformat() if len(holiday.days) == 1 else f"{holiday.start.isoformat()} 至 {holiday.end.isoformat()}"
        makeup = [m.day.isoformat() for m in notice.makeup_days if m.name == holiday.name]
        lines.append(f"  {holiday.name}：{span} 放假，共 {len(holiday.days)} 天" + (f"；{'、'.join(makeup)} 上班" if makeup else ""))
    lines.append(f"将改变的日期（{len(preview.changes)} 天）：")
    for change in preview.changes:
        lines.append(f"  {change.day.isoformat()} {WORK[change.before]} → {WORK[change.after]}  {change.reason}（原依据：{DAY_SOURCE_LABELS[change.before_source]}）")
    for kept in preview.kept:
        lines.append(f"  {kept.day.isoformat()} 保留人工调整：{WORK[kept.is_workday]} {kept.note}")
    lines.append("已保存。" if saved else "仅预览，未保存；加 --save 保存。")
    return "\n".join(lines)


@app.command("calendar-notice")
def calendar_notice_command(
    file: Annotated[Path, typer.Argument(help="国务院办公厅关于××××年部分节假日安排的通知（全文，文本文件）")],
    year: Annotated[Optional[int], typer.Option("--year", help="年份（通知无标题时必填）")] = None,
    save: Annotated[bool, typer.Option("--save", help="保存到工作日历（默认只预览）")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """解析国务院节假日安排通知：列出放假和调休上班日及将改变的日期；加 --save 保存。"""
    text = _read_notice_file(file)
    with unit_of_work() as session:
        if save:
            preview = edits.import_calendar_notice(session, actor=CLI, text=text, year=year, now=now())
        else:
            preview = edits.preview_calendar_notice(session, text=text, year=year)
        output = _preview_json(preview, saved=save) if as_json else _preview_text(preview, saved=save)
    typer.echo(json.dumps(output, ensure_ascii=False) if as_json else output)


@app.command("calendar-status")
def calendar_status_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """工作日历已知的最后一天、剩余天数，以及是否需要导入下一年的通知。"""
    today = now().astimezone(SHANGHAI).date()
    with unit_of_work() as session:
        status = service.calendar_horizon(session, today=today)
        years = [notice.year for notice in service.list_calendar_notices(session)]
    last = status.last_known_day.isoformat() if status.last_known_day else None
    if as_json:
        body = {
            "today": today.isoformat(),
            "last_known_day": last,
            "days_left": status.days_left,
            "warning": status.warn,
            "warning_days": status.warning_days,
            "imported_notice_years": sorted(years),
        }
        typer.echo(json.dumps(body, ensure_ascii=False))
    else:
        typer.echo(status.message if status.warn else f"工作日历已知到 {last}，还剩 {status.days_left} 天。")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="catalog")
