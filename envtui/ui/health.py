"""The Health view and the header badge: every check, its status, detail and when it last ran.

The view is a centre pane of the main screen (registered in ``envtui.ui.views``). Checks run in
thread workers and come back as ``HealthChecked`` messages: all of them after every listing of
the environment (first load, ``r``, after each change job, a switch of environment, an edit of
the configuration), and the services alone on the configuration's ``service-interval``. The view
posts up what the screen acts on (the messages live in ``envtui.ui.messages``, so the screen
handles them without importing this view): its verdict (``HealthVerdictChanged``: the badge
shows the worst status), a package to show (``PackageChosen``: Enter on a finding about one) and
a request to restart the service (``RestartRequested``, ``R``: the job pane runs the
after-change hooks, with their output in the job log). ``T`` shows the hook commands and
trusts exactly the bytes shown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.health import checks as health
from envtui.core.uv import Uv
from envtui.ui import glyphs
from envtui.ui.messages import HealthVerdictChanged, PackageChosen, RestartRequested
from envtui.ui.text import plain
from envtui.ui.widgets.pane_view import PaneView
from envtui.ui.widgets.view_table import ViewTable

if TYPE_CHECKING:
    from envtui.core.env.packages import DependencyIssue, Inventory

_BADGE_LEVEL = {health.OK: "ok", health.WARN: "warn", health.FAIL: "error"}
_STATUS_TEXT = {health.OK: "ok", health.WARN: "warn", health.FAIL: "FAIL"}
_STATUS_COLOUR = {health.OK: "success", health.WARN: "warning", health.FAIL: "error"}


@dataclass
class HealthChecked(Message):
    """A run of health checks finished (all of them, or only the groups in ``report.groups``)."""

    env: Environment
    report: health.HealthReport
    full: bool
    """Whether every check ran (the report replaces the last one) or only some (it is merged)."""


def badge_text(report: health.HealthReport) -> tuple[str, str, str]:
    """The badge's text, level and tooltip for a report."""
    counts = report.counts()
    failing = report.failing()
    tooltip = "\n".join(f"{f.status}: {f.name}: {f.detail}" for f in failing) or "every check passed"
    if counts[health.FAIL]:
        first = next(f for f in failing if f.status == health.FAIL)
        more = f" +{counts[health.FAIL] - 1}" if counts[health.FAIL] > 1 else ""
        return f"health: {first.name} failed{more}", _BADGE_LEVEL[health.FAIL], tooltip
    if counts[health.WARN]:
        noun = "warning" if counts[health.WARN] == 1 else "warnings"
        return f"health OK · {counts[health.WARN]} {noun}", _BADGE_LEVEL[health.WARN], tooltip
    return "health OK", _BADGE_LEVEL[health.OK], tooltip


class HealthView(PaneView):
    """Every health check with its status, detail and time; the badge follows the worst."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "R",
            "restart_service",
            "Restart service",
            tooltip="Run the after-change hooks now (they start the service), then check it",
            id="health.restart",
        ),
        Binding(
            "T",
            "trust_config",
            "Trust hooks",
            tooltip="Show the configuration's hook commands and trust them to run",
            id="health.trust",
        ),
        Binding("c", "check_now", "Check now", tooltip="Run every health check again", id="health.check_now"),
        Binding(
            "enter",
            "open_package",
            "Go to package",
            tooltip="Show the package this check concerns",
            id="health.open_package",
        ),
    ]

    report: Reactive[health.HealthReport | None] = reactive(None, init=False, always_update=True, repaint=False)
    """The latest findings (None until the first run finishes)."""

    def __init__(self, env: Environment, *, uv: Uv, config: Config | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.env = env
        """The environment the checks run on."""
        self.uv = uv
        """The uv binary the checks use (the screen's, found once on the UI thread)."""
        self.config = Config()
        """The configuration in force (its defaults when it is broken)."""
        self.config_error: str | None = None
        """Why the configuration could not be read, when it could not."""
        self.use_config(config or Config())
        self._timer: Timer | None = None
        self._known: tuple[Inventory | None, list[DependencyIssue] | None, dict[str, str] | None] = (None, None, None)

    def use_config(self, config: Config) -> None:
        """Check against ``config`` from now on (it was read again after an edit)."""
        self.config = config
        error = config.error
        self.config_error = (
            None if error is None else f"{error.message} ({error.cause})" if error.cause else error.message
        )

    def compose(self) -> ComposeResult:
        """A summary line, the table of findings, and the longer detail of the highlighted one."""
        yield Static("health: not checked yet", id="health-summary", markup=False)
        table = ViewTable(id="health-table", cursor_type="row", zebra_stripes=False)
        table.add_columns("Status", "Check", "Checked", "Detail")
        yield table
        yield Static("", id="health-more", markup=False)

    @property
    def table(self) -> DataTable:
        """The table of findings."""
        return self.query_one("#health-table", DataTable)

    # ------------------------------------------------------------------ starting checks

    def set_environment(self, env: Environment) -> None:
        """Check ``env`` from now on (its first run comes with its listing)."""
        self.env = env

    def service_restarted(self, env: Environment) -> None:
        """Check the service (and everything) again."""
        self.recheck(env)

    def environment_checked(
        self,
        env: Environment,
        inventory: Inventory | None,
        issues: list[DependencyIssue] | None,
        latest: dict[str, str] | None,
    ) -> None:
        """Every listing re-runs every check, reusing what the screen already knows."""
        self._known = (inventory, issues, latest)
        self.recheck(env, inventory, issues, latest)

    def config_changed(self, config: Config) -> None:
        """Check against the configuration as edited, now."""
        self.use_config(config)
        self.recheck(self.env, *self._known)

    def recheck(
        self,
        env: Environment,
        inventory: Inventory | None = None,
        issues: list[DependencyIssue] | None = None,
        outdated: dict[str, str] | None = None,
    ) -> None:
        """Run every check on ``env``, reusing a listing, ``uv pip check`` and newer versions already known."""
        self.env = env
        self._set_summary("checking…")
        self._run_all(env, inventory, issues, outdated)

    def action_check_now(self) -> None:
        """Run every check again now (``c``)."""
        self.recheck(self.env)

    @work(thread=True, exclusive=True, exit_on_error=False, group="health", description="Checking health")
    def _run_all(
        self,
        env: Environment,
        inventory: Inventory | None,
        issues: list[DependencyIssue] | None,
        outdated: dict[str, str] | None,
    ) -> None:
        """Every check, in a thread; posts HealthChecked."""
        report = health.run_checks(
            env, self.config, uv=self.uv, inventory=inventory, dependency_issues=issues, outdated=outdated
        )
        if not get_current_worker().is_cancelled:
            self.post_message(HealthChecked(env, report, full=True))

    @work(thread=True, exclusive=True, exit_on_error=False, group="health-services", description="Checking services")
    def _run_services(self, env: Environment) -> None:
        """Only the services (on the timer); posts HealthChecked."""
        report = health.run_checks(env, self.config, groups=[health.SERVICES])
        if not get_current_worker().is_cancelled:
            self.post_message(HealthChecked(env, report, full=False))

    def _start_timer(self) -> None:
        if self._timer is None and self.config.services and self.config.service_interval > 0:
            self._timer = self.set_interval(self.config.service_interval, self._services_due, name="health-services")

    def _services_due(self) -> None:
        """Time for the services again (skipped while a full run is on its way)."""
        if not any(w.group == "health" and w.is_running for w in self.workers):
            self._run_services(self.env)

    # ------------------------------------------------------------------ results

    @on(HealthChecked)
    def _checked(self, message: HealthChecked) -> None:
        """Show a run's findings, in place, and update the badge."""
        message.stop()
        if message.env.path != self.env.path:
            return
        report = message.report
        if self.config_error is not None and message.full:
            config_finding = health.Finding(health.CONFIG, "configuration", health.FAIL, self.config_error)
            report = health.HealthReport(
                (config_finding, *report.findings), report.groups, report.started, report.finished
            )
        if not message.full and self.report is not None:
            report = self.report.merged(report)
        self.report = report
        self._start_timer()

    def watch_report(self, report: health.HealthReport | None) -> None:
        """Repaint the table, the summary and the badge."""
        if report is None:
            return
        self._fill_table(report)
        counts = report.counts()
        self._set_summary(
            f"{counts['ok']} ok · {counts['warn']} warn · {counts['fail']} fail — "
            f"checked at {time.strftime('%H:%M:%S', time.localtime(report.finished))} in {report.duration:.1f} s"
            + (f" · services every {self.config.service_interval:g} s" if self._timer is not None else "")
        )
        self.post_message(HealthVerdictChanged(*badge_text(report)))
        self._show_more()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A check run that crashed shows up in the summary and the badge, not as a traceback."""
        if event.worker.node is not self or event.state != WorkerState.ERROR:
            return
        event.stop()
        error = event.worker.error
        message = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
        self._set_summary(f"health checks could not run: {message}")
        self.post_message(HealthVerdictChanged("health: not checked", "unknown", message))

    # ------------------------------------------------------------------ display

    def _set_summary(self, text: str) -> None:
        if self.is_mounted:
            self.query_one("#health-summary", Static).update(plain(text))

    def _cells(self, finding: health.Finding) -> list[Text]:
        colour = self.app.theme_variables.get(_STATUS_COLOUR[finding.status], "")
        status = Text(_STATUS_TEXT[finding.status], style=f"bold {colour}".strip())
        name = plain(finding.name + (f" {glyphs.arrow()}" if finding.package and finding.status != health.OK else ""))
        checked = Text(time.strftime("%H:%M:%S", time.localtime(finding.checked_at)))
        return [status, name, checked, plain(finding.detail, no_wrap=True, overflow="ellipsis")]

    def _fill_table(self, report: health.HealthReport) -> None:
        """Update rows in place by check name; rebuild only when the set of checks changed."""
        table = self.table
        names = [f.name for f in report.findings]
        current = [row.key.value for row in table.ordered_rows]
        if names == current:
            for finding in report.findings:
                for column, cell in zip(table.ordered_columns, self._cells(finding), strict=False):
                    table.update_cell(finding.name, column.key, cell)
            return
        keep = current[table.cursor_row] if current and 0 <= table.cursor_row < len(current) else None
        table.clear()
        for finding in report.findings:
            table.add_row(*self._cells(finding), key=finding.name)
        if keep in names:
            table.move_cursor(row=names.index(keep))

    def _highlighted(self) -> health.Finding | None:
        report = self.report
        table = self.table
        if report is None or not table.row_count:
            return None
        row = table.cursor_row
        if not 0 <= row < len(report.findings):
            return None
        key = table.ordered_rows[row].key.value
        return next((f for f in report.findings if f.name == key), None)

    def _show_more(self) -> None:
        finding = self._highlighted()
        more = self.query_one("#health-more", Static)
        if finding is None:
            more.update("")
            return
        text = plain(f"{finding.name}: {finding.detail}")
        if finding.package:
            text.append_text(plain(f"\npackage: {finding.package} (Enter shows it)", multiline=True))
        if finding.long:
            text.append("\n")
            text.append_text(plain(finding.long, multiline=True))
        more.update(text)

    @on(DataTable.RowHighlighted, "#health-table")
    def _row_highlighted(self) -> None:
        """Show the longer detail of the highlighted check."""
        self._show_more()

    @on(DataTable.RowSelected, "#health-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a check opens its package."""
        event.stop()
        self.action_open_package()

    def action_open_package(self) -> None:
        """Go to the package the highlighted check concerns, in the package table."""
        finding = self._highlighted()
        if finding is None or not finding.package:
            self.notify("This check concerns no one package.", timeout=2)
            return
        self.post_message(PackageChosen(finding.package))

    def action_restart_service(self) -> None:
        """Restart the service with the after-change hooks (the job pane runs them; not during a job)."""
        self.post_message(RestartRequested(self.config))

    def action_trust_config(self) -> None:
        """Show the hook commands; Trust records exactly the bytes shown."""
        from envtui.ui.screens.trust import TrustScreen

        config = self.config
        if config.error is not None:
            error = config.error
            self.notify(f"{error.message}\n{error.cause or ''}".strip(), title="Cannot trust", severity="error")
            return
        if config.path is None:
            self.notify("No envtui.toml or [tool.envtui] here or above: nothing to trust", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                from envtui.core.health.trust import trust

                trust(config)
                self.notify(f"Trusted {config.path}: its hooks run around change jobs", title="Trusted")
                self.recheck(self.env)

        self.app.push_screen(TrustScreen(config), answered)
