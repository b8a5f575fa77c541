"""Connects the core job engine to the job pane: every event, and every batch of output, as a message."""

from __future__ import annotations

from textual.message_pump import MessagePump

from envtui.core.jobs.job import Job, JobListener, Line
from envtui.ui.jobs.messages import JobFinished, JobOutput, JobQueued, JobStarted


class ScreenJobListener(JobListener):
    """Posts the engine's events and output batches to the job pane (they bubble on to the screen).

    The engine calls it from the worker thread that drives the jobs; ``post_message`` is safe
    from any thread, and the messages arrive in the order they were posted. The engine batches
    output already (at most every 50 ms or 500 lines), so a flood is a few messages a second.
    """

    def __init__(self, screen: MessagePump) -> None:
        self.screen = screen

    def on_queued(self, job: Job) -> None:
        """Post :class:`JobQueued`."""
        self.screen.post_message(JobQueued(job))

    def on_started(self, job: Job) -> None:
        """Post :class:`JobStarted`."""
        self.screen.post_message(JobStarted(job))

    def on_lines(self, job: Job, lines: list[Line]) -> None:
        """Post :class:`JobOutput`."""
        self.screen.post_message(JobOutput(job, lines))

    def on_finished(self, job: Job) -> None:
        """Post :class:`JobFinished`."""
        self.screen.post_message(JobFinished(job))
