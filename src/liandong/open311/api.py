"""Open311 GeoReport v2 endpoints under /open311/v2: parse, call one service function, render XML or JSON."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request, Response

from liandong import __version__
from liandong.core.clock import now as clock_now
from liandong.core.errors import NotFound, ValidationFailed
from liandong.db.deps import ReadSession, WriteSession
from liandong.open311 import render, service

PREFIX = "/open311/v2"
router = APIRouter(prefix=PREFIX, tags=["Open311 GeoReport v2"])
MAX_FIELDS = 200


def _format(fmt: str) -> str:
    if fmt not in render.FORMATS:
        raise NotFound(f"不支持的格式：{fmt[:16]}（可用 xml 或 json）", field="format")
    return fmt


def _answer(fmt: str, root: str, value, status: int = 200) -> Response:
    body, content_type = render.render(fmt, root, value)
    return Response(body, status_code=status, media_type=content_type)


def error_response(request: Request, status: int, message: str) -> Response:
    """Every refusal under /open311 in the spec's shape (<errors><error><code/><description/>…), in the asked format."""
    code = render.open311_http_status(status)
    body, content_type = render.errors(render.format_of(request.url.path), [(code, message)])
    return Response(body, status_code=code, media_type=content_type)


async def _form(request: Request) -> list[tuple[str, str]]:
    kind = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise ValidationFailed("请以 application/x-www-form-urlencoded 提交（见 GeoReport v2 规范）", field="content-type")
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed(f"表单须为 UTF-8 编码，且不超过 {MAX_FIELDS} 个字段", field="body") from None


def _read(fmt: str, request: Request) -> str:
    """A read's common checks: the format asked for, then the jurisdiction_id if one is given."""
    fmt = _format(fmt)
    service.check_jurisdiction(request.query_params.get("jurisdiction_id"))
    return fmt


@router.get("/discovery.{fmt}", summary="服务发现 Service Discovery")
def discovery(fmt: str, request: Request) -> Response:
    fmt = _format(fmt)
    base = str(request.base_url).rstrip("/") + PREFIX
    return _answer(fmt, "discovery", service.discovery(base, changeset=__version__))


@router.get("/services.{fmt}", summary="服务列表 GET Service List")
def services(fmt: str, request: Request, session: ReadSession) -> Response:
    fmt = _read(fmt, request)
    return _answer(fmt, "services", service.list_services(session))


@router.get("/services/{code}.{fmt}", summary="服务定义 GET Service Definition")
def service_definition(code: str, fmt: str, request: Request, session: ReadSession) -> Response:
    fmt = _read(fmt, request)
    return _answer(fmt, "service_definition", service.service_definition(session, code))


@router.get("/requests.{fmt}", summary="诉求列表 GET Service Requests")
def requests(fmt: str, request: Request, session: ReadSession) -> Response:
    fmt = _read(fmt, request)
    query = request.query_params
    found = service.list_requests(
        session,
        now=clock_now(),
        service_request_id=query.get("service_request_id"),
        service_code=query.get("service_code"),
        start_date=query.get("start_date"),
        end_date=query.get("end_date"),
        status=query.get("status"),
    )
    return _answer(fmt, "service_requests", found)


@router.post("/requests.{fmt}", summary="提交诉求 POST Service Request")
async def create_request(fmt: str, request: Request, session: WriteSession) -> Response:
    fmt = _format(fmt)
    form = await _form(request)
    return _answer(fmt, "service_requests", service.create_request(session, form=form, now=clock_now()))


@router.get("/requests/{service_request_id}.{fmt}", summary="单个诉求 GET Service Request")
def one_request(service_request_id: str, fmt: str, request: Request, session: ReadSession) -> Response:
    fmt = _read(fmt, request)
    return _answer(fmt, "service_requests", service.get_request(session, service_request_id))


@router.get("/tokens/{token}.{fmt}", summary="以工单编号换取 service_request_id GET service_request_id from a token")
def token(token: str, fmt: str, request: Request, session: ReadSession) -> Response:
    fmt = _read(fmt, request)
    return _answer(fmt, "service_requests", service.from_token(session, token))


@router.get("/servicerequestupdates.{fmt}", summary="办理进展（扩展）GET Service Request Updates")
def updates(fmt: str, request: Request, session: ReadSession) -> Response:
    fmt = _read(fmt, request)
    query = request.query_params
    found = service.list_updates(session, now=clock_now(), start_date=query.get("start_date"), end_date=query.get("end_date"))
    return _answer(fmt, "service_request_updates", found)


@router.post("/servicerequestupdates.{fmt}", summary="补充信息（扩展）POST Service Request Update")
async def post_update(fmt: str, request: Request, session: WriteSession) -> Response:
    fmt = _format(fmt)
    form = await _form(request)
    return _answer(fmt, "service_request_updates", service.post_update(session, form=form, now=clock_now()))


def install(app: FastAPI) -> None:
    app.include_router(router)
    formats = getattr(app.state, "error_formats", None) or {}
    formats["/open311/"] = error_response
    app.state.error_formats = formats
