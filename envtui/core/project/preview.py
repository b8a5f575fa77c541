"""What a project change would do, to the lock and to the environment, before it runs.

uv has ``--dry-run`` for ``uv sync`` and ``uv lock`` but not for ``uv add`` or ``uv remove``. So:

- upgrade and sync: ``uv lock --dry-run`` (the lock's ``Add``/``Update``/``Remove`` lines) and
  ``uv sync --dry-run`` (the environment's ``+``/``-`` lines), both on the project itself;
- install and uninstall: the command runs with ``--no-sync`` on a scratch copy of
  ``pyproject.toml`` and ``uv.lock`` (plus ``uv.toml`` and ``.python-version``, which steer it),
  the two locks and the two manifests are compared, and ``uv sync --dry-run --frozen`` of the
  scratch copy says what would be installed and removed — its project environment is a
  symbolic link to the real one, made only for that dry run, which by uv's promise modifies
  nothing. The project itself is left out of that comparison (its source is not in the scratch
  copy); the real project is never touched.

Every command goes through the caller's ``run`` (a job's step passes its own, so a cancel
reaches uv; the TUI one that gives up when its worker is cancelled).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from packaging.utils import canonicalize_name

from envtui.core import process
from envtui.core.env.changes import Change, Preview, parse_dry_run
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.process import Runner
from envtui.core.project.commands import ChangeRequest, SyncOptions, edit_argv, lock_argv, sync_argv
from envtui.core.project.detect import LOCK, PYPROJECT, Project, project_environment
from envtui.core.project.lockfile import Lock, project_members, read_lock, without_rebuilds
from envtui.core.project.manifest import DEV, GROUP, OPTIONAL, Manifest, left_out_by_sync, read_manifest
from envtui.core.project.removal import taken_along
from envtui.core.uv import Uv

#: Files copied into the scratch project: the two that change, and two that steer uv.
SCRATCH_FILES = (PYPROJECT, LOCK, "uv.toml", ".python-version")

#: ``uv sync --dry-run``'s count of packages it would fetch (uv's cache does not hold them).
_DOWNLOADS = re.compile(r"^\s*Would download (?P<n>\d+) packages?\b", re.MULTILINE)

#: ``uv lock`` reports: ``Add delta v1.0``, ``Updated alpha v1.0 -> v2.0``, ``Remove beta v1.0``.
_LOCK_LINE = re.compile(
    r"^\s*(?P<verb>Add|Update|Remove)(?:d)?\s+(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s+v?(?P<old>\S+)"
    r"(?:\s+->\s+v?(?P<new>\S+))?\s*$"
)


@dataclass
class ProjectPreview(Preview):
    """A change to a project: the environment's changes (as for any job), the lock's and pyproject's."""

    lock_changes: list[Change] = field(default_factory=list)
    """Packages uv.lock gains, loses or moves."""
    manifest_changes: list[str] = field(default_factory=list)
    """Declarations pyproject.toml gains (``+ alpha>=2.0 (dependencies)``) or loses (``- …``)."""
    cautions: list[str] = field(default_factory=list)
    """Warnings about the change (e.g. a plain ``uv sync`` would undo a group's install)."""
    downloads: int = 0
    """How many packages uv said it would download to install the change (from a copy's dry run)."""

    @property
    def environment_unchanged(self) -> bool:
        """Whether the environment itself stays as it is (only the project's files change)."""
        return super().empty

    @property
    def empty(self) -> bool:
        """Whether nothing at all would change: environment, lock and pyproject."""
        return super().empty and not self.lock_changes and not self.manifest_changes

    def summary(self) -> str:
        """One line: the environment's changes, then the lock's."""
        if self.empty:
            return "no changes"
        env = super().summary() if not super().empty else "environment unchanged"
        if not self.lock_changes:
            return f"{env}; uv.lock unchanged"
        kinds = [c.kind for c in self.lock_changes]
        lock = f"{kinds.count('added')} added, {kinds.count('changed')} changed, {kinds.count('removed')} removed"
        return f"{env}; uv.lock: {lock}"

    def to_json(self) -> dict:
        """The environment's ``added``/``removed``/``changed``; ``lock``: the same for uv.lock; ``pyproject``."""
        data = super().to_json()
        data["lock"] = {
            kind: [c.to_json() for c in self.lock_changes if (c.kind if c.kind != "reinstalled" else "changed") == kind]
            for kind in ("added", "removed", "changed")
        }
        data["pyproject"] = list(self.manifest_changes)
        if self.cautions:
            data["warnings"] = list(self.cautions)
        return data


def parse_lock_changes(lines: Iterable[str]) -> list[Change]:
    """The lock's changes from ``uv lock`` output (dry run or not)."""
    changes = []
    for line in lines:
        match = _LOCK_LINE.match(line)
        if match is None:
            continue
        verb, name = match["verb"], match["name"]
        if verb == "Add":
            changes.append(Change(name, None, match["old"]))
        elif verb == "Remove":
            changes.append(Change(name, match["old"], None))
        elif match["new"]:
            changes.append(Change(name, match["old"], match["new"]))
    return changes


def diff_locks(old: Lock | None, new: Lock) -> list[Change]:
    """What changed between two locks, by name (a forked package shows all its versions)."""
    before = {name: sorted(set(old.versions(name))) for name in old.names()} if old is not None else {}
    after = {name: sorted(set(new.versions(name))) for name in new.names()}
    changes = []
    for name in sorted(set(before) | set(after)):
        was, now = before.get(name), after.get(name)
        if was == now:
            continue
        changes.append(Change(name, ", ".join(was) if was else None, ", ".join(now) if now else None))
    return changes


def diff_manifests(old: Manifest, new: Manifest) -> list[str]:
    """Declarations added (``+ REQ (section)``) and removed (``- REQ (section)``)."""
    was = set(old.requirements())
    now = set(new.requirements())
    lines = [f"- {req} ({section.describe()})" for section, req in old.requirements() if (section, req) not in now]
    lines += [f"+ {req} ({section.describe()})" for section, req in new.requirements() if (section, req) not in was]
    return lines


def _error(kind: str, result: process.ProcessResult) -> EnvtuiError:
    """uv's ``error:`` line and the two lines under it (``Caused by:``, a hint), as one error."""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    first = next((i for i, line in enumerate(lines) if line.lower().startswith("error:")), None)
    if first is None:
        return EnvtuiError(f"uv cannot {kind}: it failed", cause=result.last_error_line())
    causes = [
        line.split(":", 1)[1].strip() if line.lower().startswith(("caused by:", "hint:", "cause:")) else line
        for line in lines[first + 1 : first + 3]
    ]
    return EnvtuiError(f"uv cannot {kind}: {lines[first].split(':', 1)[1].strip()}", cause="; ".join(causes) or None)


def _checked(kind: str, run: Runner) -> Runner:
    """``run``, with a failed command turned into an EnvtuiError carrying uv's reason."""

    def checked(argv: Sequence[str]) -> process.ProcessResult:
        result = run(argv)
        if not result.ok:
            raise _error(kind, result)
        return result

    return checked


def preview_project_change(
    env: Environment, request: ChangeRequest, uv: Uv | None = None, *, run: Runner | None = None
) -> ProjectPreview:
    """What a project request would change; EnvtuiError (with uv's error) when uv cannot do it."""
    project = request.project
    assert project is not None, "not a project request"
    uv = uv or Uv()
    run = _checked(request.kind, run or process.run)
    if request.kind in ("install", "uninstall"):
        return _scratch_preview(env, project, request, uv, run)
    upgrade = request.specs if request.kind == "upgrade" else ()
    everything = request.kind == "upgrade" and request.everything
    options = request.sync_options or SyncOptions(inexact=request.kind == "upgrade")
    synced = run(sync_argv(uv, project, options, upgrade=upgrade, upgrade_all=everything, dry_run=True))
    preview = _as_project_preview(parse_dry_run(synced.stdout + "\n" + synced.stderr))
    preview.changes = without_rebuilds(preview.changes, project_members(project.name, project.lock))
    if not options.frozen:
        locked = run(lock_argv(uv, project, upgrade=upgrade, upgrade_all=everything, dry_run=True))
        preview.lock_changes = parse_lock_changes((locked.stdout + "\n" + locked.stderr).splitlines())
    return preview


def install_options(request: ChangeRequest) -> SyncOptions:
    """The ``uv sync --frozen`` options that install what the request locks, as its own command would.

    ``uv add`` installs what is missing (inexact) with the default groups plus the section it
    added to (``--dev``, ``--group G``, ``--optional X``); ``uv remove`` syncs exactly, default
    groups only; an upgrade keeps what the lock does not name (``--inexact``); ``uv sync`` takes
    the user's options, with ``--locked``'s check done when the lock was made.
    """
    if request.kind == "install":
        section = request.section
        groups = (section.name,) if section is not None and section.kind in (GROUP, DEV) else ()
        extras = (section.name,) if section is not None and section.kind == OPTIONAL else ()
        return SyncOptions(frozen=True, inexact=True, groups=groups, extras=extras)
    if request.kind == "upgrade":
        return SyncOptions(frozen=True, inexact=True)
    if request.kind == "sync":
        return replace(request.sync_options or SyncOptions(), frozen=True, locked=False)
    return SyncOptions(frozen=True)


def locking_argv(uv: Uv, directory: Path, request: ChangeRequest) -> list[str] | None:
    """The command that writes the request's pyproject.toml and uv.lock in ``directory`` without
    touching any environment (None when the lock is used as it is: ``uv sync --frozen``)."""
    edit = edit_argv(uv, directory, request, extra=["--no-sync"])
    if edit is not None:
        return edit
    if request.kind == "upgrade":
        return lock_argv(uv, directory, upgrade=request.specs, upgrade_all=request.everything)
    options = request.sync_options or SyncOptions()
    if options.frozen:
        return None
    return lock_argv(uv, directory, check=options.locked)


def _as_project_preview(preview: Preview) -> ProjectPreview:
    return ProjectPreview(changes=preview.changes, unknown=preview.unknown)


def _scratch_preview(env: Environment, project: Project, request: ChangeRequest, uv: Uv, run: Runner) -> ProjectPreview:
    with tempfile.TemporaryDirectory(prefix="envtui-preview-") as tmp:
        return lock_in_copy(env, request, uv, Path(tmp), run=run)


def lock_in_copy(
    env: Environment, request: ChangeRequest, uv: Uv, scratch: Path, *, run: Runner | None = None
) -> ProjectPreview:
    """Lock the request in ``scratch``, a copy of the project's files, and preview installing that lock.

    The new ``pyproject.toml`` and ``uv.lock`` stay in ``scratch``; the preview is what
    ``uv sync --frozen`` of them would do to the real environment (``downloads``: how many
    packages uv would fetch for it). EnvtuiError (with uv's error) when uv cannot.
    """
    project = request.project
    assert project is not None, "not a project request"
    asking = run or process.run
    run = _checked(request.kind, asking)
    old_manifest = read_manifest(project.pyproject)
    old_lock = read_lock(project.lock, project.name) if project.lock.is_file() else None
    for name in SCRATCH_FILES:
        if (project.root / name).is_file():
            shutil.copy2(project.root / name, scratch / name)
    locking = locking_argv(uv, scratch, request)
    if locking is not None:
        run(locking)
    new_manifest = read_manifest(scratch / PYPROJECT)
    new_lock = read_lock(scratch / LOCK, project.name)
    link = project_environment(scratch)
    if link != Path(env.path) and not link.exists():  # where uv looks for the copy's environment
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(Path(env.path).resolve(), link, target_is_directory=True)
    synced = run(copy_dry_run_argv(uv, scratch, request))
    output = synced.stdout + "\n" + synced.stderr
    preview = _as_project_preview(parse_dry_run(output))
    members = {canonicalize_name(m) for m in (*new_lock.members, project.name)}
    preview.changes = [c for c in preview.changes if canonicalize_name(c.name) not in members]
    preview.lock_changes = diff_locks(old_lock, new_lock)
    preview.manifest_changes = diff_manifests(old_manifest, new_manifest)
    preview.downloads = would_download(output)
    caution = left_out_by_sync(project.pyproject, request.section if request.kind == "install" else None)
    preview.cautions = [caution] if caution and request.kind in ("install", "uninstall") else []
    if request.kind == "uninstall":
        taken = taken_along(project, request.specs, uv, asking)  # uv failing to say is no error
        if taken:
            preview.cautions.append(taken)
    return preview


def copy_dry_run_argv(uv: Uv, scratch: Path, request: ChangeRequest) -> list[str]:
    """``uv sync --frozen --dry-run`` of the copy into the real environment (its own source is not in the copy)."""
    return sync_argv(uv, scratch, install_options(request), dry_run=True, extra=["--no-install-workspace"])


def would_download(output: str) -> int:
    """How many packages a ``uv sync --dry-run`` said it would fetch (``Would download 2 packages``)."""
    match = _DOWNLOADS.search(output)
    return int(match["n"]) if match else 0
