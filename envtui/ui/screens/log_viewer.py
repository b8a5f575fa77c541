"""A job's whole log, scrollable: the command, every line uv and the hooks printed, how it ended.

Opened with Enter on a row of the Jobs view. The log is read from the job's file on disk (the log
pane keeps only a tail); while the job still runs, new lines are read as they arrive. The file
holds what uv and the hooks printed, as they printed it: it is shown as the log pane shows it
(colour codes as styles, every other escape made visible), never as bytes to the terminal.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from envtui.core.jobs import history
from envtui.ui.jobs.widgets import UvErrorHighlighter
from envtui.ui.text import plain
from envtui.ui.widgets.output_log import OutputLog

#: How often a running job's log is read again (seconds).
FOLLOW_SECONDS = 0.5


class LogViewerScreen(ModalScreen[None]):
    """One job's full log; escape or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", tooltip="Back to the Jobs view", id="log_viewer.close"),
        Binding("k", "scroll(-1)", "Up", show=False, id="log_viewer.up"),
        Binding("j", "scroll(1)", "Down", show=False, id="log_viewer.down"),
        Binding("g", "top", "First line", show=False, id="log_viewer.top"),
        Binding("G", "bottom", "Last line", show=False, id="log_viewer.bottom"),
    ]

    def __init__(self, record: history.JobRecord, *, running: bool = False) -> None:
        super().__init__()
        self.record = record
        """The job whose log this is."""
        self.running = running
        """Whether the job still runs (its log is followed)."""
        self._read = 0

    def compose(self) -> ComposeResult:
        """A title line with the command, then the log."""
        record = self.record
        with Vertical(id="log-viewer-box") as box:
            box.border_title = plain(f"{record.description or record.kind} · {record.status}")  # no markup
            box.border_subtitle = "escape closes · j k g G pgup pgdn ← → scroll"
            yield Static(f"$ {' '.join(record.command)}", id="log-viewer-command", markup=False)
            yield OutputLog(id="log-viewer", highlight=True, auto_scroll=False)

    def on_mount(self) -> None:
        """Fill the log from the file; follow it while the job runs."""
        log = self.query_one(OutputLog)
        variables = self.app.theme_variables
        log.highlighter = UvErrorHighlighter(
            f"bold {variables.get('error', 'red')}", variables.get("warning", "yellow")
        )
        self._read_more()
        if not history.read_log(self.record.id, tail=1) and self.record.message:
            log.write_line(self.record.message)
        log.scroll_home(animate=False)
        log.focus()
        if self.running:
            self.set_interval(FOLLOW_SECONDS, self._read_more, name="log-viewer-follow")

    @property
    def lines(self) -> list[str]:
        """What the viewer holds now."""
        return self.query_one(OutputLog).lines

    def _read_more(self) -> None:
        lines = history.read_log(self.record.id)
        new = lines[self._read :]
        if new:
            self._read = len(lines)
            self.query_one(OutputLog).write_lines(new)

    def action_scroll(self, step: int) -> None:
        """One line up or down."""
        log = self.query_one(OutputLog)
        log.scroll_to(y=log.scroll_offset.y + step, animate=False)

    def action_top(self) -> None:
        """The first line."""
        self.query_one(OutputLog).scroll_home(animate=False)

    def action_bottom(self) -> None:
        """The last line."""
        self.query_one(OutputLog).scroll_end(animate=False)
