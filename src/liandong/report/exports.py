"""A period's report as an Excel workbook (one sheet per table, typed numbers, frozen headers, filters) or a PDF
(WeasyPrint with the Debian CJK fonts: cover, summary, charts, grading tables, problems, overdue items, definitions).

Both are rendered from the report's figures (a frozen snapshot or live), which carry no personal data.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from liandong.config import PACKAGE_DIR
from liandong.core.errors import ValidationFailed
from liandong.report import charts
from liandong.report.definitions import BY_NAME, INSUFFICIENT

FORMATS = ("xlsx", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
GROUP_RATES = ("response_rate", "on_time_reply_rate", "completion_rate", "callback_rate", "resolution_rate", "satisfaction_rate",
               "return_rate", "extension_rate", "reopen_rate")
SECTION_TITLES = {"department": "单位分档", "division": "县（市、区）", "category": "诉求分类（一级）", "category2": "诉求分类（二级）",
                  "channel": "受理渠道", "type": "诉求类型"}
CITY = "晋城市"


def filename(data: dict, fmt: str) -> str:
    return f"{CITY}12345热线{data['title']}-{data['period']}.{fmt}"


def write(data: dict, fmt: str, out: Path) -> int:
    if fmt not in FORMATS:
        raise ValidationFailed(f"格式只能是 {'、'.join(FORMATS)}", field="format")
    content = render(data, fmt)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
    except OSError as error:
        raise ValidationFailed(f"无法写入文件：{out}（{error.strerror}）", field="out") from None
    return len(content)


def render(data: dict, fmt: str) -> bytes:
    return xlsx(data) if fmt == "xlsx" else pdf(data)


# ---------------------------------------------------------------- XLSX


def _table(workbook, title: str, header: Sequence[str], rows: Sequence[Sequence], percent: Sequence[int] = (), decimals: Sequence[int] = ()):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F6FB3")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(list(row))
    for column in percent:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = "0.0%"
    for column in decimals:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = "0.00"
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(r[index - 1])) for r in rows[:200] if r[index - 1] is not None])
        sheet.column_dimensions[get_column_letter(index)].width = min(48, max(8, longest * 1.6 + 2))
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A1:{last}{max(2, len(rows) + 1)}"
    return sheet


def _group_rows(groups: list[dict], *, grades: bool) -> list[list]:
    rows = []
    for g in groups:
        row = [g["label"] or "—", g["received"], g["valid"], g["dispatched"], *[g[name] for name in GROUP_RATES],
               g["satisfaction_score"], g["avg_handling_hours"]]
        if grades:
            row += [g.get("score"), g.get("grade")]
        rows.append(row)
    return rows


def xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    overall = data["overall"]
    change = overall.get("change") or {}
    metric_rows = []
    for name, metric in BY_NAME.items():
        numerator = overall.get(f"{name}_num")
        denominator = overall.get(f"{name}_den")
        metric_rows.append([metric.label, overall.get(name), numerator, denominator, change.get(name), metric.unit, name])
    sheet = _table(workbook, "指标", ["指标", "数值", "分子", "分母", "较上期变化", "单位", "代码"], metric_rows)
    for row_index, metric in enumerate(BY_NAME.values(), start=2):
        if metric.kind == "rate":
            sheet.cell(row=row_index, column=2).number_format = "0.0%"
            sheet.cell(row=row_index, column=5).number_format = "+0.0%;-0.0%;0.0%"
        elif metric.kind == "mean":
            sheet.cell(row=row_index, column=2).number_format = "0.00"
    rate_columns = list(range(4, 4 + len(GROUP_RATES)))
    header = ["名称", "受理量", "有效工单", "派单量", *[BY_NAME[n].label for n in GROUP_RATES], "满意度得分", "平均办理时长（工作日小时）"]
    for key, title in SECTION_TITLES.items():
        groups = data["sections"].get(key, [])
        grades = key == "department"
        _table(workbook, title, header + (["综合得分", "分档"] if grades else []), _group_rows(groups, grades=grades),
               percent=rate_columns, decimals=[len(header) - 2, len(header) - 1])
    _table(workbook, "每日趋势", ["日期", "受理量", "办结率"], [[d["key"], d["received"], d["completion_rate"]] for d in data["trend"]], percent=[2])
    problem_rows = []
    for rank, p in enumerate(data["problems"], start=1):
        problem_rows.append([rank, p["topic"], p["orders"], p["previous"], p["places"], p["callers"], p["repeats"], p["dissatisfied"],
                             "、".join(f"{x['place']}（{x['orders']}）" for x in p["top_places"]),
                             "；".join(f"{x['number']} {x['title']}" for x in p["examples"])])
    _table(workbook, "突出问题", ["排名", "问题", "工单数", "上期工单数", "地点数", "来电人数", "重复诉求", "回访不满意", "主要地点", "示例工单"], problem_rows)
    _table(workbook, "超期工单", ["工单编号", "承办单位", "县（市、区）", "诉求分类", "受理日期", "答复时限", "超期天数"],
           [[o["number"], o["unit"], o["division"], o["category"], o["received"], o["due"], o["days_overdue"]] for o in data["overdue"]])
    definitions = data["definitions"]
    _table(workbook, "指标定义", ["代码", "指标", "公式", "分子", "分母", "排除"],
           [[m["name"], m["label"], m["formula"], m["numerator"], m["denominator"], m["exclusions"]] for m in definitions["metrics"]])
    _table(workbook, "说明", ["项目", "内容"], [
        ["报表", f"{CITY}12345热线{data['title']}"], ["统计期", f"{data['from']} 至 {data['to']}（不含）"], ["评价时点", data["as_of"]],
        ["指标定义版本", data["definitions_version"]], ["数据版本", data.get("revision_label") or ""],
        ["分档规则", f"派单量不足 {definitions['min_sample']} 件列为{INSUFFICIENT}；" + "、".join(f"{b}档 ≥ {v}" for b, v in definitions["bands"].items()) + "，其余为D档"],
        ["说明", "本表不含来电人姓名、电话、地址等个人信息。"],
    ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- PDF


def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(PACKAGE_DIR / "templates" / "report")), autoescape=select_autoescape(["html"]))
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.1f}%"
    env.filters["num"] = lambda v: "—" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")
    env.filters["points"] = lambda v: "" if v is None else f"{v * 100:+.1f}"
    return env


def pdf_html(data: dict) -> str:
    from markupsafe import Markup

    from liandong.report.service import summary_text

    sections = data["sections"]
    units = sections.get("department", [])
    graded = [u for u in units if u.get("grade") not in (None, INSUFFICIENT)]
    band_counts = [(band, sum(1 for u in units if u.get("grade") == band)) for band in ("A", "B", "C", "D", INSUFFICIENT)]
    chart_svgs = {
        "trend": charts.columns([(d["key"][5:], d["received"]) for d in data["trend"]], title="每日受理量"),
        "bands": charts.bars(band_counts, title="承办单位分档（个）", colours=[charts.BAND_COLOURS[b] for b, _ in band_counts]),
        "category": charts.bars([(g["label"], g["received"]) for g in sections.get("category", [])], title="诉求分类（一级）受理量"),
        "division": charts.bars([(g["label"], g["satisfaction_rate"]) for g in sections.get("division", [])], title="各县（市、区）满意率", unit="%"),
    }
    return _environment().get_template("document.html").render(
        data=data,
        o=data["overall"],
        change=data["overall"].get("change") or {},
        metrics=BY_NAME,
        rates=GROUP_RATES,
        summary=summary_text(data),
        units=units,
        graded=graded,
        sections=sections,
        charts={k: Markup(v) for k, v in chart_svgs.items()},
        city=CITY,
        insufficient=INSUFFICIENT,
    )


def pdf(data: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=pdf_html(data), base_url=str(PACKAGE_DIR)).write_pdf()
