"""Options and steps shared by the CLI commands."""

from __future__ import annotations

import argparse
import gc


def add_env_options(parser: argparse.ArgumentParser) -> None:
    """``--venv PATH`` and ``--system``, on every command that works on an environment."""
    parser.add_argument(
        "--venv",
        metavar="PATH",
        help="venv dir, project dir with .venv, or python executable (default: $VIRTUAL_ENV, ./.venv, this python)",
    )
    parser.add_argument("--system", action="store_true", help="allow changing an interpreter that is not a venv")


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json``: machine-readable output."""
    parser.add_argument("--json", action="store_true", help="print JSON")


def long_run_starts() -> None:
    """Turn the cyclic collector back on before a command waits on something long (a job, a
    benchmark): :func:`envtui.cli.main` keeps it off while modules are imported, where it would
    walk the same new objects again and again, about 20 ms of a command's start-up."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
