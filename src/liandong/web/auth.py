"""Log in, log out, and the home page that sends each role to its own workspace."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from liandong.account import service as accounts
from liandong.account import throttle
from liandong.audit import service as audit
from liandong.core.clock import now as clock_now
from liandong.core.observe import LOGIN_FAILURES
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
    # The attempt is counted (in the database, shared by every process) before the password is checked.
    address = request.client.host if request.client else "-"
    engine = request.app.state.engine
    with unit_of_work(engine) as session:
        wait = throttle.reserve(session, username=username, address=address, now=clock_now())
    if wait is not None:
        LOGIN_FAILURES.labels("throttled").inc()
        with unit_of_work(engine) as session:
            audit.record(session, actor=None, action="login.throttled", now=clock_now(), target=username[:64], address=address)
        seconds = max(1, int(wait.total_seconds() + 0.999))
        message = f"登录尝试过于频繁，请 {-(-seconds // 60)} 分钟后再试" if seconds >= 60 else f"登录尝试过于频繁，请 {seconds} 秒后再试"
        return page(request, "auth/login.html", status_code=429, next=next, username=username[:64], error=message)
    with unit_of_work(engine) as session:
        user = accounts.authenticate(session, username=username, password=password)
        if user is not None:
            throttle.succeeded(session, username=username, address=address)
            log_in(request, user, session)
            audit.record(session, actor=accounts.actor_of(user), action="login.success", now=clock_now(), target=user.username, address=address)
    if user is None:
        LOGIN_FAILURES.labels("wrong_password").inc()
        with unit_of_work(engine) as session:
            audit.record(session, actor=None, action="login.failure", now=clock_now(), target=username[:64], address=address)
        return page(request, "auth/login.html", status_code=400, next=next, username=username[:64], error="用户名或密码错误，或账号已停用")
    return see_other(safe_next(next, "/"))


@router.post("/logout")
def logout(request: Request):
    operator = load_operator(request)
    with unit_of_work(request.app.state.engine) as session:
        if operator is not None:
            audit.record(session, actor=operator.actor, action="logout", now=clock_now(), target=operator.username)
        log_out(request, session)
    return see_other(login_url("/"))
