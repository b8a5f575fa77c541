"""``envtui jobs``: the history of change jobs, and one job's full log."""

from __future__ import annotations

import argparse
import time

from envtui.cli.common import add_json_option
from envtui.cli.output import emit_json, say, say_output, table, warn
from envtui.core.display import argv_text
from envtui.core.errors import EnvtuiError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``envtui jobs``."""
    p = subparsers.add_parser(
        "jobs",
        help="show the history of change jobs",
        description="Show past install/upgrade/uninstall/sync jobs, newest first; "
        "with an ID, that job and its full log.",
    )
    p.add_argument("id", nargs="?", metavar="ID", help="show this job and its full log")
    p.add_argument("--venv", metavar="PATH", help="only jobs on this environment")
    p.add_argument("--limit", type=int, default=50, help="at most this many jobs (default: 50)")
    add_json_option(p)
    p.set_defaults(run=run_jobs)


def _when(started: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)) if started else "-"


def _took(duration: float | None) -> str:
    return f"{duration:.1f} s" if duration is not None else "-"


def run_jobs(args: argparse.Namespace) -> int:
    """``envtui jobs [ID]``."""
    from envtui.core.jobs import history

    if args.id:
        try:
            record = history.read(args.id)
        except FileNotFoundError:
            raise UsageError(f"no such job: {args.id}", cause="see 'envtui jobs' for the ids") from None
        except (OSError, ValueError) as exc:
            raise EnvtuiError(f"cannot read the record of job {args.id}", cause=str(exc)) from None
        log = history.read_log(record.id)
        if args.json:
            emit_json({**record.to_json(), "log_lines": log})
            return 0
        say(f"job {record.id}: {record.description or record.kind} — {record.status}")
        say(f"  environment: {record.env}")
        say(
            f"  started:     {_when(record.started)}   took {_took(record.duration)}"
            f"   exit status {record.returncode if record.returncode is not None else '-'}"
        )
        say(f"  command:     {argv_text(record.command)}")
        say(f"  log:         {record.log}")
        if record.snapshot:
            what = "the job was interrupted; " if record.status == "interrupted" else ""
            undo = f"envtui rollback {record.snapshot}"
            say(f"  snapshot:    {record.snapshot} ({what}'{undo}' restores the state before it)")
        for line in log:
            say_output(f"  | {line}")
        return 0
    env = None
    if args.venv:
        from envtui.core.env.environment import resolve_environment

        env = str(resolve_environment(args.venv, allow_system=True).path)
    skipped: list[str] = []
    records = history.load_all(env=env, limit=max(args.limit, 1), skipped=skipped)
    for problem in skipped:  # one bad file is left out, never the whole history
        warn(problem)
    if args.json:
        emit_json([r.to_json() for r in records])
        return 0
    if not records:
        print("no jobs yet")
        return 0
    rows = [[r.id, r.status, _when(r.started), _took(r.duration), r.env, r.description or r.kind] for r in records]
    print(table(["ID", "Status", "Started", "Took", "Environment", "Job"], rows))
    return 0
