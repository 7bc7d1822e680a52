"""HMAC-SHA256 request signatures between peers: method, path, timestamp, nonce and body, with a replay window.

Pure: the standard library only. The receiver also keeps the nonces it has seen (models.SeenNonce) for the window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

WINDOW_SECONDS = 300  # a request older or newer than this is refused, so nonces need be kept only this long

PEER_HEADER = "X-Liandong-Peer"
TIMESTAMP_HEADER = "X-Liandong-Timestamp"
NONCE_HEADER = "X-Liandong-Nonce"
SIGNATURE_HEADER = "X-Liandong-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]).encode()


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret.encode(), canonical(method, path, timestamp, nonce, body), hashlib.sha256).hexdigest()


def headers(*, peer: str, secret: str, method: str, path: str, body: bytes, now: float, nonce: str | None = None) -> dict[str, str]:
    """The headers a sender adds to one request."""
    timestamp = str(int(now))
    nonce = nonce or secrets.token_hex(16)
    return {
        PEER_HEADER: peer,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(secret, method, path, timestamp, nonce, body),
    }


class SignatureRefused(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def verify(*, secret: str, method: str, path: str, body: bytes, timestamp: str | None, nonce: str | None,
           signature: str | None, now: float, window: int = WINDOW_SECONDS) -> None:
    """Refuse an unsigned, stale or forged request (the nonce store is checked by the caller)."""
    if not (timestamp and nonce and signature):
        raise SignatureRefused("unsigned", "报文未签名：缺少时间戳、随机数或签名请求头")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureRefused("bad_timestamp", "签名时间戳格式不正确（应为 Unix 秒）")
    if abs(now - int(timestamp)) > window:
        raise SignatureRefused("stale", f"签名时间戳超出允许范围（±{window} 秒），请核对双方服务器时钟")
    if not (8 <= len(nonce) <= 64) or not nonce.isascii():
        raise SignatureRefused("bad_nonce", "随机数（nonce）长度应为 8–64 个 ASCII 字符")
    expected = sign(secret, method, path, timestamp, nonce, body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise SignatureRefused("bad_signature", "签名校验失败：密钥不一致或报文被改动")
