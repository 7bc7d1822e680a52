"""Files attached to orders (evidence, reply documents), with the same visibility rules as the orders themselves."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from liandong.core.actor import Actor
from liandong.core.errors import NotFound, ValidationFailed
from liandong.workorder.models import OrderAttachment
from liandong.workorder.service import get_order

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_ORDER = 20
ALLOWED_PREFIXES = ("image/", "audio/", "video/", "text/plain")
ALLOWED_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
}
PURPOSES = {"reply": "答复材料", "objection": "异议依据", "evidence": "现场材料"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def clean_filename(name: str) -> str:
    base = _UNSAFE.sub("_", (name or "").strip().split("/")[-1].split("\\")[-1]).strip(". ")
    return (base or "附件")[-120:]


def content_type_of(filename: str, declared: str | None) -> str:
    guessed = mimetypes.guess_type(filename)[0]
    kind = (guessed or declared or "application/octet-stream").split(";")[0].strip().lower()
    if kind.startswith(ALLOWED_PREFIXES) or kind in ALLOWED_TYPES:
        return kind
    raise ValidationFailed("不支持的附件类型：请上传图片、录音、视频、PDF、Word、Excel、文本或压缩包", field="file")


def add_attachment(
    session: Session,
    *,
    order_id: int,
    actor: Actor,
    now: datetime,
    filename: str,
    data: bytes,
    content_type: str | None = None,
    purpose: str | None = None,
) -> OrderAttachment:
    """Anyone who may see the order may add evidence to it (call-taker, unit, supervisor)."""
    get_order(session, order_id, actor=actor)
    if not data:
        raise ValidationFailed("附件为空", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(f"附件过大：最大 {MAX_BYTES // (1024 * 1024)} MB", field="file")
    if len(list_attachments(session, order_id=order_id, actor=actor)) >= MAX_PER_ORDER:
        raise ValidationFailed(f"每张工单最多 {MAX_PER_ORDER} 个附件", field="file")
    name = clean_filename(filename)
    attachment = OrderAttachment(
        order_id=order_id,
        filename=name,
        content_type=content_type_of(name, content_type),
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=actor.name,
        uploaded_at=now,
        purpose=purpose if purpose in PURPOSES else None,
    )
    session.add(attachment)
    session.flush()
    return attachment


def list_attachments(session: Session, *, order_id: int, actor: Actor) -> list[OrderAttachment]:
    get_order(session, order_id, actor=actor)
    query = select(OrderAttachment).where(OrderAttachment.order_id == order_id).order_by(OrderAttachment.id)
    return list(session.scalars(query))


def get_attachment(session: Session, *, order_id: int, attachment_id: int, actor: Actor) -> OrderAttachment:
    get_order(session, order_id, actor=actor)
    attachment = session.scalar(
        select(OrderAttachment)
        .where(OrderAttachment.id == attachment_id, OrderAttachment.order_id == order_id)
        .options(undefer(OrderAttachment.data))
    )
    if attachment is None:
        raise NotFound(f"附件不存在：{attachment_id}", field="attachment_id")
    return attachment
