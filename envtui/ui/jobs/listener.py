"""Connects the core job engine to a screen: lines into the log pane, events as messages."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from envtui.core.jobs.engine import Job, JobListener, Line
from envtui.ui.jobs.messages import JobFinished, JobQueued, JobStarted

if TYPE_CHECKING:
    from textual.screen import Screen


class ScreenJobListener(JobListener):
    """Hands the engine's batches to the screen's ``JobLog`` and posts job events to the screen.

    Everything runs on the app's event loop (the engine's tasks live there), so the log's
    buffered ``extend`` is called directly: no message per batch, the log flushes on its timer.
    """

    def __init__(self, screen: Screen) -> None:
        self.screen = screen

    def on_queued(self, job: Job) -> None:
        """Post :class:`JobQueued`."""
        self.screen.post_message(JobQueued(job))

    def on_started(self, job: Job) -> None:
        """Post :class:`JobStarted`."""
        self.screen.post_message(JobStarted(job))

    def on_lines(self, job: Job, lines: list[Line]) -> None:
        """Queue the batch into the log pane, grouped by stream."""
        try:
            log = self.screen.job_log  # type: ignore[attr-defined]
        except Exception:
            return
        for stream, group in groupby(lines, key=lambda item: item[0]):
            log.extend(stream, [line for _, line in group])

    def on_finished(self, job: Job) -> None:
        """Post :class:`JobFinished`."""
        self.screen.post_message(JobFinished(job))
