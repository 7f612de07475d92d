"""Settings from the environment and `.env`, named as pinned in DESIGN.md (all `BOT_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=".env", extra="ignore")

    #: The token from @BotFather. Empty: `python -m bot` opens the console instead.
    token: SecretStr | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    database_url: str = "sqlite:///data/bot.db"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    admin_ids: list[int] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("token", "webhook_secret", "webhook_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def database_path(self) -> Path:
        """The SQLite file named by `database_url` (only sqlite:/// is supported so far)."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError("BOT_DATABASE_URL must start with sqlite:/// (PostgreSQL is later)")
        return Path(self.database_url[len(prefix):])
