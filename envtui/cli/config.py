"""``--config PATH`` and the environment a configuration names, for the commands that read it."""

from __future__ import annotations

import argparse
import sys

from envtui.core.config import Config, load_config
from envtui.core.env.environment import Environment, resolve_environment


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config PATH``: the envtui.toml or pyproject.toml to use instead of the one found."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="envtui.toml or pyproject.toml with [tool.envtui] (default: found from here upwards)",
    )


def config_from(args: argparse.Namespace) -> Config:
    """The configuration the options name, or the one found from the current directory."""
    return load_config(getattr(args, "config", None))


def environment_for(args: argparse.Namespace, config: Config, *, probe: bool = True) -> Environment:
    """``--venv`` when given, else the configuration's ``venv``, else the default rule."""
    given = getattr(args, "venv", None)
    target = given if given is not None else config.venv
    env = resolve_environment(target, allow_system=getattr(args, "system", False), probe=probe)
    if env.note:  # the default rule skipped $VIRTUAL_ENV: say which environment this is instead
        print(f"envtui: {env.note}", file=sys.stderr)
    return env
