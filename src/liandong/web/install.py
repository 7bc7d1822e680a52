"""Mount the web application on the FastAPI app: session cookie, static files, page routers, HTML error pages."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from liandong.account.secret import signing_key
from liandong.config import PACKAGE_DIR, settings
from liandong.core.http import install_error_handlers
from liandong.web.render import page
from liandong.web.security import CsrfFailed, LoginRequired, login_url

SESSION_COOKIE = "liandong_session"


def _page_error(request: Request, status: int, heading: str, message: str):
    if request.headers.get("hx-request"):
        from fastapi.responses import HTMLResponse

        return HTMLResponse(f'<div class="flash error" role="alert">{escape(message)}</div>', status_code=status)
    return page(request, "error.html", status_code=status, heading=heading, message=message)


SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware: pages may not be framed (clickjacking) and types are not sniffed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    from liandong.web import admin, auth, dispatch, grid, intake, knowledge, linkage, notify, orders, public, supervision, unit

    config = settings()
    app.add_middleware(
        SessionMiddleware,
        secret_key=signing_key(configured=config.secret_key, var_dir=config.var_dir, demo=config.demo),
        session_cookie=SESSION_COOKIE,
        max_age=int(timedelta(hours=config.session_absolute_hours).total_seconds()),
        same_site="lax",
        https_only=config.session_https_only,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(PACKAGE_DIR / "static")), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return RedirectResponse("/static/favicon.svg", status_code=301)
    for module in (auth, intake, orders, dispatch, unit, supervision, knowledge, admin, notify, linkage, public, grid):
        app.include_router(module.router)
    # The same translation as the API, with HTML pages for people outside /api.
    install_error_handlers(app, render_page=_page_error)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, error: LoginRequired):
        if request.headers.get("hx-request"):
            return JSONResponse({"detail": "登录已过期"}, status_code=401, headers={"HX-Redirect": login_url(error.next_url)})
        return RedirectResponse(login_url(error.next_url), status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _error: CsrfFailed):
        return _page_error(request, 403, "页面已过期", "页面已过期或请求来源无效，请刷新页面后重试。")
