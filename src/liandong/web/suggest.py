"""The intake panel's suggestion: one small interface over the triage engine, with labels resolved for display.

The transfer list an administrator edits in the web app is kept in `catalog_settings` (key "transfer_list");
when present it replaces the packaged file for suggestions made here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from liandong.catalog import service as catalog
from liandong.catalog.models import Department, Division
from liandong.triage import service as triage
from liandong.workorder.models import REQUEST_TYPE_LABELS

log = logging.getLogger(__name__)
PLATFORM_LABELS = {
    "12345": "12345 热线办理",
    "110": "110 报警服务台",
    "119": "119 消防救援",
    "120": "120 急救",
    "guidance": "引导至其他渠道",
    "invalid": "无效来电",
}



@dataclass
class Suggestion:
    platform: str
    platform_label: str
    request_type: str | None
    request_type_label: str
    category: list[str]
    category_code: str | None
    department_code: str | None
    department_name: str | None
    division_code: str | None
    division_name: str | None
    level: str
    confidence: float
    reasons: list[str]
    emergency: bool
    transfer_item: str | None
    raw: dict = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, str]:
        """What "accept all" copies into the intake form."""
        values = {
            "request_type": self.request_type,
            "category_code": self.category_code,
            "department_code": self.department_code,
            "division_code": self.division_code,
            "level": self.level,
        }
        return {k: v for k, v in values.items() if v}


def run_triage(session: Session, text: str, *, location: str | None = None, channel: str | None = None) -> dict | None:
    """The engine's raw answer (dict), or None when the engine is unavailable: intake must never break on triage."""
    try:
        return triage.engine_for(session).triage(text, location=location, channel=channel).to_dict()
    except Exception:  # noqa: BLE001 - the form keeps working without a suggestion
        log.exception("triage failed")
        return None


def warm_up() -> None:
    """Load the model and the word segmenter before the first call-taker types."""
    try:
        from liandong.triage import service as triage

        triage.engine().triage("热线预热")
    except Exception:  # noqa: BLE001
        log.exception("triage warm-up failed")


def suggest(session: Session, text: str, *, location: str | None = None, channel: str | None = None) -> Suggestion | None:
    raw = run_triage(session, text, location=location, channel=channel)
    if raw is None:
        return None
    category = catalog.find_category_by_names(session, list(raw.get("category") or []))
    department = session.get(Department, raw["department"]) if raw.get("department") else None
    division = session.get(Division, raw["division_code"]) if raw.get("division_code") else None
    request_type = raw.get("request_type")
    platform = raw.get("platform") or "12345"
    return Suggestion(
        platform=platform,
        platform_label=PLATFORM_LABELS.get(platform, platform),
        request_type=request_type,
        request_type_label=REQUEST_TYPE_LABELS.get(request_type, "—") if request_type else "—",
        category=list(raw.get("category") or []),
        category_code=category.code if category else None,
        department_code=department.code if department and department.active else None,
        department_name=department.name if department else None,
        division_code=division.code if division else None,
        division_name=division.name if division else None,
        level=raw.get("level") or "一般",
        confidence=float(raw.get("confidence") or 0.0),
        reasons=list(raw.get("reasons") or []),
        emergency=bool(raw.get("emergency")) or platform in ("110", "119", "120"),
        transfer_item=raw.get("transfer_item_name"),
        raw=raw,
    )
