"""Connects the core job engine to the job pane: every event, and every batch of output, as a message."""

from __future__ import annotations

import threading

from textual.message_pump import MessagePump

from envtui.core.jobs.job import Job, JobListener, Line
from envtui.ui.jobs.messages import JobFinished, JobOutput, JobQueued, JobStarted


class ScreenJobListener(JobListener):
    """Posts the engine's events and output batches to the job pane (they bubble on to the screen).

    The engine calls it from the worker thread that drives the jobs; ``post_message`` is safe
    from any thread, and the messages arrive in the order they were posted. Output batches join
    the :class:`JobOutput` still waiting in the screen's queue, if there is one: a flood is then
    one message per turn of the screen's loop, and keys and repaints never queue behind
    hundreds of them.
    """

    def __init__(self, screen: MessagePump) -> None:
        self.screen = screen
        self._lock = threading.Lock()
        self._waiting: JobOutput | None = None

    def on_queued(self, job: Job) -> None:
        """Post :class:`JobQueued`."""
        self.screen.post_message(JobQueued(job))

    def on_started(self, job: Job) -> None:
        """Post :class:`JobStarted`."""
        self.screen.post_message(JobStarted(job))

    def on_lines(self, job: Job, lines: list[Line]) -> None:
        """Add to the waiting :class:`JobOutput` of this job, else post a new one."""
        with self._lock:
            waiting = self._waiting
            if waiting is not None and waiting.job is job and waiting.add(lines):
                return
            self._waiting = JobOutput(job, list(lines))
            self.screen.post_message(self._waiting)

    def on_finished(self, job: Job) -> None:
        """Post :class:`JobFinished`."""
        self.screen.post_message(JobFinished(job))
