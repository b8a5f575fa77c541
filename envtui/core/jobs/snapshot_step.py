"""The job step that takes a snapshot before every change job, and checks a rollback afterwards.

The snapshot is the first before-step (ahead of the maintenance hooks, so it is not part of the
outage) and is on disk before uv starts, so a job killed half-way still has its "before"; its
id goes into the job record (``StepContext.data["snapshot"]``). A snapshot that cannot be
taken stops the job: envtui does not make a change it could not undo. In a uv project the
snapshot also keeps ``pyproject.toml`` and ``uv.lock`` (:mod:`envtui.core.snapshots.project`).
After a rollback job the environment is compared with the snapshot it restored, line for line,
and so are a project's two files (restored by :mod:`envtui.core.jobs.project_restore`).

It lives with the jobs (as the hooks do) and uses :mod:`envtui.core.snapshots` below it. When the
freeze needs uv, uv runs through ``ctx.run``, so cancelling the job stops it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from envtui import __version__
from envtui.core import process
from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.job import SUCCEEDED, Job
from envtui.core.jobs.steps import Phase, Step, StepContext, StepFailed
from envtui.core.secrets import mask_credentials
from envtui.core.snapshots.freeze import Freeze, FreezeLine, freeze
from envtui.core.snapshots.model import Snapshot, new_snapshot_id
from envtui.core.snapshots.project import current_files, read_project_files
from envtui.core.snapshots.store import DEFAULT_KEEP, SnapshotStore

#: Where ``StepContext.data`` (and so ``Job.step_data``) holds the id of the job's snapshot.
SNAPSHOT_KEY = "snapshot"

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")


def redact(line: str) -> str:
    """A freeze line without secrets in its URL: uv hides them already, an older uv may not."""

    def hide(match: re.Match[str]) -> str:
        userinfo = match["userinfo"]
        if "****" in userinfo or userinfo == "git":  # hidden already; ssh's conventional user
            return match.group(0)
        user, sep, _ = userinfo.partition(":")
        return f"{match['scheme']}{user}:****@" if sep and user else f"{match['scheme']}****@"

    return _USERINFO.sub(hide, line) if "@" in line else line


@dataclass
class SnapshotStep:
    """Before uv: record the exact installed set. After a rollback: check the result is exact."""

    keep: int = DEFAULT_KEEP
    """How many snapshots the environment keeps (``[snapshots] keep``)."""
    name: str = "snapshot"

    def wanted(self, job: Job) -> bool:
        """Every change job."""
        return True

    def run(self, ctx: StepContext) -> None:
        """Take the snapshot (before), or check a rollback (after)."""
        if ctx.phase == Phase.BEFORE:
            self.take(ctx)
        else:
            check_rollback(ctx)

    def take(self, ctx: StepContext) -> None:
        """Take the snapshot, store it, prune old ones, and note its id on the job."""
        started = time.perf_counter()
        job = ctx.job
        try:
            taken = _freeze(ctx)
            files = read_project_files(ctx.env.path)
        except EnvtuiError as exc:
            raise StepFailed(f"cannot take a snapshot: {exc.message}") from exc
        request = job.request if job is not None else None
        store = SnapshotStore(ctx.env.path)
        lines = taken.lines
        if any("@" in e.line for e in lines):
            lines = [FreezeLine(redact(e.line), e.name) for e in lines]
        snapshot = Snapshot.of(
            lines,
            id=_fresh_id(store),
            time=time.time(),
            env=store.env,
            python=ctx.env.version,
            envtui=__version__,
            reason=mask_credentials(f"before {job.describe()}") if job is not None else "before a change",
            job=job.id if job is not None else None,
            kind=getattr(request, "kind", None),
            target=getattr(request, "snapshot", None),
            mode=getattr(request, "mode", None),
            project=files,
        )
        try:
            store.save(snapshot)
        except OSError as exc:
            raise StepFailed(f"cannot store the snapshot in {store.directory}: {exc.strerror or exc}") from exc
        pruned = store.prune(self.keep)
        ctx.data[SNAPSHOT_KEY] = snapshot.id
        took = (time.perf_counter() - started) * 1000
        ctx.emit(
            "envtui",
            f"snapshot {snapshot.id}: {snapshot.packages} packages ({took:.0f} ms); "
            f"undo this job with: envtui rollback {snapshot.id}",
        )
        if pruned:
            ctx.emit("envtui", f"pruned {len(pruned)} old snapshot(s), keeping {max(self.keep, 1)}")


def _freeze(ctx: StepContext) -> Freeze:
    """The environment's freeze; uv, when it is needed, runs as the step's program (a cancel stops it)."""

    def run(argv: Sequence[str]) -> process.ProcessResult:
        return ctx.run(argv, echo=False, timeout=120)

    return freeze(ctx.env, ctx.uv, run=run)


def check_rollback(ctx: StepContext) -> None:
    """After a rollback the environment must equal the snapshot line for line; a difference fails the job."""
    request = ctx.job.request if ctx.job is not None else None
    if ctx.outcome != SUCCEEDED or request is None or request.kind != "rollback" or not request.snapshot:
        return
    store = SnapshotStore(ctx.env.path)
    try:
        wanted = store.load(request.snapshot)
        now = _freeze(ctx).lines
    except EnvtuiError as exc:
        raise StepFailed(f"cannot compare with the snapshot: {exc.message}") from exc
    try:
        files = wanted.project.differs_from(current_files(wanted.project)) if wanted.project is not None else []
    except EnvtuiError as exc:
        raise StepFailed(f"cannot compare the project's files with the snapshot: {exc.message}") from exc
    if files:
        raise StepFailed(f"after the rollback {' and '.join(files)} differ from snapshot {wanted.id}")
    if [e.line for e in now] == wanted.freeze:
        also = " (and pyproject.toml and uv.lock)" if wanted.project is not None else ""
        ctx.emit("envtui", f"the environment now matches snapshot {wanted.id} line for line{also}")
        return
    from envtui.core.snapshots.diff import diff_lines

    diff = diff_lines(wanted.lines, now)
    for change in diff.changes[:20]:
        ctx.emit("envtui", f"  differs: {change}")
    raise StepFailed(f"after the rollback the environment differs from snapshot {wanted.id}: {diff.summary()}")


def _fresh_id(store: SnapshotStore) -> str:
    taken: set[str] = set(store.ids())
    while True:
        candidate = new_snapshot_id()
        if candidate not in taken:
            return candidate


def snapshot_provider(env: Environment, config: Config) -> tuple[list[Step], list[Step]]:
    """The job engine's step provider for snapshots: ``(env, config) -> (before, after)``."""
    step = SnapshotStep(config.snapshots.keep)
    return [step], [step]
