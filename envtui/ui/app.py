"""``run_app``, which ``envtui [PATH]`` calls; the app class itself is ``EnvtuiApp``.

Start-up is a race between two slow things: importing Textual and building the app, and
listing the environment. So this module imports no Textual: ``run_app`` first starts the
listing (``envtui.ui.preload``), names the environment on screen (``envtui.ui.splash``), then
imports the app (``envtui.ui.envtui_app``), and the main screen picks the listing up when it
mounts. ``from envtui.ui.app import EnvtuiApp`` still works; it imports the app module on
first use.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Any

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.errors import UsageError
from envtui.core.uv import Uv
from envtui.ui import preload, splash

if TYPE_CHECKING:
    from envtui.ui.envtui_app import EnvtuiApp

__all__ = ["EnvtuiApp", "run_app"]


def run_app(env: Environment, *, config: Config | None = None) -> int:
    """Run the TUI on ``env`` with the project configuration until the user quits; returns the exit code.

    The TUI reads keys from standard input and draws on standard error (as Textual does); when
    either is not a terminal (cron, ``ssh host envtui`` without ``-t``, a pipe) it would draw
    for ever into a file nobody reads, so that is bad usage, said before anything starts.
    """
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.__stderr__)):
        raise UsageError(
            "not a terminal: the TUI needs a terminal on standard input and standard error",
            hint="in scripts, run a command such as 'envtui list' (see 'envtui --help')",
        )
    uv = Uv()
    config = config or Config()
    # Importing the app creates a few hundred thousand objects that live as long as the process;
    # the cyclic collector would walk them again and again while they are made (about a tenth
    # of the import). Collect nothing until they are made, then put them out of its sight.
    gc.disable()
    shown = False
    try:
        listing = preload.start(env, uv, config.categories)
        shown = splash.show(env)  # the environment's name now, not after the import
        from envtui.ui.envtui_app import EnvtuiApp

        app = EnvtuiApp(env, config=config, uv=uv, preloaded=listing)
    except BaseException:
        if shown:
            splash.leave()
        raise
    finally:
        gc.freeze()
        gc.enable()
    try:
        result = app.run()
    except BaseException:
        if shown and app.return_code is None:
            splash.leave()
        raise
    if app.return_code not in (None, 0):
        return app.return_code
    return int(result or 0)


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream is not None and stream.isatty())  # type: ignore[attr-defined]
    except (OSError, ValueError):
        return False


def __getattr__(name: str) -> Any:
    """``EnvtuiApp`` on demand, so importing this module stays free of Textual."""
    if name == "EnvtuiApp":
        from envtui.ui.envtui_app import EnvtuiApp

        return EnvtuiApp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
