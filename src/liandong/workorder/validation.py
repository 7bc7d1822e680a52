"""Pure checks and clean-ups of what a caller or operator typed."""

from __future__ import annotations

import re

from liandong.core.errors import ValidationFailed

MAX_CONTENT = 10_000
MAX_TITLE = 100

_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$", re.ASCII)
_SERVICE = re.compile(r"^(?:400|800)\d{7}$|^95\d{3,6}$|^1\d{4}$", re.ASCII)
_SEPARATORS = re.compile(r"[\s\-()（）]")


def clean_content(text: str | None) -> str:
    content = (text or "").strip()
    if not content:
        raise ValidationFailed("诉求内容不能为空", field="content")
    _refuse_control(content, field="content", label="诉求内容")
    if len(content) > MAX_CONTENT:
        raise ValidationFailed(f"诉求内容过长：{len(content)} 字，最多 {MAX_CONTENT} 字", field="content")
    return content


def clean_title(title: str | None) -> str | None:
    """A title the operator typed, or None (the service then writes one from place and topic)."""
    value = (title or "").strip()
    if not value:
        return None
    _refuse_control(value, field="title", label="标题")
    if len(value) > MAX_TITLE:
        raise ValidationFailed(f"标题过长：{len(value)} 字，最多 {MAX_TITLE} 字", field="title")
    return value


MAX_ADDRESS = 255
MAX_REFERENCE = 64


def _refuse_control(value: str, *, field: str, label: str) -> None:
    if "\x00" in value:
        raise ValidationFailed(f"{label}含有无效字符（NUL）", field=field)


def clean_address(address: str | None) -> str | None:
    value = (address or "").strip()
    if not value:
        return None
    _refuse_control(value, field="address", label="地址")
    if len(value) > MAX_ADDRESS:
        raise ValidationFailed(f"地址过长：{len(value)} 字，最多 {MAX_ADDRESS} 字", field="address")
    return value


def clean_reference(value: str, *, field: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    _refuse_control(text, field=field, label="编号")
    if len(text) > MAX_REFERENCE:
        raise ValidationFailed(f"编号过长：最多 {MAX_REFERENCE} 个字符", field=field)
    return text


def require_text(value: str, *, field: str, label: str, limit: int) -> str:
    _refuse_control(value, field=field, label=label)
    if len(value) > limit:
        raise ValidationFailed(f"{label}过长，最多 {limit} 字", field=field)
    return value


def parse_int(value: str | int, *, field: str, label: str) -> int:
    """Only ASCII digits: "²" or "٣" pass str.isdigit() but are not numbers a person typed."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise ValidationFailed(f"{label}应为整数", field=field)
    return int(text)


def normalize_phone(phone: str | None, *, field: str = "phone") -> str | None:
    """Mainland mobile, landline with area code, or a service number; returns digits only."""
    if phone is None or not phone.strip():
        return None
    digits = _SEPARATORS.sub("", phone.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits) or _SERVICE.match(digits)):
        raise ValidationFailed(f"电话号码格式不正确：{phone}（应为 11 位手机号或带区号的固定电话）", field=field)
    return digits


def clean_name(name: str | None, *, field: str = "caller_name", label: str = "来电人姓名") -> str | None:
    value = (name or "").strip()
    _refuse_control(value, field=field, label=label)
    if len(value) > 64:
        raise ValidationFailed(f"{label}过长（最多 64 字）", field=field)
    return value or None


def require_choice(value: str, choices, *, field: str, label: str, labels: dict | None = None) -> str:
    if value not in choices:
        listed = "、".join(f"{c}（{labels[c]}）" if labels and c in labels else c for c in choices)
        raise ValidationFailed(f"{label}无效：{value}。可选：{listed}", field=field)
    return value
