"""A uv project change with hooks: lock and download before the service stops, then only install.

``uv add``, ``uv remove`` and ``uv sync`` resolve against the index, write ``pyproject.toml``
and ``uv.lock`` and download, all after the before-change hook has stopped the service. So with
hooks a project job runs in three parts instead:

1. Before any hook, :func:`lock_ahead` runs the job's command without installing (``uv add
   --no-sync``, ``uv remove --no-sync``, ``uv lock [--upgrade-package …]``) on a copy of the
   project's files — what the preview does (:func:`~envtui.core.project.preview.lock_in_copy`)
   — and ``uv sync --frozen --dry-run`` of the copy says what installing that lock does.
2. :func:`prefetch_project` downloads what it installs into uv's cache (``uv pip install
   --target SCRATCH --no-deps`` of the pins, run in the copy so the project's index settings
   apply), then asks the dry run again: a ``Would download`` still there is said in the log.
3. Once the before-change hooks have run, :func:`install_ahead` writes the copy's two files into
   the project and the job runs ``uv sync --frozen`` with the options the command syncs with: no
   resolution, no index, every file from the cache.

A lock or download that fails, or is cancelled, stops the job before any hook: only the copy
ever changed. If the install fails, the two files are put back as they were
(:class:`~envtui.core.jobs.project_restore.PutBackProjectFiles`; ``uv add`` does the same when
its sync fails).

A copy cannot stand for every project: a workspace with members in other directories, or a path
dependency relative to the project (the copy's lock would name it relative to the copy). Then the
job's own command runs while the service is stopped, with what the preview installs downloaded
ahead, and the log says that uv locks during the outage.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from pathlib import Path

from envtui.core.env.changes import Preview
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.prefetch import download, plan_fetch
from envtui.core.jobs.prepare import SCRATCH
from envtui.core.jobs.project_restore import AHEAD, LockedAhead
from envtui.core.jobs.steps import StepContext, StepFailed
from envtui.core.project.commands import sync_argv
from envtui.core.project.detect import LOCK, Project
from envtui.core.project.lockfile import read_lock
from envtui.core.project.preview import (
    ProjectPreview,
    copy_dry_run_argv,
    install_options,
    lock_in_copy,
    locking_argv,
    would_download,
)
from envtui.core.snapshots.project import ProjectFiles, current_files, files_in, restore_project_files

#: Lock sources whose value is a path (relative ones mean the project's directory).
_PATH_SOURCES = ("path", "directory", "editable", "virtual", "registry")


def lock_ahead(ctx: StepContext) -> Preview:
    """Lock the job's change in a copy of the project; the preview of installing it.

    EnvtuiError (uv's error) when uv cannot make the change. When a copy cannot stand for the
    project, the preview comes from :func:`~envtui.core.jobs.preview.preview` and the job keeps
    its own command (nothing is kept in ``ctx.data``).
    """
    job = ctx.job
    assert job is not None and job.request.project is not None
    request, project = job.request, job.request.project
    copy = Path(tempfile.mkdtemp(prefix="envtui-lock-ahead-"))  # 0700
    job.step_data.setdefault(SCRATCH, []).append(str(copy))
    before = current_files(ProjectFiles(str(project.root), "", None))
    assert before is not None
    try:
        planned = lock_in_copy(ctx.env, request, ctx.uv, copy, run=lambda argv: ctx.run(argv, echo=False))
    except EnvtuiError as exc:
        if request.kind in ("install", "uninstall") or job.cancel_requested:  # uv's answer stands (or a cancel's)
            raise
        return _own_command(ctx, f"uv cannot lock a copy of the project ({exc.message})", None)
    why = _not_movable(copy, project)
    if why:
        return _own_command(ctx, why, planned if request.kind in ("install", "uninstall") else None)
    ctx.data[AHEAD] = LockedAhead(
        copy, before, files_in(copy, project.root), sync_argv(ctx.uv, project, install_options(request))
    )
    locking = locking_argv(ctx.uv, copy, request)
    if locking is not None:
        ctx.emit(
            "envtui",
            f"locked ahead on a copy of pyproject.toml and uv.lock ({_as_typed(locking)}); "
            "the project changes once the service stops",
        )
    return planned


def _as_typed(argv: list[str]) -> str:
    """``uv add --no-sync -- alpha``: a uv command as typed in the project (no uv path, no ``--directory``)."""
    words = list(argv[1:])
    if "--directory" in words:
        at = words.index("--directory")
        del words[at : at + 2]
    return shlex.join(["uv", *words])


def _own_command(ctx: StepContext, why: str, planned: Preview | None) -> Preview:
    """Say why the job keeps its own command (uv locks while the service is stopped); its preview."""
    from envtui.core.jobs.preview import preview

    assert ctx.job is not None
    ctx.emit("envtui", f"not locked ahead: {why}; uv locks again while the service is stopped")
    if planned is not None:
        return planned
    return preview(ctx.env, ctx.job.request, ctx.uv, run=lambda argv: ctx.run(argv, echo=False), explain=False)


def _not_movable(copy: Path, project: Project) -> str:
    """Why the copy's uv.lock would mean something else in the project ('' when it would not)."""
    try:
        lock = read_lock(copy / LOCK, project.name)
    except EnvtuiError as exc:
        return f"the copy's uv.lock cannot be read ({exc.message})"
    names = sorted(
        {
            package.name
            for group in lock.packages.values()
            for package in group
            for key in _PATH_SOURCES
            if _relative_path(package.source.get(key))
        }
    )
    if not names:
        return ""
    return f"uv.lock names {', '.join(names)} by a path relative to the project"


def _relative_path(value: object) -> bool:
    return isinstance(value, str) and value != "." and "://" not in value and not os.path.isabs(value)


def prefetch_project(ctx: StepContext, planned: Preview) -> None:
    """Download what the project job installs into uv's cache; StepFailed (nothing changed) when uv cannot."""
    job = ctx.job
    if job is None or job.request.project is None:
        return
    ahead: LockedAhead | None = ctx.data.get(AHEAD)
    plan = plan_fetch(planned)
    if planned.unknown:
        ctx.emit("envtui", f"{planned.unknown} changes uv did not itemise may download while the service is stopped")
    if plan.local:
        ctx.emit("envtui", f"built or copied during the install (local): {', '.join(plan.local)}")
    if ahead is None:  # the job's own command runs: fill the cache for it, in the project's directory
        if plan.lines:
            download(ctx, plan, cwd=job.request.project.root)
        return
    if isinstance(planned, ProjectPreview) and not planned.downloads:
        if plan.lines:
            ctx.emit("envtui", "nothing to download before the service stops: uv's cache holds every file")
        return
    if plan.lines:
        download(ctx, plan, cwd=ahead.copy)
    check = ctx.run(copy_dry_run_argv(ctx.uv, ahead.copy, job.request), echo=False)
    left = would_download(check.stdout + "\n" + check.stderr) if check.ok else 0
    if left:
        ctx.emit(
            "envtui",
            f"warning: {left} package{'s' if left != 1 else ''} still not in uv's cache: "
            "uv fetches or builds them while the service is stopped",
        )


def install_ahead(ctx: StepContext) -> None:
    """Now that the service is stopped: write the locked-ahead files and make the job install them."""
    ahead: LockedAhead | None = ctx.data.get(AHEAD)
    if ahead is None or ctx.job is None:
        return
    try:
        now = current_files(ahead.before)
    except EnvtuiError as exc:
        raise StepFailed(f"cannot read the project's files again: {exc.message}") from exc
    if now != ahead.before:
        changed = ahead.before.differs_from(now)
        raise StepFailed(f"{' and '.join(changed)} changed while the change was locked ahead; nothing was installed")
    ahead.written = True  # from here a failed job puts them back
    try:
        changed = restore_project_files(ahead.after)
    except EnvtuiError as exc:
        raise StepFailed(f"cannot write the files locked ahead: {exc.message}") from exc
    ctx.job.argv = list(ahead.argv)
    wrote = f"wrote {' and '.join(changed)} as locked ahead" if changed else "uv.lock stays as it is"
    ctx.emit("envtui", f"{wrote}; uv installs the lock from its cache")
