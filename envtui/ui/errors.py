"""How a failure reads on screen: one message, and uv's cause on a line under it."""

from __future__ import annotations

from textual.widget import Widget
from textual.worker import Worker, WorkerState

from envtui.core.errors import EnvtuiError


def error_text(error: BaseException | None) -> str:
    """``error`` as a notification says it: envtui's message and cause, else the exception's type and text."""
    if isinstance(error, EnvtuiError):
        return f"{error.message}\n{error.cause}" if error.cause else error.message
    return f"{type(error).__name__}: {error}"


def notify_failed_worker(widget: Widget, event: Worker.StateChanged) -> None:
    """A worker of ``widget`` that failed is a notification titled with what it was doing."""
    if event.state == WorkerState.ERROR:
        widget.notify(error_text(event.worker.error), title=event.worker.description, severity="error")
