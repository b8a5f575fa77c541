"""What reaches the Linux console is drawn with its VGA font: every other glyph gets a stand-in.

``glyphs`` picks ASCII stand-ins where envtui draws its own symbols, but text comes from many
places: Textual's scroll bars (``▂▆``), a status word ending in ``…``, a package's summary. The
console's font (code page 437) draws none of those; it shows a blank or a diamond instead. On
the console envtui's driver passes all its output through :func:`vga_safe`, one boundary that
nothing can slip past: a glyph the font lacks becomes one it has, taking the same cells so the
layout stays as Textual computed it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len
from textual.driver import Driver

#: What the VGA font draws: ASCII and the upper half of code page 437 (box lines, blocks, accents).
VGA = "".join(chr(c) for c in range(32, 127)) + bytes(range(128, 256)).decode("cp437")

#: Stand-ins that keep the meaning; anything else the font lacks becomes ``?`` (per cell).
STAND_INS = {
    "…": "~",
    "→": ">",
    "←": "<",
    "↑": "^",
    "↓": "v",
    "⏎": "<",
    "●": "*",
    "•": "*",
    "▸": "+",
    "▶": ">",
    "▾": "-",
    "▼": "v",
    "⚠": "!",
    "✓": "+",
    "✗": "x",
    "╭": "┌",
    "╮": "┐",
    "╰": "└",
    "╯": "┘",
    "━": "─",
    "┃": "│",
    "┏": "┌",
    "┓": "┐",
    "┗": "└",
    "┛": "┘",
    "▔": "▀",
    **dict.fromkeys("▁▂▃▅▆▇", "▄"),
    **dict.fromkeys("▉▊▋▍▎▏", "▌"),
}

#: A run of characters outside the font (escape sequences are ASCII, so they pass untouched).
_OUTSIDE = re.compile("[^" + r"\x00-\x7f" + re.escape(VGA[95:]) + "]")


@lru_cache(maxsize=1024)
def stand_in(glyph: str) -> str:
    """A glyph the font has for ``glyph``, as many cells wide (nothing for a zero-width one)."""
    width = cell_len(glyph)
    if width == 0:
        return ""
    replacement = STAND_INS.get(glyph, "?")
    return replacement + " " * (width - cell_len(replacement))


def vga_safe(data: str) -> str:
    """``data`` with every glyph the VGA font lacks replaced by a stand-in of the same width."""
    if data.isascii():
        return data
    return _OUTSIDE.sub(lambda match: stand_in(match.group()), data)


def vga_driver(base: type[Driver]) -> type[Driver]:
    """``base`` (the driver Textual chose) with its output made VGA-safe."""

    class VgaSafeDriver(base):  # type: ignore[valid-type,misc]
        """Textual's driver for this terminal, writing only what the console's font can draw."""

        def write(self, data: str) -> None:
            """Write ``data`` with its glyphs made VGA-safe."""
            super().write(vga_safe(data))

    return VgaSafeDriver
