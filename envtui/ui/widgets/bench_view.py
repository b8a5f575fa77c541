"""The Bench view: uv against pip on the configured requirements, run as a job, shown as a table.

The benchmark is the core's (:func:`envtui.core.bench.runner.run_bench`), run in a thread worker
that only posts messages: progress as it goes (the table fills in run by run) and the report at
the end. ``c`` cancels it: the worker's cancel reaches the running pip or uv through the
benchmark's stop callback, which ends its process group and removes the temporary venvs.
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
from textual.reactive import Reactive, reactive
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from envtui.core.bench.results import PHASE_NOTES, BenchReport, format_seconds, table_rows
from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv
from envtui.ui.widgets.pane_view import PaneView
from envtui.ui.widgets.view_table import ViewTable

if TYPE_CHECKING:
    from envtui.core.bench.plan import BenchOptions
    from envtui.core.bench.runner import Progress

COLUMNS = ("Phase", "Packages", "pip", "uv", "Speedup")
IDLE = "b runs uv against pip on {what} (it takes minutes: cold, warm, resolution, 3 runs each); c stops it"


@dataclass
class BenchProgressed(Message):
    """The benchmark moved on: a line for the summary, and the table so far when a step finished."""

    line: str
    rows: list[list[str]] | None


@dataclass
class BenchFinished(Message):
    """The benchmark ended: complete, stopped, or failed (``report.error``)."""

    report: BenchReport


class BenchView(PaneView):
    """A summary line, the table (phase, packages, pip, uv, speedup) and its notes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "run", "Run bench", tooltip="Compare uv with pip on the requirements (minutes)", id="bench.run"),
        Binding("c", "cancel", "Stop bench", tooltip="Stop the benchmark, keeping what it measured", id="bench.cancel"),
    ]

    running: Reactive[bool] = reactive(False, init=False)
    """Whether a benchmark is running."""

    def __init__(
        self, env: Environment, *, uv: Uv, config: Config | None = None, runs: int = 3, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.env = env
        """The environment whose interpreter the benchmark uses."""
        self.uv = uv
        """The uv binary benchmarked."""
        self.config = config or Config()
        """The project configuration: its requirements and categories are benchmarked."""
        self.runs = runs
        """Runs of each measurement."""
        self.report: BenchReport | None = None
        """The last benchmark's report."""
        self.requirements: tuple[Path, ...] = ()
        """The files benchmarked: the configuration's requirements, or the file the user named."""
        self.categories: dict[str, str] = {}
        """The configuration's category overrides."""
        self.index_url: str | None = None
        """The index both tools use (None: PyPI); the CLI's ``--index-url``."""
        self.find_links: tuple[str, ...] = ()
        """Local package directories for both tools; the CLI's ``--find-links``."""
        self.no_index = False
        """Use no index, for both tools; the CLI's ``--no-index``."""

    def compose(self) -> ComposeResult:
        """Summary, table, notes."""
        yield Static("", id="bench-summary", markup=False)
        table = ViewTable(id="bench-table", cursor_type="row", zebra_stripes=False)
        table.add_columns(*COLUMNS)
        yield table
        yield Static("", id="bench-notes", markup=False)

    def on_mount(self) -> None:
        """Say what ``b`` would benchmark."""
        self.requirements = tuple(self.config.requirements)
        self.categories = dict(self.config.categories)
        what = ", ".join(p.name for p in self.requirements) or "a requirements file (asked for)"
        self._summary(IDLE.format(what=what))

    @property
    def table(self) -> ViewTable:
        """The results table."""
        return self.query_one("#bench-table", ViewTable)

    def set_environment(self, env: Environment) -> None:
        """Benchmark with the interpreter of ``env`` from now on."""
        self.env = env

    def _summary(self, text: str) -> None:
        self.query_one("#bench-summary", Static).update(text)

    # ------------------------------------------------------------------ running

    def action_run(self) -> None:
        """Start the benchmark (``b``); without configured requirements, ask for a file first."""
        if self.running:
            self.notify("The benchmark is already running (c stops it).", timeout=3)
            return
        if self.requirements:
            self.start(self.requirements)
            return
        from envtui.ui.screens.prompt import PromptScreen

        def answered(value: str | None) -> None:
            if value:
                self.start((Path(value).expanduser(),))

        self.app.push_screen(
            PromptScreen(
                "Benchmark which requirements file?",
                placeholder="requirements.txt",
                hint="No requirements are configured (set 'requirements' in envtui.toml to skip this).",
            ),
            answered,
        )

    def start(self, files: tuple[Path, ...]) -> None:
        """Run the benchmark on ``files`` with the interpreter of the environment on screen."""
        from envtui.core.bench.plan import BenchOptions

        options = BenchOptions(
            requirements=files,
            python=self.env.python,
            runs=self.runs,
            index_url=self.index_url,
            find_links=self.find_links,
            no_index=self.no_index,
            category_overrides=self.categories,
        )
        self.requirements = files
        self.running = True
        self.table.clear()
        self.query_one("#bench-notes", Static).update("")
        self._summary("starting…")
        self._run(options)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bench", description="Benchmarking uv against pip")
    def _run(self, options: BenchOptions) -> None:
        """The core's benchmark in a thread; it stops when the worker is cancelled."""
        from envtui.core.bench.runner import run_bench

        worker = get_current_worker()
        uv = self.uv

        def progress(event: Progress) -> None:
            step = f"[{event.step}/{event.total}] " if event.step else ""
            state = format_seconds(event.elapsed) if event.done else f"{event.elapsed:.0f} s…"
            rows = table_rows(event.report) if event.done and event.report is not None else None
            self.post_message(BenchProgressed(f"{step}{event.label}: {state}   (c stops it)", rows))

        report = run_bench(options, uv=uv, on_progress=progress, stop=lambda: worker.is_cancelled)
        self.post_message(BenchFinished(report))

    def action_cancel(self) -> None:
        """Stop the benchmark (``c``); what it measured stays on screen."""
        if not self.running:
            return
        self._summary("stopping: ending pip or uv and removing the throwaway venvs…")
        self.workers.cancel_group(self, "bench")

    # ------------------------------------------------------------------ results

    @on(BenchProgressed)
    def _progressed(self, message: BenchProgressed) -> None:
        """Show where the benchmark is, and the table as far as it got."""
        message.stop()
        if not self.running:
            return
        self._summary(message.line)
        if message.rows is not None:
            self._fill(message.rows)

    @on(BenchFinished)
    def _finished(self, message: BenchFinished) -> None:
        """Show the final table, and how it ended."""
        message.stop()
        self.running = False
        report = self.report = message.report
        self._fill(table_rows(report))
        cold = report.phases["cold_install"].speedup
        if report.error:
            self._summary(f"failed: {report.error}")
        elif report.interrupted:
            self._summary(
                f"stopped in run {min(report.completed_runs + 1, report.runs)} of {report.runs}; b runs again"
            )
        elif cold is not None:
            self._summary(
                f"uv installed these requirements {cold:.1f}x faster than pip from empty caches; b runs again"
            )
        load = f", load {report.load_before[0]:.2f}" if report.load_before else ""
        notes = [
            f"median of the runs (min–max) · Python {report.python} · pip {report.pip_version} · "
            f"uv {report.uv_version} · {report.cpus} CPUs{load}",
            f"cold: {PHASE_NOTES['cold_install']} · warm: {PHASE_NOTES['warm_install']}",
            f"resolution: {PHASE_NOTES['resolution']}",
        ]
        if report.categories:
            notes.append("category rows: that category's requirements installed alone, cold")
        self.query_one("#bench-notes", Static).update("\n".join(notes))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A benchmark that could not start (bad requirements, no uv) says why in the summary."""
        if event.worker.node is not self or event.worker.group != "bench":
            return
        event.stop()
        if event.state == WorkerState.ERROR:
            self.running = False
            error = event.worker.error
            message = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
            cause = error.cause if isinstance(error, EnvtuiError) else None
            self._summary(f"cannot run the benchmark: {message}" + (f" ({cause})" if cause else ""))

    def _fill(self, rows: list[list[str]]) -> None:
        """Update the rows in place (by phase); rebuild only when the set of rows changed."""
        table = self.table
        keys = [row[0] for row in rows]
        cells = [[Text(cell) for cell in row] for row in rows]
        for row in cells:
            row[4].stylize("bold")
        if [r.key.value for r in table.ordered_rows] == keys:
            for key, row in zip(keys, cells, strict=True):
                for column, cell in zip(table.ordered_columns, row, strict=True):
                    table.update_cell(key, column.key, cell)
            return
        table.clear()
        for key, row in zip(keys, cells, strict=True):
            table.add_row(*row, key=key)
