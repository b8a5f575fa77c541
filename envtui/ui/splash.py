"""The first thing on screen: which environment is opening, written before Textual is imported.

Importing Textual and building the app take most of a second on a small server, and until the
app's first frame the terminal would go on showing the shell. So ``run_app`` writes one line at
once: it enters the alternate screen (the app's own, which Textual enters again as a no-op),
names the environment and says the app is starting. The app's first frame paints over it, and
Textual leaves the alternate screen on exit, so the shell's screen comes back as it was.

Plain text only (no colour, so NO_COLOR and any terminal are fine), the path through the
display boundary, cut to the terminal's width (in characters: a line too wide only wraps,
and the app's frame replaces it). Written where Textual paints (standard error),
and only when that is a terminal and ``TERM`` is not ``dumb``. This module imports no Textual:
that is its point.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

from envtui.core.display import display_path, safe_text
from envtui.core.env.environment import OWN_ENVIRONMENT, Environment

#: Alternate screen, cursor hidden, home, clear.
_ENTER = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J"
#: Cursor shown, back to the normal screen (for a start that fails before the app runs).
_LEAVE = "\x1b[?25h\x1b[?1049l"


def text(env: Environment, width: int) -> str:
    """The line: `` PATH · starting envtui…``, made safe and cut to ``width`` characters."""
    where = display_path(env.path) + (f" ({OWN_ENVIRONMENT})" if env.own else "")
    line = safe_text(f" {where} · starting envtui…")
    return line[: max(width, 0)]


def show(env: Environment, stream: TextIO | None = None) -> bool:
    """Write the splash when ``stream`` (standard error, as Textual) is a terminal; True when written."""
    stream = stream or sys.__stderr__
    if stream is None or os.environ.get("TERM", "") in ("", "dumb"):
        return False
    try:
        if not stream.isatty():
            return False
        try:
            width = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError):
            width = shutil.get_terminal_size().columns
        stream.write(_ENTER + text(env, width))
        stream.flush()
    except (OSError, ValueError):
        return False
    return True


def leave(stream: TextIO | None = None) -> None:
    """Undo :func:`show` when the app could not start (it leaves the alternate screen itself)."""
    stream = stream or sys.__stderr__
    if stream is None:
        return
    try:
        stream.write(_LEAVE)
        stream.flush()
    except (OSError, ValueError):
        pass
