"""The Snapshots view: every snapshot of the environment, and what differs between it and now.

A centre view of the main screen (registered in ``envtui.ui.views``). The list (newest first)
and each snapshot's difference from what is installed now are read in a thread worker;
highlighting a row shows its difference at once. Enter asks the screen to restore it
(``RestoreRequested``): the job pane checks it with uv and confirms with that same difference
before a rollback job runs.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from envtui.core.env.environment import Environment
from envtui.core.jobs import history
from envtui.core.jobs.job import Job
from envtui.core.snapshots.diff import diff_lines
from envtui.core.snapshots.freeze import freeze
from envtui.core.snapshots.store import SnapshotStore
from envtui.ui.snapshots.messages import RestoreRequested, SnapshotRow, SnapshotsLoaded
from envtui.ui.text import change_lines, short_time
from envtui.ui.widgets.pane_view import PaneView
from envtui.ui.widgets.view_table import ViewTable

_OUTCOME_COLOUR = {"succeeded": "success", "failed": "error", "cancelled": "warning", "interrupted": "warning"}


class SnapshotsView(PaneView):
    """The snapshots of one environment, newest first; the highlighted one's difference from now."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "restore",
            "Restore",
            tooltip="Restore the highlighted snapshot (shows what would change first)",
            id="snapshots.restore",
        ),
    ]

    def __init__(self, env: Environment, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.env = env
        """The environment whose snapshots are listed."""
        self.env_path = str(env.path.resolve())
        """Its resolved path (what the store calls it)."""
        self.rows: list[SnapshotRow] = []
        """What the table shows, newest first."""

    def compose(self) -> ComposeResult:
        """A summary line, the table, and the difference of the highlighted snapshot from now."""
        yield Static("snapshots: reading…", id="snapshots-summary", markup=False)
        table = ViewTable(id="snapshots-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("ID", "Taken", "Pkgs", "Outcome", "Reason")
        yield table
        with VerticalScroll(id="snapshots-detail-scroll"):
            yield Static("", id="snapshots-detail")

    @property
    def table(self) -> ViewTable:
        """The snapshots table."""
        return self.query_one("#snapshots-table", ViewTable)

    def shown(self) -> None:
        """Chosen: read the snapshots as they are now."""
        self.refresh_snapshots()

    def set_environment(self, env: Environment) -> None:
        """List the snapshots of ``env`` from now on."""
        self.env = env
        self.env_path = str(env.path.resolve())

    def jobs_changed(self, job: Job | None) -> None:
        """A job that ended left a snapshot: list it when the view is on screen."""
        if job is not None and job.finished and self.display:
            self.refresh_snapshots()

    def refresh_snapshots(self) -> None:
        """Read the snapshots again (in a worker); the table keeps its cursor on the same one."""
        self._load(self.env)

    @work(thread=True, exclusive=True, exit_on_error=False, group="snapshots", description="Reading snapshots")
    def _load(self, env: Environment) -> None:
        """List the snapshots, freeze the environment once, and compare each snapshot with it."""
        store = SnapshotStore(env.path)
        listing = store.listing()
        now = freeze(env).lines
        rows: list[SnapshotRow] = []
        for snapshot in listing.snapshots:
            if get_current_worker().is_cancelled:
                return
            record = history.load(snapshot.job) if snapshot.job else None
            rows.append(SnapshotRow(snapshot, record.status if record else None, diff_lines(now, snapshot.lines)))
        self.post_message(SnapshotsLoaded(store.env, rows, listing.problems))

    @on(SnapshotsLoaded)
    def _loaded(self, message: SnapshotsLoaded) -> None:
        """Fill the table (keeping the cursor) and report unreadable files."""
        message.stop()
        if message.env_path != self.env_path:
            return
        self.rows = message.rows
        table = self.table
        keep = self._current_id()
        table.clear()
        variables = self.app.theme_variables
        for row in message.rows:
            snapshot = row.snapshot
            colour = _OUTCOME_COLOUR.get(row.outcome or "")
            outcome = Text(row.outcome or "-", style=variables.get(colour, "") if colour else "")
            table.add_row(
                Text(snapshot.id),
                Text(short_time(snapshot.time)),
                Text(str(snapshot.packages)),
                outcome,
                Text(snapshot.reason, no_wrap=True, overflow="ellipsis"),
                key=snapshot.id,
            )
        ids = [row.snapshot.id for row in message.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        count = len(message.rows)
        summary = f"{count} snapshot{'s' if count != 1 else ''}, newest first · Enter restores · z undo · Z redo"
        if message.problems:
            summary += f" · {len(message.problems)} unreadable, skipped"
            for problem in message.problems:
                self.notify(problem, title="Snapshot skipped: cannot be read", severity="warning", markup=False)
        self.query_one("#snapshots-summary", Static).update(summary)
        self._show_detail()

    def _current_id(self) -> str | None:
        table = self.table
        if not table.row_count or not 0 <= table.cursor_row < table.row_count:
            return None
        return str(table.ordered_rows[table.cursor_row].key.value)

    def highlighted(self) -> SnapshotRow | None:
        """The snapshot under the cursor."""
        current = self._current_id()
        return next((row for row in self.rows if row.snapshot.id == current), None) if current else None

    def _show_detail(self) -> None:
        row = self.highlighted()
        detail = self.query_one("#snapshots-detail", Static)
        if row is None:
            detail.update("No snapshots yet: one is taken before every change job (i, u, x, y).")
            return
        snapshot = row.snapshot
        text = Text()
        text.append(f"{snapshot.id} · {snapshot.iso_time} · Python {snapshot.python} · ", style="dim")
        text.append(snapshot.reason + "\n", style="dim")
        if row.against_now.empty:
            text.append("The environment matches this snapshot now.")
        else:
            text.append(f"Restoring it would change: {row.against_now.summary()}\n")
            text.append_text(change_lines(row.against_now.changes, self.app.theme_variables))
        detail.update(text)

    @on(DataTable.RowHighlighted, "#snapshots-table")
    def _row_highlighted(self) -> None:
        """Show the highlighted snapshot's difference from now."""
        self._show_detail()

    @on(DataTable.RowSelected, "#snapshots-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a snapshot asks to restore it."""
        event.stop()
        self.action_restore()

    def action_restore(self) -> None:
        """Ask the screen to restore the highlighted snapshot (it checks and confirms first)."""
        row = self.highlighted()
        if row is None:
            self.notify("No snapshot to restore.", timeout=2)
            return
        self.post_message(RestoreRequested(row.snapshot.id))
