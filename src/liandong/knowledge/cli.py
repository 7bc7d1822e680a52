"""`liandong kb …`: ingest, search, documents, 一问一答 items and high-frequency question mining."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlalchemy import inspect

from liandong.core.actor import Actor, Role
from liandong.core.clock import local
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.db import get_engine, unit_of_work
from liandong.knowledge.states import ItemAction

app = typer.Typer(help="知识库：导入公报与报纸、检索、一问一答、高频问题挖掘。", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    """Mount `liandong kb` on the root command."""
    root.add_typer(app, name="kb")


# Services are imported inside the commands: the root CLI loads this module for every command, and
# jieba / scikit-learn would add a second to each unrelated one.


def _actor(name: str, role: str) -> Actor:
    try:
        return Actor(name=name, role=Role(role))
    except ValueError:
        raise ValidationFailed(f"未知的角色：{role}", field="role") from None


def _ensure_schema() -> None:
    """A fresh install has no tables yet: migrate (and load the catalogue) before the first use."""
    if not inspect(get_engine()).has_table("kb_items"):
        from liandong.db.migrate import upgrade

        typer.echo("数据库尚未初始化，正在升级到最新结构……", err=True)
        upgrade()


def _parse_date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"日期格式应为 YYYY-MM-DD：{value}", field=field) from None


def _tags(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [tag for tag in value.replace("，", ",").split(",") if tag.strip()]


def _passage_ids(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return [int(part) for part in value.replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise ValidationFailed(f"出处段落编号应为逗号分隔的整数：{value}", field="passages") from None


def _print_item(item, as_json: bool) -> None:
    from liandong.knowledge.schemas import ItemRead

    read = ItemRead.of(item)
    if as_json:
        typer.echo(json.dumps(read.model_dump(mode="json"), ensure_ascii=False))
        return
    typer.echo(f"#{read.id}［{read.status_label}］{read.question}")
    typer.echo(f"  答复：{read.answer or '（待填写）'}")
    typer.echo(
        f"  单位：{read.department_code or '未指定'}｜有效期：{read.valid_from or '—'} 至 {read.valid_until or '长期'}"
        f"｜标签：{'、'.join(read.tags) or '无'}｜出处段落：{'、'.join(map(str, read.passage_ids)) or '无'}"
    )
    for event in read.events:
        typer.echo(f"  {event.at} {event.action_label} {event.actor} {event.note}".rstrip())


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="文本（.txt）或 PDF 文件，或包含它们的目录")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """导入文件：修复提取文本、拆分文档与段落；同一内容重复导入不会重复。进度输出到标准错误。"""
    from liandong.knowledge import ingest
    _ensure_schema()
    with unit_of_work() as session:
        results = ingest.ingest_paths(
            session, paths=paths, now=clock_now(), progress=lambda message: typer.echo(message, err=True)
        )
    if any(result.status != "skipped" for result in results):
        from liandong.knowledge import search as search_service

        # Build the search index now, so the first call-taker's search does not wait for it.
        typer.echo("正在更新检索索引……", err=True)
        with unit_of_work() as session:
            search_service.passage_index(session)
    if as_json:
        typer.echo(json.dumps([result.__dict__ for result in results], ensure_ascii=False))
    else:
        documents = sum(result.documents for result in results if result.status != "skipped")
        new = sum(1 for result in results if result.status != "skipped")
        typer.echo(f"完成：{len(results)} 个文件，新导入 {new} 个，共 {documents} 篇文档")


@app.command("search")
def search_command(
    question: Annotated[Optional[str], typer.Argument(help="问题，例如“小孩坐飞机没有身份证怎么办”")] = None,
    top: Annotated[int, typer.Option("--top", "-k", help="返回条数")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 列表输出")] = False,
    jsonl: Annotated[
        Optional[Path], typer.Option("--jsonl", help='批量：每行 {"id":…, "question":…}，每行输出 {"id":…, "results":[…]}')
    ] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="来源类型：gazette / newspaper / item")] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="单位编码")] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="文件日期起（YYYY-MM-DD）")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="文件日期止（YYYY-MM-DD）")] = None,
) -> None:
    """检索公报、报纸段落和已发布的一问一答，给出出处。"""
    from liandong.knowledge import search as search_service
    if (question is None) == (jsonl is None):
        raise ValidationFailed("请给出一个问题，或用 --jsonl 指定问题文件（二选一）")
    filters = None
    if source or department or date_from or date_to:
        filters = search_service.SearchFilters(
            source_type=source,
            department_code=department,
            date_from=_parse_date(date_from, "from"),
            date_to=_parse_date(date_to, "to"),
        )
    _ensure_schema()
    today = local(clock_now()).date()
    with unit_of_work() as session:
        if jsonl is not None:
            for record_id, question_text in _read_questions(jsonl):
                results = search_service.search(session, question=question_text, today=today, top=top, filters=filters)
                typer.echo(json.dumps({"id": record_id, "results": results}, ensure_ascii=False))
            return
        results = search_service.search(session, question=question, today=today, top=top, filters=filters)
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False))
        return
    if not results:
        typer.echo("没有找到相关内容")
    for rank, result in enumerate(results, start=1):
        where = result["doc_number"] or result["source"]
        lines = f"第 {result['first_line']}–{result['last_line']} 行" if result["first_line"] else ""
        typer.echo(f"{rank}. {result['title']}（{where}，{result['date'] or '日期不详'}）{lines}  得分 {result['score']}")
        typer.echo(f"   {result['passage']}")


def _read_questions(jsonl: Path):
    """(id, question) for each non-blank line of a JSONL file ("-" reads standard input)."""
    if str(jsonl) != "-" and not jsonl.is_file():
        raise ValidationFailed(f"文件不存在：{jsonl}", field="jsonl")
    handle = sys.stdin if str(jsonl) == "-" else jsonl.open(encoding="utf-8")
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                question_text = str(record["question"])
            except (ValueError, KeyError, TypeError):
                raise ValidationFailed(f"第 {number} 行不是有效的问题记录（需要 id 与 question）") from None
            yield record.get("id"), question_text


@app.command("answer")
def answer_command(
    question: Annotated[Optional[str], typer.Argument(help="问题，例如“我那个证丢了咋整”")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
    jsonl: Annotated[
        Optional[Path],
        typer.Option("--jsonl", help='批量：每行 {"id":…, "question":…}，每行输出 {"id", "answer", "confidence", "citation", "passage", …}'),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-k", help="连同备选最多给出几条")] = 3,
) -> None:
    """回答问题：给出原文中作答的句子及出处（标题、文号、发文机关、日期、位置）和可信度；知识库没有可靠答案时如实说明。"""
    from liandong.knowledge import answer as answer_service

    if (question is None) == (jsonl is None):
        raise ValidationFailed("请给出一个问题，或用 --jsonl 指定问题文件（二选一）")
    _ensure_schema()
    today = local(clock_now()).date()
    with unit_of_work() as session:
        if jsonl is not None:
            for record_id, question_text in _read_questions(jsonl):
                try:
                    result = answer_service.answer(session, question_text, today=today, top=top)
                except ValidationFailed as error:
                    # One unusable question must not stop a batch: its line says why.
                    result = answer_service.refused(question_text, error.message)
                typer.echo(json.dumps({"id": record_id, **result}, ensure_ascii=False))
            return
        result = answer_service.answer(session, question, today=today, top=top)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    if result.get("understood_as"):
        typer.echo(f"理解为：{result['understood_as']}")
    if result["answer"] is None:
        typer.echo(result["message"])
    else:
        citation = result["citation"]
        typer.echo(f"答：{result['answer']}")
        typer.echo(f"出处：{answer_service.cite_line(citation)}，可信度 {result['confidence']:.2f}")
        if citation.get("other_city"):
            typer.echo(f"注意：外市文件（{citation['city']}），仅供参考")
    for reason in result["reasons"]:
        typer.echo(f"  · {reason}")
    for rank, alternative in enumerate(result["alternatives"], start=1):
        label = "可能相关" if result["answer"] is None else "其他出处"
        typer.echo(
            f"{label} {rank}：{alternative['answer']}（{answer_service.cite_line(alternative['citation'])}，{alternative['confidence']:.2f}）"
        )


@app.command("import-items")
def import_items_command(
    file: Annotated[Path, typer.Argument(help="CSV 或 XLSX：表头含 问题、答案、主管部门，可有 关键词、有效期、生效日期")],
    publish: Annotated[bool, typer.Option("--publish", help="导入后直接发布（需审核权限）；默认导入为草稿")] = False,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="有问题的行不导入、列出原因，其余照常导入；默认有任何问题行则整批不导入")
    ] = False,
    actor: Annotated[str, typer.Option("--actor", help="操作人")] = "cli",
    role: Annotated[str, typer.Option("--role", help="角色")] = "admin",
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出导入报告")] = False,
) -> None:
    """批量导入一问一答（各地热线中心的 CSV/XLSX 表）：逐行校验并报告行号与原因，一次事务。"""
    from liandong.knowledge import imports

    _ensure_schema()
    try:
        with unit_of_work() as session:
            report = imports.import_items(
                session, path=file, actor=_actor(actor, role), now=clock_now(), publish=publish, skip_bad=skip_bad
            )
    except imports.ImportRejected as rejected:
        if as_json:
            typer.echo(json.dumps({**rejected.report.to_dict(), "imported": [], "imported_count": 0}, ensure_ascii=False))
        else:
            for error in rejected.report.errors:
                typer.echo(f"第 {error.row} 行：{error.reason}", err=True)
        raise
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    state = "并发布" if publish else "为草稿"
    typer.echo(f"已导入{state} {len(report.imported)} 条（共 {report.rows} 行，空行 {report.blank_rows} 行）")
    if report.ignored_columns:
        typer.echo(f"未使用的列：{'、'.join(report.ignored_columns)}")
    for error in report.errors:
        typer.echo(f"未导入 第 {error.row} 行：{error.reason}")


@app.command("docs")
def docs_command(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 列表输出")] = False,
    source: Annotated[Optional[str], typer.Option("--source", help="来源类型：gazette / newspaper")] = None,
) -> None:
    """列出已导入的文档及其元数据（标题、文号、发文机关、日期、公开属性、附件）。"""
    from liandong.knowledge import search as search_service
    _ensure_schema()
    with unit_of_work() as session:
        documents = search_service.list_documents(session, source_type=source)
    if as_json:
        typer.echo(json.dumps(documents, ensure_ascii=False))
        return
    for document in documents:
        typer.echo(
            f"{document['doc_id']:>4} {document['doc_number'] or '—'}｜{document['title']}｜"
            f"{document['date'] or '日期不详'}｜{document['source']}｜{document['passages']} 段"
        )


@app.command("create")
def create_command(
    question: Annotated[str, typer.Option("--question", "-q", help="问题")],
    answer: Annotated[str, typer.Option("--answer", "-a", help="答复口径")] = "",
    department: Annotated[Optional[str], typer.Option("--department", help="责任单位编码，例如 zjj")] = None,
    valid_from: Annotated[Optional[str], typer.Option("--valid-from", help="生效日期 YYYY-MM-DD")] = None,
    valid_until: Annotated[Optional[str], typer.Option("--valid-until", help="失效日期 YYYY-MM-DD")] = None,
    tags: Annotated[Optional[str], typer.Option("--tags", help="标签，逗号分隔")] = None,
    passages: Annotated[Optional[str], typer.Option("--passages", help="出处段落编号，逗号分隔")] = None,
    actor: Annotated[str, typer.Option("--actor", help="操作人")] = "cli",
    role: Annotated[str, typer.Option("--role", help="角色")] = "admin",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """新建一问一答（草稿）。"""
    from liandong.knowledge import items
    _ensure_schema()
    with unit_of_work() as session:
        item = items.create_item(
            session,
            actor=_actor(actor, role),
            now=clock_now(),
            question=question,
            answer=answer,
            department_code=department,
            valid_from=_parse_date(valid_from, "valid_from"),
            valid_until=_parse_date(valid_until, "valid_until"),
            tags=_tags(tags),
            passage_ids=_passage_ids(passages) or [],
        )
        _print_item(item, as_json)


@app.command("edit")
def edit_command(
    item_id: Annotated[int, typer.Argument(help="条目编号")],
    question: Annotated[Optional[str], typer.Option("--question", "-q")] = None,
    answer: Annotated[Optional[str], typer.Option("--answer", "-a")] = None,
    department: Annotated[Optional[str], typer.Option("--department")] = None,
    valid_from: Annotated[Optional[str], typer.Option("--valid-from")] = None,
    valid_until: Annotated[Optional[str], typer.Option("--valid-until")] = None,
    tags: Annotated[Optional[str], typer.Option("--tags")] = None,
    passages: Annotated[Optional[str], typer.Option("--passages")] = None,
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    role: Annotated[str, typer.Option("--role")] = "admin",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """修改草稿。"""
    from liandong.knowledge import items
    _ensure_schema()
    with unit_of_work() as session:
        item = items.update_item(
            session,
            actor=_actor(actor, role),
            now=clock_now(),
            item_id=item_id,
            question=question,
            answer=answer,
            department_code=department,
            valid_from=_parse_date(valid_from, "valid_from"),
            valid_until=_parse_date(valid_until, "valid_until"),
            tags=_tags(tags),
            passage_ids=_passage_ids(passages),
        )
        _print_item(item, as_json)


def _transition(item_id: int, action: ItemAction, note: str, actor: str, role: str, as_json: bool) -> None:
    from liandong.knowledge import items

    _ensure_schema()
    with unit_of_work() as session:
        item = items.transition(
            session, actor=_actor(actor, role), now=clock_now(), item_id=item_id, action=action, note=note
        )
        _print_item(item, as_json)


@app.command("submit")
def submit_command(
    item_id: Annotated[int, typer.Argument()],
    note: Annotated[str, typer.Option("--note")] = "",
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    role: Annotated[str, typer.Option("--role")] = "admin",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """提交审核。"""
    _transition(item_id, ItemAction.SUBMIT, note, actor, role, as_json)


@app.command("review")
def review_command(
    item_id: Annotated[int, typer.Argument()],
    approve: Annotated[bool, typer.Option("--approve/--reject", help="通过或退回")] = True,
    note: Annotated[str, typer.Option("--note", help="审核意见（退回时必填）")] = "",
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    role: Annotated[str, typer.Option("--role")] = "admin",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """审核：通过（--approve）或退回修改（--reject --note 原因）。"""
    _transition(item_id, ItemAction.APPROVE if approve else ItemAction.REJECT, note, actor, role, as_json)


@app.command("publish")
def publish_command(
    item_id: Annotated[int, typer.Argument()],
    note: Annotated[str, typer.Option("--note")] = "",
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    role: Annotated[str, typer.Option("--role")] = "admin",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """发布已审核的条目，话务员即可检索到。"""
    _transition(item_id, ItemAction.PUBLISH, note, actor, role, as_json)


@app.command("expire")
def expire_command(
    item_id: Annotated[int, typer.Argument()],
    note: Annotated[str, typer.Option("--note")] = "",
    actor: Annotated[str, typer.Option("--actor")] = "cli",
    role: Annotated[str, typer.Option("--role")] = "admin",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """使已发布的条目失效。"""
    _transition(item_id, ItemAction.EXPIRE, note, actor, role, as_json)


@app.command("list")
def list_command(
    status: Annotated[Optional[str], typer.Option("--status", help="draft / in_review / approved / published / expired")] = None,
    department: Annotated[Optional[str], typer.Option("--department")] = None,
    visible: Annotated[bool, typer.Option("--visible", help="只看话务员可见的（已发布且在有效期内）")] = False,
    q: Annotated[Optional[str], typer.Option("--q", help="问题或答复包含的文字")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """列出一问一答。"""
    from liandong.knowledge import items
    _ensure_schema()
    with unit_of_work() as session:
        found = items.list_items(
            session,
            status=status,
            department_code=department,
            visible_on=local(clock_now()).date() if visible else None,
            q=q,
            limit=limit,
        )
        from liandong.knowledge.schemas import ItemRead

        reads = [ItemRead.of(item, with_events=False) for item in found]
    if as_json:
        typer.echo(json.dumps([read.model_dump(mode="json") for read in reads], ensure_ascii=False))
        return
    for read in reads:
        typer.echo(f"#{read.id}［{read.status_label}］{read.department_code or '未指定'}｜{read.question}")


@app.command("show")
def show_command(
    item_id: Annotated[int, typer.Argument()],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """查看一问一答及其流转记录。"""
    from liandong.knowledge import items
    _ensure_schema()
    with unit_of_work() as session:
        _print_item(items.get_item(session, item_id), as_json)


@app.command("mine")
def mine_command(
    since: Annotated[Optional[str], typer.Option("--since", help="受理日期起（YYYY-MM-DD），默认 30 天前")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="受理日期止（YYYY-MM-DD），默认今天")] = None,
    min_size: Annotated[int, typer.Option("--min-size", help="至少多少件相似咨询才算高频")] = 3,
    top: Annotated[int, typer.Option("--top", help="最多提出多少个问题")] = 20,
    threshold: Annotated[float, typer.Option("--threshold", help="相似度阈值（0–1）")] = 0.35,
    from_file: Annotated[
        Optional[Path], typer.Option("--from-jsonl", help='从文件读取咨询：每行 {"id":…, "text":…, "time":…}')
    ] = None,
    create: Annotated[bool, typer.Option("--create/--dry-run", help="生成草稿条目，或只列出")] = False,
    actor: Annotated[str, typer.Option("--actor")] = "mining",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """高频问题挖掘：把一段时间内相似的咨询聚类，按数量排序，并可生成待单位填写的草稿。"""
    from liandong.knowledge import mining, proposals
    _ensure_schema()
    today = local(clock_now()).date()
    period = mining.Period.of(_parse_date(since, "since"), _parse_date(until, "until"), today=today)
    with unit_of_work() as session:
        if from_file is not None:
            records = mining.read_records(from_file)
        else:
            records = proposals.consultation_records(session, period=period)
        clusters = mining.mine(records, period=period, min_size=min_size, threshold=threshold)[:top]
        created = []
        if create:
            created = proposals.propose_drafts(
                session, clusters=clusters, actor=Actor(name=actor, role=Role.SYSTEM), now=clock_now()
            )
    if as_json:
        payload = [cluster.to_dict() for cluster in clusters]
        for entry, item_id in zip(payload, created or [None] * len(payload)):
            entry["item_id"] = item_id
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    if not clusters:
        typer.echo(f"{period.label}没有达到 {min_size} 件的高频咨询")
    for rank, cluster in enumerate(clusters, start=1):
        typer.echo(f"{rank}. {cluster.question}（{cluster.size} 件，{cluster.first}—{cluster.last}）")
    new_ids = [item_id for item_id in created if item_id is not None]
    if create:
        typer.echo(f"已生成 {len(new_ids)} 条草稿" + ("：" + "、".join(f"#{item_id}" for item_id in new_ids) if new_ids else "（均已有同样的问题）"))
