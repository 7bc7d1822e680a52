"""The public page's own challenge: a small sum, signed with the installation secret, expiring and single use. Pure.

The token carries a random nonce, the expiry and an HMAC over (nonce, expiry, answer); the answer itself is not in
it, so only the server can check one. Single use is the caller's part: it consumes the nonce in the shared DB
throttle (`citizen.service.admit`) before the answer is checked, so one token gives one try.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from liandong.core.errors import ValidationFailed

TTL = timedelta(minutes=30)
DIGITS = "零一二三四五六七八九"
EXPIRED = "验证题已过期，请回答新的验证题后再提交"
WRONG = "验证题答案不正确，请回答新的验证题"


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _mac(key: bytes, nonce: str, expires: int, answer: int) -> str:
    digest = hmac.new(key, f"challenge|{nonce}|{expires}|{answer}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def issue(key: bytes, now: datetime, rng: secrets.SystemRandom | None = None) -> Challenge:
    rng = rng or secrets.SystemRandom()
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    if rng.random() < 0.5:
        question, answer = f"{DIGITS[a]}加{DIGITS[b]}等于几？（请填阿拉伯数字）", a + b
    else:
        a, b = max(a, b) + 5, min(a, b)
        question, answer = f"{a}减{DIGITS[b]}等于几？（请填阿拉伯数字）", a - b
    nonce = base64.urlsafe_b64encode(rng.getrandbits(96).to_bytes(12, "big")).decode().rstrip("=")
    expires = int((now + TTL).timestamp())
    return Challenge(question=question, token=f"{nonce}.{expires}.{_mac(key, nonce, expires, answer)}")


def nonce_of(token: str | None) -> str | None:
    """The nonce to consume, or None when the token is not of our shape (then `verify` refuses it)."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not (1 <= len(parts[0]) <= 24) or len(token or "") > 120 or not parts[0].isascii():
        return None
    return parts[0]


def verify(key: bytes, token: str | None, answer: str | int | None, now: datetime) -> None:
    """Refuse a missing, forged, expired or wrongly answered challenge with a message a citizen can act on."""
    nonce = nonce_of(token)
    if nonce is None:
        raise ValidationFailed("请先回答验证题", field="challenge")
    _nonce, expires_text, mac = str(token).split(".")
    if not (expires_text.isascii() and expires_text.isdigit() and len(expires_text) <= 12):
        raise ValidationFailed("验证题无效，请刷新页面", field="challenge")
    if int(expires_text) < now.timestamp():
        raise ValidationFailed(EXPIRED, field="challenge")
    text = str(answer if answer is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 3):
        raise ValidationFailed(WRONG, field="challenge")
    if not hmac.compare_digest(mac, _mac(key, nonce, int(expires_text), int(text))):
        raise ValidationFailed(WRONG, field="challenge")
