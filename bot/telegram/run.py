"""Run the bot until SIGINT/SIGTERM: long polling by default, a webhook when configured.

Start-up problems (bad settings, content, an unwritable data folder, a refused token, any
Bot API error before the bot is running: 409 Conflict, 403...) end with one clear line and
exit code 2 (1 for content), never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from urllib.parse import urlsplit

from telegram.ext import Application

from bot.content import ContentError, load_content
from bot.logs import scrub, setup_logging
from bot.safety import load_crisis_directory
from bot.settings import Settings
from bot.store import Store, StoreError
from bot.telegram.app import ALLOWED_UPDATES, announce, build_application, retire
from bot.telegram.intake import Intake
from bot.telegram.polling import Poller
from bot.telegram.startup import StartupFailed, Steps
from bot.telegram.webhook import WebhookServer

log = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    token = settings.token.get_secret_value() if settings.token else ""
    setup_logging(settings.log_level, secrets=[token])
    try:
        return asyncio.run(_main(settings, token))
    except KeyboardInterrupt:
        return 0


async def _main(settings: Settings, token: str) -> int:
    try:
        content = load_content()
    except ContentError as exc:
        print(f"error: content has {len(exc.problems)} problem(s); run "
              "`python -m bot check-content`", file=sys.stderr)
        return 1
    try:
        store = await Store.open(settings.database_path)
    except (OSError, ValueError, StoreError) as exc:
        # StoreError: a folder where the file should be, a file that is not a database.
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"error: BOT_DATABASE_URL: cannot open the database ({reason})", file=sys.stderr)
        return 2
    app = build_application(token=token, base_url=settings.api_base_url, content=content,
                            store=store, directory=load_crisis_directory(),
                            admin_ids=settings.admin_ids)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await serve(app, stop, settings)
    except StartupFailed as failed:
        print(scrub(failed.line(), [token]), file=sys.stderr)
        return 2
    finally:
        await store.close()
    return 0


async def serve(app: Application, stop: asyncio.Event, settings: Settings | None = None,
                poll_timeout: int = 10) -> None:
    """Start `app`, serve updates until `stop` is set, then shut down cleanly.

    Raises `StartupFailed` (naming the Bot API call) when anything fails before the bot runs.
    """
    steps = Steps()
    source: Poller | WebhookServer | None = None
    try:
        async with steps.step("getMe"):
            await app.initialize()
        async with steps.step("setMyCommands"):
            await announce(app)
        await app.start()
        intake = Intake(app)
        if settings is not None and settings.webhook_url:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret \
                else ""
            source = WebhookServer(intake, path=urlsplit(settings.webhook_url).path,
                                   secret=secret, listen=settings.webhook_listen,
                                   port=settings.webhook_port)
            async with steps.step("webhook server", setting="BOT_WEBHOOK_PORT"):
                await source.start()
            async with steps.step("setWebhook", setting="BOT_WEBHOOK_URL"):
                await app.bot.set_webhook(url=settings.webhook_url, secret_token=secret,
                                          allowed_updates=ALLOWED_UPDATES)
        else:
            source = Poller(app, intake, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
            async with steps.step("deleteWebhook/getUpdates"):
                await source.start()
        log.info("bot is running")
        await stop.wait()
    finally:
        if source is not None:
            await source.stop()
        if app.running:
            await app.stop()
        await retire(app)  # the due-queue loop that announce started, if it did
        await app.shutdown()  # returns at once when initialize never finished
