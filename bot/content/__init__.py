"""Content as data: flows and fields from `content/`, validated as a whole."""

from bot.content.loader import (
    DEFAULT_ROOT,
    Content,
    ContentError,
    Problem,
    check_content,
    load_content,
)

__all__ = ["DEFAULT_ROOT", "Content", "ContentError", "Problem", "check_content", "load_content"]
