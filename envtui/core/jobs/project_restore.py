"""After a rollback in a uv project: put back ``pyproject.toml`` and ``uv.lock`` with the environment.

The rollback job's uv command (``uv pip sync`` of the snapshot's freeze) restores the
environment; this after-step then writes the project's two files as the snapshot kept them, so
lock, pyproject and environment come back together. It runs only when uv succeeded: a failed
rollback leaves all three as they were. It comes right after uv, before the service is started
again and before the snapshot step checks the result (files included).

A project change whose files were written ahead of its install
(:mod:`envtui.core.jobs.project_ahead`) gets them put back here, in the same place, when the
install did not succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.job import SUCCEEDED, Job
from envtui.core.jobs.steps import Step, StepContext, StepFailed
from envtui.core.snapshots.project import ProjectFiles, restore_project_files
from envtui.core.snapshots.store import SnapshotStore

#: Where ``Job.step_data`` keeps the :class:`LockedAhead` of a project job.
AHEAD = "project_locked_ahead"


@dataclass
class RestoreProjectFiles:
    """Write a project's pyproject.toml and uv.lock back from the snapshot a rollback restored."""

    name: str = "restore pyproject.toml and uv.lock"

    def wanted(self, job: Job) -> bool:
        """A rollback to a snapshot that kept a project's files: other jobs leave them to uv, and a
        plain venv's snapshot has none (the job then does not announce this step)."""
        if job.request.kind != "rollback" or not job.request.snapshot:
            return False
        try:
            return SnapshotStore(job.env.path).load(job.request.snapshot).project is not None
        except (OSError, EnvtuiError):
            return False  # the rollback itself reports an unreadable snapshot

    def run(self, ctx: StepContext) -> None:
        """After a successful rollback whose snapshot kept a project's files: restore them."""
        request = ctx.job.request if ctx.job is not None else None
        if ctx.outcome != SUCCEEDED or request is None or request.kind != "rollback" or not request.snapshot:
            return
        try:
            snapshot = SnapshotStore(ctx.env.path).load(request.snapshot)
            if snapshot.project is None:
                return
            changed = restore_project_files(snapshot.project)
        except EnvtuiError as exc:
            raise StepFailed(f"the environment was restored, but not the project's files: {exc.message}") from exc
        if changed:
            ctx.emit("envtui", f"restored {' and '.join(changed)} from snapshot {snapshot.id}")


@dataclass
class LockedAhead:
    """A project change locked in a copy before the hooks ran: what is written and run once they have."""

    copy: Path
    """The copy of the project's files, holding the new pyproject.toml and uv.lock."""
    before: ProjectFiles
    """The project's files when the copy was made (what a failed install puts back)."""
    after: ProjectFiles
    """The copy's files, to be written into the project."""
    argv: list[str]
    """``uv sync --frozen …``: the install of that lock."""
    written: bool = False
    """Whether the project's files were (or began to be) replaced."""


@dataclass
class PutBackProjectFiles:
    """After a project job whose locked-ahead files were written but whose install did not succeed:
    write ``pyproject.toml`` and ``uv.lock`` back as they were before the job."""

    name: str = "put back pyproject.toml and uv.lock"

    def wanted(self, job: Job) -> bool:
        """Only once the files were written and uv did not succeed (asked after uv ran)."""
        ahead = job.step_data.get(AHEAD)
        return isinstance(ahead, LockedAhead) and ahead.written and job.returncode != 0

    def run(self, ctx: StepContext) -> None:
        """Write the files back exactly, saying which."""
        ahead = ctx.data.get(AHEAD)
        if not isinstance(ahead, LockedAhead) or not ahead.written or ctx.outcome == SUCCEEDED:
            return
        try:
            changed = restore_project_files(ahead.before)
        except EnvtuiError as exc:
            raise StepFailed(f"cannot put back the project's files: {exc.message}") from exc
        if changed:
            ctx.emit("envtui", f"put back {' and '.join(changed)} as they were before the job")


def project_restore_provider(env: Environment, config: Config) -> tuple[list[Step], list[Step]]:
    """The step provider: after-steps that put a project's files back (only a rollback, or a project
    change locked ahead whose install failed, wants one)."""
    return [], [RestoreProjectFiles(), PutBackProjectFiles()]
