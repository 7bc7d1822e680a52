"""One Settings object for the whole application; nothing else reads os.environ."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = PACKAGE_DIR / "catalog" / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIANDONG_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/liandong.db",
        description="SQLAlchemy URL; SQLite is the embedded default, PostgreSQL the production database.",
    )
    var_dir: Path = Field(default=Path("./var"), description="Local state: SQLite file, models, indexes.")
    config_dir: Path | None = Field(
        default=None,
        description="A directory with the city's own catalogue files; missing files fall back to the defaults.",
    )
    order_number_prefix: str = "JC"
    city_code: str = "140500"
    timezone: str = "Asia/Shanghai"
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str | None = Field(
        default=None,
        description="Signing key for cookies; unset = a random key kept in var/secret_key (0600). Weak values refuse to start.",
    )
    personal_data_retention_days: int = Field(
        default=730, ge=30, le=36500,
        description="Closed orders older than this lose the caller's name and number and numbers in their text (purge task).",
    )
    nuisance_threshold: int = Field(default=3, ge=2, le=100, description="Invalid/malicious calls from one number that flag it for review…")
    nuisance_window_hours: int = Field(default=24, ge=1, le=24 * 90, description="… within this many hours.")
    nuisance_handling: Literal["mark", "auto_invalid"] = Field(
        default="mark",
        description="New calls from a confirmed nuisance number: 'mark' shows 疑似骚扰 to the call-taker; 'auto_invalid' also "
        "closes them as 恶意来电 (never an emergency the triage sent to 110/119/120).",
    )
    nuisance_confirmed_days: int = Field(default=90, ge=1, le=3650, description="A confirmation lapses after this many days.")
    demo: bool = Field(default=False, description="Demo mode (`liandong demo`): a weak configured secret is tolerated.")
    session_idle_minutes: int = Field(default=60, ge=1, description="A log-in ends after this long without a request.")
    session_absolute_hours: int = Field(default=12, ge=1, description="A log-in ends this long after it began, whatever happens.")
    session_https_only: bool = Field(default=False, description="Send the session cookie over HTTPS only (set in production).")
    api_token: str | None = Field(
        default=None,
        description="Deprecated single integration token: honoured as a non-admin dispatcher with order scopes only;"
        " replace it with `liandong tokens create`.",
    )

    # Linkage (docs/linkage.md): what this instance is, and how it delivers to its peers.
    platform_role: str = Field(default="12345", description="12345 | 110 | 119 | 120 | 122: which platform this instance is.")
    platform_name: str | None = Field(default=None, description="The name this platform signs its messages with (default jc<role>).")
    platform_unit_code: str | None = Field(default=None, description="Unit code in messages (default: the centre's code for the role).")
    link_max_attempts: int = Field(default=12, description="Failed deliveries before a message becomes a dead letter.")
    link_backoff_base: float = Field(default=1.0, description="First retry delay in seconds (doubles each time, with jitter).")
    link_backoff_cap: float = Field(default=300.0, description="Longest retry delay in seconds.")
    link_lease_seconds: float = Field(default=30.0, description="How long a worker holds a claimed delivery before others may take it.")
    link_sign_minutes: int = Field(default=30, description="Agreed time for the receiver to sign for a transfer (签收时限).")
    link_timeout: float = Field(default=10.0, description="HTTP timeout for one delivery, seconds.")
    # Notifications to citizens (docs/notifications.md): which provider, quiet hours, retries.
    notifier: str = Field(default="console", pattern="^(console|file|http)$",
                          description="console (log only) | file (JSON lines in var/notify/sent.jsonl) | http (an HTTPS SMS gateway).")
    notify_file: Path | None = Field(default=None, description="The file notifier's JSON-lines file (default var/notify/sent.jsonl).")
    notify_http_url: str | None = Field(default=None, description="The SMS gateway's send URL (http notifier).")
    notify_http_account: str | None = Field(default=None, description="Our account at the SMS gateway.")
    notify_http_secret: str | None = Field(default=None, description="The shared secret that signs each request to the gateway.")
    notify_http_timeout: float = Field(default=10.0, gt=0, le=120, description="HTTP timeout for one message, seconds.")
    notify_quiet_hours: str = Field(default="22:00-08:00", pattern=r"^(|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$",
                                    description="Local (Asia/Shanghai) quiet period HH:MM-HH:MM; empty = none. Urgent messages ignore it.")
    notify_max_attempts: int = Field(default=8, ge=1, le=100, description="Failed sends before a message is dead.")
    notify_backoff_base: float = Field(default=30.0, gt=0, description="First retry delay in seconds (doubles each time, with jitter).")
    notify_backoff_cap: float = Field(default=3600.0, gt=0, description="Longest retry delay in seconds.")
    notify_lease_seconds: float = Field(default=60.0, gt=0, description="How long a worker holds claimed messages before others may take them.")
    notify_batch: int = Field(default=50, ge=1, le=1000, description="Messages claimed at once by one worker.")
    notify_provider_latency: float = Field(default=0.0, ge=0, le=10,
                                           description="The file notifier waits this long per message (drills: a slow provider).")
    warm_up: bool = Field(default=True, description="Load the triage model when `serve` starts (off: on first use).")
    embedded_worker: bool | None = Field(default=None, description="Run the worker inside `serve` (default: on SQLite only).")
    open311_jurisdiction_id: str | None = Field(
        default=None, description="Open311 jurisdiction_id this endpoint serves (default: the city's division code)."
    )
    open311_contact: str = Field(
        default="12345 政务服务便民热线：拨打 12345，或联系本平台管理员", description="Open311 discovery: who to ask."
    )
    open311_key_service: str = Field(
        default="接口密钥（api_key）由本平台管理员以 liandong tokens create 名称 --scope open311:write 签发",
        description="Open311 discovery: how a partner gets an api_key.",
    )

    @property
    def sender_name(self) -> str:
        return self.platform_name or f"jc{self.platform_role}"

    @property
    def jurisdiction_id(self) -> str:
        return self.open311_jurisdiction_id or self.city_code

    @property
    def number_prefix(self) -> str:
        """Order numbers: a 110 platform's differ from 12345's even on the default prefix."""
        if self.order_number_prefix == "JC" and self.platform_role != "12345":
            return f"JC{self.platform_role}"
        return self.order_number_prefix

    def data_file(self, name: str) -> Path:
        """The city's configured data file, or the packaged default."""
        if self.config_dir is not None:
            candidate = Path(self.config_dir) / name
            if candidate.exists():
                return candidate
        return DEFAULT_DATA_DIR / name


_current: Settings | None = None


def settings() -> Settings:
    global _current
    if _current is None:
        _current = Settings()
    return _current


def configure(**overrides) -> Settings:
    """Replace the process settings (CLI global options, tests)."""
    global _current
    _current = Settings(**overrides)
    return _current
