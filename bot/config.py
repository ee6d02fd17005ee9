"""Settings from the environment and an optional .env file (secrets never appear in reprs), and
where the bundled content and migrations are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    """Where a bundled folder (content/, db/) is: an installed wheel carries it as package data;
    a checkout has it beside bot/."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def content_dir() -> Path:
    return _bundled("content")


def migrations_dir() -> Path:
    return _bundled("db")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def _split_list(value: object) -> object:
    # Lists accept JSON ("[1, 2]") as well as plain comma-separated values ("1,2").
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


MIN_SECRET_LENGTH = 32

IntList = Annotated[list[int], NoDecode, BeforeValidator(_split_list)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=False, env_ignore_empty=True
    )

    database_url: str = "sqlite+aiosqlite:///studybot.db"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    port: int = Field(default=3000, ge=1, le=65535)
    content_dir: Path = Field(default_factory=content_dir)
    catchup_grace_hours: float = Field(default=6.0, ge=0, le=24)
    # How often due posts, closes and competition ends are looked for; tests set it small.
    scheduler_tick_seconds: float = Field(default=20.0, gt=0, le=3600)
    # How long clicks are gathered into one edit of a question's "N answered" line.
    tally_interval_seconds: float = Field(default=3.0, gt=0, le=600)
    # The daily picker leaves out questions the item analysis flags (a likely wrong key, < 15% or
    # > 95% right), over every workspace, recomputed at most every FLAGGED_REFRESH_MINUTES.
    avoid_flagged_questions: bool = False
    flagged_refresh_minutes: int = Field(default=60, ge=1, le=24 * 60)

    discord_token: SecretStr | None = None
    discord_guild_ids: IntList = Field(default_factory=list)
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str | None = None
    discord_shard_count: int | None = Field(default=None, ge=1, le=1024)
    discord_shard_ids: IntList = Field(default_factory=list)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_admin_group: str | None = None

    # The web dashboard is on when DASHBOARD_SECRET is set; its links start with PUBLIC_URL.
    dashboard_secret: SecretStr | None = None
    public_url: str | None = Field(default=None, validate_default=True)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        # Accept the URLs hosting providers hand out and pick the async driver for them.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+asyncpg://" + value.removeprefix(prefix)
        if value.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + value.removeprefix("sqlite://")
        if not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError("must be a postgresql:// or sqlite:// URL")
        return value

    @field_validator("discord_api_url")
    @classmethod
    def _discord_api_base(cls, value: str) -> str:
        # A full base (http://127.0.0.1:8080/api/v10), or only a host: then the API's path is added.
        value = value.rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s):// URL")
        return value if "/api/" in value else value + "/api/v10"

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        count = self.discord_shard_count
        if self.discord_shard_ids and count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")
        if count is not None and any(not 0 <= s < count for s in self.discord_shard_ids):
            raise ValueError(f"DISCORD_SHARD_IDS must be between 0 and {count - 1}")
        return self

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("dashboard_secret") is not None:
                raise ValueError("required when DASHBOARD_SECRET is set (the dashboard is on): "
                                 "links must say where the bot is")
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s):// URL, e.g. https://studybot.example.com")
        return value.rstrip("/")

    @field_validator("dashboard_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Links are HMACs with this key: a short one could be guessed offline from one link.
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters "
                             "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
        return value

    @property
    def dashboard_enabled(self) -> bool:
        return self.dashboard_secret is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None or self.slack_client_id is not None

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value raises SettingsError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        raise SettingsError(f"{name}: {error['msg']}") from None
