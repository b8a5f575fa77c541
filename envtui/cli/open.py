"""``envtui [PATH]``: resolve the environment, then hand it to the TUI (imported only here)."""

from __future__ import annotations

import argparse

from envtui.core.config import load_config
from envtui.core.env.environment import resolve_environment
from envtui.core.errors import UsageError


def open_tui(args: argparse.Namespace) -> int:
    """Open the TUI; returns its exit code.

    The project configuration (``--config``, else the one found from here upwards) names the
    venv to open when PATH is not given and overrides package categories. A broken ``--config``
    is bad usage (exit 2); a broken configuration that was only found is not fatal: the TUI
    opens with defaults and its Health view says what is wrong.

    A venv is read from its layout (``probe=False``): running its interpreter first would delay
    the first paint by a process start, and the Health view checks that the interpreter runs.
    """
    config = load_config(args.config, strict=False)
    if args.path is not None and args.venv is not None:
        raise UsageError("give the environment once: PATH or --venv PATH")
    given = args.path if args.path is not None else args.venv
    target = given if given is not None else config.venv
    env = resolve_environment(target, allow_system=args.system, probe=False)
    from envtui.ui.app import run_app

    return run_app(env, config=config)
