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
from liandong.core.vocabulary import PLATFORMS, REQUEST_TYPES
from liandong.triage import service as triage
from liandong.workorder import summary

log = logging.getLogger(__name__)
PLATFORM_LABELS = dict(PLATFORMS.choices())


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
    town_code: str | None = None
    town_name: str | None = None
    address: str | None = None
    title: str | None = None
    duty_name: str | None = None  # the city duty triage found, when routing sends it to a county
    second_name: str | None = None  # the unit a county sub-centre would be advised to send it on to
    route_reason: str | None = None
    needs_review: bool = False
    alternatives: list = field(default_factory=list)

    @property
    def fields(self) -> dict[str, str]:
        """What "accept all" copies into the intake form."""
        values = {
            "request_type": self.request_type,
            "category_code": self.category_code,
            "department_code": self.department_code,
            "division_code": self.division_code,
            "level": self.level,
            "address": self.address,
        }
        return {k: v for k, v in values.items() if v}


def run_triage(session: Session, text: str, *, location: str | None = None, channel: str | None = None) -> dict | None:
    """The engine's raw answer (dict), or None when the engine is unavailable: intake must never break on triage."""
    return triage.suggestion(session, text, location=location, channel=channel)


def warm_up() -> None:
    """Load the model and the word segmenter before the first call-taker types."""
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from liandong.db import unit_of_work
        from liandong.triage import service as triage

        try:
            with unit_of_work() as session:  # the engine intake will use: the database's catalogue and list
                triage.engine_for(session).triage("热线预热")
        except SQLAlchemyError:  # no database yet: at least the model and the segmenter are loaded
            triage.engine().triage("热线预热")
    except Exception:  # noqa: BLE001
        log.exception("triage warm-up failed")


def suggest(
    session: Session, text: str, *, location: str | None = None, channel: str | None = None, address: str | None = None
) -> Suggestion | None:
    raw = run_triage(session, text, location=location, channel=channel)
    if raw is None:
        return None
    tree = catalog.unit_tree(session)
    category = catalog.find_category_by_names(session, list(raw.get("category") or []))
    duty = session.get(Department, raw["department"]) if raw.get("department") else None
    division = session.get(Division, raw["division_code"]) if raw.get("division_code") else None
    county = tree.county_of(division.code) if division else None
    town = tree.town_in(f"{address or ''} {text}", county)
    if town is not None and (division is None or division.level != "county"):
        division = session.get(Division, town.parent_code)
    route = tree.route(duty.code if duty else None, division.code if division else None, town_code=town.code if town else None)
    routed = tree.get(route.first) if route else None
    found_address = address or summary.find_address(text)
    request_type = raw.get("request_type")
    platform = raw.get("platform") or "12345"
    return Suggestion(
        platform=platform,
        platform_label=PLATFORMS.label(platform),
        request_type=request_type,
        request_type_label=REQUEST_TYPES.label(request_type),
        category=list(raw.get("category") or []),
        category_code=category.code if category else None,
        department_code=routed.code if routed else None,
        department_name=routed.name if routed else (duty.name if duty else None),
        division_code=division.code if division else None,
        division_name=division.name if division else None,
        level=raw.get("level") or "一般",
        confidence=float(raw.get("confidence") or 0.0),
        reasons=list(raw.get("reasons") or []),
        emergency=bool(raw.get("emergency")) or platform in ("110", "119", "120"),
        transfer_item=raw.get("transfer_item_name"),
        raw=raw,
        town_code=town.code if town else None,
        town_name=town.name if town else None,
        address=found_address,
        title=summary.title_for(text, place=town.name if town else None, address=found_address, topic=category.name if category else None),
        duty_name=duty.name if duty and routed and duty.code != routed.code else None,
        second_name=tree.name(route.second) if route and route.second else None,
        route_reason=route.reason if route else None,
        needs_review=bool(raw.get("needs_review")),
        alternatives=list(raw.get("alternatives") or []),
    )
