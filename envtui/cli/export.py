"""``envtui export``: the environment as a pinned requirements file, on stdout."""

from __future__ import annotations

import argparse
import sys

from envtui.cli.common import add_env_options
from envtui.cli.config import add_config_option, config_from, environment_for


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``envtui export``."""
    p = subparsers.add_parser(
        "export",
        help="print the environment as a pinned requirements file",
        description="Print every installed distribution, pinned (name==version, -e for editable "
        "projects), as a requirements file on stdout: 'envtui export > requirements.lock.txt'.",
    )
    add_env_options(p)
    add_config_option(p)
    p.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    """``envtui export``."""
    from envtui.core.env.export import pinned_requirements

    env = environment_for(args, config_from(args), probe=False)
    sys.stdout.write(pinned_requirements(env))
    return 0
