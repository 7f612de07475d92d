"""Entry point: `python -m bot` (run), `python -m bot console`, `python -m bot check-content`."""

from __future__ import annotations

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
