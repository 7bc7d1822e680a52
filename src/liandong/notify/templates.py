"""Message templates: a fixed set of fields, rendered in Jinja2's sandbox; anything else is refused in Chinese."""

from __future__ import annotations

import functools
import json
from functools import cache
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from liandong.core.errors import ValidationFailed
from liandong.notify.events import Event

DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "templates.json"
MAX_TEMPLATE = 1000  # characters an administrator may write
MAX_TEXT = 500  # characters of the rendered message (a long SMS is several parts)

# The only fields a template may use, with what an administrator reads about each.
FIELDS: dict[str, str] = {
    "number": "工单编号",
    "tracking_code": "查询码（市民自助提交时生成，可能为空）",
    "title": "诉求标题",
    "status": "工单当前状态",
    "department": "承办单位名称",
    "time": "事件时间（北京时间，如 2026年12月1日 10:05）",
    "hotline": "热线号码",
}

SAMPLE: dict[str, str] = {
    "number": "JC-20261201-000123",
    "tracking_code": "K7Q2-M9XD",
    "title": "巴公镇锦绣小区楼上装修噪音扰民",
    "status": "办理中",
    "department": "泽州县巴公镇人民政府",
    "time": "2026年12月1日 10:05",
    "hotline": "12345",
}


@cache
def _environment() -> SandboxedEnvironment:
    # autoescape off: the output is an SMS, not HTML; the admin page escapes it when it shows a preview.
    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=False)


@functools.lru_cache(maxsize=64)
def _compiled(body: str):
    return _environment().from_string(body)


def defaults() -> dict[str, str]:
    data = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    missing = {e.value for e in Event} - set(data)
    if missing:
        raise ValueError(f"{DEFAULTS_FILE} lacks templates for {sorted(missing)}")
    return {key: data[key] for key in (e.value for e in Event)}


def check(body: str) -> str:
    """The template as it will be stored, or ValidationFailed with the reason in Chinese."""
    if not isinstance(body, str):
        raise ValidationFailed("模板内容应为文字", field="body")
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationFailed("模板内容不能为空", field="body")
    if "\x00" in body:
        raise ValidationFailed("模板内容含有非法字符", field="body")
    if len(body) > MAX_TEMPLATE:
        raise ValidationFailed(f"模板内容不能超过 {MAX_TEMPLATE} 字", field="body")
    try:
        tree = _environment().parse(body)
    except TemplateSyntaxError as error:
        raise ValidationFailed(f"模板语法错误（第 {error.lineno} 行）：{error.message}", field="body") from None
    unknown = sorted(meta.find_undeclared_variables(tree) - set(FIELDS))
    if unknown:
        allowed = "、".join(FIELDS)
        raise ValidationFailed(f"模板使用了未知字段：{'、'.join(unknown)}；可用字段只有：{allowed}", field="body")
    render(body, SAMPLE)  # attribute tricks and filters the sandbox refuses fail here, not at send time
    return body


def render(body: str, fields: dict[str, object]) -> str:
    """The message text for these fields (unknown keys ignored, missing ones empty)."""
    values = {name: ("" if fields.get(name) is None else str(fields.get(name))) for name in FIELDS}
    try:
        text = _compiled(body).render(**values)
    except (SecurityError, UndefinedError, TypeError, ValueError) as error:
        raise ValidationFailed(f"模板无法生成短信：{error}", field="body") from None
    except TemplateSyntaxError as error:
        raise ValidationFailed(f"模板语法错误（第 {error.lineno} 行）：{error.message}", field="body") from None
    text = " ".join(text.split())  # an SMS is one paragraph: line breaks and runs of spaces collapse
    if not text:
        raise ValidationFailed("模板生成的短信为空", field="body")
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"生成的短信超过 {MAX_TEXT} 字", field="body")
    return text
