"""create_app(): routers, error handlers, static files and the operators' web pages."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from sqlalchemy import Engine

from liandong import __version__
from liandong.catalog.api import router as catalog_router
from liandong.citizen.api import router as channel_router
from liandong.config import settings
from liandong.core.after import AfterResponse
from liandong.core.clock import now as clock_now
from liandong.core.errors import PermissionDenied
from liandong.core.limits import BodyLimit
from liandong.core.observe import Observe, metrics_text
from liandong.db import get_engine
from liandong.knowledge.api import router as knowledge_router
from liandong.linkage.api import router as linkage_router
from liandong.linkage.lag import metrics_text as worker_lag
from liandong.open311.api import install as install_open311
from liandong.report.api import router as report_router
from liandong.web.install import install as install_web
from liandong.workorder.api import router as workorder_router

DESCRIPTION = """
联动（Liandong）12345 政务服务便民热线工单接口：受理、派单、签收、退单、延期、答复、回访、办结、并单、督办、催办、转 110。

所有时间为 ISO 8601 并带时区；错误以 `{"code": ..., "detail": "中文说明"}` 返回。

身份：已登录的操作员（浏览器会话）按其角色与单位权限调用；外部系统在请求头提供各自的接口令牌
`Authorization: Bearer <令牌>`（`liandong tokens create`），按令牌的角色与权限范围（scopes）调用，令牌从不具备管理员权限。
两者皆无时返回 401，权限不足时返回 403。
"""


def create_app(engine: Engine | None = None, *, api_token: str | None = None) -> FastAPI:
    app = FastAPI(title="联动 Liandong 12345 工单接口", version=__version__, description=DESCRIPTION)
    app.state.engine = engine or get_engine()
    app.state.api_token = api_token or settings().api_token
    app.include_router(workorder_router)
    app.include_router(catalog_router)
    app.include_router(knowledge_router)
    app.include_router(report_router)
    app.include_router(linkage_router)
    install_open311(app)  # GeoReport v2 under /open311/v2, with the spec's error bodies
    app.include_router(channel_router)

    @app.get("/healthz", tags=["运维 ops"], summary="健康检查")
    def healthz() -> dict:
        return {"status": "ok", "version": __version__}

    # The operators' pages: log-in at "/", each role's workspace, HTML error pages outside /api.
    install_web(app)  # also installs the one error translation (JSON under /api, pages elsewhere)
    from liandong.web.report import router as report_pages

    app.include_router(report_pages)
    # Outermost: oversized bodies are refused before sessions, parsing or authentication see them.
    app.add_middleware(AfterResponse)
    app.add_middleware(BodyLimit)
    app.add_middleware(Observe)

    @app.get("/metrics", tags=["运维 ops"], summary="Prometheus 指标（仅限本机访问）", include_in_schema=False)
    def metrics(request: Request) -> Response:
        if not request.client or request.client.host not in ("127.0.0.1", "::1", "localhost"):
            raise PermissionDenied("指标接口只允许本机访问（请由监控代理在本机抓取）")
        body, content_type = metrics_text(worker_lag(app.state.engine, now=clock_now()))
        return Response(body, media_type=content_type)

    # Build every route's validators now: built lazily by the first requests, two threads at once can each see the
    # other's half-built pydantic schema (seen as AttributeError __pydantic_core_schema__ under racing clients).
    app.openapi()
    return app
