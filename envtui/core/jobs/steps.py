"""The "before" and "after" steps of a change job: where hooks and snapshots plug in.

The job engine runs every registered before-step, then uv, then every after-step, handing each
a StepContext. A before-step that raises StepFailed stops the job before uv runs (the
environment stays as it was); an after-step sees how the change went in ``ctx.outcome``.
Maintenance hooks (stop/start a service) and automatic snapshots are both steps.

A step's ``run`` may be a plain function or a coroutine function: the engine calls it, and
awaits what it returns only when that is awaitable. Prefer a plain function for work that
is plain anyway (a snapshot runs ``uv pip freeze``): the CLI drives jobs without an event
loop, and imports asyncio (and runs the coroutine with ``asyncio.run``) only for a step
that is async. Either way a step runs in the engine's thread, one at a time, and may call
``ctx.emit`` directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from envtui.core.env.environment import Environment


class StepFailed(Exception):
    """A step could not do its work; the message says why, in one line."""


@dataclass
class StepContext:
    """What a step knows about the job it runs around."""

    job: Any
    """The job (``envtui.core.jobs.engine.Job``); typed loosely so this module stays at the bottom."""
    env: Environment
    emit: Callable[[str, str], None]
    """Write a line into the job's log: ``emit(stream, line)``, stream ``"stdout"``/``"stderr"``/``"envtui"``."""
    phase: str
    """``"before"`` or ``"after"``."""
    outcome: str | None = None
    """For after-steps: ``"succeeded"``, ``"failed"`` or ``"cancelled"``."""
    data: dict[str, Any] = field(default_factory=dict)
    """Shared between a job's steps (e.g. a snapshot id taken before, used after)."""
    track: Callable[[Any], None] | None = None
    """Hand a child process the step starts to the engine, so cancelling the job reaches it."""


class Step(Protocol):
    """Something that runs before or after every change job."""

    name: str

    def run(self, ctx: StepContext) -> Awaitable[None] | None:
        """Do the work; raise StepFailed to stop (before) or fail (after) the job.

        Either ``def run`` (returns None) or ``async def run`` (returns a coroutine).
        """


def is_awaitable(value: object) -> bool:
    """Whether a step's ``run`` returned something to await (a coroutine), without importing asyncio."""
    return hasattr(value, "__await__")
