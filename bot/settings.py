"""Settings from the environment and `.env`, named as pinned in DESIGN.md (all `BOT_*`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_TOKEN_SHAPE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{1,100}")
_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=".env", extra="ignore")

    #: The token from @BotFather. Empty: `python -m bot` opens the console instead.
    token: SecretStr | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    database_url: str = "sqlite:///data/bot.db"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    admin_ids: list[int] = Field(default_factory=list)
    webhook_url: str | None = None
    #: Required with `webhook_url`: without it anyone who finds the URL can post updates as
    #: any user (a forged "erase my data" tap included). Validated even when left unset.
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
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

    @field_validator("webhook_secret", mode="after")
    @classmethod
    def _secret_with_webhook(cls, value: SecretStr | None,
                             info: ValidationInfo) -> SecretStr | None:
        if value is None:
            if info.data.get("webhook_url"):
                raise ValueError("required when BOT_WEBHOOK_URL is set (1-256 letters, digits, "
                                 "_ or -); without it anyone could post updates to the webhook")
            return None
        if not _SECRET_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 letters, digits, _ or - (Telegram's rule)")
        return value

    @property
    def database_path(self) -> Path:
        """The SQLite file named by `database_url` (only sqlite:/// is supported so far)."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError("BOT_DATABASE_URL must start with sqlite:/// (PostgreSQL is later)")
        return Path(self.database_url[len(prefix):])
