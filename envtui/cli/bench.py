"""``envtui bench``: uv against pip on the user's own requirements, as a table or JSON.

Progress goes to stderr while it runs (one line kept up to date on a terminal, a line per
finished step otherwise); the table or the JSON goes to stdout at the end, also after ctrl+c
(exit 130, with what was measured) or a failing tool (exit 1). Rich is imported only to print
the table, so the other commands start as fast as before.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from envtui.cli.common import add_json_option, long_run_starts
from envtui.cli.config import add_config_option, config_from
from envtui.cli.output import emit_json, visible
from envtui.core.bench.results import PHASE_NOTES, BenchReport, format_seconds, table_rows
from envtui.core.bench.runner import Progress
from envtui.core.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``bench``."""
    p = subparsers.add_parser(
        "bench",
        help="compare uv and pip installing your requirements",
        description="Install the requirements with pip and with uv in throwaway venvs: cold (empty "
        "caches), warm (caches kept) and resolution only, N runs each, alternating which tool goes "
        "first. Prints the medians with min–max and the speedup (pip / uv), with a row per package "
        "category when the requirements span several. Nothing outside a temporary directory is "
        "touched, and it is removed even on ctrl+c (exit 130, printing what was measured).",
    )
    p.add_argument(
        "requirements",
        nargs="*",
        metavar="REQUIREMENTS",
        help="requirements file or pyproject.toml (default: the configuration's requirements)",
    )
    p.add_argument("--runs", type=_positive, default=3, metavar="N", help="runs of each measurement (default: 3)")
    p.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for packages here, for both tools (repeatable)",
    )
    p.add_argument("--no-index", action="store_true", help="use no package index, for both tools")
    p.add_argument("--index-url", metavar="URL", help="the package index both tools use (default: PyPI)")
    p.add_argument(
        "--python",
        metavar="PYTHON",
        help="interpreter the throwaway venvs are made from (default: the environment's, as for list)",
    )
    add_config_option(p)
    add_json_option(p)
    p.set_defaults(run=run_bench)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class ProgressLine:
    """Progress on stderr: one line rewritten in place on a terminal, a line per step otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()

    def __call__(self, progress: Progress) -> None:
        """Show one progress event."""
        step = f"[{progress.step}/{progress.total}] " if progress.step else ""
        label = visible(progress.label)
        if self.tty:
            total = time.monotonic() - self.started
            state = format_seconds(progress.elapsed) if progress.done else f"{progress.elapsed:.0f} s…"
            text = f"{step}{label}: {state}  ({total:.0f} s in all, ctrl+c stops)"
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.stream.write("\r\x1b[2K" + text[:width])
            self.stream.flush()
        elif progress.done:
            print(f"{step}{label}: {format_seconds(progress.elapsed)}", file=self.stream, flush=True)
        elif not progress.step and not progress.elapsed:
            print(label, file=self.stream, flush=True)

    def close(self) -> None:
        """Clear the line before the table is printed."""
        if self.tty:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


@contextlib.contextmanager
def _interrupted_by_hangup_and_term() -> Iterator[None]:
    """SIGTERM and SIGHUP (a closed SSH session) stop the benchmark as ctrl+c does, so it cleans up."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _python_for(args: argparse.Namespace, config) -> Path:
    """``--python``, else the interpreter of the environment envtui would open."""
    if args.python:
        found = shutil.which(args.python) if "/" not in args.python else args.python
        if not found or not Path(found).exists():
            raise UsageError(f"no such python: {args.python}")
        return Path(found)
    from envtui.core.env.environment import resolve_environment

    return resolve_environment(config.venv, probe=False).python


def run_bench(args: argparse.Namespace) -> int:
    """``envtui bench``."""
    from envtui.core.bench.plan import BenchOptions
    from envtui.core.bench.runner import run_bench as bench

    config = config_from(args)
    files = tuple(Path(f) for f in args.requirements) if args.requirements else tuple(config.requirements)
    if not files:
        raise UsageError(
            "no requirements to benchmark",
            cause="name a requirements file, or set 'requirements' in envtui.toml",
        )
    for folder in args.find_links:
        if "://" not in folder and not Path(folder).exists():
            raise UsageError(f"--find-links: no such directory: {folder}")
    options = BenchOptions(
        requirements=files,
        python=_python_for(args, config),
        runs=args.runs,
        index_url=args.index_url,
        find_links=tuple(str(Path(f).resolve()) if "://" not in f else f for f in args.find_links),
        no_index=args.no_index,
        category_overrides=config.categories,
    )
    progress = ProgressLine()
    try:
        with _interrupted_by_hangup_and_term():
            long_run_starts()
            report = bench(options, on_progress=progress)
    finally:
        progress.close()
    if args.json:
        emit_json(report.to_json())
    else:
        print_table(report)
    if report.error:
        print(f"error: {visible(report.error)}", file=sys.stderr)
        return 1
    if report.interrupted:
        print(f"interrupted after {report.completed_runs} of {report.runs} runs", file=sys.stderr)
        return 130
    return 0


def print_table(report: BenchReport) -> None:
    """The reference's table (phase, packages, pip, uv, speedup), with Rich."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Phase")
    table.add_column("Packages", justify="right")
    table.add_column(f"pip {report.pip_version}".strip(), justify="right")
    table.add_column(f"uv {report.uv_version}".strip(), justify="right")
    table.add_column("Speedup", justify="right", style="bold")
    for cells in table_rows(report):
        table.add_row(*(Text(visible(cell)) for cell in cells))
    # Into a file or a pipe the table keeps its lines whole (Rich would wrap at 80 columns).
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    console.print(table)
    if report.interrupted or report.error:
        runs = (
            f"stopped in run {min(report.completed_runs + 1, report.runs)} of {report.runs}: medians of what finished"
        )
    else:
        runs = f"median of {report.runs} runs"
    load = report.load_before
    notes = [
        f"{runs} (min–max); Python {report.python}; {report.cpus} CPUs" + (f", load {load[0]:.2f}" if load else ""),
        f"cold: {PHASE_NOTES['cold_install']}; warm: {PHASE_NOTES['warm_install']}; "
        f"resolution: {PHASE_NOTES['resolution']}",
    ]
    if report.categories:
        notes.append("category rows: the file's requirements of that category installed alone, cold")
    if report.index_args:
        notes.append("index options for both: " + " ".join(report.index_args))
    for note in notes:
        console.print(Text(visible(note), style="dim"))
