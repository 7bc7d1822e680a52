"""GeoReport v2 over our catalogue and orders: services, service requests, tokens and the updates extension.

Reads are public (as the specification has them) and never carry personal data: confidential (保密) orders and
orders closed as invalid or malicious calls are not published, callers' names and numbers never appear, and
published text is scrubbed of numbers and 王女士-style names. Writes need a partner's api_key — a token from
`liandong tokens create … --scope open311:write` — and go through `workorder.service` in the caller's transaction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from liandong.account import tokens
from liandong.catalog.models import Category, Department, Division
from liandong.config import settings
from liandong.core.actor import Actor
from liandong.core.clock import local, parse_aware
from liandong.core.errors import NotFound, PermissionDenied, ValidationFailed
from liandong.core.vocabulary import INVALID_REASONS, PLATFORMS, REQUEST_TYPES
from liandong.db import MAX_ID
from liandong.open311 import mapping
from liandong.open311.models import Open311Request, Open311Update
from liandong.open311.render import w3
from liandong.triage import service as triage
from liandong.workorder import privacy, public
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import Action, Status
from liandong.workorder.models import OrderEvent, WorkOrder

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
WRITE_SCOPE = "open311:write"
MAX_RESULTS = 1000  # "Default query limit is a span of 90 days or first 1000 requests returned"
WINDOW = timedelta(days=90)
MAX_DESCRIPTION = 4000  # "free form text limited to 4,000 characters"
MAX_FIELD = 255
MAX_MEDIA_URL = 500
MAX_LIST = 200  # comma-separated ids or codes in one query
ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,64})\](\[\])?$")
MEDIA_URL = re.compile(r"^https?://[^\s]+$")
UPDATE_STATUSES = ("OPEN", "CLOSED")
EMERGENCY_DESKS = ("110", "119", "120")
log = logging.getLogger(__name__)

# Fields a POST may carry; anything else is refused, so a typo is not silently dropped.
REQUEST_FIELDS = frozenset(
    {"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email", "device_id",
     "account_id", "first_name", "last_name", "phone", "description", "media_url"}
)
UPDATE_FIELDS = frozenset(
    {"api_key", "jurisdiction_id", "service_request_id", "update_id", "status", "updated_datetime", "description",
     "email", "phone", "first_name", "last_name", "title", "media_url", "account_id"}
)


# ---------------------------------------------------------------- jurisdiction, api_key, formats


def check_jurisdiction(value: str | None) -> None:
    """One jurisdiction per endpoint: the argument is optional, but a wrong one is 404 (as the spec asks)."""
    expected = settings().jurisdiction_id
    if value is not None and value.strip() and value.strip() != expected:
        raise NotFound(f"jurisdiction_id 不存在：{value.strip()[:64]}（本接口服务的 jurisdiction_id 为 {expected}）", field="jurisdiction_id")


def partner(session: Session, api_key: str | None, *, now: datetime) -> Actor:
    """The partner system behind an api_key; 403 for a missing, unknown, revoked or expired key or one without the scope."""
    if not api_key or not api_key.strip():
        raise PermissionDenied("缺少 api_key，无法提交（请向本平台管理员申请接口密钥）", field="api_key")
    row = tokens.authenticate(session, token=api_key.strip(), now=now)
    if row is None:
        raise PermissionDenied("api_key 无效、已吊销或已过期，无法提交", field="api_key")
    actor = tokens.actor_of(row)
    if not actor.may(WRITE_SCOPE):
        raise PermissionDenied(f"该 api_key 无 Open311 提交权限（{WRITE_SCOPE}）", field="api_key")
    return actor


def discovery(base_url: str, *, changeset: str) -> dict:
    config = settings()
    return {
        "changeset": changeset,
        "contact": config.open311_contact,
        "key_service": config.open311_key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


# ---------------------------------------------------------------- services


def _leaves(session: Session) -> list[Category]:
    rows = list(session.scalars(select(Category).order_by(Category.code)))
    parents = {row.parent_code for row in rows if row.parent_code}
    return [row for row in rows if row.code not in parents]


def _service(category: Category) -> dict:
    names = category.names
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": " / ".join(names),
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(dict.fromkeys(names)),
        "group": names[0],
    }


def list_services(session: Session) -> list[dict]:
    """Every category at the bottom of the tree is a service; its level-1 category is the group."""
    return [_service(category) for category in _leaves(session)]


def _require_service(session: Session, code: str | None) -> Category:
    code = (code or "").strip()
    if not code:
        raise ValidationFailed("缺少 service_code（诉求分类代码，见 services 接口）", field="service_code")
    category = session.get(Category, code[:16]) if len(code) <= 16 else None
    if category is None or session.scalar(select(Category.code).where(Category.parent_code == category.code).limit(1)):
        raise NotFound(f"service_code 不存在：{code[:32]}（请从 services 接口选择末级分类）", field="service_code")
    return category


def _counties(session: Session) -> list[Division]:
    return list(session.scalars(select(Division).where(Division.level == "county").order_by(Division.code)))


def service_definition(session: Session, code: str) -> dict:
    """The attributes every service asks for: the request type (it sets the deadline) and, optionally, the county."""
    category = _require_service(session, code)
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "request_type",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": "诉求类型决定办理时限：" + REQUEST_TYPES.describe(),
                "order": 1,
                "description": "诉求类型",
                "values": [{"key": key, "name": name} for key, name in REQUEST_TYPES.choices()],
            },
            {
                "variable": True,
                "code": "county",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "问题所在县（市、区）的行政区划代码；不填时按地址识别，或由 12345 确定",
                "order": 2,
                "description": "所在县（市、区）",
                "values": [{"key": row.code, "name": row.name} for row in _counties(session)],
            },
        ],
    }


# ---------------------------------------------------------------- reading requests


def _public():
    return and_(
        WorkOrder.confidential.is_(False),
        or_(WorkOrder.close_reason.is_(None), WorkOrder.close_reason.not_in(INVALID_REASONS.codes)),
    )


def _local_text(value: datetime | None) -> str | None:
    return local(value).strftime("%Y年%m月%d日 %H:%M") if value else None


def _address(row) -> str:
    """The address as given, after the township (or county) unless it already names it; scrubbed like all text."""
    place = row.town_name or row.division_name or ""
    given = row.address or ""
    return privacy.scrub_text(given if place and place in given else " ".join(part for part in (place, given) if part))


def _request(row) -> dict:
    status = Status(row.status)
    updated = row.closed_at if status is Status.CLOSED and row.closed_at else (row.last_action_at or row.updated_at)
    return {
        "service_request_id": str(row.id),
        "status": mapping.open311_status(status),
        "status_notes": mapping.status_notes(
            status, number=row.number, close_reason=row.close_reason, last_at=_local_text(row.last_at),
            last_step=public.step_text(row.last_action, row.last_data, from_status=row.last_from, to_status=row.last_to, unit_name=_no_unit)
            if row.last_action else None,
        ),
        "service_name": row.category_name,
        "service_code": row.category_code,
        "description": privacy.scrub_text(row.content),
        "agency_responsible": row.department_name,
        "service_notice": mapping.service_notice(
            status, request_type=REQUEST_TYPES.label(row.request_type), due=_local_text(row.reply_due_at), closed=_local_text(row.closed_at)
        ),
        "requested_datetime": w3(row.received_at),
        "updated_datetime": w3(updated),
        "expected_datetime": w3(row.reply_due_at),
        "address": _address(row),
        "address_id": row.town_code or row.division_code,
        "zipcode": None,
        "lat": row.latitude,
        "long": row.longitude,
        "media_url": row.media_url,
    }


def _published():
    """Published orders as plain rows with every name they show and their last timeline entry: one query, no ORM objects."""
    county, town = aliased(Division), aliased(Division)
    return (
        select(
            WorkOrder.id, WorkOrder.number, WorkOrder.status, WorkOrder.category_code, WorkOrder.content, WorkOrder.request_type,
            WorkOrder.division_code, WorkOrder.town_code, WorkOrder.address, WorkOrder.received_at, WorkOrder.reply_due_at,
            WorkOrder.closed_at, WorkOrder.close_reason, WorkOrder.last_action_at, WorkOrder.updated_at,
            Category.name.label("category_name"), Department.name.label("department_name"),
            county.name.label("division_name"), town.name.label("town_name"),
            Open311Request.latitude, Open311Request.longitude, Open311Request.media_url,
            OrderEvent.action.label("last_action"), OrderEvent.occurred_at.label("last_at"), OrderEvent.data.label("last_data"),
            OrderEvent.from_status.label("last_from"), OrderEvent.to_status.label("last_to"),
        )
        .outerjoin(Category, Category.code == WorkOrder.category_code)
        .outerjoin(Department, Department.code == WorkOrder.department_code)
        .outerjoin(county, county.code == WorkOrder.division_code)
        .outerjoin(town, town.code == WorkOrder.town_code)
        .outerjoin(Open311Request, Open311Request.order_id == WorkOrder.id)
        .outerjoin(OrderEvent, and_(OrderEvent.order_id == WorkOrder.id, OrderEvent.seq == WorkOrder.event_count))
        .where(_public())
    )


def _ids(raw: str | None, *, field: str) -> list[int]:
    values = [part.strip() for part in (raw or "").split(",") if part.strip()]
    if len(values) > MAX_LIST:
        raise ValidationFailed(f"{field} 最多 {MAX_LIST} 个", field=field)
    result = []
    for value in values:
        if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
            raise ValidationFailed(f"{field} 无效：{value[:32]}（应为数字编号，多个以逗号分隔）", field=field)
        result.append(int(value))
    return result


def _codes(raw: str | None, *, field: str, allowed: Iterable[str] | None = None) -> list[str]:
    values = list(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))
    if len(values) > MAX_LIST or any(len(value) > 32 for value in values):
        raise ValidationFailed(f"{field} 过多或过长", field=field)
    if allowed is not None:
        allowed = tuple(allowed)
        wrong = [value for value in values if value not in allowed]
        if wrong:
            raise ValidationFailed(f"{field} 无效：{'、'.join(wrong)[:64]}。可选：{'、'.join(allowed)}", field=field)
    return values


def _when(raw: str | None, *, field: str) -> datetime | None:
    if raw is None or not raw.strip():
        return None
    try:
        return parse_aware(raw.strip(), field=field)
    except ValidationFailed:
        raise ValidationFailed(f"{field} 须为带时区的 W3C 时间，例如 2010-01-01T00:00:00Z", field=field) from None


def window(start_raw: str | None, end_raw: str | None, *, now: datetime, limit_span: bool = True) -> tuple[datetime, datetime]:
    """start_date/end_date: both default to the most recent 90 days; a range may not span more than 90 days."""
    start, end = _when(start_raw, field="start_date"), _when(end_raw, field="end_date")
    try:
        if start is None and end is None:
            start, end = now - WINDOW, now
        elif start is None:
            start = end - WINDOW
        elif end is None:
            end = start + WINDOW
    except OverflowError:
        raise ValidationFailed("start_date 或 end_date 超出可用范围", field="start_date") from None
    if end < start:
        raise ValidationFailed("end_date 不能早于 start_date", field="end_date")
    if limit_span and end - start > WINDOW:
        raise ValidationFailed("start_date 与 end_date 的跨度不能超过 90 天", field="start_date")
    return start, end


def list_requests(
    session: Session,
    *,
    now: datetime,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> list[dict]:
    """GET requests: newest first, at most 1000; service_request_id overrides every other argument."""
    ids = _ids(service_request_id, field="service_request_id")
    query = _published()
    if ids:
        query = query.where(WorkOrder.id.in_(ids))
    else:
        start, end = window(start_date, end_date, now=now)
        query = query.where(WorkOrder.received_at >= start, WorkOrder.received_at <= end)
        codes = _codes(service_code, field="service_code")
        if codes:
            query = query.where(WorkOrder.category_code.in_(codes))
        wanted = _codes(status, field="status", allowed=mapping.OPEN311_STATUSES)
        if wanted and set(wanted) != set(mapping.OPEN311_STATUSES):
            query = query.where(WorkOrder.status.in_([s.value for s in mapping.STATUS_MAP if mapping.open311_status(s) in wanted]))
    found = session.execute(query.order_by(WorkOrder.received_at.desc(), WorkOrder.id.desc()).limit(MAX_RESULTS))
    return [_request(row) for row in found]


def _public_order(session: Session, raw: str, *, label: str = "service_request_id") -> WorkOrder:
    value = (raw or "").strip()
    order = session.get(WorkOrder, int(value)) if value.isdigit() and 1 <= int(value) <= MAX_ID else None
    if order is None or order.confidential or (order.close_reason in INVALID_REASONS):
        raise NotFound(f"{label} 不存在：{value[:32]}", field=label)
    return order


def get_request(session: Session, service_request_id: str) -> list[dict]:
    order = _public_order(session, service_request_id)
    return [_request(row) for row in session.execute(_published().where(WorkOrder.id == order.id))]


def from_token(session: Session, token: str) -> list[dict]:
    """Our 工单编号 (the number a caller is told on the phone) is the token that leads to the service_request_id."""
    value = (token or "").strip()
    order = session.scalar(select(WorkOrder).where(WorkOrder.number == value[:32], _public())) if value else None
    if order is None:
        raise NotFound(f"token 不存在：{value[:32]}", field="token")
    return [{"service_request_id": str(order.id), "token": order.number}]


# ---------------------------------------------------------------- POST requests


def _single(form: Sequence[tuple[str, str]], allowed: frozenset[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Plain fields (each at most once) and attribute[code] / attribute[code][] values; unknown fields refused."""
    fields: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    for key, value in form:
        match = ATTRIBUTE.match(key)
        if match:
            attributes.setdefault(match.group(1), []).append(value)
            continue
        if key not in allowed:
            raise ValidationFailed(f"不支持的字段：{key[:64]}", field=key[:64])
        if key in fields:
            raise ValidationFailed(f"字段 {key} 重复提交", field=key)
        if key != "api_key" and len(value) > (MAX_DESCRIPTION if key == "description" else MAX_FIELD if key != "media_url" else MAX_MEDIA_URL):
            raise ValidationFailed(f"字段 {key} 过长", field=key)
        fields[key] = value.strip()
    return {key: value for key, value in fields.items() if value}, attributes


def _api_key(form: Sequence[tuple[str, str]]) -> str | None:
    return next((value for key, value in form if key == "api_key"), None)


def _coordinate(raw: str, *, field: str, bound: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValidationFailed(f"{field} 须为 WGS84 十进制度数", field=field) from None
    if not -bound <= value <= bound or value != value:
        raise ValidationFailed(f"{field} 超出范围（-{bound:g} 至 {bound:g}）", field=field)
    return value


def _location(session: Session, fields: dict[str, str]) -> tuple[float | None, float | None, Division | None]:
    has_lat, has_long = "lat" in fields, "long" in fields
    if has_lat != has_long:
        raise ValidationFailed("lat 与 long 须同时提供", field="lat" if not has_lat else "long")
    if not (has_lat or "address_string" in fields or "address_id" in fields):
        raise ValidationFailed("缺少位置：请提供 lat 与 long，或 address_string，或 address_id", field="address_string")
    lat = _coordinate(fields["lat"], field="lat", bound=90) if has_lat else None
    lon = _coordinate(fields["long"], field="long", bound=180) if has_long else None
    place = None
    if "address_id" in fields:
        place = session.get(Division, fields["address_id"][:12])
        if place is None or place.level not in ("county", "town"):
            raise ValidationFailed(f"address_id 无效：{fields['address_id'][:32]}（应为县或乡镇（街道）的行政区划代码）", field="address_id")
    return lat, lon, place


def _attributes(session: Session, attributes: dict[str, list[str]]) -> tuple[str, str | None]:
    unknown = [code for code in attributes if code not in ("request_type", "county")]
    if unknown:
        raise ValidationFailed(f"不支持的 attribute：{'、'.join(unknown)[:64]}（见 services/{{service_code}} 接口）", field="attribute")
    for code, values in attributes.items():
        if len(values) != 1:
            raise ValidationFailed(f"attribute[{code}] 只能选择一项", field=f"attribute[{code}]")
    request_type = (attributes.get("request_type") or [""])[0].strip()
    if not request_type:
        raise ValidationFailed("缺少必填项 attribute[request_type]（诉求类型）", field="attribute[request_type]")
    REQUEST_TYPES.require(request_type, field="attribute[request_type]")
    county = (attributes.get("county") or [""])[0].strip() or None
    if county and county not in {row.code for row in _counties(session)}:
        raise ValidationFailed(f"attribute[county] 无效：{county[:32]}", field="attribute[county]")
    return request_type, county


def _triage(session: Session, text: str, location: str | None) -> dict | None:
    """The same triage as the phone desk (kept on the order for the dispatcher); None when it is unavailable."""
    try:
        return triage.engine_for(session).triage(text, location=location, channel="open311").to_dict()
    except Exception:  # noqa: BLE001 - a submission never fails because the suggestion engine did
        log.exception("triage failed for an Open311 request")
        return None


def create_request(session: Session, *, form: Sequence[tuple[str, str]], now: datetime) -> list[dict]:
    """POST requests: a new order on the open311 channel, created by the partner's token, in this transaction."""
    actor = partner(session, _api_key(form), now=now)  # a caller without a valid key hears 403 before anything else
    fields, attributes = _single(form, REQUEST_FIELDS)
    check_jurisdiction(fields.get("jurisdiction_id"))
    category = _require_service(session, fields.get("service_code"))
    lat, lon, place = _location(session, fields)
    request_type, county = _attributes(session, attributes)
    if not fields.get("description"):
        raise ValidationFailed("缺少 description（诉求内容）", field="description")
    media_url = fields.get("media_url")
    if media_url and not MEDIA_URL.match(media_url):
        raise ValidationFailed("media_url 须为 http:// 或 https:// 开头的网址", field="media_url")
    name = "".join(fields.get(key, "") for key in ("last_name", "first_name")) or None
    division_code = town_code = None
    if place is not None:
        division_code, town_code = (place.parent_code, place.code) if place.level == "town" else (place.code, None)
        if county and county != division_code:
            raise ValidationFailed("attribute[county] 与 address_id 所在县（市、区）不一致", field="attribute[county]")
    division_code = division_code or county
    suggestion = _triage(session, fields["description"], fields.get("address_string"))
    if suggestion and (suggestion.get("emergency") or suggestion.get("platform") in EMERGENCY_DESKS):
        desk = suggestion.get("platform") if suggestion.get("platform") in EMERGENCY_DESKS else "110"
        raise ValidationFailed(
            f"描述的情况属于紧急警情，请立即拨打 {desk}（{PLATFORMS.label(desk)}）；本接口受理非紧急诉求，未提交", field="description"
        )
    order = orders.create_order(
        session,
        actor=actor,
        now=now,
        content=fields["description"],
        request_type=request_type,
        channel="open311",
        caller_name=name,
        caller_phone=fields.get("phone"),
        division_code=division_code,
        town_code=town_code,
        address=fields.get("address_string"),
        category_code=category.code,
        triage=suggestion,
    )
    session.add(
        Open311Request(
            order_id=order.id, client=actor.token or actor.name, latitude=lat, longitude=lon, media_url=media_url,
            attributes={"request_type": request_type, **({"county": county} if county else {})}, created_at=now,
        )
    )
    session.flush()
    return [
        {
            "service_request_id": str(order.id),
            "service_notice": mapping.service_notice(
                order.status, request_type=REQUEST_TYPES.label(order.request_type), due=_local_text(order.reply_due_at), closed=None
            ),
            "account_id": fields.get("account_id"),
        }
    ]


# ---------------------------------------------------------------- the service-request-updates extension


def _no_unit(_code: str | None) -> None:
    return None  # the responsible agency has its own field (agency_responsible)


def _update(event: OrderEvent, unit_name) -> dict | None:
    """A timeline entry as the public reads it, or None for an internal working step (never published)."""
    text = public.step_text(event.action, event.data, from_status=event.from_status, to_status=event.to_status, unit_name=unit_name)
    if text is None:
        return None
    if event.action in mapping.PUBLIC_NOTES and event.note:
        text += f"。{privacy.scrub_text(event.note)}"
    return {
        "update_id": str(event.id),
        "service_request_id": str(event.order_id),
        "status": mapping.open311_status(event.to_status),
        "updated_datetime": w3(event.occurred_at),
        "description": text,
        "media_url": None,
    }


def list_updates(session: Session, *, now: datetime, start_date: str | None = None, end_date: str | None = None) -> list[dict]:
    """GET servicerequestupdates: timeline entries of published orders, oldest first, at most 1000 per call."""
    start, end = window(start_date, end_date, now=now, limit_span=False)
    events = session.scalars(
        select(OrderEvent)
        .join(WorkOrder, WorkOrder.id == OrderEvent.order_id)
        .where(_public(), OrderEvent.occurred_at >= start, OrderEvent.occurred_at <= end,
               or_(OrderEvent.action.in_([str(a) for a in public.PUBLIC_ACTIONS]),
                   and_(OrderEvent.to_status == Status.CLOSED.value, OrderEvent.from_status != Status.CLOSED.value)))
        .order_by(OrderEvent.occurred_at, OrderEvent.id)
        .limit(MAX_RESULTS)
    ).all()
    name = lambda code: public.public_unit(session, code)  # noqa: E731
    return [update for event in events if (update := _update(event, name)) is not None]


def post_update(session: Session, *, form: Sequence[tuple[str, str]], now: datetime) -> list[dict]:
    """POST servicerequestupdates: the partner's update is added to the order's timeline as 追加诉求, once per update_id."""
    actor = partner(session, _api_key(form), now=now)
    fields, attributes = _single(form, UPDATE_FIELDS)
    if attributes:
        raise ValidationFailed("更新不接受 attribute 字段", field="attribute")
    check_jurisdiction(fields.get("jurisdiction_id"))
    for required in ("service_request_id", "update_id", "status", "updated_datetime", "description"):
        if not fields.get(required):
            raise ValidationFailed(f"缺少必填字段 {required}", field=required)
    if len(fields["update_id"]) > 64:
        raise ValidationFailed("update_id 最长 64 个字符", field="update_id")
    status = fields["status"].upper()
    if status not in UPDATE_STATUSES:
        raise ValidationFailed(f"status 无效：{fields['status'][:32]}。可选：{'、'.join(UPDATE_STATUSES)}", field="status")
    updated_at = _when(fields["updated_datetime"], field="updated_datetime")
    media_url = fields.get("media_url")
    if media_url and not MEDIA_URL.match(media_url):
        raise ValidationFailed("media_url 须为 http:// 或 https:// 开头的网址", field="media_url")
    order = _public_order(session, fields["service_request_id"])
    client = actor.token or actor.name
    seen = session.scalar(select(Open311Update).where(Open311Update.client == client, Open311Update.update_ref == fields["update_id"]))
    if seen is not None:
        if seen.order_id != order.id:
            raise ValidationFailed(f"update_id {fields['update_id']} 已用于另一工单", field="update_id")
        return [{"update_id": str(seen.event_id)}]
    note = fields["description"] + (f"\n附件：{media_url}" if media_url else "")
    order = orders.act(session, order_id=order.id, action=Action.APPEND, actor=actor, now=now, note=note)
    event = session.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.seq == order.event_count))
    session.add(
        Open311Update(
            client=client, update_ref=fields["update_id"], order_id=order.id, event_id=event.id, status=status,
            client_updated_at=updated_at, created_at=now,
        )
    )
    session.flush()
    return [{"update_id": str(event.id)}]
