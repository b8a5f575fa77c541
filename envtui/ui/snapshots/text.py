"""How a snapshot reads on screen: its time, and a difference as coloured lines (the Snapshots
view and the restore dialog both show them; the dialog comes up without the view's module)."""

from __future__ import annotations

import time

from rich.text import Text

from envtui.core.snapshots.diff import SetDiff
from envtui.ui import glyphs
from envtui.ui.text import plain


def when(taken: float) -> str:
    """The time alone today, the date and minute before (as the Jobs view shows starts)."""
    moment = time.localtime(taken)
    if time.strftime("%Y-%m-%d", moment) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M:%S", moment)
    return time.strftime("%m-%d %H:%M", moment)


def diff_text(diff: SetDiff, variables: dict[str, str], *, limit: int | None = None) -> Text:
    """A difference as coloured lines: ``+`` added, ``-`` removed, ``~`` changed (old → new)."""
    colours = {
        "added": variables.get("success", "green"),
        "removed": variables.get("error", "red"),
        "changed": variables.get("warning", "yellow"),
    }
    arrow = glyphs.arrow()  # "->" where the terminal's font has no arrow (the Linux console)
    text = Text()
    shown = diff.changes if limit is None else diff.changes[:limit]
    for change in shown:
        if change.kind == "added":
            line = f"+ {change.name} {change.new}"
        elif change.kind == "removed":
            line = f"- {change.name} {change.old}"
        else:
            line = f"~ {change.name} {change.old} {arrow} {change.new}"
        text.append_text(plain(line, style=colours[change.kind]))  # names and versions come from disk
        text.append("\n")
    if len(shown) < len(diff.changes):
        text.append(f"… and {len(diff.changes) - len(shown)} more\n", style="dim")
    text.rstrip()
    return text
