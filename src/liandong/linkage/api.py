"""`POST /api/link/messages`: where peers deliver signed messages; `GET /api/link/status` for operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from liandong.account.dependencies import current_actor
from liandong.core.actor import Actor
from liandong.core.clock import now as clock_now
from liandong.db.deps import ReadSession
from liandong.linkage import service

router = APIRouter(prefix="/api/link", tags=["对接 linkage"])


@router.post("/messages", summary="接收对方平台报文（HMAC 签名，见 docs/linkage.md）")
async def receive_message(request: Request) -> JSONResponse:
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    status, answer = await _in_thread(service.receive, request, body, headers)
    return JSONResponse(answer, status_code=status)


@router.post("/batch", summary="接收对方平台的批量报文：一次签名请求多条，逐条答复（见 docs/linkage.md）")
async def receive_batch(request: Request) -> JSONResponse:
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    status, answer = await _in_thread(service.receive_batch, request, body, headers)
    return JSONResponse(answer, status_code=status)


async def _in_thread(handler, request: Request, body: bytes, headers: dict):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(
        handler, request.app.state.engine, method=request.method, path=request.url.path, headers=headers, body=body,
        remote_addr=request.client.host if request.client else None, now=clock_now(),
    )


@router.get("/status", summary="对接状态：各对接平台待发送、已送达、失败、死信数量")
def link_status(session: ReadSession, actor: Annotated[Actor, Depends(current_actor)]) -> dict:
    return service.link_status(session, now=clock_now())
