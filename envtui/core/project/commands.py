"""The uv command lines that change a project: ``uv add``, ``uv remove``, ``uv lock``, ``uv sync``.

Each runs with ``--directory ROOT``, as if its owner typed it in the project directory (so
``uv.toml`` and ``[tool.uv]`` apply), and inherits the user's uv settings. Options come
first, then ``--``, then the specs or names. What each envtui change becomes:

- install: ``uv add [--dev | --group G | --optional X] -- SPEC…`` (uv locks, then installs
  what is missing, removing nothing);
- uninstall: ``uv remove [section] -- NAME…`` (uv locks, then syncs exactly);
- upgrade: ``uv sync --upgrade-package NAME… --inexact`` (uv locks with the upgrade, then syncs,
  in one run; ``--inexact`` keeps packages the lock does not name, as ``uv add`` does);
  upgrade all: ``uv sync --upgrade --inexact``;
- sync: ``uv sync`` with the options the user passed through (``--frozen``, ``--locked`` …).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from envtui.core.errors import UsageError
from envtui.core.project.detect import Project
from envtui.core.project.manifest import Section, check_section_name
from envtui.core.uv import Uv


@dataclass(frozen=True)
class SyncOptions:
    """What ``uv sync`` is told beyond the project: the lock's use, extras, groups, exactness."""

    frozen: bool = False
    """Use uv.lock as it is, without checking it against pyproject.toml (``--frozen``)."""
    locked: bool = False
    """Fail when uv.lock is not up to date (``--locked``)."""
    inexact: bool = False
    """Keep packages the lock does not name (``--inexact``)."""
    extras: tuple[str, ...] = ()
    all_extras: bool = False
    groups: tuple[str, ...] = ()
    all_groups: bool = False
    no_dev: bool = False

    @classmethod
    def checked(
        cls,
        *,
        frozen: bool = False,
        locked: bool = False,
        inexact: bool = False,
        extras: Iterable[str] = (),
        all_extras: bool = False,
        groups: Iterable[str] = (),
        all_groups: bool = False,
        no_dev: bool = False,
    ) -> SyncOptions:
        """Options checked as uv would: names valid, ``--frozen`` and ``--locked`` not together."""
        if frozen and locked:
            raise UsageError(
                "--frozen and --locked cannot be used together", cause="--frozen skips the check --locked asks for"
            )
        return cls(
            frozen=frozen,
            locked=locked,
            inexact=inexact,
            extras=tuple(check_section_name(e, "extra") for e in extras),
            all_extras=all_extras,
            groups=tuple(check_section_name(g, "group") for g in groups),
            all_groups=all_groups,
            no_dev=no_dev,
        )

    def flags(self) -> list[str]:
        """The ``uv sync`` options."""
        flags: list[str] = []
        if self.frozen:
            flags.append("--frozen")
        if self.locked:
            flags.append("--locked")
        if self.inexact:
            flags.append("--inexact")
        for extra in self.extras:
            flags += ["--extra", extra]
        if self.all_extras:
            flags.append("--all-extras")
        for group in self.groups:
            flags += ["--group", group]
        if self.all_groups:
            flags.append("--all-groups")
        if self.no_dev:
            flags.append("--no-dev")
        return flags


def _base(uv: Uv, command: str, project: Project | Path) -> list[str]:
    root = project.root if isinstance(project, Project) else project
    return uv.argv(command, "--directory", str(root))


def add_argv(
    uv: Uv,
    project: Project | Path,
    specs: Sequence[str] = (),
    *,
    section: Section | None = None,
    requirements: Sequence[Path] = (),
    editable: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    """``uv add``: declare the specs in ``section`` (main by default), lock, install what is missing."""
    argv = _base(uv, "add", project) + (section or Section.main()).uv_flags()
    for path in requirements:
        argv += ["--requirements", str(path)]
    if editable:
        argv.append("--editable")
    return [*argv, *extra, "--", *specs]


def remove_argv(
    uv: Uv, project: Project | Path, names: Sequence[str], *, section: Section | None = None, extra: Sequence[str] = ()
) -> list[str]:
    """``uv remove``: drop the names from ``section`` (main by default), lock, sync exactly."""
    return [*_base(uv, "remove", project), *(section or Section.main()).uv_flags(), *extra, "--", *names]


def sync_argv(
    uv: Uv,
    project: Project | Path,
    options: SyncOptions | None = None,
    *,
    upgrade: Sequence[str] = (),
    upgrade_all: bool = False,
    dry_run: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    """``uv sync``: lock when needed (with the upgrades asked for), then make the environment match."""
    argv = _base(uv, "sync", project) + (options or SyncOptions()).flags()
    if upgrade_all:
        argv.append("--upgrade")
    for name in upgrade:
        argv += ["--upgrade-package", name]
    if dry_run:
        argv.append("--dry-run")
    return [*argv, *extra]


def lock_argv(
    uv: Uv,
    project: Project | Path,
    *,
    upgrade: Sequence[str] = (),
    upgrade_all: bool = False,
    dry_run: bool = False,
    check: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    """``uv lock``: (re)write uv.lock; ``check`` only asks whether it is up to date."""
    argv = _base(uv, "lock", project)
    if upgrade_all:
        argv.append("--upgrade")
    for name in upgrade:
        argv += ["--upgrade-package", name]
    if dry_run:
        argv.append("--dry-run")
    if check:
        argv.append("--check")
    return [*argv, *extra]


class ChangeRequest(Protocol):
    """What a project command and its preview read of a change (``jobs.change.ChangeRequest`` is one)."""

    @property
    def kind(self) -> str: ...
    @property
    def specs(self) -> tuple[str, ...]: ...
    @property
    def requirements(self) -> tuple[Path, ...]: ...
    @property
    def editables(self) -> tuple[Path, ...]: ...
    @property
    def project(self) -> Project | None: ...
    @property
    def section(self) -> Section | None: ...
    @property
    def sync_options(self) -> SyncOptions | None: ...
    @property
    def everything(self) -> bool: ...


def edit_argv(
    uv: Uv, directory: Project | Path, request: ChangeRequest, *, extra: Sequence[str] = ()
) -> list[str] | None:
    """``uv add`` for an install request, ``uv remove`` for an uninstall, run in ``directory`` (the
    project, or a copy of its files locked ahead); None for the kinds that edit no manifest.

    One builder for the job and for its lock ahead, so that the lock ahead runs the same command
    the job would (with ``--no-sync`` in ``extra``)."""
    if request.kind == "install":
        return add_argv(
            uv,
            directory,
            request.specs or [str(p) for p in request.editables],
            section=request.section,
            requirements=request.requirements,
            editable=bool(request.editables),
            extra=extra,
        )
    if request.kind == "uninstall":
        return remove_argv(uv, directory, request.specs, section=request.section, extra=extra)
    return None
