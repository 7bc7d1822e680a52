"""`liandong report …` (figures, reports, snapshots), `liandong hotspots` and `liandong incidents …`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from liandong.core.actor import Actor, Role
from liandong.core.clock import SHANGHAI, parse_aware
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.db import unit_of_work

app = typer.Typer(help="统计报表：三率等指标、月报季报、快照。", no_args_is_help=True)
incidents_app = typer.Typer(help="110 警情：导入与融合研判。", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
CLI_ACTOR = Actor("cli", Role.ADMIN)


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed(f"日期格式无效：{value}，请写作 2023-10-01", field=field) from None


def _echo_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@app.command("metrics")
def metrics_command(
    date_from: Annotated[str, typer.Option("--from", help="开始日期（含），如 2023-10-01")],
    date_to: Annotated[str, typer.Option("--to", help="结束日期（不含），如 2023-11-01")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="评价时点（ISO 8601，带时区），缺省为现在")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="分组：department|division|category|channel|type|day|week|month")] = None,
    level: Annotated[int, typer.Option("--level", help="按分类分组时的层级 1–3")] = 1,
    as_json: JsonOption = False,
) -> None:
    """按受理日期统计各项指标（并单、无效来电不计入比率）。"""
    from liandong.report import metrics

    now = clock_now()
    start, end = _date(date_from, "from"), _date(date_to, "to")
    at = parse_aware(as_of, field="as_of") if as_of else now
    with unit_of_work() as session:
        result = metrics.compute(session, date_from=start, date_to=end, as_of=at, by=by, level=level, now=now)
    if as_json:
        _echo_json(result)
        return
    o = result["overall"]
    typer.echo(f"{start} 至 {end}（不含），评价时点 {result['as_of']}，指标定义版本 {result['definitions_version']}")
    typer.echo(f"受理 {o['received']}｜并单 {o['merged']}｜无效 {o['invalid']}｜撤回 {o['withdrawn']}｜有效 {o['valid']}｜派单 {o['dispatched']}")
    typer.echo(
        f"响应率 {_pct(o['response_rate'])}｜按时办结率 {_pct(o['on_time_reply_rate'])}｜办结率 {_pct(o['completion_rate'])}｜"
        f"解决率 {_pct(o['resolution_rate'])}｜满意率 {_pct(o['satisfaction_rate'])}"
    )
    for group in result["groups"]:
        grade = f"｜{group['grade']}" if "grade" in group else ""
        typer.echo(f"  {group['label']}：受理 {group['received']}｜响应率 {_pct(group['response_rate'])}｜满意率 {_pct(group['satisfaction_rate'])}{grade}")


@app.command("build")
def build_command(
    period: Annotated[str, typer.Option("--period", help="统计期：2023-10（月报）或 2023-Q4（季报）")],
    out: Annotated[Path, typer.Option("--out", help="输出文件")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx 或 pdf")] = "xlsx",
    revision: Annotated[Optional[int], typer.Option("--revision", help="使用已冻结的第 N 版快照")] = None,
    as_json: JsonOption = False,
) -> None:
    """生成月报或季报（已结束的统计期使用冻结的快照）。"""
    from liandong.report import exports, service

    now = clock_now()
    if fmt not in exports.FORMATS:
        raise ValidationFailed(f"格式只能是 {'、'.join(exports.FORMATS)}", field="format")
    target = service.parse_period(period)
    with unit_of_work() as session:
        data = service.period_report(session, period=target, actor=CLI_ACTOR, now=now, revision=revision)
    size = exports.write(data, fmt, out)
    summary = {"period": target.code, "format": fmt, "out": str(out), "bytes": size, "frozen": data["frozen"], "revision": data["revision"],
               "definitions_version": data["definitions_version"]}
    if as_json:
        _echo_json(summary)
    else:
        typer.echo(f"已生成{target.title}：{out}（{size} 字节，{data['revision_label']}，指标定义版本 {data['definitions_version']}）")


@app.command("recompute")
def recompute_command(
    period: Annotated[str, typer.Option("--period", help="统计期：2023-10 或 2023-Q4")],
    label: Annotated[Optional[str], typer.Option("--label", help="新版本的说明")] = None,
    as_json: JsonOption = False,
) -> None:
    """按现在的数据重新计算已结束的统计期，生成新的一版快照（原版本保留）。"""
    from liandong.report import service

    now = clock_now()
    target = service.parse_period(period)
    with unit_of_work() as session:
        data = service.recompute(session, period=target, actor=CLI_ACTOR, now=now, label=label)
    if as_json:
        _echo_json({"period": target.code, "revision": data["revision"], "label": data["revision_label"], "overall": data["overall"]})
    else:
        typer.echo(f"{target.label}已重新计算：{data['revision_label']}")


@app.command("snapshots")
def snapshots_command(
    period: Annotated[Optional[str], typer.Option("--period", help="只列出这个统计期")] = None,
    as_json: JsonOption = False,
) -> None:
    """已冻结的统计快照及其版本。"""
    from liandong.report import service

    with unit_of_work() as session:
        rows = service.snapshots(session, service.parse_period(period) if period else None)
        items = [{"period": s.period, "revision": s.revision, "label": s.label, "as_of": s.as_of.astimezone(SHANGHAI).isoformat(),
                  "definitions_version": s.definitions_version, "received": s.figures["overall"]["received"]} for s in rows]
    if as_json:
        _echo_json(items)
        return
    for item in items:
        typer.echo(f"{item['period']} 第 {item['revision']} 版｜{item['label']}｜冻结于 {item['as_of']}｜受理 {item['received']}")


@app.command("problems")
def problems_command(
    period: Annotated[str, typer.Option("--period", help="统计期：2023-10 或 2023-Q4")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 10,
    as_json: JsonOption = False,
) -> None:
    """每月一题候选：本期反映最集中的问题，附地点、重复来电和不满意情况。"""
    from liandong.report import problems, service

    now = clock_now()
    target = service.parse_period(period)
    with unit_of_work() as session:
        from liandong.report.rollup import ensure_fresh

        ensure_fresh(session, now=now)
        rows = problems.recurring_problems(session, date_from=target.start, date_to=target.end, as_of=now, limit=limit)
    if as_json:
        _echo_json(rows)
        return
    for index, row in enumerate(rows, start=1):
        places = "、".join(f"{p['place']}（{p['orders']}）" for p in row["top_places"])
        typer.echo(f"{index}. {row['topic']}：{row['orders']} 件（上期 {row['previous']}），{row['places']} 处地点，不满意 {row['dissatisfied']}｜{places}")


@app.command("refresh")
def refresh_command(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="全部重新推导（指标定义变化后）")] = False,
    as_json: JsonOption = False,
) -> None:
    """更新统计事实表和按日汇总表。"""
    from liandong.report import rollup

    now = clock_now()
    with unit_of_work() as session:
        result = rollup.rebuild(session, now=now) if rebuild else rollup.refresh(session, now=now, look_back=rollup.LOOK_BACK_IDS)
        result |= rollup.roll(session, now=now)
    if as_json:
        _echo_json(result)
    else:
        typer.echo(f"已更新 {result['orders']} 张工单的统计事实，{result['rolled']} 张已办结稳定的工单计入按日汇总")


def hotspots_command(
    start: Annotated[str, typer.Option("--from", help="开始时间（ISO 8601，带时区）")],
    end: Annotated[str, typer.Option("--to", help="结束时间（ISO 8601，带时区）")],
    as_json: JsonOption = False,
) -> None:
    """民意热点：检测该时段内同一地点同一主题的集中来电，并列出热点。"""
    from liandong.report import alerts

    first, last = parse_aware(start, field="from"), parse_aware(end, field="to")
    with unit_of_work() as session:
        found = [alerts.to_dict(h) for h in alerts.detect_range(session, start=first, end=last)]
    if as_json:
        _echo_json(found)
        return
    if not found:
        typer.echo("该时段未发现民意热点")
    for item in found:
        typer.echo(f"#{item['id']} {item['place']}·{item['topic']}：{item['size']} 件，{item['first_at']} 至 {item['last_at']}，显著性 {item['score']}")


@incidents_app.command("import")
def incidents_import(
    file: Annotated[Path, typer.Argument(help="CSV 或 XLSX：时间、地点、区划、类型、摘要（可选 警情编号）")],
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="只导入正确的行，列出其余行及原因")] = False,
    as_json: JsonOption = False,
) -> None:
    """导入 110 警情记录；有错误的行逐行列出原因。"""
    from liandong.report import incidents

    now = clock_now()
    try:
        with unit_of_work() as session:
            result = incidents.import_file(session, file, actor_name=CLI_ACTOR.name, now=now, skip_bad=skip_bad)
    except incidents.ImportRefused as refused:
        for problem in refused.problems:
            typer.echo(f"第 {problem['row']} 行：{problem['reason']}", err=True)
        raise
    if as_json:
        _echo_json(result)
        return
    typer.echo(f"已导入 {result['imported']} 条警情；重复 {result['duplicates']} 条未导入；跳过错误行 {result['skipped']} 条")
    for problem in result["problems"]:
        typer.echo(f"  第 {problem['row']} 行：{problem['reason']}")


@incidents_app.command("analyse")
def incidents_analyse(
    start: Annotated[str, typer.Option("--from", help="开始时间（ISO 8601，带时区）")],
    end: Annotated[str, typer.Option("--to", help="结束时间（ISO 8601，带时区）")],
    days: Annotated[int, typer.Option("--days", min=1, max=180, help="从 12345 诉求到 110 警情的最长间隔（天）")] = 30,
    as_json: JsonOption = False,
) -> None:
    """融合研判：12345 诉求与 110 警情同时上升的地点，以及诉求升级为警情的情况。"""
    from liandong.report import incidents

    first, last = parse_aware(start, field="from"), parse_aware(end, field="to")
    with unit_of_work() as session:
        result = incidents.analyse(session, start=first, end=last, escalation_days=days)
    if as_json:
        _echo_json(result)
        return
    typer.echo(f"12345 诉求 {result['orders']} 件，110 警情 {result['incidents']} 起")
    for row in result["rising"]:
        typer.echo(f"  双升：{row['place']}｜诉求 {row['orders_before']}→{row['orders']}｜警情 {row['incidents_before']}→{row['incidents']}")
    for row in result["escalations"]:
        typer.echo(f"  升级：{row['place']}｜{row['topic']}｜{'、'.join(row['orders'])} → 警情 {row['external_id'] or row['incident_id']}（{row['days']} 天）")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report")
    root.command("hotspots")(hotspots_command)
    root.add_typer(incidents_app, name="incidents")
