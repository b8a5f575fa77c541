"""The Jobs view: this session's jobs (queued, running, done) and the history on disk."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from envtui.core.display import argv_text
from envtui.core.env.environment import Environment
from envtui.core.jobs import history
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import CANCELLED, FAILED, QUEUED, RUNNING, SUCCEEDED, Job, env_key
from envtui.ui.text import plain, sgr_line, short_time
from envtui.ui.widgets.pane_view import PaneView
from envtui.ui.widgets.view_table import ViewTable

#: Most past jobs listed from disk.
HISTORY_LIMIT = 200


class JobsTable(ViewTable):
    """The jobs, one a row; Enter opens the highlighted job's whole log."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open log", tooltip="Read this job's whole log", id="jobs_view.open_log"),
    ]


class JobsView(PaneView):
    """A table of jobs, the selected job's errors and log tail, and a Cancel button for a live job."""

    def __init__(self, engine: JobEngine, env: Environment, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.engine = engine
        """The engine whose live jobs are listed first."""
        self.env_path = env_key(env)
        """Only jobs on this environment are listed."""
        self._records: dict[str, history.JobRecord] = {}
        self._skipped: list[str] = []

    def compose(self) -> ComposeResult:
        """Table, detail, button."""
        table = JobsTable(id="jobs-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Status", "Started", "Took", "Exit", "Job")
        yield table
        yield Static("", id="jobs-detail")
        with Horizontal(id="jobs-buttons"):
            yield Button("Cancel job", id="jobs-cancel", variant="error", disabled=True)

    @property
    def table(self) -> DataTable:
        """The jobs table."""
        return self.query_one("#jobs-table", DataTable)

    def shown(self) -> None:
        """Chosen: list the jobs as they are now."""
        self.refresh_jobs()

    def jobs_changed(self, job: Job | None) -> None:
        """A job was queued, started or ended, or a refused change recorded: list it."""
        self.refresh_jobs()

    def set_environment(self, env: Environment) -> None:
        """List the jobs of ``env`` from now on."""
        self.env_path = env_key(env)

    def refresh_jobs(self) -> None:
        """Re-read live jobs and the history; keep the cursor on the same job."""
        if not self.is_mounted:  # deferred at start-up: it lists everything when first shown
            return
        table = self.table
        current = self._current_id()
        live = {job.id: job for job in self.engine.jobs if env_key(job.env) == self.env_path}
        skipped: list[str] = []
        records = {r.id: r for r in history.load_all(env=self.env_path, limit=HISTORY_LIMIT, skipped=skipped)}
        if skipped and skipped != self._skipped:  # a bad record is left out, and said once
            self.app.notify("\n".join(skipped[:3]), title="Job history", severity="warning")
        self._skipped = skipped
        for job in live.values():
            records[job.id] = job.record()
        self._records = records
        table.clear()
        for job_id in sorted(records, reverse=True):
            record = records[job_id]
            table.add_row(
                self._status(record.status),
                short_time(record.started) if record.started else "-",
                f"{record.duration:.1f} s" if record.duration is not None else "…",
                history.exit_text(record.returncode),
                plain(record.description or record.kind, no_wrap=True, overflow="ellipsis"),
                key=job_id,
            )
        if current in records:
            table.move_cursor(row=table.get_row_index(current))
        self._show_detail()

    def _status(self, status: str) -> Text:
        variables = self.app.theme_variables
        colours: dict[str, str] = {
            SUCCEEDED: variables.get("success", "green"),
            FAILED: variables.get("error", "red"),
            CANCELLED: variables.get("warning", "yellow"),
            RUNNING: variables.get("accent", "cyan"),
            QUEUED: variables.get("text-muted", "grey50"),
        }
        colour = colours.get(status, "")
        return plain(status, style=colour)

    def _current_id(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except Exception:
            return None

    def selected_job(self) -> Job | None:
        """The live job under the cursor (None for a job of an earlier session)."""
        job_id = self._current_id()
        return next((job for job in self.engine.jobs if job.id == job_id), None)

    @on(DataTable.RowHighlighted, "#jobs-table")
    def _row_highlighted(self) -> None:
        """Show the highlighted job's detail."""
        self._show_detail()

    def _show_detail(self) -> None:
        job_id = self._current_id()
        record = self._records.get(job_id or "")
        detail = self.query_one("#jobs-detail", Static)
        button = self.query_one("#jobs-cancel", Button)
        live = self.selected_job()
        # Only a job that is queued or running can be cancelled: a finished one shows no button.
        button.display = live is not None and not live.finished
        button.disabled = not button.display
        if record is None:
            detail.update("No jobs yet. i installs, u upgrades, x uninstalls, y syncs from a file.")
            return
        error = self.app.theme_variables.get("error", "red")
        text = Text()
        text.append(f"job {record.id}", style="bold")  # what 'envtui jobs ID' takes
        text.append("  ")
        # Commands, messages and log lines quote specs, paths and uv's words: all through the boundary.
        text.append_text(plain(argv_text(record.command), style="dim"))
        text.append("\n")
        if record.snapshot:
            interrupted = "interrupted: " if record.status == "interrupted" else ""
            text.append(f"{interrupted}before it: snapshot {record.snapshot} (S lists the snapshots, Enter restores)\n")
        if record.message:
            text.append_text(plain(record.message))
            text.append("\n")
        for line in record.error_lines[:8]:
            text.append_text(plain(line, style=error))
            text.append("\n")
        if not record.error_lines and record.status not in (QUEUED,):
            for line in history.read_log(record.id, tail=5):
                text.append_text(sgr_line(line))
                text.append("\n")
        text.append("enter: the whole log", style="dim")
        detail.update(text)

    @on(DataTable.RowSelected, "#jobs-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a job opens its whole log."""
        event.stop()
        self.open_log()

    def open_log(self) -> None:
        """Show the highlighted job's whole log in a scrollable viewer."""
        from envtui.ui.screens.log_viewer import LogViewerScreen

        record = self._records.get(self._current_id() or "")
        if record is None:
            return
        live = self.selected_job()
        self.app.push_screen(LogViewerScreen(record, running=live is not None and not live.finished))

    @on(Button.Pressed, "#jobs-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        """Cancel the selected live job."""
        event.stop()
        job = self.selected_job()
        if job is not None and self.engine.cancel(job):
            self.app.notify(f"Cancelling {job.describe()}…", timeout=3)
        self.refresh_jobs()
