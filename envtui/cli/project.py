"""The CLI in a uv project: which way a change goes, its options, and how its preview reads.

In a project's environment the change commands go through the project (``uv add``, ``uv
remove``, ``uv sync``) unless ``--pip`` asks for the pip way, which is then done with a
warning: ``uv sync will undo this``. ``--dev``, ``--group G`` and ``--optional X`` say where
``install`` declares (and ``uninstall`` looks for) a dependency; ``sync`` passes ``--frozen``,
``--locked`` and its extras and groups through to ``uv sync``.
"""

from __future__ import annotations

import argparse
import sys

from envtui.cli.output import say, warn
from envtui.core.env.environment import Environment
from envtui.core.errors import UsageError
from envtui.core.project.detect import Project, find_project
from envtui.core.project.manifest import Section

#: The warning every pip-way change in a project carries (a contract).
UNDO = "uv sync will undo this"


def add_pip_option(parser: argparse.ArgumentParser) -> None:
    """``--pip``: in a uv project, change the environment alone, the uv pip way."""
    parser.add_argument(
        "--pip",
        action="store_true",
        help=f"in a uv project: change only the environment, with uv pip, not pyproject.toml/uv.lock ({UNDO})",
    )


def add_section_options(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--dev`` / ``--group G`` / ``--optional X``: where in pyproject.toml (uv add / uv remove)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--dev", action="store_true", help=f"in a uv project: {verb} the dev dependency group")
    where.add_argument("--group", metavar="GROUP", help=f"in a uv project: {verb} this dependency group")
    where.add_argument("--optional", metavar="EXTRA", help=f"in a uv project: {verb} this extra's dependencies")


def add_sync_options(parser: argparse.ArgumentParser) -> None:
    """What ``envtui sync`` passes through to ``uv sync`` in a project."""
    lock = parser.add_mutually_exclusive_group()
    lock.add_argument("--frozen", action="store_true", help="uv sync --frozen: install uv.lock as it is")
    lock.add_argument("--locked", action="store_true", help="uv sync --locked: fail if uv.lock is out of date")
    parser.add_argument("--inexact", action="store_true", help="uv sync --inexact: keep packages uv.lock does not name")
    parser.add_argument("--extra", action="append", default=[], metavar="EXTRA", help="also install an extra")
    parser.add_argument("--all-extras", action="store_true", help="install every extra")
    parser.add_argument(
        "--group", dest="sync_groups", action="append", default=[], metavar="GROUP", help="also install a group"
    )
    parser.add_argument("--all-groups", action="store_true", help="install every dependency group")
    parser.add_argument("--no-dev", action="store_true", help="leave out the dev group")


def project_for(args: argparse.Namespace, env: Environment) -> Project | None:
    """The project a change goes through: None for a plain venv, or with ``--pip`` (which then warns)."""
    project = find_project(env.path)
    if project is not None and getattr(args, "pip", False):
        warn(f"{UNDO}: --pip changes the environment of project {project.name} but not pyproject.toml or uv.lock")
        return None
    return project


def section_from(args: argparse.Namespace, project: Project | None) -> Section | None:
    """The section ``--dev`` / ``--group`` / ``--optional`` name; UsageError outside a project."""
    # an empty name is given too (and refused as a name), not taken for no flag at all
    flag = "--dev" if getattr(args, "dev", False) else "--group" if getattr(args, "group", None) is not None else None
    flag = flag or ("--optional" if getattr(args, "optional", None) is not None else None)
    if flag is None:
        return None
    if project is None:
        if getattr(args, "pip", False):
            raise UsageError(f"{flag} cannot be used with --pip", cause="uv pip changes no pyproject.toml")
        raise UsageError(
            f"{flag} needs a uv project",
            cause="this environment is not the .venv of a project with pyproject.toml and uv.lock",
        )
    if args.dev:
        return Section.dev()
    return Section.group(args.group) if args.group is not None else Section.optional(args.optional)


def sync_options_from(args: argparse.Namespace):
    """The ``uv sync`` options given; None when none was."""
    from envtui.core.project.commands import SyncOptions

    given = any(
        (args.frozen, args.locked, args.inexact, args.extra, args.all_extras, args.sync_groups, args.all_groups)
    ) or bool(args.no_dev)
    if not given:
        return None
    return SyncOptions.checked(
        frozen=args.frozen,
        locked=args.locked,
        inexact=args.inexact,
        extras=args.extra,
        all_extras=args.all_extras,
        groups=args.sync_groups,
        all_groups=args.all_groups,
        no_dev=args.no_dev,
    )


def uninstall_section(project: Project, names: list[str], given: Section | None) -> Section:
    """Where ``uv remove`` must look for the names: the one section that declares them all.

    A name declared nowhere, in several sections, or names spread over sections is a UsageError
    that says which sections there are, before uv runs.
    """
    from envtui.core.project.lockfile import read_lock
    from envtui.core.project.manifest import read_manifest

    manifest = read_manifest(project.pyproject)
    lock = read_lock(project.lock, project.name) if project.lock.is_file() else None
    found: dict[str, list[Section]] = {name: manifest.sections_of(name) for name in names}
    for name, sections in found.items():
        if given is not None and given not in sections:
            where = ", ".join(s.describe() for s in sections)
            raise UsageError(
                f"{name} is not in the {given.describe()} of project {project.name}",
                cause=f"it is declared in {where}" if where else "pyproject.toml does not declare it",
            )
        if not sections:
            needed = lock.required_by(name) if lock is not None else []
            if needed:
                cause = f"{', '.join(needed)} require{'s' if len(needed) == 1 else ''} it; remove that instead"
            elif lock is not None and lock.versions(name):
                cause = "uv.lock has it, but pyproject.toml does not declare it"
            else:
                cause = f"use --pip to uninstall it from the environment only ({UNDO} only if uv.lock names it)"
            raise UsageError(f"{name} is not a dependency of project {project.name}", cause=cause)
        if given is None and len(sections) > 1:
            where = " and ".join(s.describe() for s in sections)
            raise UsageError(
                f"{name} is declared in {where}", cause="say which with --dev, --group GROUP or --optional EXTRA"
            )
    if given is not None:
        return given
    chosen = {sections[0] for sections in found.values()}
    if len(chosen) > 1:
        raise UsageError(
            "the names are declared in different sections: " + ", ".join(s.describe() for s in chosen),
            cause="remove them one section at a time",
        )
    return chosen.pop()


def membership_of(project: Project | None):
    """``name -> (group, direct)`` from uv.lock; ``(None, None)`` for every name outside a project."""
    if project is None or not project.lock.is_file():
        return lambda name: (None, None)
    from envtui.core.project.lockfile import read_lock

    lock = read_lock(project.lock, project.name)
    return lock.membership


def print_preview(request, preview) -> None:
    """A project change's preview for people: the summary, then pyproject.toml, uv.lock, the environment."""
    if preview.empty:
        say("no changes")
        return
    say(f"would {request.kind}: {preview.summary()}")
    sections = [
        ("pyproject.toml", list(preview.manifest_changes)),
        ("uv.lock", [str(c) for c in preview.lock_changes]),
        ("environment", [str(c) for c in preview.changes]),
    ]
    for title, lines in sections:
        if lines:
            say(f"{title}:")
            for line in lines:
                say(f"  {line}")
    sys.stdout.flush()


def check_sync_sections(project: Project, options) -> None:
    """A UsageError (one line) for an ``--extra`` or ``--group`` that pyproject.toml does not define."""
    from packaging.utils import canonicalize_name

    from envtui.core.project.manifest import OPTIONAL, read_manifest

    if options is None:
        return
    declared = read_manifest(project.pyproject).declared
    extras = {canonicalize_name(s.name) for s in declared if s.kind == OPTIONAL}
    groups = {canonicalize_name(s.name) for s in declared if s.kind in ("dev", "group")}
    for what, names, known in (("extra", options.extras, extras), ("group", options.groups, groups)):
        for name in names:
            if canonicalize_name(name) not in known:
                have = ", ".join(sorted(known)) or "none"
                raise UsageError(f"project {project.name} has no {what} {name} (its {what}s: {have})")
