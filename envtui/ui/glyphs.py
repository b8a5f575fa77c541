"""The few non-ASCII glyphs envtui draws, and their stand-ins for the Linux console.

Under ``TERM=linux`` the console's VGA font has box lines (``┌─┐│``) but no rounded corners,
arrows, warning signs, dots or braille; those would show as blanks or question marks. Each
glyph here has a stand-in from ASCII for that console, and the app adds the ``-console`` class
so the stylesheets draw square borders there.
"""

from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=1)
def console() -> bool:
    """Whether the terminal is the Linux console (or another that has only VGA-safe glyphs); read once."""
    term = os.environ.get("TERM", "")
    return term == "linux" or term.startswith(("vt1", "vt2"))


def _pick(fancy: str, plain: str) -> str:
    return plain if console() else fancy


def warning() -> str:
    """Before a warning line."""
    return _pick("⚠", "!")


def arrow() -> str:
    """From an old version to a new one, or to where a link leads."""
    return _pick("→", "->")


def current() -> str:
    """Marks the environment on screen in the environment list."""
    return _pick("●", "*")


def ellipsis() -> str:
    """Where text was cut."""
    return _pick("…", "~")


def spinner_frames() -> str:
    """The frames of the busy spinner."""
    return _pick("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏", "|/-\\")


def folded(open_: bool) -> str:
    """Before a line that unfolds (closed) or folds (open)."""
    return _pick("▾" if open_ else "▸", "-" if open_ else "+")


#: Key names Textual draws as symbols, spelt out for the console.
_KEY_WORDS = {"⏎": "enter", "↑": "up", "↓": "down", "←": "left", "→": "right", "⇥": "tab"}


def key(display: str) -> str:
    """A key as the footer and help show it: symbols spelt out on the console."""
    if not console():
        return display
    for symbol, word in _KEY_WORDS.items():
        display = display.replace(symbol, word)
    return display
