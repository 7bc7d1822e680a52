"""One Settings object for the whole application; nothing else reads os.environ."""

from __future__ import annotations

from pathlib import Path

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
    demo: bool = Field(default=False, description="Demo mode (`liandong demo`): a weak configured secret is tolerated.")
    session_idle_minutes: int = Field(default=60, ge=1, description="A log-in ends after this long without a request.")
    session_absolute_hours: int = Field(default=12, ge=1, description="A log-in ends this long after it began, whatever happens.")
    session_https_only: bool = Field(default=False, description="Send the session cookie over HTTPS only (set in production).")
    api_token: str | None = Field(
        default=None,
        description="Deprecated single integration token: honoured as a non-admin dispatcher with order scopes only;"
        " replace it with `liandong tokens create`.",
    )

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
