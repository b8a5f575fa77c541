"""The "before" and "after" steps of a change job: where hooks and snapshots plug in.

The job engine runs every before-step, then uv, then every after-step, one at a time in the
thread that drives the job, handing each a :class:`StepContext`. A step is any object with a
``name`` and a plain ``run(ctx)`` method:

- a before-step that raises :class:`StepFailed` stops the job before uv runs (the environment
  stays as it was), and the job fails with the step's words;
- an after-step runs however the job went (``ctx.outcome``); one that raises fails a job that
  had succeeded, and the after-steps behind it still run.

A step writes into the job's log with ``ctx.emit`` and runs programs with ``ctx.run``, which
streams their output into the log and stops them when the job is cancelled: a step never
starts a process on its own. Steps come from providers (:mod:`envtui.core.jobs.providers`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from envtui.core import process
from envtui.core.env.environment import Environment
from envtui.core.jobs.job import Job, Status
from envtui.core.uv import Uv

#: Seconds a step's program gets between SIGTERM and SIGKILL when its timeout stops it.
STOP_GRACE = 3.0

#: Write one line into the job's log: ``emit(stream, line)``, stream ``"stdout"``, ``"stderr"`` or ``"envtui"``.
Emit = Callable[[str, str], None]


class Phase(str, Enum):
    """When a step runs: before uv or after it."""

    BEFORE = "before"
    AFTER = "after"

    def __str__(self) -> str:
        return self.value


class StepFailed(Exception):
    """A step could not do its work; the message says why, in one line."""


class StepRunner(Protocol):
    """How ``ctx.run`` runs a program for the engine (tied to the job's cancel)."""

    def __call__(
        self, argv: Sequence[str], *, cwd: str | os.PathLike[str] | None, timeout: float | None, echo: bool
    ) -> process.ProcessResult:
        """Run ``argv`` to its end."""
        ...


@dataclass
class StepContext:
    """What a step knows about the job it runs around, and how it writes and runs things."""

    job: Job | None
    """The job (None only for a step run on its own, as tests do)."""
    env: Environment
    emit: Emit
    """Write a line into the job's log."""
    phase: Phase
    """``before`` or ``after``."""
    outcome: Status | None = None
    """For after-steps: how the job went so far (succeeded, failed or cancelled)."""
    data: dict[str, Any] = field(default_factory=dict)
    """Shared between a job's steps (e.g. a snapshot id taken before, used after)."""
    uv: Uv = field(default_factory=Uv)
    """The uv the job runs."""
    runner: StepRunner | None = field(default=None, repr=False)
    """Set by the engine; without it ``run`` simply runs the program."""

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: str | os.PathLike[str] | None = None,
        timeout: float | None = None,
        echo: bool = True,
    ) -> process.ProcessResult:
        """Run a program for this step and wait for it; its output streams into the job's log.

        With ``echo=False`` the output is only collected into the result (e.g. a ``--dry-run``).
        Cancelling the job stops the program (SIGINT, then SIGTERM and SIGKILL after the grace
        period). Past ``timeout`` it is stopped (SIGTERM, then SIGKILL) and
        :class:`~envtui.core.process.TimedOut` raised; a program that cannot start raises
        :class:`~envtui.core.errors.EnvtuiError`.
        """
        if self.runner is not None:
            return self.runner(argv, cwd=cwd, timeout=timeout, echo=echo)
        return process.stream(
            argv, self.emit if echo else None, cwd=cwd, timeout=timeout, collect=not echo, grace=STOP_GRACE
        )


class Step(Protocol):
    """Something that runs before or after every change job."""

    @property
    def name(self) -> str:
        """How the step is named in the job's log."""
        ...

    def wanted(self, job: Job) -> bool:
        """Whether the step has anything to do for ``job``: one that has not is neither run nor named in its log.

        Before-steps are asked before the first of them runs, after-steps once uv has run (or was
        not run), so an after-step may answer from what the job did.
        """
        ...

    def run(self, ctx: StepContext) -> None:
        """Do the work; raise StepFailed to stop (before) or fail (after) the job."""
        ...
