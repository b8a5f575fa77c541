"""After a rollback in a uv project: put back ``pyproject.toml`` and ``uv.lock`` with the environment.

The rollback job's uv command (``uv pip sync`` of the snapshot's freeze) restores the
environment; this after-step then writes the project's two files as the snapshot kept them, so
lock, pyproject and environment come back together. It runs only when uv succeeded: a failed
rollback leaves all three as they were. It comes right after uv, before the service is started
again and before the snapshot step checks the result (files included).
"""

from __future__ import annotations

from dataclasses import dataclass

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.job import SUCCEEDED, Job
from envtui.core.jobs.steps import Step, StepContext, StepFailed
from envtui.core.snapshots.project import restore_project_files
from envtui.core.snapshots.store import SnapshotStore


@dataclass
class RestoreProjectFiles:
    """Write a project's pyproject.toml and uv.lock back from the snapshot a rollback restored."""

    name: str = "restore pyproject.toml and uv.lock"

    def wanted(self, job: Job) -> bool:
        """A rollback only: other jobs leave the project's files to uv."""
        return job.request.kind == "rollback" and bool(job.request.snapshot)

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


def project_restore_provider(env: Environment, config: Config) -> tuple[list[Step], list[Step]]:
    """The step provider: one after-step (it does nothing unless the job is a project's rollback)."""
    return [], [RestoreProjectFiles()]
