"""Read-only catalogue endpoints: divisions, departments, categories, deadline policy."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from liandong.catalog import service
from liandong.core.http import ERROR_RESPONSES
from liandong.db.deps import ReadSession

router = APIRouter(prefix="/api/catalog", tags=["目录 catalogue"], responses=ERROR_RESPONSES)


@router.get("/departments", summary="承办单位")
def departments(session: ReadSession) -> list[dict]:
    return [service.department_row(d) for d in service.list_departments(session)]


@router.get("/divisions", summary="行政区划")
def divisions(session: ReadSession) -> list[dict]:
    return [{"code": d.code, "name": d.name, "level": d.level, "parent_code": d.parent_code} for d in service.list_divisions(session)]


@router.get("/categories", summary="诉求分类")
def categories(session: ReadSession, level: Annotated[int | None, Query(ge=1, le=3, description="分类层级 1–3")] = None) -> list[dict]:
    return [
        {"code": c.code, "name": c.name, "level": c.level, "parent_code": c.parent_code, "path": c.names}
        for c in service.list_categories(session, level=level)
    ]


@router.get("/policy", summary="办理时限规则")
def policy(session: ReadSession) -> dict:
    return asdict(service.get_policy(session))
