"""Request size limits enforced before anything parses the body or looks at who is calling.

A pure ASGI middleware: a declared Content-Length over the limit is answered 413 at once, without reading a byte;
a body streamed without (or lying about) its length is cut off at the limit. The limit depends on the declared
type, so a form post cannot be a gigabyte just because uploads may be ten megabytes.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException

KB = 1024
MB = 1024 * KB
# Attachments are at most 10 MB (workorder.attachments.MAX_BYTES); the envelope adds a little.
LIMITS = {
    "multipart/form-data": 11 * MB,
    "application/x-www-form-urlencoded": 256 * KB,
    "application/json": 1 * MB,
}
DEFAULT_LIMIT = 1 * MB


def limit_for(content_type: str) -> int:
    kind = content_type.split(";", 1)[0].strip().lower()
    return LIMITS.get(kind, DEFAULT_LIMIT)


def message(limit: int) -> str:
    size = f"{limit // MB} MB" if limit >= MB else f"{limit // KB} KB"
    return f"请求内容过大（上限 {size}），未处理"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(status_code=413, detail=message(limit))


class BodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        limit = limit_for(headers.get(b"content-type", b"").decode("latin-1"))
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                return await _refuse(send, 400, "Content-Length 无效")
            if length > limit:
                return await _refuse(send, 413, message(limit))
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            event = await receive()
            if event["type"] == "http.request":
                seen += len(event.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
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
            await _refuse(send, 413, message(limit))


async def _refuse(send, status: int, detail: str) -> None:
    body = json.dumps({"code": "too_large" if status == 413 else "invalid", "detail": detail}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
