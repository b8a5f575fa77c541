"""uv's error block in its output: the ``error:`` line and what follows it indented.

uv (0.13) reports a failure on stderr as::

    error: No solution found when resolving dependencies:
      ╰─▶ Because clash==1.0 depends on beta<1.1 ...
      hint: ...

A job keeps these lines (to highlight them and to say in one line why it failed); the preview
turns them into its error message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Most error lines kept on a job (uv's error block can carry a long build traceback).
MAX_ERROR_LINES = 60

_ERROR_START = re.compile(r"^(error|fatal)\b:?", re.IGNORECASE)
_ERROR_FOLLOW = re.compile(r"^(\s+\S|\s*(cause|hint|caused by)\b:?)", re.IGNORECASE)


def is_error_line(line: str) -> bool:
    """Whether a line starts one of uv's errors (``error: …``), for highlighting."""
    return bool(_ERROR_START.match(line))


def error_step(inside: bool, line: str) -> tuple[bool, bool]:
    """One line through the error-block reader: (still inside a block, keep this line)."""
    if _ERROR_START.match(line):
        return True, True
    if not inside:
        return False, False
    if not line.strip():
        return True, False  # uv separates its hints from the error with a blank line
    if _ERROR_FOLLOW.match(line):
        return True, True
    return False, False


def error_block(lines: Iterable[str]) -> list[str]:
    """uv's error lines among its output: each ``error:`` line and what follows it indented."""
    block: list[str] = []
    inside = False
    for line in lines:
        inside, keep = error_step(inside, line)
        if keep:
            block.append(line)
    return block


def without_label(line: str) -> str:
    """An error-block line without its ``cause:`` / ``hint:`` label (the CLI adds its own)."""
    text = line.strip()
    label, sep, rest = text.partition(":")
    return rest.strip() if sep and label.lower() in ("cause", "caused by", "hint") else text
