"""The one service every citizen-facing channel uses: the public page, the channel API (WeChat, apps, 政务服务网).

submit → a work order on the citizen's channel with a tracking code; track → progress by code and the phone's
last four digits, without any other personal data; rate (好差评), supplement and withdraw → lifecycle actions of
the `citizen` role on the one order the citizen proved is theirs. Rate limits and the page's challenge are
counted in their own transaction (`admit`) so a refused request still counts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liandong.account import throttle
from liandong.catalog.deadlines import SHANGHAI
from liandong.citizen import challenge, codes
from liandong.citizen.models import CitizenTicket
from liandong.core.actor import Actor, Role
from liandong.core.errors import Conflict, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from liandong.core.vocabulary import CHANNELS, REQUEST_TYPES, SATISFACTION
from liandong.db import unit_of_work
from liandong.workorder import attachments, nuisance, public, validation
from liandong.workorder import service as orders
from liandong.workorder.lifecycle import ACTION_LABELS, Action, Status
from liandong.workorder.models import OrderEvent, OrderReply, WorkOrder

log = logging.getLogger(__name__)

PUBLIC = "public"  # the ticket source of the public page
PUBLIC_ACTOR = Actor(name="citizen:public", role=Role.CITIZEN)
# Channels a citizen reaches us through without a call-taker; a gateway names one of the last three.
CITIZEN_CHANNELS = ("web", "wechat", "app", "zwfw")
GATEWAY_CHANNELS = ("wechat", "app", "zwfw")
EMERGENCY_NUMBERS = {"110": "110 报警", "119": "119 火警", "120": "120 急救"}
# The same words for a wrong code, a wrong phone and a code that never existed: nothing to enumerate.
TRACK_MISS = "查询码或手机号后四位不正确，请核对后重试"
MAX_REQUEST_ID = 64
MAX_CONTENT = 2000  # a citizen's account; longer texts belong in photos or a call

# Photos: checked before the order is written (and the request body is capped before parsing, core/limits.py).
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 3 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "image/webp": b"RIFF", "image/gif": b"GIF8"}


@dataclass(frozen=True)
class Limit:
    limit: int
    window: timedelta
    message: str


# Per address only for the page (a gateway fronts many people from a few addresses); per phone and per code always.
LIMITS: dict[str, Limit] = {
    "csub": Limit(10, timedelta(hours=1), "提交过于频繁，请稍后再试，或拨打 12345 热线"),
    "cphn": Limit(5, timedelta(days=1), "该手机号今天提交的诉求已达上限，请拨打 12345 热线"),
    "ctrk": Limit(30, timedelta(minutes=15), "查询过于频繁，请 15 分钟后再试"),
    "ccod": Limit(10, timedelta(minutes=15), "该查询码尝试次数过多，请 15 分钟后再试"),
    "cact": Limit(20, timedelta(minutes=15), "操作过于频繁，请稍后再试"),
    "ctri": Limit(120, timedelta(minutes=10), "分析请求过于频繁，请稍后再试"),
    "cchl": Limit(1, challenge.TTL, "验证题已使用过，请回答新的验证题"),
}


# ---------------------------------------------------------------- the inputs


@dataclass(frozen=True)
class Photo:
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class Submission:
    content: str
    phone: str | None
    request_type: str = "complaint"
    name: str | None = None
    division_code: str | None = None
    town_code: str | None = None
    address: str | None = None
    latitude: float | str | None = None
    longitude: float | str | None = None
    confidential: bool = False
    not_emergency: bool = False  # the citizen says it is not an emergency although triage thinks so
    photos: tuple[Photo, ...] = ()


class EmergencyRefused(ValidationFailed):
    """Triage sees an emergency: the citizen must call 110 / 119 / 120 (or say it is not an emergency)."""

    code = "emergency"

    def __init__(self, platform: str):
        self.platform = platform if platform in EMERGENCY_NUMBERS else "110"
        super().__init__(
            f"您描述的情况可能是紧急情况，请立即拨打 {self.platform}（110 报警、119 火警、120 急救）。"
            "如确认不是紧急情况，请勾选“这不是紧急情况”后再提交",
            field="not_emergency",
        )


# ---------------------------------------------------------------- counting before acting


def admit(engine: Engine, *, now: datetime, address: str | None = None, phone: str | None = None, code: str | None = None,
          kinds: Sequence[str] = (), nonce: str | None = None) -> None:
    """Count this request under its limits in a transaction of its own (committed even when the request is then
    refused, so guessing costs attempts), and consume a challenge's nonce; raise TooManyRequests when over a limit."""
    values = {"csub": address, "ctrk": address, "cact": address, "ctri": address, "cphn": phone, "ccod": code, "cchl": nonce}
    refusal: TooManyRequests | None = None
    with unit_of_work(engine) as session:
        for kind in kinds:
            value = values.get(kind)
            if not value:
                continue
            limit = LIMITS[kind]
            wait = throttle.hit(session, kind=kind, value=str(value)[:200], limit=limit.limit, window=limit.window, now=now)
            if wait is not None and refusal is None:
                refusal = TooManyRequests(limit.message, field="challenge" if kind == "cchl" else None)
    if refusal is not None:
        raise refusal


def phone_key(phone: str | None) -> str | None:
    """The phone as counted by the limits (its normalised digits), or None when it is not a valid number."""
    try:
        return validation.normalize_phone(phone)
    except ValidationFailed:
        return None


# ---------------------------------------------------------------- the page's challenge


@lru_cache(maxsize=4)
def _challenge_key(signing: str) -> bytes:
    return hmac.new(signing.encode(), b"liandong citizen challenge", hashlib.sha256).digest()


def challenge_key() -> bytes:
    """Derived from the installation secret (the cookie signing key), never the key itself."""
    from liandong.account.secret import signing_key
    from liandong.config import settings

    config = settings()
    return _challenge_key(signing_key(configured=config.secret_key, var_dir=config.var_dir, demo=config.demo))


def new_challenge(now: datetime) -> challenge.Challenge:
    return challenge.issue(challenge_key(), now)


# ---------------------------------------------------------------- live triage for the page


@dataclass
class Advice:
    """What the page shows while the citizen types."""

    emergency: bool = False
    platform: str | None = None
    platform_label: str | None = None
    request_type: str | None = None
    answer: dict | None = None  # knowledge answer for a consultation: text and source
    raw: dict = field(default_factory=dict)


def _triage(session: Session, text: str) -> dict | None:
    from liandong.triage import service as triage

    try:
        return triage.engine_for(session).triage(text, channel="web").to_dict()
    except Exception:  # noqa: BLE001 - citizens can still submit when triage is unavailable
        log.exception("triage failed")
        return None


def _emergency_platform(raw: dict | None) -> str | None:
    if not raw:
        return None
    platform = raw.get("platform") or "12345"
    if platform in EMERGENCY_NUMBERS:
        return platform
    return "110" if raw.get("emergency") else None


def advise(session: Session, *, text: str, now: datetime) -> Advice:
    """Triage the text as the citizen types: an emergency, or a consultation with the knowledge answer and its source."""
    from liandong.knowledge import answer as knowledge

    text = (text or "").strip()[:MAX_CONTENT]
    if len(text) < 4 or "\x00" in text:
        return Advice()
    raw = _triage(session, text) or {}
    platform = _emergency_platform(raw)
    advice = Advice(emergency=platform is not None, platform=platform, platform_label=EMERGENCY_NUMBERS.get(platform or ""),
                    request_type=raw.get("request_type"), raw=raw)
    if platform is None and raw.get("request_type") == "consult":
        shown = knowledge.intake_answer(session, text, today=now.astimezone(SHANGHAI).date())
        if shown and shown.get("found"):
            best = shown["best"]
            advice.answer = {"text": best["answer"], "source": best["cite"], "note": best.get("other_city_note")}
    return advice


# ---------------------------------------------------------------- submit


def citizen_actor(actor: Actor | None) -> Actor:
    """The public page (no actor) or a channel gateway's token with the citizen role; nobody else acts as a citizen."""
    if actor is None:
        return PUBLIC_ACTOR
    if actor.role is not Role.CITIZEN or actor.token is None:
        raise PermissionDenied("渠道接口只接受渠道网关的接口令牌（角色 citizen，liandong tokens create … --role citizen）")
    return actor


def _source(actor: Actor) -> str:
    return PUBLIC if actor.token is None else f"token:{actor.token}"[:80]


def _digest(submission: Submission, channel: str) -> str:
    body = asdict(submission)
    body["photos"] = [hashlib.sha256(p.data).hexdigest() for p in submission.photos]
    body["channel"] = channel
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def check_photos(photos: Sequence[Photo]) -> list[Photo]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(f"最多上传 {MAX_PHOTOS} 张照片", field="photos")
    kept = []
    for photo in photos:
        if not photo.data:
            continue
        if len(photo.data) > MAX_PHOTO_BYTES:
            raise ValidationFailed(f"照片“{attachments.clean_filename(photo.filename)}”过大：每张最大 {MAX_PHOTO_BYTES // (1024 * 1024)} MB", field="photos")
        kind = next((k for k, magic in PHOTO_TYPES.items() if photo.data.startswith(magic)), None)
        if kind is None:
            raise ValidationFailed("只能上传 JPG、PNG、WebP 或 GIF 格式的照片", field="photos")
        kept.append(Photo(filename=photo.filename or f"照片.{kind.split('/')[1]}", content_type=kind, data=photo.data))
    return kept


def _new_code(session: Session) -> str:
    for _ in range(8):
        code = codes.new_code()
        if session.scalar(select(CitizenTicket.id).where(CitizenTicket.tracking_code == code)) is None:
            return code
    raise RuntimeError("could not draw a free tracking code")  # 4e14 codes: never in practice


@dataclass(frozen=True)
class Receipt:
    tracking_code: str
    number: str
    status: str
    status_label: str
    channel: str
    replayed: bool = False  # the gateway sent this request id before: the same order, not a new one

    @property
    def display_code(self) -> str:
        return codes.display_code(self.tracking_code)

    def to_dict(self) -> dict:
        return {"tracking_code": self.tracking_code, "tracking_code_display": self.display_code, "order_number": self.number,
                "status": self.status, "status_label": self.status_label, "channel": self.channel, "replayed": self.replayed}


def _receipt(ticket: CitizenTicket, *, replayed: bool = False) -> Receipt:
    order = ticket.order
    return Receipt(ticket.tracking_code, order.number, order.status, public.status_label(order.status, order.close_reason), order.channel, replayed)


def submit(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    submission: Submission,
    channel: str = "web",
    request_id: str | None = None,
    challenge_token: str | None = None,
    challenge_answer: str | None = None,
) -> Receipt:
    """A citizen's request becomes a work order waiting for dispatch, with its tracking code.

    The page (no actor) answers the challenge; a gateway (a citizen-role token) names its channel and may send its
    own request id: the same id again returns the same order.
    """
    actor = citizen_actor(actor)
    source = _source(actor)
    if actor.token is None:
        challenge.verify(challenge_key(), challenge_token, challenge_answer, now)
        channel = "web"
    else:
        CHANNELS.require(channel)
        if channel not in GATEWAY_CHANNELS:
            raise ValidationFailed(f"渠道无效：{channel}。可选：" + "、".join(f"{c}（{CHANNELS.label(c)}）" for c in GATEWAY_CHANNELS), field="channel")
    digest = _digest(submission, channel)
    if request_id is not None:
        request_id = validation.clean_reference(request_id, field="request_id")
        if request_id is not None and len(request_id) > MAX_REQUEST_ID:
            raise ValidationFailed(f"请求编号过长：最多 {MAX_REQUEST_ID} 个字符", field="request_id")
        known = _by_request(session, source, request_id) if request_id else None
        if known is not None:
            return _replay(known, digest)
    phone = validation.normalize_phone(submission.phone, field="phone")
    if phone is None:
        raise ValidationFailed("请填写联系电话（用于查询进度和回访）", field="phone")
    if len(phone) < 10 or phone.startswith(("400", "800", "95")):
        raise ValidationFailed("请填写本人的手机号或带区号的固定电话（用于回访，查询进度凭其后四位）", field="phone")
    REQUEST_TYPES.require(submission.request_type, field="request_type")
    content = validation.clean_content(submission.content)
    if len(content) > MAX_CONTENT:
        raise ValidationFailed(f"诉求内容过长：{len(content)} 字，最多 {MAX_CONTENT} 字（更多情况可上传照片）", field="content")
    if len(content) < 5:
        raise ValidationFailed("请把诉求说清楚一些（至少 5 个字）：什么地方、发生了什么、希望怎么解决", field="content")
    point = codes.check_point(submission.latitude, submission.longitude)
    photos = check_photos(submission.photos)
    if nuisance.active(session, phone, now) is not None:
        raise PermissionDenied("该号码经核实多次恶意骚扰，已暂停网上提交；如有紧急情况请拨打 110，其他诉求请拨打 12345")
    raw = _triage(session, content)
    platform = _emergency_platform(raw)
    if platform is not None and not submission.not_emergency:
        raise EmergencyRefused(platform)
    order = orders.create_order(
        session, actor=actor, now=now, content=content, request_type=submission.request_type, channel=channel,
        caller_name=submission.name, caller_phone=phone, division_code=submission.division_code, town_code=submission.town_code,
        address=submission.address, triage=raw, confidential=bool(submission.confidential), reply_wanted=True,
    )
    ticket = CitizenTicket(order_id=order.id, tracking_code=_new_code(session), source=source, request_id=request_id or None,
                           request_digest=digest if request_id else None, latitude=point[0] if point else None,
                           longitude=point[1] if point else None, created_at=now)
    try:
        with session.begin_nested():  # two gateway calls with one request id at once: the second finds the first
            session.add(ticket)
            session.flush()
    except IntegrityError:
        known = _by_request(session, source, request_id) if request_id else None
        if known is None:
            raise
        raise Conflict("同一请求编号正在处理，请稍后用同一编号重试", field="request_id") from None
    owner = _owner(actor, order.id)
    for photo in photos:
        attachments.add_attachment(session, order_id=order.id, actor=owner, now=now, filename=photo.filename, data=photo.data,
                                   content_type=photo.content_type, purpose="evidence")
    session.flush()
    return _receipt(ticket)


def map_point(session: Session, order_id: int) -> tuple[float, float] | None:
    """The map point a citizen gave with the request (shown to the unit on the order page), or None."""
    row = session.execute(select(CitizenTicket.latitude, CitizenTicket.longitude).where(CitizenTicket.order_id == order_id)).first()
    return (row.latitude, row.longitude) if row is not None and row.latitude is not None else None


def tracking_code_of(session: Session, order_id: int) -> str | None:
    """The citizen's tracking code for an order they submitted themselves, as it is read out (ABCD-EFGH-JK), or None."""
    code = session.scalar(select(CitizenTicket.tracking_code).where(CitizenTicket.order_id == order_id))
    return codes.display_code(code) if code else None


def _by_request(session: Session, source: str, request_id: str) -> CitizenTicket | None:
    return session.scalar(select(CitizenTicket).where(CitizenTicket.source == source, CitizenTicket.request_id == request_id))


def _replay(ticket: CitizenTicket, digest: str) -> Receipt:
    if ticket.request_digest and not hmac.compare_digest(ticket.request_digest, digest):
        raise Conflict("该请求编号已用于另一内容不同的诉求，请使用新的请求编号", field="request_id")
    return _receipt(ticket, replayed=True)


def _owner(actor: Actor, order_id: int) -> Actor:
    return Actor(name=actor.name, role=Role.CITIZEN, token=actor.token, scopes=actor.scopes, own_order=order_id)


# ---------------------------------------------------------------- track


def _find(session: Session, *, code: str | None, last4: str | None) -> CitizenTicket:
    """The ticket for a code and the phone's last four digits; any mismatch is the same NotFound."""
    normal, digits = codes.normalize_code(code), codes.last_four(last4)
    if normal is None or digits is None:
        raise NotFound(TRACK_MISS, field="tracking_code")
    ticket = session.scalar(select(CitizenTicket).where(CitizenTicket.tracking_code == normal))
    phone = ticket.order.caller_phone if ticket is not None else None
    # Compared in constant time, and a missing ticket compares too, so timing tells nothing.
    if not hmac.compare_digest((phone or "----------")[-4:], digits) or ticket is None or phone is None:
        raise NotFound(TRACK_MISS, field="tracking_code")
    return ticket


@dataclass
class Step:
    at: datetime
    text: str


@dataclass
class Progress:
    """What a citizen may see of their request: no name, no number, no other person's words."""

    tracking_code: str
    number: str
    request_type: str
    request_type_label: str
    channel_label: str
    received_at: datetime
    status: str
    status_label: str
    unit: str | None
    steps: list[Step]
    reply: str | None
    replied_at: datetime | None
    rating: dict | None
    allowed: list[dict]

    @property
    def display_code(self) -> str:
        return codes.display_code(self.tracking_code)

    def may(self, action: str) -> bool:
        return any(a["action"] == action for a in self.allowed)

    def to_dict(self) -> dict:
        local = lambda value: value.astimezone(SHANGHAI).isoformat() if value else None  # noqa: E731
        return {
            "tracking_code": self.tracking_code, "order_number": self.number, "request_type": self.request_type,
            "request_type_label": self.request_type_label, "channel_label": self.channel_label, "received_at": local(self.received_at),
            "status": self.status, "status_label": self.status_label, "unit": self.unit,
            "timeline": [{"at": local(s.at), "text": s.text} for s in self.steps],
            "reply": self.reply, "replied_at": local(self.replied_at), "rating": self.rating, "allowed_actions": self.allowed,
        }


def progress_of(session: Session, ticket: CitizenTicket, *, actor: Actor, now: datetime) -> Progress:
    order = session.get(WorkOrder, ticket.order_id, populate_existing=True)
    events = session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.seq))
    name = lambda code: public.public_unit(session, code)  # noqa: E731
    steps = [Step(e.occurred_at, text) for e in events
             if (text := public.step_text(e.action, e.data, from_status=e.from_status, to_status=e.to_status, unit_name=name))]
    reply = session.scalar(
        select(OrderReply).where(OrderReply.order_id == order.id, OrderReply.review == "passed").order_by(OrderReply.seq.desc()).limit(1)
    )
    reply_text, replied_at = (reply.text, reply.submitted_at) if reply is not None else (None, None)
    if reply is None and order.close_reason == "direct_answer":
        reply_text, replied_at = order.reply_text, order.replied_at
    rating = None
    if order.satisfaction is not None:
        rating = {"satisfaction": order.satisfaction, "label": SATISFACTION.label(str(order.satisfaction)), "resolved": order.resolved}
    owner = _owner(actor, order.id)
    allowed = [{"action": a.action.value, "label": a.label, "fields": [f.to_dict() for f in a.fields]} for a in orders.permitted(order, owner, now)]
    status = Status(order.status)
    return Progress(
        tracking_code=ticket.tracking_code, number=order.number, request_type=order.request_type,
        request_type_label=REQUEST_TYPES.label(order.request_type), channel_label=CHANNELS.label(order.channel),
        received_at=order.received_at, status=status.value,
        status_label=public.status_label(status, order.close_reason),
        unit=public.public_unit(session, order.department_code) if status not in (Status.RECEIVED, Status.RETURNED) else None,
        steps=steps, reply=reply_text, replied_at=replied_at, rating=rating, allowed=allowed,
    )


def track(session: Session, *, actor: Actor | None, now: datetime, code: str | None, last4: str | None) -> Progress:
    """Progress by tracking code and the phone's last four digits (count the attempt with `admit` first)."""
    actor = citizen_actor(actor)
    return progress_of(session, _find(session, code=code, last4=last4), actor=actor, now=now)


# ---------------------------------------------------------------- the citizen's own actions

CITIZEN_ACTIONS = {"rate": Action.RATE, "supplement": Action.SUPPLEMENT, "withdraw": Action.WITHDRAW}


def parse_action(value: str) -> Action:
    action = CITIZEN_ACTIONS.get((value or "").strip())
    if action is None:
        raise ValidationFailed("未知的操作。可选：" + "、".join(f"{k}（{ACTION_LABELS[a]}）" for k, a in CITIZEN_ACTIONS.items()), field="action")
    return action


def act(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    code: str | None,
    last4: str | None,
    action: Action,
    satisfaction: str | int | None = None,
    resolved: bool | str | None = None,
    note: str | None = None,
) -> Progress:
    """好差评, 补充 or 撤回 on the citizen's own order; the lifecycle table decides whether it may happen now."""
    actor = citizen_actor(actor)
    if action not in CITIZEN_ACTIONS.values():
        raise ValidationFailed("市民只能评价、补充信息或撤回", field="action")
    ticket = _find(session, code=code, last4=last4)
    if note is not None and len(str(note).strip()) > 1000:
        raise ValidationFailed("说明过长，最多 1000 字", field="note")
    inputs = {"note": note}
    if action is Action.RATE:
        inputs.update({"satisfaction": satisfaction, "resolved": resolved})
    orders.act(session, order_id=ticket.order_id, action=action, actor=_owner(actor, ticket.order_id), now=now, **inputs)
    session.flush()
    return progress_of(session, ticket, actor=actor, now=now)
