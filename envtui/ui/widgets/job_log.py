"""The job log pane: live output of the running job, batched so a flood never freezes the UI.

Producers call :meth:`JobLog.append` (from the event loop or any thread); it only buffers. A
timer flushes the buffer every ``FLUSH_SECONDS`` with one ``write_lines`` call. ``Log.write_line``
per line costs ~28 s for 100k lines; one batched write per tick with ``max_lines`` set stays well
under a frame. Lines that would be pruned anyway are dropped before they are written. The
widget keeps only the last ``max_lines``; the full log belongs on disk (the job engine's job).

Output is untrusted text: each line is shown through the display boundary when it is painted
(only the lines on screen cost anything), with uv's colour codes parsed into styles and every
other control character shown as a visible escape. Nothing reaches the terminal as bytes.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

from rich.highlighter import Highlighter
from rich.text import Span, Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.timer import Timer
from textual.widgets import Log, Static

from envtui.core.display import safe_text
from envtui.ui.text import plain, sgr_line

#: How often buffered lines are written to the screen.
FLUSH_SECONDS = 0.05
#: How many lines the pane keeps by default.
MAX_LINES = 5000
#: Prefix for envtui's own lines, so they stand apart from uv's output.
STREAM_PREFIX: dict[str, str] = {"envtui": "» "}
#: Coloured lines whose styles are remembered (a few screens' worth).
SGR_CACHE_SIZE = 2048


class _SgrHighlighter(Highlighter):
    """Gives a painted line back the colours its codes asked for, then runs the log's own highlighter."""

    def __init__(self, log: JobLog) -> None:
        self.log = log

    def highlight(self, text: Text) -> None:
        """Apply the line's SGR styles (when it had any), then the inner highlighter (when on)."""
        spans = self.log._sgr_spans.get(text.plain)
        if spans:
            text.spans.extend(spans)
        if self.log._inner_on and self.log._inner is not None:
            self.log._inner.highlight(text)


class JobLog(Log):
    """The running job's output: buffered appends, flushed in batches."""

    def __init__(
        self,
        *,
        max_lines: int = MAX_LINES,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        self._inner: Highlighter | None = None
        self._inner_on = False
        self._sgr_spans: OrderedDict[str, list[Span]] = OrderedDict()
        self._sgr_highlighter = _SgrHighlighter(self)
        super().__init__(max_lines=max_lines, auto_scroll=True, name=name, id=id, classes=classes)
        self._pending: deque[str] = deque()
        self._timer: Timer | None = None
        self.dropped = 0
        """Lines dropped unseen because more arrived in one tick than the pane keeps."""
        self.received = 0
        """Lines appended since the last :meth:`reset`."""

    @property
    def highlighter(self) -> Highlighter:
        """What colours a painted line: its own SGR codes first, then the highlighter set here."""
        return self._sgr_highlighter

    @highlighter.setter
    def highlighter(self, value: Highlighter) -> None:
        self._inner = value

    @property
    def highlight(self) -> bool:
        """Whether the highlighter set here runs (a line's own colours always show)."""
        return True

    @highlight.setter
    def highlight(self, value: bool) -> None:
        self._inner_on = bool(value)

    def _process_line(self, line: str) -> str:  # type: ignore[override]
        """A line as it is painted: tabs expanded, colour codes taken out (and remembered), the rest made safe."""
        line = line.expandtabs()
        if "\x1b" not in line and "\x9b" not in line:
            return safe_text(line)
        text = sgr_line(line)
        shown = text.plain
        if text.spans:
            self._sgr_spans[shown] = text.spans
            self._sgr_spans.move_to_end(shown)
            while len(self._sgr_spans) > SGR_CACHE_SIZE:
                self._sgr_spans.popitem(last=False)
        return shown

    def on_mount(self) -> None:
        """Start the flush timer."""
        self._timer = self.set_interval(FLUSH_SECONDS, self.flush, name="job-log-flush")

    def append(self, stream: str, line: str) -> None:
        """Queue one line of output (``stream``: stdout, stderr or envtui). Safe from any thread."""
        self._pending.append(STREAM_PREFIX.get(stream, "") + line)
        self.received += 1

    def extend(self, stream: str, lines: list[str]) -> None:
        """Queue several lines at once."""
        prefix = STREAM_PREFIX.get(stream, "")
        self._pending.extend(prefix + line for line in lines)
        self.received += len(lines)

    def flush(self) -> None:
        """Write everything buffered in one batch (called by the timer; callable directly)."""
        if not self._pending:
            return
        batch: list[str] = []
        pending = self._pending
        while pending:
            batch.append(pending.popleft())
        limit = self.max_lines
        if limit is not None and len(batch) > limit:
            self.dropped += len(batch) - limit
            batch = batch[-limit:]
        full = limit is not None and self.line_count + len(batch) > limit
        self.write_lines(batch)
        if full:
            # Once the log is full, Log.write_lines refreshes the rows the new lines had before
            # the oldest were pruned (below the end), and the scroll position does not move:
            # nothing would repaint and the pane would freeze on old output.
            self.refresh()

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

    collapsed: Reactive[bool] = reactive(True)
    """Whether the pane is folded to its title line."""
    title: Reactive[str] = reactive("Job log")
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
