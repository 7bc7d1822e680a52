"""The cookie signing key: configured and strong, or random per installation and kept with restricted permissions."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from liandong.core.errors import DomainError

SECRET_FILE = "secret_key"
MIN_LENGTH = 32
# Values seen in examples and earlier releases; anyone can sign cookies with them.
KNOWN_WEAK = frozenset({"change-me-in-production", "changeme", "change-me", "secret", "secret-key", "dev", "test", "demo", "liandong"})


class InsecureConfiguration(DomainError):
    http_status = 500
    exit_code = 7
    code = "insecure_configuration"


def weakness(value: str) -> str | None:
    """Why a configured key is unsafe, or None when it is acceptable."""
    if value.strip().lower() in KNOWN_WEAK:
        return "使用了公开的默认值"
    if len(value) < MIN_LENGTH:
        return f"长度不足 {MIN_LENGTH} 个字符"
    if len(set(value)) < 10:
        return "字符种类过少"
    return None


def installation_secret(var_dir: Path) -> str:
    """The random key of this installation, created on first use (mode 0600, written atomically)."""
    path = Path(var_dir) / SECRET_FILE
    damaged = path.exists()
    if damaged:
        value = path.read_text(encoding="ascii", errors="replace").strip()
        if value and weakness(value) is None:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    temporary = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    try:
        if damaged:
            os.replace(temporary, path)
        else:
            # Another process may have won the race: keep its key so both sign alike.
            os.link(temporary, path)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
    finally:
        temporary.unlink(missing_ok=True)
    return value


def signing_key(*, configured: str | None, var_dir: Path, demo: bool) -> str:
    """The key to sign cookies with; a weak configured key refuses to start (except in the demo)."""
    if configured is None or not configured.strip():
        return installation_secret(var_dir)
    problem = weakness(configured)
    if problem and not demo:
        raise InsecureConfiguration(
            f"LIANDONG_SECRET_KEY 不安全（{problem}），拒绝启动。请删除该设置以自动生成随机密钥，"
            f"或设置至少 {MIN_LENGTH} 位的随机值（例如 python -c \"import secrets; print(secrets.token_urlsafe(48))\"）"
        )
    return configured
