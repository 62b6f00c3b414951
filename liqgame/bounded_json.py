"""``json.loads`` with a bound on nesting depth, for JSON that comes from a file anyone can edit.

Why: the json module recurses once per nesting level, so ``[[[[...`` a few thousand deep raises
``RecursionError`` (a traceback, not a message), and a structure just under that limit can still
break whatever walks it later. Files liqgame reads (player files, session files) never nest more
than a few levels, so anything deeper is refused up front with a plain ``ValueError``.
"""

from __future__ import annotations

import json
import re
from typing import Any

# A JSON string literal (brackets inside strings do not nest), and runs of everything but brackets.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class TooDeep(ValueError):
    """The JSON text nests deeper than allowed."""


def nesting_exceeds(text: str, limit: int) -> bool:
    """True if ``text`` nests arrays/objects more than ``limit`` levels deep.

    Works in C-speed passes: strip strings and non-brackets, then delete innermost ``[]``/``{}``
    pairs once per level, at most ``limit`` times. Malformed bracket soup that stops shrinking is
    judged by how many openers it still holds (the parser would fail on it anyway)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for level in range(limit + 1):
        if not brackets:
            return False
        inner = brackets.replace("[]", "").replace("{}", "")
        if inner == brackets:
            return level + brackets.count("[") + brackets.count("{") > limit
        brackets = inner
    return True


def loads(text: str, max_depth: int) -> Any:
    """Parse ``text`` like ``json.loads``; raise ``TooDeep`` if it nests more than ``max_depth`` levels."""
    if nesting_exceeds(text, max_depth):
        raise TooDeep(f"JSON nested more than {max_depth} levels deep")
    return json.loads(text)
