"""Settings from the environment and `.env`, named as pinned in DESIGN.md (all `BOT_*`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_TOKEN_SHAPE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")


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
    #: The local address the webhook server binds to (behind a TLS-terminating proxy).
    webhook_listen: str = "0.0.0.0"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("token", "webhook_secret", "webhook_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("token", mode="after")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here so a pasted-wrong token is named at once, not blamed on the network.
        # The message never repeats the value: it is a secret.
        if value is not None and not _TOKEN_SHAPE.fullmatch(value.get_secret_value().strip()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters, "
                             "as @BotFather gives it)")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @property
    def database_path(self) -> Path:
        """The SQLite file named by `database_url` (only sqlite:/// is supported so far)."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError("BOT_DATABASE_URL must start with sqlite:/// (PostgreSQL is later)")
        return Path(self.database_url[len(prefix):])
