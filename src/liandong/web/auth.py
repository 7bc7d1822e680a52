"""Log in, log out, and the home page that sends each role to its own workspace."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from liandong.account import service as accounts
from liandong.core.clock import now as clock_now
from liandong.db import unit_of_work
from liandong.web.common import WORKSPACES, safe_next, see_other
from liandong.web.render import page
from liandong.web.security import load_operator, log_in, log_out, login_url, verify_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])


@router.get("/")
def home(request: Request):
    operator = load_operator(request)
    if operator is None:
        return see_other("/login")
    return see_other(WORKSPACES.get(operator.role, "/orders"))


@router.get("/login")
def login_form(request: Request, next: str = ""):
    if load_operator(request) is not None:
        return see_other(safe_next(next, "/"))
    return page(request, "auth/login.html", next=next, username="", error=None)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
):
    # Per account (guessing one password) and, more loosely, per address (trying many accounts; an office
    # behind one proxy shares an address, so its limit is higher).
    checks = [
        (request.app.state.account_throttle, [f"user:{username.strip().lower()}"]),
        (request.app.state.address_throttle, [f"addr:{request.client.host if request.client else '-'}"]),
    ]
    moment = clock_now()
    waits = [w for throttle, keys in checks if (w := throttle.retry_after(keys, moment)) is not None]
    wait = max(waits) if waits else None
    if wait is not None:
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        return page(request, "auth/login.html", status_code=429, next=next, username=username, error=f"登录失败次数过多，请 {minutes} 分钟后再试")
    with unit_of_work(request.app.state.engine) as session:
        user = accounts.authenticate(session, username=username, password=password)
        if user is not None:
            log_in(request, user, session)
    if user is None:
        for throttle, keys in checks:
            throttle.failed(keys, moment)
        return page(request, "auth/login.html", status_code=400, next=next, username=username, error="用户名或密码错误，或账号已停用")
    checks[0][0].succeeded(checks[0][1])
    return see_other(safe_next(next, "/"))


@router.post("/logout")
def logout(request: Request):
    with unit_of_work(request.app.state.engine) as session:
        log_out(request, session)
    return see_other(login_url("/"))
