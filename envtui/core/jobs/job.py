"""One change job: what it runs, where, how it is going, and how it ended.

A job's outcome is a type, never a sentence: :class:`Status` says where it stands (and how it
ended), :class:`Failure` why a failed job failed. Faces decide what to print and which exit
code to return from those; ``Job.message`` is only for people.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from envtui.core.env.environment import Environment
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeKind, ChangeRequest
from envtui.core.jobs.preview import Preview, parse_changes


class Status(str, Enum):
    """Where a job stands; the last three are how it ended. Its value is what history and JSON say."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"
    """envtui itself was stopped (SIGTERM, SIGHUP, or killed) while the job ran."""

    def __str__(self) -> str:
        return self.value


QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED = (
    Status.QUEUED,
    Status.RUNNING,
    Status.SUCCEEDED,
    Status.FAILED,
    Status.CANCELLED,
    Status.INTERRUPTED,
)
#: The statuses of a job that has ended.
ENDED = frozenset({SUCCEEDED, FAILED, CANCELLED, INTERRUPTED})


class Failure(str, Enum):
    """Why a failed job failed."""

    UV = "uv"
    """uv exited with an error: its own ``error:`` lines are in the output."""
    STEP = "step"
    """A before- or after-step failed (``Job.message`` says which, and why)."""
    INTERNAL = "internal"
    """envtui itself failed (a bug, or the lock or the disk)."""

    def __str__(self) -> str:
        return self.value


#: One output line: ``(stream, text)``; stream is ``"stdout"``, ``"stderr"`` or ``"envtui"``.
Line = tuple[str, str]


@dataclass(eq=False)
class Job:
    """One change job: what it runs, where, and how it is going.

    The engine's driver thread changes it; other threads read it (and ask to cancel it
    through the engine).
    """

    id: str
    request: ChangeRequest
    env: Environment
    argv: list[str]
    status: Status = QUEUED
    queued_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    returncode: int | None = None
    """uv's exit status; None when uv did not run."""
    log_path: Path | None = None
    error_lines: list[str] = field(default_factory=list)
    """uv's error block (``error:``, ``cause:``, ``hint:`` and their continuations)."""
    message: str = ""
    """How it ended, in one line for people (e.g. ``step 'snapshot' failed: disk full``)."""
    failure: Failure | None = None
    """Why it failed, when it did."""
    change_lines: list[str] = field(default_factory=list)
    """uv's ``+``/``-``/``~`` summary lines, to tell what the job changed."""
    cancel_requested: bool = False
    step_data: dict[str, Any] = field(default_factory=dict)
    """Shared by the job's steps (``StepContext.data``)."""
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    """The child running for the job now (uv, or a step's program), so a cancel reaches it."""
    _cancels: int = field(default=0, repr=False)
    stopped_by: int | None = None
    """The signal (SIGTERM, SIGHUP) that stopped envtui while this job ran, if one did."""
    """How many times a cancel was asked for (the driver acts on each once)."""

    @property
    def kind(self) -> ChangeKind:
        """``install``, ``upgrade``, ``uninstall``, ``sync`` or ``rollback``."""
        return self.request.kind

    @property
    def finished(self) -> bool:
        """Whether the job has ended."""
        return self.status in ENDED

    @property
    def duration(self) -> float | None:
        """Seconds it ran (so far, while running); None before it started."""
        if self.started_at is None:
            return None
        return (self.finished_at or time.time()) - self.started_at

    @property
    def snapshot(self) -> str | None:
        """The id of the snapshot taken before the job (once its step has run), else None."""
        value = self.step_data.get("snapshot")
        return value if isinstance(value, str) else None

    @property
    def changes(self) -> Preview:
        """What the job changed, from uv's summary lines.

        In a uv project its own package, only rebuilt from its source by uv, is no change.
        """
        changes = parse_changes(self.change_lines)
        project = self.request.project
        if project is not None:
            from envtui.core.project.lockfile import project_members, without_rebuilds

            changes.changes = without_rebuilds(changes.changes, project_members(project.name, project.lock))
        return changes

    def describe(self) -> str:
        """A short human description, e.g. ``install alpha``."""
        return self.request.describe()

    def record(self) -> history.JobRecord:
        """The history record of this job as it stands."""
        return history.JobRecord(
            id=self.id,
            kind=self.kind,
            env=env_key(self.env),
            command=list(self.argv),
            status=self.status.value,
            description=self.describe(),
            started=self.started_at,
            duration=self.duration if self.finished else None,
            returncode=self.returncode,
            log=str(self.log_path or ""),
            error_lines=list(self.error_lines),
            message=self.message,
            snapshot=self.snapshot,
        )

    def to_json(self) -> dict[str, Any]:
        """The job record plus what it changed (the ``--json`` output of change commands)."""
        data = self.record().to_json()
        data.pop("pid", None)
        data.update(self.changes.to_json())
        return data


class JobListener:
    """What a face hears about jobs; override the methods you need.

    They are called in the thread that drives the job (``on_queued`` and the ``on_finished``
    of a job cancelled before it started: in the thread that queued or cancelled it), so a
    face with its own event loop hands them over (the TUI posts messages).
    """

    def on_queued(self, job: Job) -> None:
        """A job was accepted and waits for its turn."""

    def on_started(self, job: Job) -> None:
        """A job began (it may still wait for another process's lock)."""

    def on_lines(self, job: Job, lines: list[Line]) -> None:
        """A batch of output lines, in order."""

    def on_finished(self, job: Job) -> None:
        """A job ended: succeeded, failed or cancelled."""


def env_key(env: Environment) -> str:
    """The key of an environment's queue."""
    return str(Path(env.path).resolve())
