"""Messages the job engine's listener and the preview worker post to the screen.

The engine runs in a worker thread; these are how what it does reaches the screen.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from textual.message import Message

from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.hooks import HookPlan
from envtui.core.jobs.job import Job, Line
from envtui.core.jobs.preview import Preview


@dataclass
class JobQueued(Message):
    """A job was accepted; it waits for its turn."""

    job: Job


@dataclass
class JobStarted(Message):
    """A job began running."""

    job: Job


@dataclass
class JobOutput(Message):
    """A job's output lines, in order: every batch the engine handed over since the last one the
    screen took (a flood is one message waiting in the queue, not hundreds)."""

    job: Job
    lines: list[Line]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _taken: bool = field(default=False, repr=False, compare=False)

    def add(self, lines: list[Line]) -> bool:
        """Append a later batch while the screen has not taken this one yet (from any thread)."""
        with self._lock:
            if self._taken:
                return False
            self.lines.extend(lines)
            return True

    def take(self) -> list[Line]:
        """The lines, once: later batches then go into a new message."""
        with self._lock:
            self._taken = True
            return self.lines


@dataclass
class JobFinished(Message):
    """A job ended (succeeded, failed or cancelled). Health and the package table refresh on it."""

    job: Job


@dataclass
class PreviewReady(Message):
    """uv's ``--dry-run`` answered: what the request would change, for the confirm dialog."""

    request: ChangeRequest
    preview: Preview
    notes: list[str] = field(default_factory=list)
    """Warnings to show above the preview (e.g. who requires a package being removed)."""
    listing: list[str] = field(default_factory=list)
    """Lines saying what was chosen (e.g. the outdated packages "upgrade all" picked)."""
    hooks: HookPlan | None = None
    """What the configuration's hooks will do around the job (None: it has none)."""
