"""``envtui [PATH]``: resolve the environment, then hand it to the TUI (imported only here)."""

from __future__ import annotations

import argparse

from envtui.core.environment import resolve_environment


def open_tui(args: argparse.Namespace) -> int:
    """Open the TUI; returns its exit code."""
    env = resolve_environment(args.path, allow_system=args.system)
    from envtui.ui.app import run_app

    return run_app(env, config_path=args.config)
