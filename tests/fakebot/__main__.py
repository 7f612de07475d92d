"""``python -m tests.fakebot --port N``: serve the fake Bot API for bot subprocesses.

Prints one JSON line (url, base_url, token, port) once listening, so a parent started with
``--port 0`` learns the port; then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal

from .server import DEFAULT_TOKEN, FakeBotApi


async def _serve(port: int, token: str) -> None:
    api = FakeBotApi(token, port=port)
    await api.start()
    info = {"url": api.url, "base_url": api.base_url, "token": api.token, "port": api.port}
    print(json.dumps(info), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await api.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakebot", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.port, args.token))


if __name__ == "__main__":
    main()
