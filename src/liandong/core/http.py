"""HTTP error handling: domain errors and request validation answered in Chinese."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm.exc import StaleDataError

from liandong.core.errors import DomainError
from liandong.db import MAX_ID

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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(error.to_dict(), status_code=error.http_status)

    @app.exception_handler(StaleDataError)
    async def stale(_request: Request, _error: StaleDataError) -> JSONResponse:
        return JSONResponse({"code": "conflict", "detail": "工单已被他人同时修改，请刷新后重试"}, status_code=409)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        details = [_describe(e) for e in error.errors()]
        return JSONResponse(
            {"code": "validation_failed", "detail": "；".join(details) or "请求无效", "errors": details}, status_code=422
        )
