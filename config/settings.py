"""Deployment settings from the environment and an optional ``.env`` file.

Per-server settings (channels, digest time, admin role) live in the database, not here.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{ROOT / 'data' / 'parley.db'}"


class Settings(BaseSettings):
    """Every deployment setting Parley reads; see ``.env.example`` for documentation."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default=DEFAULT_SQLITE_URL, validation_alias="DATABASE_URL")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_api_base: str | None = Field(default=None, validation_alias="DISCORD_API_BASE")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")
    slack_port: int = Field(default=3000, validation_alias="SLACK_PORT")
    slack_host: str = Field(default="0.0.0.0", validation_alias="SLACK_HOST")

    tz: str = Field(default="UTC", validation_alias="PARLEY_TZ")
    digest_time: str = Field(default="08:00", validation_alias="PARLEY_DIGEST_TIME")
    feeds_file: Path = Field(
        default=ROOT / "config" / "feeds.yaml", validation_alias="PARLEY_FEEDS_FILE"
    )
    seeds_dir: Path = Field(default=ROOT / "seeds", validation_alias="PARLEY_SEEDS_DIR")
    now: datetime | None = Field(default=None, validation_alias="PARLEY_NOW")

    allow_private_feeds: bool = Field(default=False, validation_alias="PARLEY_ALLOW_PRIVATE_FEEDS")
    user_agent_contact: str = Field(
        default="https://github.com/parley-bot/parley", validation_alias="PARLEY_CONTACT"
    )
    poll_interval_minutes: int = Field(default=15, validation_alias="PARLEY_POLL_INTERVAL_MINUTES")
    cpu_workers: int = Field(default=2, ge=0, validation_alias="PARLEY_CPU_WORKERS")
    health_port: int | None = Field(default=None, validation_alias="PARLEY_HEALTH_PORT")
    health_host: str = Field(default="0.0.0.0", validation_alias="PARLEY_HEALTH_HOST")
    log_level: str = Field(default="INFO", validation_alias="PARLEY_LOG_LEVEL")

    @field_validator("tz")
    @classmethod
    def _valid_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name like Europe/Kyiv)"
            ) from exc
        return value

    @field_validator("digest_time")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"digest time {value!r} is not HH:MM") from exc
        return value

    @field_validator("now")
    @classmethod
    def _aware_now(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            from datetime import UTC

            value = value.replace(tzinfo=UTC)
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def chat_mode(self) -> str:
        """Which adapters run: 'discord', 'slack', 'discord+slack' or 'console'."""
        modes = []
        if self.discord_token:
            modes.append("discord")
        if self.slack_bot_token:
            modes.append("slack")
        return "+".join(modes) or "console"
