"""The headless command line: ``envtui COMMAND …`` for scripts, ``envtui [PATH]`` for the TUI.

Speaks like uv: exit 0 ok, 1 the operation failed, 2 bad usage or input; errors are one
``error:`` line on stderr with an optional ``cause:`` line, never a traceback. Nothing here
imports Textual; the TUI is imported only when it is opened.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from envtui import __version__
from envtui.cli.output import fail, guarded
from envtui.core.errors import EnvtuiError, UsageError

#: Subcommand name -> module under ``envtui.cli`` defining ``register(subparsers)``.
COMMANDS: dict[str, str] = {
    "list": "envtui.cli.inspect",
    "info": "envtui.cli.inspect",
    "tree": "envtui.cli.inspect",
    "envs": "envtui.cli.inspect",
    "export": "envtui.cli.export",
    "install": "envtui.cli.change",
    "upgrade": "envtui.cli.change",
    "uninstall": "envtui.cli.change",
    "sync": "envtui.cli.change",
    "jobs": "envtui.cli.jobs",
    "snapshots": "envtui.cli.snapshots",
    "rollback": "envtui.cli.snapshots",
    "diff": "envtui.cli.diff",
    "verify": "envtui.cli.verify",
    "trust": "envtui.cli.verify",
    "bench": "envtui.cli.bench",
    "migrate": "envtui.cli.migrate",
}

DESCRIPTION = """\
See and change a Python virtual environment through uv, safely.

  envtui [PATH]            open the TUI on PATH (a venv, a project with .venv, or a python)
  envtui COMMAND [...]     run one command headless (see below)

With no PATH: $VIRTUAL_ENV, else ./.venv (or a parent's), else envtui's own interpreter;
a project's .venv wins over a $VIRTUAL_ENV that is envtui's own environment.
"""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one ``error:`` line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, cause=f"see '{self.prog} --help'")


def build_parser(only: str | None = None) -> Parser:
    """The command-line parser: every subcommand, or only ``only``'s module (faster start-up)."""
    parser = Parser(
        prog="envtui",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"envtui {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    registered: set[str] = set()
    modules = [COMMANDS[only]] if only in COMMANDS else COMMANDS.values()
    for module_name in dict.fromkeys(modules):
        if module_name not in registered:
            importlib.import_module(module_name).register(subparsers)
            registered.add(module_name)
    return parser


def build_open_parser() -> Parser:
    """The parser for ``envtui [PATH]``: opening the TUI."""
    parser = Parser(prog="envtui", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", help="environment to open")
    parser.add_argument("--venv", metavar="PATH", help="environment to open (as PATH, for those used to the commands)")
    parser.add_argument("--system", action="store_true", help="allow changing a non-venv interpreter")
    parser.add_argument("--config", metavar="PATH", help="envtui.toml or pyproject.toml to use")
    return parser


def _first_positional(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def _refuse_unknown_command(argv: Sequence[str]) -> None:
    """``envtui instal six``: a mistyped command, not a path to open, so say which command was meant.

    A single word that is no path and looks like no command is left to the open parser, which says
    there is no environment there.
    """
    known, others = build_open_parser().parse_known_args(argv)
    word = known.path
    if word is None or os.path.lexists(word):
        return
    import difflib

    guesses = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if guesses or others:
        raise UsageError(
            f"unknown command: {word}",
            cause="see 'envtui --help'",
            hint=f"did you mean {guesses[0]}?" if guesses else None,
        )


def _command_first(argv: list[str]) -> list[str]:
    """``envtui --venv PATH list`` read as ``envtui list --venv PATH``: ``--venv`` may come before
    the command, as uv's global options may."""
    moved: list[str] = []
    rest = argv
    while rest and (rest[0] == "--venv" or rest[0].startswith("--venv=")):
        taken = 1 if "=" in rest[0] else 2
        moved, rest = moved + rest[:taken], rest[taken:]
    if moved and rest and rest[0] in COMMANDS:
        return [rest[0], *moved, *rest[1:]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Run envtui; returns the exit code."""
    # Most of a command's start-up is importing modules, and the cyclic collector would walk the
    # objects they make again and again (about 20 ms of an install). Commands are short, so it
    # stays off; one that waits on something long turns it back on (``common.long_run_starts``).
    # Only as the process's entry point: a caller in the same process keeps its collector.
    if argv is None:
        gc.disable()
    args_list = _command_first(list(sys.argv[1:] if argv is None else argv))
    if args_list == ["--version"]:  # not worth building every command's parser for
        print(f"envtui {__version__}")
        return 0
    try:
        first = _first_positional(args_list)
        wants_info = any(a in ("-h", "--help", "--version") for a in args_list[:1])
        if first in COMMANDS or wants_info or (first is None and any(a in ("-h", "--help") for a in args_list)):
            args = build_parser(first if first in COMMANDS and not wants_info else None).parse_args(args_list)
            if not hasattr(args, "run"):
                build_parser().print_help()
                return 0
            with guarded():  # nothing a command prints can drive the terminal
                return int(args.run(args) or 0)
        _refuse_unknown_command(args_list)
        args = build_open_parser().parse_args(args_list)
        from envtui.cli.open import open_tui

        return open_tui(args)
    except EnvtuiError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. ``envtui list | head``); exit quietly like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if os.environ.get("ENVTUI_DEBUG"):
            raise
        return fail(
            EnvtuiError(f"internal error: {type(exc).__name__}: {exc}", cause="set ENVTUI_DEBUG=1 for a traceback")
        )
