"""``envtui jobs``: the history of change jobs on an environment (or all), and one job's full log."""

from __future__ import annotations

import argparse
import time

from envtui.cli.common import add_env_options, add_json_option
from envtui.cli.config import add_config_option, config_from, environment_for
from envtui.cli.output import emit_json, say, say_output, table, warn
from envtui.core.display import argv_text
from envtui.core.errors import EnvtuiError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``envtui jobs``."""
    p = subparsers.add_parser(
        "jobs",
        help="show the history of change jobs",
        description="Show past install/upgrade/uninstall/sync jobs on the environment (as 'envtui list' "
        "finds it), newest first; --all for every environment. With an ID (or a unique start of one), "
        "that job and its full log.",
    )
    p.add_argument("id", nargs="?", metavar="ID", help="show this job and its full log (a unique prefix will do)")
    p.add_argument("--all", action="store_true", help="jobs on every environment")
    add_env_options(p)
    add_config_option(p)
    p.add_argument("--limit", type=int, default=50, help="at most this many jobs (default: 50)")
    add_json_option(p)
    p.set_defaults(run=run_jobs)


def _when(started: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)) if started else "-"


def _took(duration: float | None) -> str:
    return f"{duration:.1f} s" if duration is not None else "-"


def _job_id(given: str) -> str:
    """The one job id ``given`` names, whole or by a unique prefix."""
    from envtui.core.jobs import history

    ids = history.matching_ids(given)
    if not ids:
        raise UsageError(f"no such job: {given}", cause="see 'envtui jobs --all' for the ids")
    if len(ids) > 1:
        shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        raise UsageError(f"job id {given!r} is ambiguous: it starts {len(ids)} jobs", cause=shown)
    return ids[0]


def _show_job(args: argparse.Namespace) -> int:
    from envtui.core.jobs import history

    job_id = _job_id(args.id)
    try:
        record = history.read(job_id)
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
        f"   exit status {history.exit_text(record.returncode)}"
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


def run_jobs(args: argparse.Namespace) -> int:
    """``envtui jobs [ID] [--all]``."""
    from envtui.core.jobs import history

    if args.id:
        return _show_job(args)
    if args.all and args.venv:
        raise UsageError("give --venv or --all, not both")
    env = None
    if not args.all:
        env = environment_for(args, config_from(args), probe=False)
    skipped: list[str] = []
    records = history.load_all(env=str(env.path) if env else None, limit=max(args.limit, 1), skipped=skipped)
    for problem in skipped:  # one bad file is left out, never the whole history
        warn(problem)
    if args.json:
        emit_json([r.to_json() for r in records])
        return 0
    if env is not None:
        say(env.label)
    if not records:
        say("no jobs yet" + (" on this environment ('envtui jobs --all' lists every environment's)" if env else ""))
        return 0
    if env is None:
        rows = [[r.id, r.status, _when(r.started), _took(r.duration), r.env, r.description or r.kind] for r in records]
        print(table(["ID", "Status", "Started", "Took", "Environment", "Job"], rows))
    else:
        rows = [[r.id, r.status, _when(r.started), _took(r.duration), r.description or r.kind] for r in records]
        print(table(["ID", "Status", "Started", "Took", "Job"], rows))
    return 0
