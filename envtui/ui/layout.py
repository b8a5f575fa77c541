"""The sizes at which the main screen's layout changes, as Textual breakpoints.

Textual puts one class per axis on the screen (the last breakpoint the terminal reaches);
``styles/app.tcss`` says what each class changes. Nothing else in the UI measures the terminal.

======================  ==============================================================
``-too-narrow`` (< 60)  a message replaces the layout (with ``-too-short``: < 20 rows)
``-compact`` (60–75)    no sidebar; details stack under the table
``-narrow`` (76–119)    a narrower sidebar; details stack under the table
``-wide`` (≥ 120)       details beside the table, open from the start
``-short`` (20–29)      with the log open, the log and details give way to the table
``-tall`` (≥ 30)        every pane at its full height
======================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.geometry import Size

#: Below this size the layout cannot work; a message replaces it.
MIN_WIDTH, MIN_HEIGHT = 60, 20
#: From this width the sidebar shows.
SIDEBAR_WIDTH = 76
#: From this width the details pane sits beside the table (and is open from the start).
WIDE_WIDTH = 120
#: From this height the job log and the details keep their full height while the log is open.
TALL_HEIGHT = 30

HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] = [
    (0, "-too-narrow"),
    (MIN_WIDTH, "-compact"),
    (SIDEBAR_WIDTH, "-narrow"),
    (WIDE_WIDTH, "-wide"),
]
VERTICAL_BREAKPOINTS: list[tuple[int, str]] = [(0, "-too-short"), (MIN_HEIGHT, "-short"), (TALL_HEIGHT, "-tall")]

#: The classes that mean the terminal is too small for the layout.
TOO_SMALL = ("-too-narrow", "-too-short")


def breakpoint_classes(size: Size) -> dict[str, bool]:
    """Which breakpoint classes apply at ``size`` (the rule Textual applies on a resize).

    Textual sets them on the screen's first resize, which comes after its first paint; the main
    screen applies them when it mounts, so the first frame already has the right layout.
    """
    classes: dict[str, bool] = {}
    for breakpoints, length in ((HORIZONTAL_BREAKPOINTS, size.width), (VERTICAL_BREAKPOINTS, size.height)):
        reached = _reached(breakpoints, length)
        classes.update((name, name == reached) for _, name in breakpoints)
    return classes


def _reached(breakpoints: Sequence[tuple[int, str]], length: int) -> str | None:
    """The class of the largest breakpoint not above ``length``."""
    for threshold, name in sorted(breakpoints, reverse=True):
        if length >= threshold:
            return name
    return None
