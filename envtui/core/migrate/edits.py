"""Changes to a file as character spans, and the unified diff they make.

An :class:`Edit` replaces ``text[start:end]``. Removing a word or a command takes care of the
layout around it: the spaces beside it, a line left holding nothing, a line continuation left
dangling. :func:`unified_diff` writes a patch ``git apply`` (and ``patch -p1``) accept.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``text`` (an insertion when start == end)."""

    start: int
    end: int
    text: str


def line_bounds(text: str, offset: int) -> tuple[int, int]:
    """The start of the line holding ``offset`` and the offset of its newline (or the text's end)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def drop_span(text: str, start: int, end: int) -> Edit:
    """Remove ``text[start:end]`` (words, or a command) and the space it leaves.

    Alone on its line(s), the whole lines go; if they ended a continued command, the
    continuation before them goes too, so the command still ends where it should.
    """
    line_start, _ = line_bounds(text, start)
    _, line_end = line_bounds(text, max(end - 1, start))
    before, after = text[line_start:start], text[end:line_end]
    if not before.strip() and after.strip() in ("", "\\"):
        if after.strip() == "" and line_start > 0:
            previous_start, previous_end = line_bounds(text, line_start - 1)
            previous = text[previous_start:previous_end].rstrip("\r")
            if previous.rstrip().endswith("\\") and previous.strip() != "\\":
                cut = previous_start + len(previous.rstrip()[:-1].rstrip())
                return Edit(cut, line_end, "")
        return Edit(line_start, min(line_end + 1, len(text)), "")
    left = start
    while left > line_start and text[left - 1] in " \t":
        left -= 1
    if left == line_start:  # first on its line: take the spaces after it instead
        right = end
        while right < line_end and text[right] in " \t":
            right += 1
        return Edit(start, right, "")
    return Edit(left, end, "")


def overlaps(edit: Edit, taken: Iterable[Edit]) -> bool:
    """Whether ``edit`` touches characters another edit already changes (insertions never clash)."""
    for other in taken:
        if edit.start == edit.end or other.start == other.end:
            if other.start < edit.start < other.end or edit.start < other.start < edit.end:
                return True
            continue
        if edit.start < other.end and other.start < edit.end:
            return True
    return False


def apply(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with the (non-overlapping) edits made; insertions at one place keep their order."""
    result = []
    position = 0
    for edit in sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end != item[1].start, item[0])):
        change = edit[1]
        result.append(text[position : change.start])
        result.append(change.text)
        position = max(position, change.end)
    result.append(text[position:])
    return "".join(result)


def unified_diff(path: str, before: str, after: str) -> str:
    """A ``git apply``-able diff of one file (``a/PATH`` → ``b/PATH``, three lines of context)."""
    if before == after:
        return ""
    lines = [f"diff --git a/{path} b/{path}\n"]
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        f"a/{path}",
        f"b/{path}",
        n=3,
    ):
        lines.append(line)
        if not line.endswith("\n"):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)
