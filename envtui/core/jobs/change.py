"""What the user asks to change, checked, and the uv command line that does it.

A :class:`ChangeRequest` is built only through its constructors (``install``, ``upgrade``,
``uninstall``, ``sync``, ``rollback``), which validate every spec, name and path first (UsageError, exit 2)
— so nothing unchecked ever reaches uv. :func:`build_argv` turns it into an argument list:
options first, then ``--``, then the specs. Never a shell string.

A request that carries a ``project`` goes through the uv project (``uv add``, ``uv remove``,
``uv sync``; see :mod:`envtui.core.project.commands`); one without goes through ``uv pip``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from envtui.core.env.environment import Environment
from envtui.core.env.specs import validate_editable, validate_file, validate_names, validate_specs
from envtui.core.errors import UsageError
from envtui.core.project.commands import SyncOptions, edit_argv, sync_argv
from envtui.core.project.detect import Project
from envtui.core.project.manifest import Section
from envtui.core.uv import Uv

#: The kinds of change job.
ChangeKind = Literal["install", "upgrade", "uninstall", "sync", "rollback"]


@dataclass(frozen=True)
class ChangeRequest:
    """One validated change: what to install, upgrade, uninstall or sync to."""

    kind: ChangeKind
    specs: tuple[str, ...] = ()
    """Requirement specs (install) or bare names (upgrade, uninstall)."""
    requirements: tuple[Path, ...] = ()
    """Requirements files to install from (``-r``), absolute."""
    editables: tuple[Path, ...] = ()
    """Local project directories to install editable (``-e``), absolute."""
    sync_file: Path | None = None
    """The requirements file the environment is synced to exactly."""
    latest: bool = False
    """Upgrade: take the newest versions even where installed packages' requirements forbid them."""
    snapshot: str | None = None
    """For a rollback: the id of the snapshot it restores."""
    mode: str | None = None
    """For a rollback: ``undo`` or ``redo`` when it steps through the changes, else None."""
    hooks: bool = True
    """Whether the configuration's maintenance hooks run around it (the user may decline them)."""
    project: Project | None = None
    """The uv project the change goes through (its pyproject.toml and uv.lock); None: ``uv pip``."""
    section: Section | None = None
    """Install / uninstall in a project: where the dependency is declared (main when None)."""
    sync_options: SyncOptions | None = None
    """Sync in a project: what ``uv sync`` is told (``--frozen``, ``--locked``, extras, groups)."""
    everything: bool = False
    """Upgrade in a project: every locked package (``uv sync --upgrade``) instead of ``specs``."""

    @classmethod
    def install(
        cls,
        specs: Iterable[str] = (),
        *,
        requirements: Iterable[str | os.PathLike[str]] = (),
        editables: Iterable[str | os.PathLike[str]] = (),
        cwd: Path | None = None,
        project: Project | None = None,
        section: Section | None = None,
    ) -> ChangeRequest:
        """Install specs, requirements files and editable projects (at least one of them).

        In a ``project`` they are added to ``section`` of its pyproject.toml (``uv add``).
        """
        checked = tuple(validate_specs(specs))
        files = tuple(validate_file(f, cwd=cwd) for f in requirements)
        local = tuple(validate_editable(p, cwd=cwd) for p in editables)
        if not (checked or files or local):
            raise UsageError("nothing to install", cause="give a spec, -r FILE or --editable PATH")
        _project_only(project, section)
        if project is not None and local and (checked or files):
            raise UsageError(
                "in a project, add editable paths on their own",
                cause="uv add --editable makes every requirement editable",
            )
        return cls("install", checked, files, local, project=project, section=section if project else None)

    @classmethod
    def upgrade(
        cls,
        names: Iterable[str],
        *,
        latest: bool = False,
        project: Project | None = None,
        everything: bool = False,
    ) -> ChangeRequest:
        """Upgrade installed packages by name: to the newest versions every installed package
        allows, or with ``latest`` to the newest there are. In a ``project`` uv locks the upgrade
        (``latest`` does not apply: the lock decides), and ``everything`` upgrades every locked package."""
        checked = tuple(validate_names(names))
        if everything and project is None:
            raise UsageError("upgrading everything at once needs a uv project", cause="give package names")
        if everything and checked:
            raise UsageError("give package names or --all, not both")
        if not checked and not everything:
            raise UsageError("nothing to upgrade", cause="give package names, or --all")
        if latest and project is not None:
            raise UsageError(
                "--latest does not apply to a uv project", cause="uv.lock's resolution decides the versions"
            )
        return cls("upgrade", checked, latest=latest, project=project, everything=everything)

    @classmethod
    def uninstall(
        cls, names: Iterable[str], *, project: Project | None = None, section: Section | None = None
    ) -> ChangeRequest:
        """Remove packages by name; in a ``project``, from ``section`` of its pyproject.toml (``uv remove``)."""
        checked = tuple(validate_names(names))
        if not checked:
            raise UsageError("nothing to uninstall", cause="give package names")
        _project_only(project, section)
        return cls("uninstall", checked, project=project, section=section if project else None)

    @classmethod
    def sync(cls, path: str | os.PathLike[str], *, cwd: Path | None = None) -> ChangeRequest:
        """Make the environment hold exactly what a requirements file lists."""
        return cls("sync", sync_file=validate_file(path, cwd=cwd))

    @classmethod
    def sync_project(cls, project: Project, options: SyncOptions | None = None) -> ChangeRequest:
        """Make a project's environment match its uv.lock (``uv sync``, locking first unless frozen)."""
        return cls("sync", project=project, sync_options=options or SyncOptions())

    @classmethod
    def rollback(
        cls,
        snapshot_id: str,
        freeze_file: str | os.PathLike[str],
        *,
        reinstall: Iterable[str] = (),
        mode: str | None = None,
    ) -> ChangeRequest:
        """Restore a snapshot exactly: ``uv pip sync`` of its freeze (written to ``freeze_file``).

        ``reinstall`` names packages installed at the snapshot's version but from elsewhere (an
        index pin now installed from a URL, another editable path): uv would keep those, so they
        are reinstalled to make the result match line for line.
        """
        if mode not in (None, "undo", "redo"):
            raise ValueError(f"unknown rollback mode: {mode}")
        names = tuple(validate_names(reinstall)) if reinstall else ()
        return cls("rollback", names, sync_file=Path(freeze_file), snapshot=snapshot_id, mode=mode)

    def without_hooks(self) -> ChangeRequest:
        """The same change, with the maintenance hooks left out (the service keeps running)."""
        return replace(self, hooks=False)

    def describe(self) -> str:
        """A short human description, e.g. ``install alpha beta==1.1``."""
        if self.kind == "rollback":
            return f"{self.mode}: rollback to {self.snapshot}" if self.mode else f"rollback to {self.snapshot}"
        words: list[str] = [self.kind]
        words += [f"-r {p.name}" for p in self.requirements]
        words += [f"-e {p}" for p in self.editables]
        words += list(self.specs)
        if self.latest:
            words.append("--latest")
        if self.sync_file is not None:
            words.append(str(self.sync_file))
        if not self.hooks:
            words.append("(without hooks)")
        if self.everything:
            words.append("--all")
        if self.section is not None:
            words += self.section.uv_flags()
        if self.sync_options is not None:
            words += self.sync_options.flags()
        return " ".join(words)


def _project_only(project: Project | None, section: Section | None) -> None:
    if project is None and section is not None and section != Section.main():
        flag = section.uv_flags()[0]
        raise UsageError(
            f"{flag} needs a uv project",
            cause="this environment is not the .venv of a project with pyproject.toml and uv.lock",
        )


def build_argv(
    uv: Uv,
    env: Environment,
    request: ChangeRequest,
    *,
    dry_run: bool = False,
    extra: Sequence[str] = (),
    constraints: Path | None = None,
) -> list[str]:
    """The uv command line for a request: options, then ``--``, then specs or files.

    ``constraints`` is a uv constraints file (the installed packages' bounds an upgrade keeps).
    A project request's preview is more than one command (see :mod:`envtui.core.project.preview`),
    so ``dry_run`` is refused for one, and the lock, not constraints, keeps its bounds.
    """
    if request.project is not None:
        if dry_run:
            raise ValueError("a project change has no single dry-run command line")
        return project_argv(uv, request, extra=extra)
    flags = [*env.uv_flags(), *(["--dry-run"] if dry_run else []), *extra]
    if constraints is not None:
        flags += ["--constraint", str(constraints)]
    if request.kind == "install":
        for path in request.requirements:
            flags += ["--requirement", str(path)]
        for path in request.editables:
            flags += ["--editable", str(path)]
        return uv.pip("install", env.python, *flags, "--", *request.specs)
    if request.kind == "upgrade":
        for name in request.specs:
            flags += ["--upgrade-package", name]
        return uv.pip("install", env.python, *flags, "--", *request.specs)
    if request.kind == "uninstall":
        return uv.pip("uninstall", env.python, *flags, "--", *request.specs)
    if request.kind == "sync":
        assert request.sync_file is not None
        return uv.pip("sync", env.python, *flags, "--", str(request.sync_file))
    if request.kind == "rollback":
        assert request.sync_file is not None
        for name in request.specs:
            flags += ["--reinstall-package", name]
        return uv.pip("sync", env.python, *flags, "--allow-empty-requirements", "--", str(request.sync_file))
    raise ValueError(f"unknown change kind: {request.kind}")


def project_argv(uv: Uv, request: ChangeRequest, *, extra: Sequence[str] = ()) -> list[str]:
    """The uv project command for a request that goes through its project."""
    project = request.project
    assert project is not None
    edit = edit_argv(uv, project, request, extra=extra)
    if edit is not None:
        return edit
    if request.kind == "upgrade":
        options = SyncOptions(inexact=True)
        return sync_argv(uv, project, options, upgrade=request.specs, upgrade_all=request.everything, extra=extra)
    if request.kind == "sync":
        return sync_argv(uv, project, request.sync_options, extra=extra)
    raise ValueError(f"unknown change kind: {request.kind}")
