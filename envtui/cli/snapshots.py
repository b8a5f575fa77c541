"""``envtui snapshots`` (list, show, diff, export) and ``envtui rollback``.

A snapshot is taken before every change job. ``rollback`` restores one exactly, as a job of its
own (hooks run, and it is snapshotted first, so a rollback can be rolled back): exit 0 restored,
1 it cannot be restored (the lines that cannot be had are named; nothing was changed) or the job
failed, 2 a bad id or bad usage, 130 cancelled.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from envtui.cli.common import add_env_options, add_json_option
from envtui.cli.config import add_config_option, environment_for
from envtui.cli.output import emit_json, table, visible, warn
from envtui.core.errors import UsageError

SNAPSHOTS_USAGE = "envtui snapshots [show ID | diff ID [ID2] | export ID] [--venv PATH] [--json]"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``envtui snapshots`` and ``envtui rollback``."""
    p = subparsers.add_parser(
        "snapshots",
        help="list, show, compare and export the snapshots taken before each change",
        usage=SNAPSHOTS_USAGE,
        description="With no action: the environment's snapshots, newest first. "
        "'show ID': one snapshot, line for line. 'diff ID [ID2]': what changed from ID to now "
        "(or to ID2). 'export ID': a pinned requirements file on stdout, for 'uv pip sync'. "
        "An ID may be any unique prefix.",
    )
    p.add_argument("words", nargs="*", metavar="ACTION", help="show ID | diff ID [ID2] | export ID")
    add_env_options(p)
    add_json_option(p)
    p.set_defaults(run=run_snapshots)

    p = subparsers.add_parser(
        "rollback",
        help="restore a snapshot exactly (the state before the last change, by default)",
        description="Restore the newest snapshot that differs from now (the state before the last "
        "change; after a rollback, the state it replaced) or the one given, exactly, with uv pip sync. "
        "Checked with uv's --dry-run first: lines that cannot be had are named and nothing changes.",
    )
    p.add_argument("id", nargs="?", metavar="ID", help="the snapshot to restore (a unique prefix will do)")
    add_env_options(p)
    add_config_option(p)
    p.add_argument("--dry-run", action="store_true", help="only show what the rollback would change")
    add_json_option(p)
    p.set_defaults(run=run_rollback)


def _store(args: argparse.Namespace):
    """The snapshot store of the environment the options name (which may be gone, to export from it)."""
    from envtui.core.config import Config, load_config
    from envtui.core.snapshots.store import SnapshotStore

    try:
        config = load_config(None)
    except UsageError:
        config = Config()
    try:
        env = environment_for(args, config, probe=False)
    except UsageError:
        if args.venv and SnapshotStore(Path(args.venv).expanduser()).ids():
            return SnapshotStore(Path(args.venv).expanduser()), None  # the venv is gone; its snapshots are not
        raise
    return SnapshotStore(env.path), env


def _when(snapshot) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(snapshot.time))


def _outcome(snapshot) -> str | None:
    from envtui.core.jobs import history

    if not snapshot.job:
        return None
    record = history.load(snapshot.job)
    return record.status if record is not None else None


def _report_problems(problems: list[str]) -> None:
    for problem in problems:
        warn(f"skipped a snapshot that cannot be read: {visible(problem)}")


def run_snapshots(args: argparse.Namespace) -> int:
    """``envtui snapshots [show ID | diff ID [ID2] | export ID]``."""
    words = list(args.words)
    action = words.pop(0) if words else "list"
    expected = {"list": (0, 0), "show": (1, 1), "diff": (1, 2), "export": (1, 1)}
    if action not in expected:
        raise UsageError(f"unknown action: {visible(action)}", cause=f"usage: {SNAPSHOTS_USAGE}")
    low, high = expected[action]
    if not low <= len(words) <= high:
        raise UsageError(f"wrong number of ids for '{action}'", cause=f"usage: {SNAPSHOTS_USAGE}")
    store, env = _store(args)
    if action == "list":
        return _list(args, store)
    snapshot = store.load(words[0])
    if action == "show":
        return _show(args, snapshot)
    if action == "export":
        return _export(snapshot)
    other = store.load(words[1]) if len(words) > 1 else None
    return _diff(args, snapshot, other, env)


def _list(args: argparse.Namespace, store) -> int:
    listing = store.listing()
    _report_problems(listing.problems)
    summaries = [s.summary_json(_outcome(s)) for s in listing.snapshots]
    if args.json:
        emit_json(summaries)
        return 0
    if not summaries:
        print(f"no snapshots of {visible(store.env)} yet (one is taken before every change job)")
        return 0
    rows = [
        [s["id"], _when(snap), str(s["packages"]), s["outcome"] or "-", visible(s["reason"])]
        for s, snap in zip(summaries, listing.snapshots, strict=True)
    ]
    print(visible(store.env))
    print(table(["ID", "Taken", "Packages", "Outcome", "Reason"], rows))
    return 0


def _show(args: argparse.Namespace, snapshot) -> int:
    outcome = _outcome(snapshot)
    if args.json:
        emit_json(
            {
                **snapshot.summary_json(outcome),
                "env": snapshot.env,
                "python": snapshot.python,
                "envtui": snapshot.envtui,
                "kind": snapshot.kind,
                "target": snapshot.target,
                "lines": list(snapshot.freeze),
                "project": snapshot.project.root if snapshot.project is not None else None,
            }
        )
        return 0
    print(f"snapshot {snapshot.id}: {visible(snapshot.reason)}")
    print(f"  environment: {visible(snapshot.env)}")
    print(f"  taken:       {_when(snapshot)}   Python {visible(snapshot.python)}   envtui {visible(snapshot.envtui)}")
    print(f"  job:         {snapshot.job or '-'} ({outcome or 'no record'})")
    print(f"  packages:    {snapshot.packages}")
    if snapshot.project is not None:
        kept = "pyproject.toml and uv.lock" if snapshot.project.lock is not None else "pyproject.toml (no uv.lock)"
        print(f"  project:     {visible(snapshot.project.root)} ({kept} kept)")
    for line in snapshot.freeze:
        print(f"  {visible(line)}")
    return 0


def _export(snapshot) -> int:
    sys.stdout.write(
        f"# envtui snapshot {snapshot.id}, taken {snapshot.iso_time} with Python {visible(snapshot.python)}\n"
        f"# {visible(snapshot.reason)}\n"
    )
    from envtui.core.snapshots.freeze import is_freeze_line

    for line in snapshot.freeze:  # a line uv could not have printed is not handed on as an option
        sys.stdout.write(f"{visible(line)}\n" if is_freeze_line(line) else f"# refused: {visible(line)}\n")
    return 0


def _diff(args: argparse.Namespace, snapshot, other, env) -> int:
    from envtui.core.snapshots.diff import diff_lines
    from envtui.core.snapshots.freeze import freeze

    if other is None:
        if env is None:
            raise UsageError(f"{visible(snapshot.env)} is gone: nothing to compare with", cause="give a second id")
        result = diff_lines(snapshot.lines, freeze(env).lines)
    else:
        result = diff_lines(snapshot.lines, other.lines)
    if args.json:
        emit_json({"from": snapshot.id, "to": other.id if other else None, **result.to_json()})
        return 0
    print(f"from snapshot {snapshot.id} to {('snapshot ' + other.id) if other else 'now'}: {result.summary()}")
    for change in result.changes:
        print(f"  {visible(str(change))}")
    return 0


def run_rollback(args: argparse.Namespace) -> int:
    """``envtui rollback [ID]``: checked with the environment's lock held, then run as a job."""
    from envtui.cli.change import _lock_held, _run_job, _writable_env
    from envtui.core.jobs.change import ChangeRequest

    env, config = _writable_env(args, probe=False)
    with _lock_held(env):  # decide on the environment a running job leaves, not on one it is changing
        decided = _decide(args, env)
    if isinstance(decided, int):
        return decided
    store, plan = decided
    snapshot = plan.snapshot
    say = sys.stderr if args.json else sys.stdout
    print(
        f"rolling back to snapshot {snapshot.id} ({_when(snapshot)}, {visible(snapshot.reason)}): "
        f"{plan.diff.summary()}" + (f"; and {' and '.join(plan.files)}" if plan.files else ""),
        file=say,
        flush=True,
    )
    path = store.write_requirements(snapshot)
    try:
        request = ChangeRequest.rollback(snapshot.id, path, reinstall=plan.reinstall)
        return _run_job(args, env, config, request)
    finally:
        try:
            path.unlink()
        except OSError:
            pass


def _decide(args: argparse.Namespace, env):
    """Which snapshot, and whether it can be restored: an exit code when that ends it, else (store, plan)."""
    from envtui.core.snapshots.freeze import freeze
    from envtui.core.snapshots.project import read_project_files
    from envtui.core.snapshots.restore import newest_different, plan_restore
    from envtui.core.snapshots.store import SnapshotStore

    store = SnapshotStore(env.path)
    current = freeze(env).lines
    if args.id:
        snapshot = store.load(args.id)
    else:
        listing = store.listing()
        _report_problems(listing.problems)
        newest_other = newest_different(listing, current, read_project_files(env.path))
        if newest_other is None:
            if not listing.snapshots:
                raise UsageError(
                    f"no snapshots of {visible(store.env)} yet", cause="one is taken before every change job"
                )
            newest = listing.snapshots[0]
            return _unchanged(args, env, newest, "the environment matches every snapshot: nothing to roll back")
        snapshot = newest_other
    plan = plan_restore(env, snapshot, store, current=current)
    if not plan.restorable:
        return _refused(args, env, plan)
    if plan.unchanged:
        return _unchanged(args, env, snapshot, f"the environment already matches snapshot {snapshot.id}")
    if args.dry_run:
        if args.json:
            emit_json(
                {
                    "dry_run": True,
                    "kind": "rollback",
                    "venv": str(env.path),
                    "snapshot": snapshot.id,
                    **plan.diff.to_json(),
                    "files": list(plan.files),
                }
            )
            return 0
        print(f"would roll back to snapshot {snapshot.id} ({_when(snapshot)}, {visible(snapshot.reason)}):")
        print(f"  {plan.diff.summary()}")
        for change in plan.diff.changes:
            print(f"  {visible(str(change))}")
        if plan.files:
            print(f"  and restore {' and '.join(plan.files)}")
        return 0
    return store, plan


def _unchanged(args: argparse.Namespace, env, snapshot, message: str) -> int:
    if args.json:
        emit_json(
            {
                "dry_run": bool(args.dry_run),
                "kind": "rollback",
                "venv": str(env.path),
                "snapshot": snapshot.id,
                "added": [],
                "removed": [],
                "changed": [],
            }
        )
    else:
        print(message)
    return 0


def _refused(args: argparse.Namespace, env, plan) -> int:
    snapshot = plan.snapshot
    if args.json:
        emit_json(
            {
                "dry_run": bool(args.dry_run),
                "kind": "rollback",
                "venv": str(env.path),
                "snapshot": snapshot.id,
                "restorable": False,
                "problems": [p.to_json() for p in plan.problems],
                **plan.diff.to_json(),
            }
        )
    print(
        f"error: snapshot {snapshot.id} cannot be restored: {len(plan.problems)} line(s) cannot be had; "
        "the environment was not changed",
        file=sys.stderr,
    )
    for problem in plan.problems:
        print(f"  cannot be had: {visible(problem.line)}: {visible(problem.reason)}", file=sys.stderr)
    return 1
