"""The exchange standard: a versioned JSON envelope and one JSON Schema per message kind (docs/linkage.md).

Pure: the standard library and jsonschema. Both platforms validate every message they send and receive here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

VERSION = "1.0"
SUPPORTED_VERSIONS = frozenset({VERSION})
PLATFORMS = ("12345", "110", "119", "120", "122")

KIND_LABELS = {
    "transfer": "转办（工单/警单）",
    "receipt": "签收",
    "acceptance": "受理/退回",
    "progress": "处置反馈",
    "completion": "办结反馈",
    "status_query": "状态查询",
    "negotiation": "协商记录",
    "transfer_list": "分流转办清单发布",
}
KINDS = tuple(KIND_LABELS)
SHORT_LABELS = {"transfer": "转办", "receipt": "签收", "acceptance": "受理/退回", "progress": "处置反馈", "completion": "办结反馈",
                "status_query": "状态查询", "negotiation": "协商记录",
                "transfer_list": "清单发布"}

_TIME = {"type": "string", "format": "date-time", "pattern": r"(Z|[+-]\d{2}:\d{2})$"}
_NUMBER = {"type": "string", "minLength": 1, "maxLength": 32}
_NOTE = {"type": "string", "maxLength": 10000}
_DIVISION = {"type": "string", "pattern": r"^\d{6}$"}  # GB/T 2260 county-level code
_TOWN = {"type": "string", "pattern": r"^\d{9}$"}  # GB/T 10114 township code
_PARTY = {
    "type": "object",
    "required": ["platform", "name", "unit_code", "division_code"],
    "additionalProperties": False,
    "properties": {
        "platform": {"enum": list(PLATFORMS)},
        "name": {"type": "string", "minLength": 1, "maxLength": 64},
        "unit_code": {"type": "string", "minLength": 1, "maxLength": 32},
        "division_code": _DIVISION,
    },
}
_STATUS = {"type": "string", "minLength": 1, "maxLength": 32}
_ANSWER = {  # what every answer to a transfer carries: both numbers, when, and the answering side's status
    "order_number": _NUMBER,
    "receiver_order_number": _NUMBER,
    "at": _TIME,
    "status": _STATUS,
    "status_label": {"type": "string", "maxLength": 32},
}

BODIES: dict[str, dict] = {
    "transfer": {
        "type": "object",
        "required": ["order_number", "direction", "received_at", "transferred_at", "title", "content", "request_type", "level",
                     "division_code"],
        "additionalProperties": False,
        "properties": {
            "order_number": _NUMBER,
            "direction": {"enum": ["12345→110", "110→12345", "12345→119", "12345→120", "12345→122"]},
            "received_at": _TIME,
            "transferred_at": _TIME,
            "title": {"type": "string", "minLength": 1, "maxLength": 100},
            "content": {"type": "string", "minLength": 1, "maxLength": 10000},
            "request_type": {"type": "string", "maxLength": 16},
            "category_code": {"type": ["string", "null"], "maxLength": 32},
            "level": {"enum": ["一般", "较大", "重大", "特别重大"]},
            "division_code": _DIVISION,
            "town_code": {"anyOf": [_TOWN, {"type": "null"}]},
            "address": {"type": ["string", "null"], "maxLength": 255},
            # The caller only where the receiver must call back or send someone; omitted otherwise.
            "caller": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"name": {"type": ["string", "null"], "maxLength": 64},
                               "phone": {"type": ["string", "null"], "pattern": r"^[0-9+\-]{3,20}$"},
                               "confidential": {"type": "boolean"}},
            },
            "note": {"type": ["string", "null"], "maxLength": 10000},
            "sign_within_minutes": {"type": "integer", "minimum": 1, "maximum": 10080},
            # 警单转办: the incident facts the 110 desk recorded.
            "incident": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"occurred_at": _TIME, "place": {"type": "string", "maxLength": 200},
                               "facts": {"type": "string", "maxLength": 10000}, "police_unit": {"type": "string", "maxLength": 64}},
            },
            # 分级响应: 较大 and above — the linked order on the other side that handles the same event.
            "linked_order_number": _NUMBER,
            # Forwarded (county 110 → city 110 → city 12345): the order it started as, on the platform where it started.
            "relayed_from": {
                "type": "object",
                "required": ["order_number", "platform", "name"],
                "additionalProperties": False,
                "properties": {"order_number": _NUMBER, "platform": {"enum": list(PLATFORMS)}, "name": {"type": "string", "maxLength": 64},
                               "division_code": {"anyOf": [_DIVISION, {"type": "null"}]}},
            },
            # The 分流转办清单 item the sender transferred it under, checked against the version the receiver published.
            "transfer_item": {
                "type": "object",
                "required": ["id", "agreed"],
                "additionalProperties": False,
                "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 32}, "name": {"type": "string", "maxLength": 200},
                               "list_version": {"type": ["string", "null"], "maxLength": 32}, "agreed": {"type": "boolean"}},
            },
        },
    },
    "receipt": {"type": "object", "required": ["order_number", "receiver_order_number", "at"], "additionalProperties": False,
                "properties": _ANSWER},
    "acceptance": {
        "type": "object",
        "required": ["order_number", "receiver_order_number", "at", "decision"],
        "additionalProperties": False,
        "properties": {**_ANSWER, "decision": {"enum": ["accepted", "returned"]}, "reason": {"type": "string", "minLength": 1, "maxLength": 10000},
                       "handler_unit": {"type": "string", "maxLength": 64}},
        "if": {"properties": {"decision": {"const": "returned"}}},
        "then": {"required": ["reason"]},
    },
    "progress": {"type": "object", "required": ["order_number", "receiver_order_number", "at", "note"], "additionalProperties": False,
                 "properties": {**_ANSWER, "note": {"type": "string", "minLength": 1, "maxLength": 10000}}},
    "completion": {
        "type": "object",
        "required": ["order_number", "receiver_order_number", "at", "result"],
        "additionalProperties": False,
        "properties": {**_ANSWER, "result": {"type": "string", "minLength": 1, "maxLength": 10000}, "handler": {"type": "string", "maxLength": 64}},
    },
    "status_query": {"type": "object", "required": ["order_number"], "additionalProperties": False, "properties": {"order_number": _NUMBER}},
    "negotiation": {
        "type": "object",
        "required": ["order_number", "mode", "started_at", "outcome"],
        "additionalProperties": False,
        "properties": {
            "order_number": _NUMBER,
            "receiver_order_number": _NUMBER,
            "mode": {"enum": ["三方通话", "消息"]},
            "started_at": _TIME,
            "ended_at": _TIME,
            "participants": {"type": "array", "items": {"type": "string", "maxLength": 64}, "maxItems": 10},
            # agreed_sender / agreed_receiver: who handles it; failed: 首接负责制, the first receiver keeps it.
            "outcome": {"enum": ["agreed_sender", "agreed_receiver", "failed"]},
            "keeper": {"enum": ["sender", "receiver"]},
            "note": _NOTE,
        },
    },
    # 分流转办清单: a platform publishes the version it uses, with the items either side hands over to the other.
    "transfer_list": {
        "type": "object",
        "required": ["version", "published_at", "items"],
        "additionalProperties": False,
        "properties": {
            "version": {"type": "string", "minLength": 1, "maxLength": 32},
            "city": {"type": "string", "maxLength": 32},
            "basis": {"type": "string", "maxLength": 500},
            "published_at": _TIME,
            "items": {
                "type": "array",
                "maxItems": 2000,
                "items": {
                    "type": "object",
                    "required": ["id", "name", "direction", "platform"],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string", "minLength": 1, "maxLength": 32},
                        "name": {"type": "string", "minLength": 1, "maxLength": 200},
                        "direction": {"enum": ["12345→110", "110→12345", "emergency"]},
                        "platform": {"enum": list(PLATFORMS)},
                        "category": {"type": "array", "items": {"type": "string", "maxLength": 64}, "maxItems": 3},
                        "level": {"enum": ["一般", "较大", "重大", "特别重大"]},
                        "description": {"type": "string", "maxLength": 2000},
                    },
                },
            },
        },
    },
}

ENVELOPE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "联动对接报文信封",
    "type": "object",
    "required": ["version", "message_id", "kind", "sender", "conversation", "seq", "sent_at", "body"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "message_id": {"type": "string", "pattern": r"^[A-Za-z0-9._:\-]{8,64}$"},
        "kind": {"enum": list(KINDS)},
        "sender": _PARTY,
        "receiver": {"type": "object", "required": ["platform"], "properties": {"platform": {"enum": list(PLATFORMS)},
                     "name": {"type": "string", "maxLength": 64}}},
        "conversation": _NUMBER,  # the originating order's number: messages of one conversation are applied in order
        "seq": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "sent_at": _TIME,
        "body": {"type": "object"},
    },
}


def schema_for(kind: str) -> dict:
    """The full schema of one message kind: the envelope with its body."""
    return {**ENVELOPE, "title": f"{ENVELOPE['title']}：{KIND_LABELS[kind]}",
            "properties": {**ENVELOPE["properties"], "kind": {"const": kind}, "body": BODIES[kind]}}


_FORMATS = FormatChecker()
_ENVELOPE_VALIDATOR = Draft202012Validator(ENVELOPE, format_checker=_FORMATS)
_VALIDATORS = {kind: Draft202012Validator(schema_for(kind), format_checker=_FORMATS) for kind in KINDS}


class MessageRefused(Exception):
    """A message the standard refuses: a code for logs and machines, a Chinese sentence for people."""

    def __init__(self, code: str, detail: str, status: int = 422):
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


def _where(error) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "（报文）"


def validate(message: Any) -> dict:
    """The message if it conforms to the standard; else MessageRefused saying which field is wrong and why."""
    if not isinstance(message, dict):
        raise MessageRefused("malformed", "报文必须是 JSON 对象")
    version = message.get("version")
    if version is not None and version not in SUPPORTED_VERSIONS:
        raise MessageRefused("unknown_version", f"不支持的报文版本：{str(version)[:16]}（本平台支持 {'、'.join(sorted(SUPPORTED_VERSIONS))}）")
    error = next(iter(sorted(_ENVELOPE_VALIDATOR.iter_errors(message), key=lambda e: e.path)), None)
    if error is None:
        error = next(iter(sorted(_VALIDATORS[message["kind"]].iter_errors(message), key=lambda e: e.path)), None)
    if error is not None:
        raise MessageRefused("schema", f"报文不符合对接标准：字段 {_where(error)} {_explain(error)}")
    return message


def _explain(error) -> str:
    kind = error.validator
    if kind == "required":
        return f"缺少必填项 {error.message.split(chr(39))[1] if chr(39) in error.message else ''}".strip()
    if kind in ("enum", "const"):
        return "取值不在允许范围内"
    if kind == "pattern" or kind == "format":
        return "格式不正确（时间须为带时区的 ISO 8601，区划代码为 6 位数字）"
    if kind in ("maxLength", "maxItems", "maximum"):
        return "超出长度或数值上限"
    if kind in ("minLength", "minimum"):
        return "不能为空或过小"
    if kind == "additionalProperties":
        return "含有标准未定义的字段"
    if kind == "type":
        return "类型不正确"
    return "不符合要求"


def envelope(*, message_id: str, kind: str, sender: dict, receiver_platform: str, conversation: str, seq: int,
             sent_at: datetime, body: dict) -> dict:
    """Build a message (and check it: a platform never sends what it would refuse)."""
    message = {
        "version": VERSION,
        "message_id": message_id,
        "kind": kind,
        "sender": sender,
        "receiver": {"platform": receiver_platform},
        "conversation": conversation,
        "seq": seq,
        "sent_at": sent_at.isoformat(),
        "body": {k: v for k, v in body.items() if v is not None or k in ("town_code", "address", "category_code", "note")},
    }
    return validate(message)


# A batch is transport, not a message: several messages to one peer in one signed request (docs/linkage.md, 批量投递).
MAX_BATCH = 500
BATCH = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "联动对接批量报文",
    "type": "object",
    "required": ["version", "batch_id", "messages"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string"},
        "batch_id": {"type": "string", "pattern": r"^[A-Za-z0-9._:\-]{8,64}$"},
        # Each message is checked against its own schema by the receiver, and refused on its own.
        "messages": {"type": "array", "minItems": 1, "maxItems": MAX_BATCH},
    },
}
_BATCH_VALIDATOR = Draft202012Validator(BATCH, format_checker=_FORMATS)


def validate_batch(batch: Any) -> dict:
    """The batch wrapper if it conforms; its messages are validated one by one with `validate`."""
    if not isinstance(batch, dict):
        raise MessageRefused("malformed", "批量报文必须是 JSON 对象")
    version = batch.get("version")
    if version is not None and version not in SUPPORTED_VERSIONS:
        raise MessageRefused("unknown_version", f"不支持的报文版本：{str(version)[:16]}（本平台支持 {'、'.join(sorted(SUPPORTED_VERSIONS))}）")
    error = next(iter(sorted(_BATCH_VALIDATOR.iter_errors(batch), key=lambda e: e.path)), None)
    if error is not None:
        raise MessageRefused("schema", f"批量报文不符合对接标准：字段 {_where(error)} {_explain(error)}（每批 1–{MAX_BATCH} 条）")
    return batch


def batch(*, batch_id: str, items: list[dict]) -> dict:
    return {"version": VERSION, "batch_id": batch_id, "messages": items}
