"""`liandong triage` and `liandong model …`: parse options, call the triage service, print JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from liandong.core.errors import ValidationFailed

app = typer.Typer(help="分诊分流：判断诉求归属，训练与评估分诊模型。", no_args_is_help=True)
model_app = typer.Typer(help="分诊模型：训练与评估。", no_args_is_help=True)
app.add_typer(model_app, name="model")

_BATCH = 512


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)


@app.command("triage")
def triage_command(
    text: Annotated[Optional[str], typer.Argument(help="诉求内容（与 --json 一起使用）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出一条分诊结果")] = False,
    jsonl: Annotated[Optional[Path], typer.Option("--jsonl", help="逐行读取 {\"id\":…, \"text\":…, \"title\":…}，逐行输出结果；“-” 表示标准输入")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="标题（网上留言、信件的标题；可选）")] = None,
    location: Annotated[Optional[str], typer.Option("--location", help="来电人所在地点（可选）")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel", help="来源渠道（可选）")] = None,
    reload_rules: Annotated[bool, typer.Option("--reload", help="重新读取分流转办事项清单与模型")] = False,
) -> None:
    """判断诉求归属：12345 / 110 / 119 / 120 / 引导 / 无效，以及诉求类型、分类、承办单位和属地。"""
    from liandong.triage import service

    if reload_rules:
        service.reload()
    if jsonl is not None:
        triage_jsonl(jsonl)
        return
    if text is None or not text.strip():
        raise ValidationFailed("诉求内容不能为空：liandong triage --json \"诉求内容\"")
    result = service.triage(text, title=title, location=location, channel=channel)
    if as_json:
        typer.echo(_dump(result))
        return
    typer.echo(
        f"平台：{result['platform']}  类型：{result['request_type'] or '-'}  单位：{result['department'] or '-'}  "
        f"属地：{result['division_code']}  等级：{result['level']}  置信度：{result['confidence']:.2f}"
        + (f"  {result['review_label']}" if result.get("review_label") else "")
    )
    if result.get("secondary_platforms"):
        typer.echo(f"同时通知：{'、'.join(result['secondary_platforms'])}")
    typer.echo(f"分类：{' / '.join(result['category']) or '-'}  清单事项：{result['transfer_item_id'] or '-'}")
    for reason in result["reasons"]:
        typer.echo(f"  · {reason}")
    if result.get("needs_review"):
        for alternative in result.get("alternatives") or []:
            typer.echo(f"  备选：{alternative['department_name']}（{alternative['probability']:.2f}）：{'；'.join(alternative['reasons'])}")


def triage_jsonl(path: Path) -> None:
    """One result per input line, the model loaded once; a bad line yields {"id", "error"} and the run goes on."""
    from liandong.triage import service

    engine = service.active_engine()
    handle = sys.stdin if str(path) == "-" else None
    if handle is None:
        if not path.exists():
            raise ValidationFailed(f"找不到输入文件：{path}")
        handle = path.open(encoding="utf-8-sig")
    out = sys.stdout
    try:
        batch: list[tuple[object, str | None, str, str | None]] = []
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                batch.append((None, f"第 {number} 行不是合法的 JSON", "", None))
                continue
            if not isinstance(row, dict):
                batch.append((None, f"第 {number} 行不是 JSON 对象", "", None))
                continue
            text = row.get("text")
            title = row.get("title") if isinstance(row.get("title"), str) else None
            error = None if isinstance(text, str) and text.strip() else "诉求内容不能为空"
            batch.append((row.get("id"), error, text if error is None else "", title))
            if len(batch) >= _BATCH:
                _flush(engine, batch, out)
                batch = []
        _flush(engine, batch, out)
    finally:
        if handle is not sys.stdin:
            handle.close()


def _flush(engine, batch, out) -> None:
    if not batch:
        return
    live = [i for i, (_, error, _, _) in enumerate(batch) if error is None]
    results = engine.triage_many([batch[i][2] for i in live], titles=[batch[i][3] for i in live])
    by_index = dict(zip(live, results))
    lines = []
    for i, (row_id, error, _, _) in enumerate(batch):
        if error is not None:
            lines.append(_dump({"id": row_id, "error": error}))
        else:
            lines.append(_dump({"id": row_id, **by_index[i].to_dict()}))
    out.write("\n".join(lines) + "\n")
    out.flush()


@model_app.command("train")
def train_command(
    data: Annotated[Optional[Path], typer.Option("--data", help="训练数据：CSV、XLSX 或 JSONL")] = None,
    text_field: Annotated[Optional[list[str]], typer.Option("--text-field", help="文本列，可重复（如标题与正文）")] = None,
    label_field: Annotated[Optional[str], typer.Option("--label-field", help="标签列；不指定时训练 platform/request_type/department/category 中存在的列")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="模型保存路径，默认 var/triage/model.skops")] = None,
    default: Annotated[bool, typer.Option("--default", help="用项目自带样例重建随包默认模型")] = False,
    from_orders: Annotated[bool, typer.Option("--from-orders", help="用数据库中经人工确认的工单（含话务员的修正）加自带样例训练，并启用为本市模型")] = False,
) -> None:
    """训练分诊模型（skops 格式，含版本、训练数据哈希与指标）。"""
    from liandong.triage import service

    if default:
        model = service.build_default_model(out or service.DEFAULT_MODEL_FILE)
        typer.echo(_dump({"saved": str(out or service.DEFAULT_MODEL_FILE), **{k: model.meta[k] for k in ("version", "data_hash", "examples", "heads")}}))
        return
    if from_orders:
        typer.echo(_dump(service.train_from_orders(out=out)))
        return
    if data is None:
        raise ValidationFailed("请用 --data 指定训练数据文件，或用 --from-orders 从工单训练")
    typer.echo(_dump(service.train_from_file(data, text_fields=text_field, label_field=label_field, out=out)))


@model_app.command("evaluate")
def evaluate_command(
    data: Annotated[Path, typer.Option("--data", help="评估数据：CSV、XLSX 或 JSONL")],
    folds: Annotated[int, typer.Option("--folds", help="分层 K 折的折数")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    text_field: Annotated[Optional[list[str]], typer.Option("--text-field", help="文本列，可重复")] = None,
    label_field: Annotated[Optional[str], typer.Option("--label-field", help="标签列")] = None,
    group_field: Annotated[Optional[str], typer.Option("--group-field", help="分组列：同组（如同一条诉求的不同说法、同一来电人的重复投诉）不跨折")] = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="不计算基线（字符 n-gram + LinearSVC）")] = False,
    dense_blend: Annotated[Optional[float], typer.Option("--dense-blend", help="同时评估与词向量稠密头按此权重（0–1）融合的结果")] = None,
) -> None:
    """分层 K 折交叉验证：每折只用其余折训练；同时给出基线结果。"""
    from liandong.triage import service

    result = service.evaluate_file(data, folds=folds, text_fields=text_field, label_field=label_field, baseline=not no_baseline, group_field=group_field, dense_blend=dense_blend)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(f"样本 {result['n']}，类别 {result['classes']}，{result['folds']} 折" + ("（分组）" if result.get("grouped") else ""))
    typer.echo(f"本模型：accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}  用时 {result['fit_predict_seconds']['model']:.1f}s")
    if "dense" in result:
        typer.echo(f"融合稠密头：accuracy {result['dense']['accuracy']:.4f}  macro-F1 {result['dense']['macro_f1']:.4f}  用时 {result['fit_predict_seconds']['dense']:.1f}s")
    if "baseline" in result:
        typer.echo(f"基线：  accuracy {result['baseline']['accuracy']:.4f}  macro-F1 {result['baseline']['macro_f1']:.4f}  用时 {result['fit_predict_seconds']['baseline']:.1f}s")


def register(root: typer.Typer) -> None:
    """Mount `triage` and `model` on the root CLI."""
    root.add_typer(app, name=None)
