"""The job log pane: live output of the running job, batched so a flood never freezes the UI.

Producers call :meth:`JobLog.append` / :meth:`JobLog.extend_output`; they only buffer (a deque
capped at what the pane keeps, so a flood costs no per-line work on the way in). A timer flushes
the buffer every ``FLUSH_SECONDS`` with one :meth:`JobLog.write_lines`, which does no per-line
work either: the lines are split in one call, the width is measured on the longest only, and
the pane repaints its own rows, never the screen (its line count is not a layout matter: CSS
sizes the pane). A job printing 200,000 lines costs the UI a few milliseconds a tick. The
widget keeps only the last ``max_lines``; the full log belongs on disk (the job engine's job).

Output is untrusted text: each line is shown through the display boundary when it is painted
(only the lines on screen cost anything), with uv's colour codes parsed into styles and every
other control character shown as a visible escape. Nothing reaches the terminal as bytes.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.text import Span, Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
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
        self._pending: deque[str] = deque(maxlen=max_lines)
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

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """How far the lines reach. Not a layout reactive (a widget's is): the pane's size comes from
    CSS, so more lines must repaint the pane, not re-lay out (and repaint) the whole screen."""

    def on_mount(self) -> None:
        """Start the flush timer."""
        self._timer = self.set_interval(FLUSH_SECONDS, self.flush, name="job-log-flush")

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

    def write_lines(self, lines: Iterable[str], scroll_end: bool | None = None) -> JobLog:
        """Add lines at the end and repaint the pane (``Log.write_lines`` without its work per line).

        The lines are split in one call; the width grows to the longest new line's (measured
        alone, here, not in a thread of its own per call); then the pane repaints its rows.
        """
        new_lines = "\n".join(lines).splitlines()
        if not new_lines:
            return self
        at_end = self.is_vertical_scroll_end
        self._lines.extend(new_lines)
        if self.max_lines is not None and len(self._lines) > self.max_lines:
            self._prune_max_lines()
        self._width = max(self._width, cell_len(self._process_line(max(new_lines, key=len))))
        self._resized()
        auto_scroll = self.auto_scroll if scroll_end is None else scroll_end
        if auto_scroll and at_end and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        # Once full, the rows shift under a scroll position that does not move: repaint them.
        self.refresh()
        return self

    def clear(self) -> JobLog:
        """Remove every line."""
        super().clear()
        self._resized()
        self.refresh()
        return self

    def _resized(self) -> None:
        """Take the new extent, and update the scrollbars (a layout would have done it)."""
        size = Size(self._width, len(self._lines))
        if size != self.virtual_size:
            self.virtual_size = size
            self._scroll_update(size)

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
