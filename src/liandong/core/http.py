"""HTTP error handling: domain errors and request validation answered in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from liandong.core.errors import DomainError, translate
from liandong.db import MAX_ID

# (request, status, heading, message) → an HTML page; installed by the web layer, absent in API-only apps.
PageRenderer = Callable[[Request, int, str, str], Response]
HEADINGS = {400: "请求无效", 401: "请先登录", 403: "无权操作", 404: "未找到", 405: "请求无效", 409: "操作冲突", 413: "请求过大", 422: "输入有误", 429: "请求过于频繁"}

_MESSAGES = {
    "missing": "缺少必填字段",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是/否（true/false）",
    "bool_type": "应为是/否（true/false）",
    "datetime_parsing": "时间格式无效，请使用 ISO 8601 并带时区",
    "datetime_from_date_parsing": "时间格式无效，请使用 ISO 8601 并带时区",
    "datetime_type": "时间格式无效，请使用 ISO 8601 并带时区",
    "extra_forbidden": "不支持的字段",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}


# A record id in a path: out-of-range numbers are refused as invalid input, never sent to the database.
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="记录编号")]


class ErrorBody(BaseModel):
    """Every refusal: a machine code and a Chinese sentence for people."""

    code: str
    detail: str
    field: str | None = None
    errors: list[str] | None = None


ERROR_RESPONSES: dict[int | str, dict] = {
    401: {"model": ErrorBody, "description": "未登录或接口令牌无效"},
    403: {"model": ErrorBody, "description": "角色或单位无权操作"},
    404: {"model": ErrorBody, "description": "工单或代码不存在"},
    409: {"model": ErrorBody, "description": "当前状态不允许该操作，或并发修改冲突"},
    422: {"model": ErrorBody, "description": "输入无效"},
}


def _describe(error: dict) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
    kind = error.get("type", "")
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
    elif kind in ("literal_error", "enum"):
        expected = (error.get("ctx") or {}).get("expected", "")
        message = f"取值无效，可选：{expected}"
    else:
        message = _MESSAGES.get(kind, "取值无效")
    return f"{location}：{message}" if location else message


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/docs", "/static/")) or path in ("/healthz", "/openapi.json", "/metrics")


def install_error_handlers(app: FastAPI, render_page: PageRenderer | None = None) -> None:
    """The one error translation of the application: JSON under /api, an HTML page elsewhere when pages exist."""

    def answer(request: Request, status: int, body: dict, message: str, headers: dict | None = None) -> Response:
        # A standard interface with its own error body (Open311) registers it for its path prefix.
        for prefix, render in getattr(request.app.state, "error_formats", {}).items():
            if request.url.path.startswith(prefix):
                return render(request, status, message)
        if render_page is None or wants_json(request):
            return JSONResponse(body, status_code=status, headers=headers)
        return render_page(request, status, HEADINGS.get(status, "无法完成"), message)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        return answer(request, error.http_status, error.to_dict(), error.message)

    async def lost_race(request: Request, error: Exception) -> Response:
        domain = translate(error)
        if domain is None:
            raise error
        return answer(request, domain.http_status, domain.to_dict(), domain.message)

    app.add_exception_handler(StaleDataError, lost_race)
    app.add_exception_handler(DBAPIError, lost_race)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        details = [_describe(e) for e in error.errors()]
        body = {"code": "validation_failed", "detail": "；".join(details) or "请求无效", "errors": details}
        return answer(request, 422, body, body["detail"])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        messages = {404: "您访问的页面不存在。", 405: "不支持该请求方式。"}
        detail = error.detail if isinstance(error.detail, str) else "请求无效"
        body = {"code": "http_error", "detail": detail}
        return answer(request, error.status_code, body, messages.get(error.status_code, detail), getattr(error, "headers", None))
