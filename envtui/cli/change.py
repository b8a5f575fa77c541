"""Commands that change an environment: ``install``, ``upgrade``, ``uninstall``, ``sync``.

For scripts: they apply without asking, stream uv's output as it arrives, and exit 0 (done),
1 (uv failed; the environment is as it was), 2 (bad input; nothing ran), 130 (cancelled
with ctrl+c), or 143 / 129 when envtui itself got SIGTERM / SIGHUP (uv is stopped at once and
the job is recorded ``interrupted``). ``--dry-run`` prints only the preview uv computes. ``--json`` prints one JSON
document on stdout (uv's output then goes to stderr).

In a uv project's environment they go through the project (``uv add``, ``uv remove``, ``uv
sync``; see :mod:`envtui.cli.project`), unless ``--pip`` asks for the pip way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from envtui.cli.common import add_env_options, add_json_option, long_run_starts
from envtui.cli.config import add_config_option, config_from, environment_for
from envtui.cli.output import emit_json, say, say_output, warn
from envtui.cli.project import (
    add_pip_option,
    add_section_options,
    add_sync_options,
    check_sync_sections,
    print_preview,
    project_for,
    section_from,
    sync_options_from,
    uninstall_section,
)
from envtui.core.config import Config
from envtui.core.env.environment import OWN_ENVIRONMENT, Environment
from envtui.core.errors import UsageError

if TYPE_CHECKING:
    from envtui.core.env.packages import Inventory
    from envtui.core.jobs.change import ChangeRequest
    from envtui.core.project.detect import Project


def _common(p: argparse.ArgumentParser) -> None:
    add_env_options(p)
    add_config_option(p)
    p.add_argument("--dry-run", action="store_true", help="only show what would change (uv --dry-run)")
    add_json_option(p)
    add_pip_option(p)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the commands that change an environment."""
    p = subparsers.add_parser(
        "install",
        help="install packages",
        description="Install requirement specs (name, name==1.2, name[extra]>=2, 'name @ URL'), "
        "requirements files (-r) or local projects (--editable). Put specs after '--' "
        "when in doubt. In a uv project: uv add (into pyproject.toml and uv.lock).",
    )
    p.add_argument("specs", nargs="*", metavar="SPEC", help="a requirement spec (one per argument)")
    p.add_argument(
        "-r",
        "--requirement",
        action="append",
        default=[],
        metavar="FILE",
        help="install from a requirements file (repeatable)",
    )
    p.add_argument(
        "-e",
        "--editable",
        action="append",
        default=[],
        metavar="PATH",
        help="install a local project directory in editable mode (repeatable)",
    )
    add_section_options(p, "add to")
    _common(p)
    p.set_defaults(run=run_install)

    p = subparsers.add_parser(
        "upgrade",
        help="upgrade packages",
        description="Upgrade installed packages by name, or every outdated top-level package (--all). "
        "In a uv project: uv sync --upgrade-package NAME (or --upgrade), moving uv.lock and the environment together.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="an installed package")
    p.add_argument(
        "--all", action="store_true", help="every outdated top-level package (asks the index; lists them first)"
    )
    p.add_argument(
        "--latest",
        action="store_true",
        help="take the newest versions even where installed packages' requirements forbid them "
        "(the preview names what breaks)",
    )
    _common(p)
    p.set_defaults(run=run_upgrade)

    p = subparsers.add_parser(
        "uninstall",
        help="remove packages",
        description="Remove packages; warns, naming them, when installed packages require them. "
        "In a uv project: uv remove (from pyproject.toml, uv.lock and the environment).",
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="an installed package")
    add_section_options(p, "remove from")
    _common(p)
    p.set_defaults(run=run_uninstall)

    p = subparsers.add_parser(
        "sync",
        help="make the environment match a requirements file (or a uv project's lock) exactly",
        description="Install what FILE lists and remove everything else (uv pip sync). In a uv project, "
        "with no FILE: uv sync, with the options below passed through.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="a requirements file (e.g. requirements.txt)")
    add_sync_options(p)
    _common(p)
    p.set_defaults(run=run_sync)


def _writable_env(args: argparse.Namespace, *, probe: bool = True) -> tuple[Environment, Config]:
    """The environment to change, and the project configuration whose hooks run around the job.

    A configuration that cannot be read is bad input (exit 2): running without it would
    silently drop its hooks. ``probe=False`` when the venv only goes to uv: it is then read from
    its layout without running its interpreter (uv checks that), which saves start-up time, the
    CLI's overhead over uv.
    """
    config = config_from(args)
    env = environment_for(args, config, probe=probe)
    env.require_writable()
    if env.own:
        warn(f"{env.path} is {OWN_ENVIRONMENT}: this changes envtui's own dependencies (--venv names another)")
    return env, config


def run_install(args: argparse.Namespace) -> int:
    """``envtui install``."""
    from envtui.core.jobs.change import ChangeRequest

    env, config = _writable_env(args, probe=False)
    project = project_for(args, env)
    request = ChangeRequest.install(
        args.specs,
        requirements=args.requirement,
        editables=args.editable,
        project=project,
        section=section_from(args, project),
    )
    if project is not None:
        from envtui.core.project.manifest import left_out_by_sync

        caution = left_out_by_sync(project.pyproject, request.section)
        if caution:
            warn(caution)
    return _apply(args, env, config, request)


def run_upgrade(args: argparse.Namespace) -> int:
    """``envtui upgrade NAME...`` or ``envtui upgrade --all``."""
    from packaging.utils import canonicalize_name

    from envtui.core.env.outdated import dependencies_note, upgrade_all_choice
    from envtui.core.env.packages import fetch_outdated, list_packages
    from envtui.core.env.specs import validate_names
    from envtui.core.jobs.change import ChangeRequest
    from envtui.core.jobs.history import explicitly_installed

    if args.all and args.names:
        raise UsageError("give package names or --all, not both")
    if not args.all and not args.names:
        raise UsageError("nothing to upgrade", cause="give package names, or --all")
    names = validate_names(args.names)
    env, config = _writable_env(args)
    project = project_for(args, env)
    if project is not None:
        return _apply(args, env, config, _project_upgrade(args, project, names))
    inventory = list_packages(env, category_overrides=config.categories)
    if args.all:
        latest = fetch_outdated(env)
        outdated, left = upgrade_all_choice(inventory, latest, explicitly_installed(str(env.path)))
        if not outdated:
            _say(args, dependencies_note(left) if left else "every top-level package is up to date")
            if args.json:
                emit_json(
                    {
                        "dry_run": args.dry_run,
                        "kind": "upgrade",
                        "venv": str(env.path),
                        "packages": [],
                        "added": [],
                        "removed": [],
                        "changed": [],
                    }
                )
            return 0
        _say(args, f"outdated top-level packages ({len(outdated)}):")
        for package in outdated:
            _say(args, f"  {package.name} {package.version} -> {latest[package.key]}")
        names = [p.name for p in outdated]
    else:
        missing = [n for n in names if canonicalize_name(n) not in inventory.packages]
        if missing:
            raise UsageError(
                f"not installed: {', '.join(missing)}",
                cause="use 'envtui install' to add a package",
                hint=inventory.did_you_mean(missing),
            )
    return _apply(args, env, config, ChangeRequest.upgrade(names, latest=args.latest))


def run_uninstall(args: argparse.Namespace) -> int:
    """``envtui uninstall NAME...``: warns about installed packages that need them."""
    from packaging.utils import canonicalize_name

    from envtui.core.env.packages import list_packages
    from envtui.core.env.specs import validate_names
    from envtui.core.jobs.change import ChangeRequest

    names = validate_names(args.names)
    env, config = _writable_env(args)
    project = project_for(args, env)
    given = section_from(args, project)
    if project is not None:
        section = uninstall_section(project, names, given)
        inventory = list_packages(env, category_overrides=config.categories)
        _warn_what_remove_takes(project, names, inventory, dry_run=args.dry_run)
        return _apply(args, env, config, ChangeRequest.uninstall(names, project=project, section=section))
    if not args.dry_run:  # the job decides what is installed once it holds the environment's lock
        return _run_job(args, env, config, ChangeRequest.uninstall(names))
    with _lock_held(env):
        inventory = list_packages(env, category_overrides=config.categories)
        removing = {canonicalize_name(n) for n in names}
        present: list[str] = []
        for name in names:
            package = inventory.get(name)
            if package is None:
                guess = inventory.did_you_mean([name])
                warn(f"{name} is not installed" + (f"; {guess}" if guess else ""))
                continue
            present.append(package.name)
            dependents = [d for d in package.required_by if canonicalize_name(d) not in removing]
            if dependents:
                warn(f"{package.name} is required by {', '.join(dependents)}, which may stop working")
        if not present:
            _say(args, "nothing to uninstall")
            if args.json:
                emit_json(
                    {
                        "dry_run": args.dry_run,
                        "kind": "uninstall",
                        "venv": str(env.path),
                        "added": [],
                        "removed": [],
                        "changed": [],
                    }
                )
            return 0
        return _dry_run(args, env, ChangeRequest.uninstall(present))


def run_sync(args: argparse.Namespace) -> int:
    """``envtui sync FILE``, or in a uv project ``envtui sync`` (uv sync)."""
    from envtui.core.jobs.change import ChangeRequest

    options = sync_options_from(args)
    env, config = _writable_env(args, probe=False)
    project = project_for(args, env)
    if project is not None:
        if args.file is not None:
            raise UsageError(
                f"this is the environment of uv project {project.name}: envtui sync syncs it to uv.lock",
                cause="drop FILE to run uv sync, or pass --pip to sync to FILE (uv sync will undo this)",
            )
        check_sync_sections(project, options)
        return _apply(args, env, config, ChangeRequest.sync_project(project, options))
    if options is not None:
        raise UsageError(
            "--frozen, --locked, --extra, --group and the like need a uv project", cause="uv pip sync has no lock"
        )
    if args.file is None:
        raise UsageError("give a requirements file to sync to", cause="this environment is not a uv project's .venv")
    return _apply(args, env, config, ChangeRequest.sync(args.file))


def _project_upgrade(args: argparse.Namespace, project: Project, names: list[str]) -> ChangeRequest:
    """``uv sync --upgrade-package NAME…`` for locked names, or ``--upgrade`` for --all."""
    from envtui.core.jobs.change import ChangeRequest
    from envtui.core.project.lockfile import read_lock

    if args.latest:
        raise UsageError("--latest does not apply to a uv project", cause="uv.lock's resolution decides the versions")
    if args.all:
        _say(args, f"upgrading every package in uv.lock of project {project.name}")
        return ChangeRequest.upgrade([], project=project, everything=True)
    lock = read_lock(project.lock, project.name) if project.lock.is_file() else None
    missing = [n for n in names if lock is None or not lock.versions(n)]
    if missing:
        raise UsageError(
            f"not in uv.lock of project {project.name}: {', '.join(missing)}",
            cause="use 'envtui install' to add a package to the project",
        )
    return ChangeRequest.upgrade(names, project=project)


def _warn_what_remove_takes(project: Project, names: list[str], inventory: Inventory, *, dry_run: bool) -> None:
    """What stays installed because others need it, and what else uv remove takes (asked of uv
    here before a real run; a preview says it among its own warnings)."""
    from envtui.core.project.removal import remove_warnings
    from envtui.core.uv import Uv

    for line in remove_warnings(project, names, inventory, None if dry_run else Uv()):
        warn(line)


def _say(args: argparse.Namespace, line: str) -> None:
    """A line for the person at the terminal (stderr when stdout carries JSON)."""
    out = sys.stderr if args.json else sys.stdout
    say(line, file=out)
    out.flush()


def _apply(args: argparse.Namespace, env: Environment, config: Config, request: ChangeRequest) -> int:
    if args.dry_run:
        with _lock_held(env):
            return _dry_run(args, env, request)
    return _run_job(args, env, config, request)


@contextmanager
def _lock_held(env: Environment) -> Iterator[None]:
    """Hold the environment's lock, so a preview describes the environment a running job leaves."""
    import time

    from envtui.core.jobs.lock import POLL_INTERVAL, EnvLock

    lock = EnvLock(env.path)
    said = False
    try:
        while not lock.try_acquire("envtui preview"):
            if not said:
                who = lock.holder()
                warn(f"waiting for another job on this environment to finish{f' (pid {who})' if who else ''}")
                said = True
            time.sleep(POLL_INTERVAL)
        yield
    finally:
        lock.release()


def _dry_run(args: argparse.Namespace, env: Environment, request: ChangeRequest) -> int:
    from envtui.core.jobs.preview import preview
    from envtui.core.project.preview import ProjectPreview

    result = preview(env, request)
    if args.json:
        project = {"project": request.project.name} if request.project is not None else {}
        emit_json({"dry_run": True, "kind": request.kind, "venv": str(env.path), **project, **result.to_json()})
        return 0
    if request.project is not None:
        print_preview(request, result)
        if request.kind == "uninstall" and isinstance(result, ProjectPreview):  # an install's was said first
            for caution in result.cautions:  # what uv remove takes with it besides
                warn(caution)
        return 0
    if result.empty:
        print("no changes")
        for line in [*result.notes, *result.warnings]:
            say(line)
        return 0
    print(f"would {request.kind}: {result.summary()}")
    for change in result.changes:
        say(f"  {change}")
    for line in [*result.notes, *result.warnings]:
        say(line)
    return 0


def _run_job(args: argparse.Namespace, env: Environment, config: Config, request: ChangeRequest) -> int:
    """Run the job in this thread; ctrl+c cancels it."""
    from envtui.core.jobs.engine import JobEngine
    from envtui.core.jobs.job import Failure, Job, JobListener, Line, Status

    class Printer(JobListener):
        """Write uv's lines as they arrive: stdout to stdout (stderr under --json), stderr to stderr."""

        def on_lines(self, job: Job, lines: list[Line]) -> None:
            out = sys.stderr if args.json else sys.stdout
            for stream, line in lines:
                if stream == "envtui":
                    if not line.startswith("$ "):
                        say_output(f"envtui: {line}", file=sys.stderr)
                else:
                    say_output(line, file=out if stream == "stdout" else sys.stderr)
            out.flush()
            sys.stderr.flush()

    long_run_starts()
    job = JobEngine(listener=Printer(), config=config, flush_interval=0.02).run_blocking(env, request)
    if args.json:
        data = job.to_json()
        if request.project is not None:
            data["project"] = request.project.name
        emit_json(data)
    if job.status == Status.SUCCEEDED:
        return 0
    if job.status == Status.CANCELLED:
        print("error: cancelled", file=sys.stderr)
        return 130
    if job.status == Status.INTERRUPTED and job.stopped_by is not None:
        say(f"error: {job.message}", file=sys.stderr)
        return 128 + job.stopped_by
    uv_said_it = job.failure is Failure.UV and any(line.startswith("error:") for line in job.error_lines)
    if not args.json and not uv_said_it:  # uv's own error lines were printed as they came
        say(f"error: {job.message or 'uv failed'}", file=sys.stderr)
    return 1
