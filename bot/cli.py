"""Command-line entry: the three pinned commands, with clear one-line errors and exit codes.

Exit codes: 0 fine, 1 content problems (check-content), 2 bad settings, a broken safety file
or usage.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic import ValidationError

USAGE = ("usage: python -m bot [run | console | check-content [CONTENT_DIR] "
         "| stats [--png FILE]]")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "check-content":
        # Imported where needed: loading the content models costs ~0.5 s that `stats` skips.
        from bot.content import DEFAULT_ROOT

        return _check_content(Path(argv[1]) if len(argv) > 1 else DEFAULT_ROOT)
    if command == "console":
        return _console()
    if command == "run":
        return _run(explicit=bool(argv))
    if command == "stats":
        from bot.stats_cli import stats

        return stats(argv[1:])
    print(USAGE, file=sys.stderr)
    return 2


def _check_content(root: Path) -> int:
    from bot.content import DEFAULT_ROOT, check_content
    from bot.safety.risk import check_safety_files

    content, problems = check_content(root)
    problems += check_safety_files(root, required=root == DEFAULT_ROOT)
    if (root / "checkins.yaml").exists() or root == DEFAULT_ROOT:
        from bot.content.checkins import check_checkins

        problems += check_checkins(root)[1]
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in {root}")
        return 1
    nodes = sum(len(f.nodes) for f in content.flows.values())
    print(f"content OK: {len(content.flows)} flows, {nodes} nodes, version {content.version}")
    return 0


def _load() -> object:
    from bot.content import ContentError, load_content

    try:
        return load_content()
    except ContentError as exc:
        print(f"content has problems; run `python -m bot check-content`:\n{exc}", file=sys.stderr)
        return None


def _safety_problem() -> str | None:
    """The first broken safety file (risk/tactic phrases, crisis lines), as one line.

    Checked before anything starts, so a broken file stops start-up instead of failing on
    the first message someone types; loading here also compiles the phrases once.
    """
    from bot.safety.risk import check_safety_files, warm

    problems = check_safety_files()
    if problems:
        return problems[0]
    warm()
    return None


def _console() -> int:
    from bot.console import run_console

    problem = _safety_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    content = _load()
    if content is None:
        return 1
    return run_console(content, sys.stdin, sys.stdout)  # type: ignore[arg-type]


def _run(explicit: bool = False) -> int:
    """`python -m bot` without a token opens the console; `python -m bot run` insists."""
    from pydantic_settings import SettingsError

    from bot.settings import Settings

    problem = _safety_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        settings = Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "BOT_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
        print(f"error: {name}: {err['msg']}", file=sys.stderr)
        return 2
    except SettingsError as exc:  # a list setting that is not JSON, e.g. BOT_ADMIN_IDS=12
        match = re.search(r'field "([a-z_]+)"', str(exc))
        name = "BOT_" + match.group(1).upper() if match else "settings"
        print(f"error: {name}: cannot parse the value (a JSON list, e.g. [12345])",
              file=sys.stderr)
        return 2
    if settings.token is None and explicit:
        print("error: BOT_TOKEN: not set (see .env.example); "
              "`python -m bot console` chats in the terminal without one", file=sys.stderr)
        return 2
    if settings.token is None:
        print("No BOT_TOKEN set (see .env.example): opening the console instead.",
              file=sys.stderr)
        return _console()
    from bot.telegram.run import run_bot

    return run_bot(settings)
