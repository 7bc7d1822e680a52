"""The channel API for a gateway fronting WeChat, apps and the 政务服务网 (docs/channels.md): parse, call citizen.service, render."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from liandong.account.dependencies import scoped
from liandong.citizen import service as citizen
from liandong.core.actor import Actor
from liandong.core.clock import now as clock_now
from liandong.core.errors import ValidationFailed
from liandong.core.http import ERROR_RESPONSES
from liandong.db.deps import WriteSession

router = APIRouter(prefix="/api/channel/v1", tags=["渠道接口 channel API"], responses={**ERROR_RESPONSES, 429: {"description": "请求过于频繁"}})
Submitter = Annotated[Actor, Depends(scoped("channel:submit"))]
Tracker = Annotated[Actor, Depends(scoped("channel:track"))]
Feedback = Annotated[Actor, Depends(scoped("channel:feedback"))]


class PhotoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(default="照片.jpg", max_length=120)
    content_type: str | None = Field(default=None, max_length=64)
    data_base64: str = Field(max_length=4_300_000, description="照片内容（Base64），每张最大 3 MB")


class SubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: str | None = Field(default=None, max_length=64, description="网关自己的请求编号：同一编号重复提交返回同一工单")
    channel: Literal["wechat", "app", "zwfw"] = Field(description="wechat 微信、app 移动端、zwfw 政务服务网")
    request_type: Literal["consult", "help", "complaint", "report", "suggestion"] = "complaint"
    content: str = Field(max_length=2000, description="诉求内容")
    name: str | None = Field(default=None, max_length=64, description="联系人姓名")
    phone: str = Field(max_length=32, description="联系电话（查询进度凭其后四位）")
    division_code: str | None = Field(default=None, max_length=12, description="县（市、区）区划代码")
    town_code: str | None = Field(default=None, max_length=12, description="乡镇（街道）区划代码")
    address: str | None = Field(default=None, max_length=255)
    latitude: float | None = Field(default=None, description="纬度（我国范围内）")
    longitude: float | None = Field(default=None, description="经度（我国范围内）")
    confidential: bool = Field(default=False, description="保密：承办单位看不到联系人信息")
    not_emergency: bool = Field(default=False, description="市民确认不是紧急情况（分诊认为紧急时需要）")
    photos: list[PhotoIn] = Field(default_factory=list, max_length=citizen.MAX_PHOTOS)


class TrackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tracking_code: str = Field(max_length=32)
    phone_last4: str = Field(max_length=8, description="联系电话后四位")


class ActIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tracking_code: str = Field(max_length=32)
    phone_last4: str = Field(max_length=8)
    satisfaction: Literal[1, 2, 3, 4, 5] | None = Field(default=None, description="好差评：5 非常满意 … 1 非常不满意（评价时必填）")
    resolved: bool | None = Field(default=None, description="问题是否解决（评价时必填）")
    note: str | None = Field(default=None, max_length=1000, description="评价意见、补充内容或撤回原因")


def _photo(photo: PhotoIn) -> citizen.Photo:
    try:
        data = base64.b64decode(photo.data_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(f"照片“{photo.filename}”不是有效的 Base64", field="photos") from None
    return citizen.Photo(filename=photo.filename, content_type=photo.content_type, data=data)


@router.post("/requests", status_code=201, summary="代市民提交诉求（同一 request_id 重复提交返回同一工单）")
def submit(body: SubmitIn, request: Request, session: WriteSession, actor: Submitter):
    now = clock_now()
    citizen.citizen_actor(actor)
    citizen.admit(request.app.state.engine, now=now, phone=citizen.phone_key(body.phone), kinds=("cphn",))
    fields = body.model_dump(exclude={"request_id", "channel", "photos"})
    submission = citizen.Submission(**fields, photos=tuple(_photo(p) for p in body.photos))
    receipt = citizen.submit(session, actor=actor, now=now, submission=submission, channel=body.channel, request_id=body.request_id)
    return JSONResponse(receipt.to_dict(), status_code=200 if receipt.replayed else 201)


@router.post("/track", summary="凭查询码和手机号后四位查询进度")
def track(body: TrackIn, request: Request, session: WriteSession, actor: Tracker) -> dict:
    now = clock_now()
    citizen.citizen_actor(actor)
    citizen.admit(request.app.state.engine, now=now, code=body.tracking_code.strip().upper()[:16], kinds=("ccod",))
    return citizen.track(session, actor=actor, now=now, code=body.tracking_code, last4=body.phone_last4).to_dict()


@router.post("/requests/{action}", summary="评价（rate）、补充信息（supplement）或撤回（withdraw）")
def act(action: Literal["rate", "supplement", "withdraw"], body: ActIn, request: Request, session: WriteSession, actor: Feedback) -> dict:
    now = clock_now()
    citizen.citizen_actor(actor)
    citizen.admit(request.app.state.engine, now=now, code=body.tracking_code.strip().upper()[:16], kinds=("ccod",))
    progress = citizen.act(
        session, actor=actor, now=now, code=body.tracking_code, last4=body.phone_last4, action=citizen.parse_action(action),
        satisfaction=body.satisfaction, resolved=body.resolved, note=body.note,
    )
    return progress.to_dict()
