"""Pure checks and clean-ups of what a caller or operator typed."""

from __future__ import annotations

import re

from liandong.core.errors import ValidationFailed

MAX_CONTENT = 10_000
MAX_TITLE = 100
TITLE_FROM_CONTENT = 30

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_SERVICE = re.compile(r"^(?:400|800)\d{7}$|^95\d{3,6}$|^1\d{4}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def clean_content(text: str | None) -> str:
    content = (text or "").strip()
    if not content:
        raise ValidationFailed("诉求内容不能为空", field="content")
    if len(content) > MAX_CONTENT:
        raise ValidationFailed(f"诉求内容过长：{len(content)} 字，最多 {MAX_CONTENT} 字", field="content")
    return content


def clean_title(title: str | None, content: str) -> str:
    value = (title or "").strip()
    if not value:
        first_line = re.split(r"[。！？!?\n]", content, maxsplit=1)[0].strip() or content
        value = first_line[:TITLE_FROM_CONTENT]
    if len(value) > MAX_TITLE:
        raise ValidationFailed(f"标题过长：{len(value)} 字，最多 {MAX_TITLE} 字", field="title")
    return value


def normalize_phone(phone: str | None) -> str | None:
    """Mainland mobile, landline with area code, or a service number; returns digits only."""
    if phone is None or not phone.strip():
        return None
    digits = _SEPARATORS.sub("", phone.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits) or _SERVICE.match(digits)):
        raise ValidationFailed(f"电话号码格式不正确：{phone}（应为 11 位手机号或带区号的固定电话）", field="phone")
    return digits


def clean_name(name: str | None) -> str | None:
    value = (name or "").strip()
    if len(value) > 64:
        raise ValidationFailed("来电人姓名过长（最多 64 字）", field="caller_name")
    return value or None


def require_choice(value: str, choices, *, field: str, label: str, labels: dict | None = None) -> str:
    if value not in choices:
        listed = "、".join(f"{c}（{labels[c]}）" if labels and c in labels else c for c in choices)
        raise ValidationFailed(f"{label}无效：{value}。可选：{listed}", field=field)
    return value
