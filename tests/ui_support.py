"""Helpers for the TUI tests: open the app on a fixture venv, read the screen as text."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console
from textual.worker import WorkerCancelled

from envtui.core.env.environment import resolve_environment
from envtui.ui.app import EnvtuiApp


def make_app(path: Path) -> EnvtuiApp:
    """The app on the environment at ``path``."""
    return EnvtuiApp(resolve_environment(path))


async def settle(pilot) -> None:
    """Wait until every worker finished and the screen caught up (no sleeping).

    A worker cancelled because a newer one of its exclusive group replaced it (a second listing
    asked for while the first ran) has finished too: the wait goes on for the others.
    """
    for _ in range(3):
        for _ in range(20):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                await pilot.pause()
        await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


#: Box-drawing and block glyphs: the borders a wrapped line runs into on the screen.
_FRAME = re.compile(r"[\u2500-\u259f\s]+")


def shows(app, *parts: str) -> bool:
    """Whether the screen shows every one of ``parts``, however lines wrapped it.

    A long path wraps at a different place under a longer temporary directory: borders and
    whitespace are dropped from both the screen and the parts before comparing.
    """
    flat = _FRAME.sub("", screen_text(app))
    return all(_FRAME.sub("", part) in flat for part in parts)
