"""Request size limits and NUL characters, refused before anything parses the body or looks at who is calling.

NUL: PostgreSQL text cannot hold it (the insert fails) and no person types it; it is refused in the path, the
query string and JSON or form bodies (multipart files may contain any byte).

A pure ASGI middleware: a declared Content-Length over the limit is answered 413 at once, without reading a byte;
a body streamed without (or lying about) its length is cut off at the limit. The limit depends on the declared
type, so a form post cannot be a gigabyte just because uploads may be ten megabytes.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request

KB = 1024
MB = 1024 * KB
# Attachments are at most 10 MB (workorder.attachments.MAX_BYTES); the envelope adds a little.
LIMITS = {
    "multipart/form-data": 11 * MB,
    "application/x-www-form-urlencoded": 256 * KB,
    "application/json": 1 * MB,
}
DEFAULT_LIMIT = 1 * MB
# Citizens' photos (citizen.service: at most 3 of 3 MB): the public page's form, and a gateway's JSON (base64).
PATH_LIMITS = {
    ("/public", "multipart/form-data"): 10 * MB,
    ("/api/channel/", "application/json"): 13 * MB,
}


def limit_for(content_type: str, path: str = "") -> int:
    kind = content_type.split(";", 1)[0].strip().lower()
    for (prefix, typed), limit in PATH_LIMITS.items():
        if typed == kind and path.startswith(prefix):
            return limit
    return LIMITS.get(kind, DEFAULT_LIMIT)


def message(limit: int) -> str:
    size = f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"
    return f"请求内容过大（上限 {size}），未处理"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(status_code=413, detail=message(limit))


NUL_MESSAGE = "输入含有不允许的空字符（NUL），未处理"
# How a NUL looks in each textual encoding; multipart is left alone (file bytes).
_NUL_MARKS = {
    "application/json": (b"\\u0000", b"\x00"),
    "application/x-www-form-urlencoded": (b"%00", b"\x00"),
}


class HasNul(HTTPException):
    def __init__(self):
        super().__init__(status_code=422, detail=NUL_MESSAGE)


def _has_nul_in_target(scope) -> bool:
    query = scope.get("query_string") or b""
    return "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query


async def _no_body():
    return {"type": "http.disconnect"}


class BodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        limit = limit_for(content_type, scope.get("path", ""))
        if _has_nul_in_target(scope):
            return await _refuse(scope, send, 422, NUL_MESSAGE)
        marks = _NUL_MARKS.get(content_type.split(";", 1)[0].strip().lower(), ())
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                return await _refuse(scope, send, 400, "Content-Length 无效")
            if length > limit:
                return await _refuse(scope, send, 413, message(limit))
        seen = 0
        started = False
        tail = b""

        async def counted_receive():
            nonlocal seen, tail
            event = await receive()
            if event["type"] == "http.request":
                chunk = event.get("body", b"")
                seen += len(chunk)
                if seen > limit:
                    raise BodyTooLarge(limit)
                if marks:
                    window = tail + chunk
                    if any(mark in window.lower() for mark in marks):
                        raise HasNul()
                    tail = window[-8:]
            return event

        async def tracked_send(event):
            nonlocal started
            if event["type"] == "http.response.start":
                started = True
            await send(event)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(scope, send, 413, message(limit))
        except HasNul:
            if started:
                raise
            await _refuse(scope, send, 422, NUL_MESSAGE)


async def _refuse(scope, send, status: int, detail: str) -> None:
    # A standard interface with its own error body (Open311) registered it for its path prefix (core/http.py).
    app = scope.get("app")
    for prefix, render in getattr(getattr(app, "state", None), "error_formats", {}).items():
        if scope.get("path", "").startswith(prefix):
            response = render(Request(scope), status, detail)
            response.headers["connection"] = "close"
            return await response(scope, _no_body, send)
    code = {413: "too_large", 422: "validation_failed"}.get(status, "invalid")
    body = json.dumps({"code": code, "detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
