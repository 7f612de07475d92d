"""The shape of `bot/`, read from its source with `ast`: who may import whom.

These rules keep the next steps possible (issue 14): a pure engine, a due-queue that does
not know Telegram (so a second outbox, the console, can stand behind it), a store whose
backend (SQLite today, PostgreSQL next) no other module names, and no import cycles.
Imports inside functions and under `if TYPE_CHECKING:` count too: they are real coupling.
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def _module(path: Path) -> str:
    parts = list(path.relative_to(BOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module(p): p for p in sorted(BOT.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """Every module `name` imports (anywhere in the file), resolved to absolute names."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from bot.schedule import daily` imports the module bot.schedule.daily;
            # `from bot.store import Store` imports a name from the package itself.
            subs = {f"{base}.{alias.name}" for alias in node.names} & MODULES.keys()
            found.update(subs)
            if len(subs) < len(node.names):
                found.add(base)
    return found


def _ours(target: str) -> str | None:
    """The module of `bot` that an import names (a name inside a module maps to it)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


GRAPH = {name: {m for t in _imports(name) if (m := _ours(t)) and m != name}
         for name in MODULES}


def _within(package: str) -> list[str]:
    return [n for n in MODULES if n == package or n.startswith(package + ".")]


def test_the_graph_sees_the_imports_it_should() -> None:
    # Guards the walker itself: a known import (module level) and package resolution.
    assert "bot.engine.core" in GRAPH["bot.engine"]
    assert "bot.store.sqlite" in GRAPH["bot.store"]
    assert "bot.schedule.chart" in GRAPH["bot.telegram.checkin_sender"]  # `from pkg import mod`
    assert "bot.schedule.zones" in GRAPH["bot.schedule.daily"]  # inside a function


def test_the_engine_imports_only_content_and_the_standard_library() -> None:
    import sys

    allowed = set(sys.stdlib_module_names) | {"__future__"}
    for name in _within("bot.engine"):
        for target in _imports(name):
            top = target.split(".")[0]
            if top == "bot":
                assert target.startswith(("bot.engine", "bot.content")), (name, target)
            else:
                assert top in allowed, (name, target)


def test_the_due_queue_never_names_telegram() -> None:
    for name in _within("bot.schedule"):
        wrong = {t for t in _imports(name)
                 if t.split(".")[0] == "telegram" or t.startswith("bot.telegram")}
        assert not wrong, (name, wrong)


def test_only_the_store_names_its_database_backend() -> None:
    for name in MODULES:
        if name.startswith("bot.store"):
            continue
        source = MODULES[name].read_text(encoding="utf-8")
        tree = ast.parse(source)
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        imported = {t.split(".")[0] for t in _imports(name)}
        assert not ({"sqlite3", "aiosqlite"} & (names | imported)), name


def _cycle() -> list[str] | None:
    """One import cycle among bot's modules, or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(GRAPH):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_there_is_no_import_cycle_in_bot() -> None:
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    saved = {k: set(v) for k, v in GRAPH.items()}
    try:
        GRAPH["bot.engine.core"].add("bot.telegram.handlers")
        assert _cycle() is not None
    finally:
        GRAPH.clear()
        GRAPH.update(saved)
