"""The job log pane: live output of the running job, batched so a flood never freezes the UI.

Producers call :meth:`JobLog.append` / :meth:`JobLog.extend_output`; they only buffer (a deque
capped at what the pane keeps, so a flood costs no per-line work on the way in). A timer flushes
the buffer every ``FLUSH_SECONDS`` with one :meth:`JobLog.write_lines`, which does no per-line
work either (see :class:`~envtui.ui.widgets.output_log.OutputLog`: a bounded line store, only
the rows on screen painted, through the display boundary, and the pane repainted, never the
screen re-laid out). A job printing 200,000 lines costs the UI a few milliseconds a tick. The
widget keeps only the last ``max_lines``; the full log belongs on disk (the job engine's job).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.widgets import Static

from envtui.ui.text import plain
from envtui.ui.widgets.output_log import OutputLog

#: How often buffered lines are written to the screen: ten frames a second of a flood read as
#: live, and against twenty they left keys answered sooner (p95 89–125 ms against 111–153 in four
#: interleaved pairs on two cores), lines/s up a quarter and a third fewer bytes to the terminal.
FLUSH_SECONDS = 0.1
#: How many lines the pane keeps by default.
MAX_LINES = 5000
#: Prefix for envtui's own lines, so they stand apart from uv's output.
STREAM_PREFIX: dict[str, str] = {"envtui": "» "}


class JobLog(OutputLog):
    """The running job's output: buffered appends, flushed in batches."""

    def __init__(
        self,
        *,
        max_lines: int = MAX_LINES,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(max_lines=max_lines, auto_scroll=True, name=name, id=id, classes=classes)
        self._pending: deque[str] = deque(maxlen=max_lines)
        self.dropped = 0
        """Lines dropped unseen because more arrived in one tick than the pane keeps."""
        self.received = 0
        """Lines appended since the last :meth:`reset`."""

    def on_mount(self) -> None:
        """Start the flush timer."""
        self.set_interval(FLUSH_SECONDS, self.flush, name="job-log-flush")

    def _take(self, count: int) -> None:
        """Count ``count`` lines in; those the capped buffer pushes out unseen are dropped."""
        self.received += count
        if self._pending.maxlen is not None:
            self.dropped += max(0, len(self._pending) + count - self._pending.maxlen)

    def append(self, stream: str, line: str) -> None:
        """Queue one line of output (``stream``: stdout, stderr or envtui). Safe from any thread."""
        self._take(1)
        self._pending.append(STREAM_PREFIX.get(stream, "") + line)

    def extend(self, stream: str, lines: Sequence[str]) -> None:
        """Queue several lines of one stream at once."""
        self._take(len(lines))
        prefix = STREAM_PREFIX.get(stream, "")
        self._pending.extend([prefix + line for line in lines] if prefix else lines)

    def extend_output(self, lines: Sequence[tuple[str, str]]) -> None:
        """Queue a job's ``(stream, line)`` pairs as the engine batches them (no work per line
        unless one of them is envtui's own, which is marked)."""
        self._take(len(lines))
        if any(marked in map(itemgetter(0), lines) for marked in STREAM_PREFIX):
            self._pending.extend([STREAM_PREFIX.get(stream, "") + line for stream, line in lines])
        else:
            self._pending.extend(map(itemgetter(1), lines))

    def flush(self) -> None:
        """Write everything buffered in one batch (called by the timer; callable directly)."""
        if not self._pending:
            return
        batch = list(self._pending)
        self._pending.clear()
        self.write_lines(batch)

    @property
    def pending(self) -> int:
        """Lines waiting for the next flush."""
        return len(self._pending)

    def reset(self) -> None:
        """Clear the log for a new job."""
        self._pending.clear()
        self.clear()
        self.dropped = 0
        self.received = 0


class JobLogPane(Vertical):
    """The bottom pane: a title line (job and state) over the :class:`JobLog`; ``l`` folds it."""

    @dataclass
    class Folded(Message):
        """The pane was folded or unfolded (the screen lets the other panes give way while it is open)."""

        collapsed: bool

    collapsed: Reactive[bool] = reactive(True, repaint=False)
    """Whether the pane is folded to its title line."""
    title: Reactive[str] = reactive("Job log", repaint=False)
    """What the title line says (e.g. the running job and its state)."""

    def compose(self) -> ComposeResult:
        """Title line, then the log."""
        yield Static(self._title_text(), id="job-log-title", markup=False)
        yield JobLog(id="job-log")

    def watch_collapsed(self, collapsed: bool) -> None:
        """Fold or unfold (CSS does the sizing) and say so."""
        self.set_class(collapsed, "-collapsed")
        self.post_message(self.Folded(collapsed))
        self._update_title()

    def watch_title(self) -> None:
        """Repaint the title line."""
        self._update_title()

    def _title_text(self) -> Text:
        hint = "l to show" if self.collapsed else "l to hide"
        return plain(f"{self.title} · {hint}")

    def _update_title(self) -> None:
        for title in self.query("#job-log-title").results(Static):
            title.update(self._title_text())
