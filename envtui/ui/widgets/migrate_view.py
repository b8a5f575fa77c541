"""The Migrate view: where the project uses pip, and what uv does instead, one row per finding.

The project is the configuration's directory (or the working directory). The scan is the
core's (:func:`envtui.core.migrate.scan.scan`), in a thread worker, when the view is first shown
and on ``c``; ``w`` writes the changes as a patch to review and ``git apply``. Nothing else is
ever written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from envtui.core.config import Config
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv
from envtui.ui.widgets.pane_view import PaneView
from envtui.ui.widgets.view_table import ViewTable

if TYPE_CHECKING:
    # The scanner (its sources, rules and shell parser) loads with the first scan, not at start-up.
    from envtui.core.migrate.scan import Finding, MigrationReport

PATCH_NAME = "uv-migration.patch"


@dataclass
class MigrationScanned(Message):
    """A scan of the project finished."""

    report: MigrationReport


#: The "Now" column is cut to this many cells, so the uv column keeps most of the width.
NOW_WIDTH = 32


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def uv_cell(finding: Finding) -> str:
    """What the finding becomes, as the table shows it."""
    from envtui.core.migrate.scan import INSERT, MANUAL, REMOVE

    if finding.action == REMOVE:
        return "(remove)"
    if finding.action == MANUAL:
        return "(by hand)"
    text = " ".join((finding.uv or "").split())
    return f"add: {text}" if finding.action == INSERT else text


class MigrateView(PaneView):
    """A summary line, the findings (where, what is written, with uv) and the highlighted one's why."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "scan", "Scan again", tooltip="Scan the project for pip usage again", id="migrate.scan"),
        Binding(
            "w", "write_patch", "Write patch", tooltip="Write the changes as a patch for git apply", id="migrate.patch"
        ),
    ]

    def __init__(self, *, uv: Uv, config: Config | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.uv = uv
        """The uv binary whose version the findings name."""
        self.config = config or Config()
        """The project configuration: the project is its directory."""
        self.report: MigrationReport | None = None
        """The last scan."""

    def compose(self) -> ComposeResult:
        """Summary, findings, why."""
        yield Static("not scanned yet", id="migrate-summary", markup=False)
        table = ViewTable(id="migrate-table", cursor_type="row", zebra_stripes=False)
        table.add_columns("Where", "Now", "With uv")
        yield table
        yield Static("", id="migrate-why", markup=False)

    @property
    def table(self) -> ViewTable:
        """The findings table."""
        return self.query_one("#migrate-table", ViewTable)

    def project_dir(self) -> Path:
        """The configuration's directory, else the working directory."""
        return self.config.directory

    def shown(self) -> None:
        """The view was chosen: scan once (``c`` scans again)."""
        if self.report is None and not any(w.group == "migrate" and w.is_running for w in self.workers):
            self.action_scan()

    def action_scan(self) -> None:
        """Scan the project (``c``)."""
        self.query_one("#migrate-summary", Static).update("scanning…")
        self._scan(self.project_dir())

    @work(thread=True, exclusive=True, exit_on_error=False, group="migrate", description="Looking for pip usage")
    def _scan(self, root: Path) -> None:
        """Scan in a thread; post the report."""
        from envtui.core.migrate.scan import scan

        self.post_message(MigrationScanned(scan(root, uv_version=self.uv.version())))

    @on(MigrationScanned)
    def _scanned(self, message: MigrationScanned) -> None:
        """Fill the table (rebuilt: a scan is small) and the summary."""
        message.stop()
        report = self.report = message.report
        table = self.table
        table.clear()
        for index, finding in enumerate(report.findings):
            table.add_row(
                Text(f"{finding.file}:{finding.line}", no_wrap=True, overflow="ellipsis"),
                Text(_cut(finding.original, NOW_WIDTH), no_wrap=True),
                Text(uv_cell(finding), no_wrap=True, overflow="ellipsis"),
                key=str(index),
            )
        files = len(report.files)
        if report.findings:
            in_patch = sum(1 for f in report.findings if f.edits)
            text = (
                f"{len(report.findings)} findings in {len({f.file for f in report.findings})} of {files} files · "
                f"{in_patch} in the patch (w writes it) · c scans again · {report.root}"
            )
        else:
            text = f"no pip usage in the {files} files scanned · c scans again · {report.root}"
        self.query_one("#migrate-summary", Static).update(text)
        self._show_why()

    def _highlighted(self) -> Finding | None:
        report, table = self.report, self.table
        if report is None or not table.row_count or not 0 <= table.cursor_row < len(report.findings):
            return None
        key = table.ordered_rows[table.cursor_row].key.value  # the finding's index
        return report.findings[int(key)] if key is not None else None

    @on(DataTable.RowHighlighted, "#migrate-table")
    def _show_why(self) -> None:
        """Say why, and the whole proposal, for the highlighted finding."""
        finding = self._highlighted()
        why = self.query_one("#migrate-why", Static)
        if finding is None:
            why.update("")
            return
        text = Text()
        text.append(f"{finding.file}:{finding.line}  {finding.kind}\n", style="bold")
        if finding.uv:
            text.append(finding.uv + "\n")
        text.append(finding.why, style="dim")
        why.update(text)

    def action_write_patch(self) -> None:
        """Ask where to write the patch (``w``), then write it."""
        report = self.report
        if report is None or not any(f.edits for f in report.findings):
            self.notify("Nothing to write: no automatic changes.", timeout=3)
            return
        from envtui.ui.screens.prompt import PromptScreen

        def answered(value: str | None) -> None:
            if value:
                self._write(report, Path(value).expanduser())

        self.app.push_screen(
            PromptScreen(
                "Write the patch to",
                value=str(report.root / PATCH_NAME),
                hint="Review it, then apply it in the project with: git apply FILE",
            ),
            answered,
        )

    def _write(self, report: MigrationReport, target: Path) -> None:
        try:
            target.write_text(report.patch(), encoding="utf-8")
        except OSError as exc:
            self.notify(f"cannot write {target}: {exc.strerror}", severity="error")
            return
        changes = sum(1 for f in report.findings if f.edits)
        self.notify(f"Wrote {changes} changes to {target}. Review it, then: git apply {target}", timeout=8)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A scan that failed says why in the summary."""
        if event.worker.node is not self or event.state != WorkerState.ERROR:
            return
        event.stop()
        error = event.worker.error
        message = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
        self.query_one("#migrate-summary", Static).update(f"cannot scan: {message}")
