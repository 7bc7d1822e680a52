"""Administrators' edits to the transfer list (分流转办事项清单), kept in the database beside the packaged file.

Use cases with validation, called by the admin pages; each runs inside the caller's transaction.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.catalog.models import CatalogSetting
from liandong.core.actor import Actor, require_admin
from liandong.core.errors import Conflict, NotFound, ValidationFailed
from liandong.triage.service import TRANSFER_LIST_KEY


def transfer_list_is_edited(session: Session) -> bool:
    return session.get(CatalogSetting, TRANSFER_LIST_KEY) is not None


def transfer_list_data(session: Session) -> dict:
    """The transfer list as edited (database), else the packaged/configured file, as a TOML-shaped dict."""
    setting = session.get(CatalogSetting, TRANSFER_LIST_KEY)
    if setting is not None:
        return setting.value
    import tomllib

    from liandong.triage.service import TRANSFER_LIST_FILE, triage_file

    with triage_file(TRANSFER_LIST_FILE).open("rb") as handle:
        return tomllib.load(handle)


def bump_version(version: str | None) -> str:
    """The list's next version after an edit ("2026.12-1" → "2026.12-2"), so peers can tell which list each side uses."""
    version = str(version or "").strip()
    match = re.fullmatch(r"(.*-)(\d+)", version)
    if match:
        return f"{match.group(1)}{int(match.group(2)) + 1}"[:32]
    return f"{version or '本地'}-1"[:32]


def _words(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"[\n,，、]+", text or "") if w.strip()]


def _lines(text: str) -> list[str]:
    """Regular expressions may contain commas, so they are one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def save_transfer_item(
    session: Session,
    *,
    actor: Actor,
    item_id: str,
    name: str,
    platform: str,
    direction: str,
    department: str | None,
    priority: int,
    keywords: str,
    exclude: str,
    create: bool = False,
) -> dict:
    """Edit or add one item; the whole list is validated (and compiled) before it is stored."""
    require_admin(actor, "修改分流转办事项清单")
    from liandong.triage.rules import parse_transfer_list

    data = transfer_list_data(session)
    items = [dict(item) for item in data.get("item", [])]
    item_id = (item_id or "").strip()
    current = next((i for i in items if i.get("id") == item_id), None)
    if create:
        if not item_id:
            raise ValidationFailed("请填写事项编号", field="id")
        if current is not None:
            raise Conflict(f"事项编号已存在：{item_id}", field="id")
        current = {"id": item_id}
        items.append(current)
    elif current is None:
        raise NotFound(f"分流转办事项不存在：{item_id}", field="id")
    if department:
        catalog.require_department(session, department)
    current.update(
        {
            "name": (name or "").strip() or item_id,
            "platform": platform,
            "direction": direction,
            "priority": int(priority),
            "keywords": _words(keywords),
            "exclude": _lines(exclude),
        }
    )
    if department:
        current["department"] = department
    else:
        current.pop("department", None)
    updated = {**data, "item": items, "version": bump_version(data.get("version"))}
    parse_transfer_list(updated, source="web")  # raises with a Chinese message on a bad pattern or value
    setting = session.get(CatalogSetting, TRANSFER_LIST_KEY)
    if setting is None:
        session.add(CatalogSetting(key=TRANSFER_LIST_KEY, value=updated))
    else:
        setting.value = updated
    session.flush()
    return current
