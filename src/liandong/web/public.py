"""市民自助: the public, phone-first pages (no log-in) — submit with live triage, track, rate, supplement, withdraw.

Every page calls citizen.service; limits and the challenge are counted first in their own transaction (`admit`).
A citizen who opened a request's status (code + the phone's last four digits) keeps that access in the signed
session cookie, so the status page can be re-read after each post (post/redirect/get).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from liandong.catalog import service as catalog
from liandong.citizen import codes
from liandong.citizen import service as citizen
from liandong.core.clock import now as clock_now
from liandong.core.errors import NotFound, TooManyRequests, ValidationFailed, translate
from liandong.core.vocabulary import REQUEST_TYPES, SATISFACTION
from liandong.db import unit_of_work
from liandong.db.deps import ReadSession
from liandong.web.common import Posted, see_other
from liandong.web.render import templates
from liandong.web.security import csrf_token, flash, pop_flashes, verify_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
ACCESS = "citizen_access"  # {tracking code: last four digits} for the status pages this browser opened
MAX_ACCESS = 5
FIELDS = ("request_type", "content", "name", "phone", "division_code", "town_code", "address", "latitude", "longitude")


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


def _render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    base = {"request": request, "csrf": csrf_token(request), "flashes": pop_flashes(request) if not request.headers.get("hx-request") else []}
    return templates.TemplateResponse(request, f"public/{name}", {**base, **context}, status_code=status_code)


def _form_context(session, values: dict, **extra) -> dict:
    divisions = catalog.division_choices(session)
    return {
        "values": values,
        "types": REQUEST_TYPES.choices(),
        "counties": [d for d in divisions if d.level == "county"],
        "towns": [d for d in divisions if d.level == "town"],
        "challenge": citizen.new_challenge(clock_now()),
        "max_photos": citizen.MAX_PHOTOS,
        "max_photo_mb": citizen.MAX_PHOTO_BYTES // (1024 * 1024),
        **extra,
    }


@router.get("/public")
def submit_form(request: Request, session: ReadSession):
    return _render(request, "submit.html", **_form_context(session, {"request_type": "complaint"}, error=None))


@router.post("/public/triage")
def live_triage(request: Request, session: ReadSession, form: Posted):
    now = clock_now()
    try:
        citizen.admit(request.app.state.engine, now=now, address=_address(request), kinds=("ctri",))
    except TooManyRequests as refusal:
        return _render(request, "advice.html", advice=None, message=refusal.message)
    advice = citizen.advise(session, text=str(form.get("content") or ""), now=now)
    return _render(request, "advice.html", advice=advice, message=None)


async def _photos(form) -> tuple[citizen.Photo, ...]:
    files = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    if len(files) > citizen.MAX_PHOTOS:
        raise ValidationFailed(f"最多上传 {citizen.MAX_PHOTOS} 张照片", field="photos")
    # Read at most one byte over the limit: the service refuses an oversized photo without holding more of it.
    return tuple([citizen.Photo(f.filename, f.content_type, await f.read(citizen.MAX_PHOTO_BYTES + 1)) for f in files])


async def posted_photos(request: Request):
    """The uploaded photos (or the refusal to report), the uploads' temporary files closed after the response."""
    form = await request.form()
    try:
        photos = await _photos(form)
    except ValidationFailed as refusal:
        photos = refusal
    try:
        yield photos
    finally:
        await form.close()


@router.post("/public")
def submit(request: Request, session: ReadSession, form: Posted, photos=Depends(posted_photos)):
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    values.update({"confidential": form.get("confidential") == "1", "not_emergency": form.get("not_emergency") == "1"})
    now = clock_now()
    token = str(form.get("challenge_token") or "")
    try:
        if isinstance(photos, ValidationFailed):
            raise photos
        citizen.admit(request.app.state.engine, now=now, address=_address(request), phone=citizen.phone_key(values["phone"]),
                      nonce=citizen.challenge.nonce_of(token), kinds=("csub", "cchl", "cphn"))
        submission = citizen.Submission(
            content=values["content"], phone=values["phone"], request_type=values["request_type"] or "complaint",
            name=values["name"] or None, division_code=values["division_code"] or None, town_code=values["town_code"] or None,
            address=values["address"] or None, latitude=values["latitude"] or None, longitude=values["longitude"] or None,
            confidential=values["confidential"], not_emergency=values["not_emergency"], photos=photos,
        )
        with unit_of_work(request.app.state.engine) as db:
            receipt = citizen.submit(db, actor=None, now=now, submission=submission, challenge_token=token,
                                     challenge_answer=str(form.get("challenge_answer") or ""))
    except Exception as error:  # noqa: BLE001 - only what the domain can say in words is answered here
        refusal = translate(error)
        if refusal is None:
            raise
        emergency = refusal.platform if isinstance(refusal, citizen.EmergencyRefused) else None
        status = getattr(refusal, "http_status", 422)
        return _render(request, "submit.html", status_code=status,
                       **_form_context(session, values, error=refusal.message, error_field=refusal.field, emergency=emergency))
    _remember(request, receipt.tracking_code, citizen.phone_key(values["phone"])[-4:])
    request.scope["session"]["citizen_receipt"] = receipt.to_dict()
    return see_other("/public/submitted")


@router.get("/public/submitted")
def submitted(request: Request):
    receipt = request.scope["session"].pop("citizen_receipt", None) if "session" in request.scope else None
    if not receipt:
        return see_other("/public/track")
    return _render(request, "submitted.html", receipt=receipt)


def _remember(request: Request, code: str, last4: str) -> None:
    access = dict(request.scope["session"].get(ACCESS) or {})
    access.pop(code, None)
    access[code] = last4
    request.scope["session"][ACCESS] = dict(list(access.items())[-MAX_ACCESS:])


@router.get("/public/track")
def track_form(request: Request, code: str = ""):
    return _render(request, "track.html", code=(code or "")[:16], error=None)


@router.post("/public/track")
def track(request: Request, session: ReadSession, form: Posted):
    now = clock_now()
    code, last4 = str(form.get("tracking_code") or "")[:32], str(form.get("phone_last4") or "")[:8]
    try:
        citizen.admit(request.app.state.engine, now=now, address=_address(request), code=codes.normalize_code(code) or code.strip()[:16],
                      kinds=("ctrk", "ccod"))
        progress = citizen.track(session, actor=None, now=now, code=code, last4=last4)
    except (NotFound, TooManyRequests) as refusal:
        return _render(request, "track.html", status_code=refusal.http_status, code=code.strip()[:16], error=refusal.message)
    _remember(request, progress.tracking_code, last4)
    return see_other(f"/public/status/{progress.tracking_code}")


def _access(request: Request, code: str) -> str | None:
    normal = codes.normalize_code(code)
    access = request.scope["session"].get(ACCESS) or {} if "session" in request.scope else {}
    return access.get(normal) if normal else None


@router.get("/public/status/{code}")
def status_page(request: Request, session: ReadSession, code: str):
    last4 = _access(request, code)
    if last4 is None:
        return see_other(f"/public/track?code={codes.normalize_code(code) or ''}")
    try:
        progress = citizen.track(session, actor=None, now=clock_now(), code=code, last4=last4)
    except NotFound:
        return see_other("/public/track")
    return _render(request, "status.html", progress=progress, satisfaction=SATISFACTION.choices())


DONE = {"rate": "感谢您的评价", "supplement": "补充信息已转承办单位", "withdraw": "诉求已撤回"}


@router.post("/public/status/{code}/{action}")
def status_action(request: Request, code: str, action: str, form: Posted):
    last4 = _access(request, code)
    if last4 is None:
        return see_other(f"/public/track?code={codes.normalize_code(code) or ''}")
    now = clock_now()
    try:
        citizen.admit(request.app.state.engine, now=now, address=_address(request), code=codes.normalize_code(code), kinds=("cact",))
        with unit_of_work(request.app.state.engine) as db:
            citizen.act(db, actor=None, now=now, code=code, last4=last4, action=citizen.parse_action(action),
                        satisfaction=str(form.get("satisfaction") or "") or None, resolved=str(form.get("resolved") or "") or None,
                        note=str(form.get("note") or "").strip() or None)
        flash(request, DONE.get(action, "已提交"), "ok")
    except Exception as error:  # noqa: BLE001 - only what the domain can say in words is answered here
        refusal = translate(error)
        if refusal is None:
            raise
        flash(request, refusal.message, "error")
    return see_other(f"/public/status/{codes.normalize_code(code)}")
