"""Keys, dialogs and handlers that turn the main screen into a place to change the environment.

``JobActions`` is mixed into the main screen. Every change goes: ask (a prompt, or the selected
package) → validate (``ChangeRequest``; a bad spec is refused on the spot) → uv ``--dry-run`` in
a thread worker → the confirm dialog with the preview → the job engine's queue. The engine runs
its queue in a thread worker; its events and output batches come back as messages, the output
goes to the job log pane, and when a job ends the package table and health refresh in place.
``ctrl+c`` cancels the running job. In a uv project the keys go through the project
(:mod:`envtui.ui.jobs.project`).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from envtui.core import process
from envtui.core.config import Config
from envtui.core.env.outdated import dependencies_note, upgrade_all_choice
from envtui.core.errors import EnvtuiError
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest, build_argv
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import CANCELLED, FAILED, SUCCEEDED, Job, env_key
from envtui.core.jobs.preview import preview
from envtui.core.secrets import has_credentials
from envtui.ui import glyphs
from envtui.ui.jobs.listener import ScreenJobListener
from envtui.ui.jobs.messages import JobFinished, JobOutput, JobQueued, JobStarted, PreviewReady
from envtui.ui.jobs.project import ProjectActions
from envtui.ui.jobs.view import JobsView
from envtui.ui.jobs.warnings import breaking_notes, planned_hooks
from envtui.ui.jobs.widgets import Spinner, UvErrorHighlighter
from envtui.ui.messages import OutdatedChecked
from envtui.ui.screens.confirm import RUN, RUN_WITHOUT_HOOKS, ConfirmChangeScreen
from envtui.ui.screens.prompt import PromptScreen
from envtui.ui.widgets.package_table import PackageTable

if TYPE_CHECKING:
    from envtui.core.env.environment import Environment
    from envtui.core.env.packages import Inventory, Package

#: The id of the Jobs pane in the centre switcher.
JOBS_PANE = "jobs-pane"


class JobActions(ProjectActions, Screen):
    """Mixin for the main screen: install, upgrade, uninstall, sync, cancel, and the Jobs view.

    Expects the main screen's API: ``env``, ``inventory``, ``latest``, ``selected_package``,
    ``job_log``, ``job_pane``, ``refresh_inventory()``, ``add_pane()``, ``show_view()``, ``check_outdated()``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "jobs_install", "Install", tooltip="Install packages (asks for specs)", id="jobs.install"),
        Binding(
            "I",
            "jobs_install_local",
            "Install local",
            show=False,
            tooltip="Install a local project directory in editable mode",
            id="jobs.install_local",
        ),
        Binding("u", "jobs_upgrade", "Upgrade", tooltip="Upgrade the selected package", id="jobs.upgrade"),
        Binding(
            "U",
            "jobs_upgrade_all",
            "Upgrade all",
            show=False,
            tooltip="Upgrade every outdated top-level package",
            id="jobs.upgrade_all",
        ),
        Binding("x", "jobs_uninstall", "Uninstall", tooltip="Remove the selected package", id="jobs.uninstall"),
        Binding(
            "y",
            "jobs_sync",
            "Sync",
            show=False,
            tooltip="Match a requirements file exactly (uv pip sync)",
            id="jobs.sync",
        ),
        Binding("J", "jobs_view", "Jobs", show=False, tooltip="Show the jobs view (history, queue)", id="jobs.view"),
        Binding(
            "ctrl+c",
            "jobs_cancel",
            "Cancel job",
            show=False,
            tooltip="Cancel the preview or the running job",
            id="jobs.cancel",
        ),
    ]

    jobs_engine: JobEngine | None = None
    """The engine running this screen's jobs (made when the screen mounts)."""

    # ------------------------------------------------------------------ set-up

    @on(events.Mount)
    def _jobs_mount(self) -> None:
        """Make the engine, add the Jobs pane and the spinner, colour errors in the log."""
        config = getattr(self.app, "config", None)
        self.jobs_engine = JobEngine(getattr(self, "uv", None), listener=ScreenJobListener(self), config=config)
        self._jobs_view = JobsView(self.jobs_engine, env_key(self.env))
        self._jobs_view.display = False
        self.add_pane(JOBS_PANE, "Jobs", self._jobs_view, on_show=self._jobs_view.refresh_jobs)
        self.jobs_spinner = Spinner(id="jobs-spinner")
        try:
            self.query_one("#status-bar").mount(self.jobs_spinner, before=0)
        except Exception:
            self.mount(self.jobs_spinner)
        variables = self.app.theme_variables
        log = self.job_log
        log.highlight = True
        log.highlighter = UvErrorHighlighter(
            f"bold {variables.get('error', 'red')}", variables.get("warning", "yellow")
        )
        self._upgrade_all_waiting = False

    @on(events.Unmount)
    def _jobs_unmount(self) -> None:
        """Do not leave uv running behind a closed app (nor wait for it: no grace period)."""
        for worker in self._previews():
            worker.cancel()
        if self.jobs_engine is not None:
            self.jobs_engine.cancel_all(now=True)

    # ------------------------------------------------------------------ actions

    def _writable(self) -> bool:
        if self.env.writable:
            return True
        self.notify(
            f"{self.env.path} is not a virtual environment: it is shown read-only (open it with --system to change it)",
            severity="warning",
        )
        return False

    def action_jobs_install(self, value: str = "") -> None:
        """Ask for specs (``value``: what was typed before), then preview and confirm."""
        if not self._writable():
            return
        self.app.push_screen(
            PromptScreen(
                "Install",
                value=value,
                placeholder="alpha  beta==1.1  'gamma[extra]>=2'",
                hint="Requirement specs, separated by spaces (quote one that has spaces). "
                "A local project: press I instead.",
            ),
            self._install_answered,
        )

    def _install_answered(self, answer: str | None) -> None:
        if not answer:
            return
        # What was typed comes back to be corrected, but never a credential: a secret is not shown.
        kept = "" if has_credentials(answer) else answer
        again = lambda: self.action_jobs_install(kept)  # noqa: E731
        try:
            specs = shlex.split(answer)
        except ValueError as exc:
            self.notify(f"cannot read that: {exc}", severity="error")
            again()
            return
        project = self.jobs_project
        if project is not None:
            self.project_install(project, specs=specs)
            return
        self._request(lambda: ChangeRequest.install(specs), retry=again)

    def action_jobs_install_local(self) -> None:
        """Ask for a local project directory to install in editable mode."""
        if not self._writable():
            return
        self.app.push_screen(
            PromptScreen(
                "Install a local project (editable)",
                placeholder="path/to/project",
                hint="A directory with pyproject.toml, setup.py or setup.cfg.",
            ),
            self._install_local_answered,
        )

    def _install_local_answered(self, answer: str | None) -> None:
        if not answer:
            return
        project = self.jobs_project
        if project is not None:
            self.project_install(project, editables=[answer])
            return
        self._request(lambda: ChangeRequest.install(editables=[answer]))

    def _chosen(self, verb: str) -> list[Package]:
        """The marked packages, else the one under the cursor; says why when there is none."""
        table = self.table
        marked = [p for p in (table._packages.get(k) for k in sorted(table.marked)) if p is not None]
        if marked:
            return marked
        package = self.selected_package
        if package is None:
            where = "this view is empty" if not self.index.packages else "no package is shown here"
            if getattr(self, "filter_text", "").strip():
                where = "the filter matches no package"
            self.notify(f"Nothing to {verb}: {where}. Highlight a package (or mark some with space).", timeout=4)
            return []
        return [package]

    def action_jobs_upgrade(self) -> None:
        """Upgrade the marked packages, else the one under the cursor, as one job."""
        packages = self._chosen("upgrade")
        if not packages or not self._writable():
            return
        project = self.jobs_project
        if project is not None:
            if len(packages) > 1:
                self.notify("In a uv project envtui upgrades one package at a time: unmark all but one.", timeout=5)
                return
            self.project_upgrade(project, packages[0].name)
            return
        self._request(lambda: ChangeRequest.upgrade([p.name for p in packages]))

    def action_jobs_upgrade_all(self) -> None:
        """Upgrade every outdated top-level package (asks the index first when needed)."""
        if not self._writable():
            return
        project = self.jobs_project
        if project is not None:
            self.project_upgrade_all(project)
            return
        if self.latest is None:
            self._upgrade_all_waiting = True
            self.check_outdated(self.env)
            return
        self._upgrade_all_now()

    def _upgrade_all_now(self) -> None:
        inventory: Inventory | None = self.inventory
        latest = self.latest or {}
        if inventory is None:
            return
        outdated, left = upgrade_all_choice(inventory, latest, history.explicitly_installed(env_key(self.env)))
        if not outdated:
            if left:
                self.notify(dependencies_note(left), title="Upgrade all: nothing top-level", timeout=12)
            else:
                self.notify("Every package is up to date.", title="Upgrade all")
            return
        listing = [f"Outdated top-level packages ({len(outdated)}):"]
        listing += [f"  {p.name} {p.version} {glyphs.arrow()} {latest[p.key]}" for p in outdated]
        self._request(lambda: ChangeRequest.upgrade([p.name for p in outdated]), listing=listing)

    def action_jobs_uninstall(self) -> None:
        """Remove the marked packages (else the one under the cursor) as one job, naming what requires them."""
        packages = self._chosen("uninstall")
        if not packages or not self._writable():
            return
        removing = {p.key for p in packages}
        notes = []
        for package in packages:
            dependents = [d for d in package.required_by if d not in removing]
            if dependents:
                notes.append(f"{package.name} is required by {', '.join(dependents)}, which may stop working")
        project = self.jobs_project
        if project is not None:
            if len(packages) > 1:
                self.notify("In a uv project envtui removes one package at a time: unmark all but one.", timeout=5)
                return
            self.project_uninstall(project, packages[0].name, notes)
            return
        self._request(lambda: ChangeRequest.uninstall([p.name for p in packages]), notes=notes)

    def action_jobs_sync(self) -> None:
        """Ask for a requirements file and make the environment match it exactly."""
        if not self._writable():
            return
        project = self.jobs_project
        if project is not None:
            self.project_sync(project)
            return
        default = "requirements.txt" if Path("requirements.txt").is_file() else ""
        self.app.push_screen(
            PromptScreen(
                "Sync from a requirements file",
                value=default,
                placeholder="requirements.txt",
                hint="Installs what the file lists and REMOVES everything else (uv pip sync).",
            ),
            lambda answer: answer and self._request(lambda: ChangeRequest.sync(answer)),
        )

    def action_jobs_view(self) -> None:
        """Show the Jobs view."""
        self.show_view(JOBS_PANE)

    def _previews(self) -> list[Worker]:
        """The preview workers (uv ``--dry-run``) still waiting for uv."""
        return [
            worker
            for worker in self.workers
            if worker.node is self
            and worker.group == "jobs-preview"
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]

    def jobs_cancel_preview(self) -> bool:
        """Stop a preview that is still waiting for uv (its uv ends with it); False when none was."""
        previews = self._previews()
        for worker in previews:
            worker.cancel()
        if previews:
            self.jobs_spinner.stop()
            self.notify("Preview cancelled: nothing was changed", timeout=3)
        return bool(previews)

    def action_jobs_cancel(self) -> None:
        """Cancel a preview still waiting for uv, else the running job (a second press does not
        wait for the grace period)."""
        if self.jobs_cancel_preview():
            return
        engine = self.jobs_engine
        running = engine.running() if engine else []
        if not running:
            queued = engine.queued() if engine else []
            if queued:
                engine.cancel(queued[-1])
                self.notify(f"Removed {queued[-1].describe()} from the queue", timeout=3)
            else:
                self.notify("No job is running (ctrl+q quits)", timeout=3)
            return
        for job in running:
            engine.cancel(job)
            self.notify(f"Cancelling {job.describe()}…", timeout=3)

    @on(PackageTable.MarksChanged)
    def _marks_changed(self) -> None:
        """Say in the table's subtitle how many packages are marked."""
        self._refilter()

    # ------------------------------------------------------------------ request → preview → confirm → queue

    def _request(self, build, *, notes: list[str] | None = None, listing: list[str] | None = None, retry=None) -> None:
        """Validate (refusing bad input at once), then preview in a worker; ``retry`` asks again after a refusal."""
        try:
            request = build()
        except EnvtuiError as exc:
            self.notify(f"{exc.message}\n{exc.cause}" if exc.cause else exc.message, title="Not run", severity="error")
            if retry is not None:
                retry()
            return
        self._previewing = (request, retry)
        self.jobs_spinner.start(f"previewing {request.describe()}")
        self._preview(self.env, request, list(notes or []), list(listing or []))

    @work(thread=True, exclusive=True, exit_on_error=False, group="jobs-preview", description="Previewing the change")
    def _preview(self, env: Environment, request: ChangeRequest, notes: list[str], listing: list[str]) -> None:
        """Ask uv what the request would do (``--dry-run``); the confirm dialog shows it, with what
        the change breaks and what the hooks will do.

        Cancelling the worker (ctrl+c, Escape, a newer preview, quitting) stops uv within 50 ms.
        """
        worker = get_current_worker()

        def given_up() -> float:
            if worker.is_cancelled:
                raise PreviewCancelled
            return 0.05

        def run(argv: Sequence[str]) -> process.ProcessResult:
            return process.stream(argv, None, collect=True, tick=given_up)

        result = preview(env, request, getattr(self, "uv", None), run=run)
        notes = notes + breaking_notes(result, self.inventory, env)
        hooks, config_note = planned_hooks(self.jobs_engine.config if self.jobs_engine else Config())
        if config_note:
            notes.append(config_note)
        if not worker.is_cancelled:
            self.post_message(PreviewReady(request, result, notes, listing, hooks))

    @on(PreviewReady)
    def _preview_ready(self, message: PreviewReady) -> None:
        """Show the confirm dialog; Run queues the job (Run without hooks, the same job without them)."""

        def answered(choice: str | None) -> None:
            if choice == RUN:
                self.jobs_submit(message.request)
            elif choice == RUN_WITHOUT_HOOKS:
                self.jobs_submit(message.request.without_hooks())

        self.app.push_screen(
            ConfirmChangeScreen(
                message.request, message.preview, notes=message.notes, listing=message.listing, hooks=message.hooks
            ),
            answered,
        )

    def jobs_submit(self, request: ChangeRequest) -> Job | None:
        """Queue a validated request on this screen's environment (no dialog); it runs in a worker."""
        assert self.jobs_engine is not None
        try:
            job = self.jobs_engine.submit(self.env, request)
        except EnvtuiError as exc:
            self.notify(exc.message, severity="error")
            return None
        if request.kind in ("upgrade", "uninstall"):
            self.table.clear_marks()  # the marked set went into this job
        self._run_jobs(self.env)
        return job

    @work(thread=True, exit_on_error=False, group="jobs", description="Running change jobs")
    def _run_jobs(self, env: Environment) -> None:
        """Run the queued jobs one after another (a worker already running them takes this one too)."""
        assert self.jobs_engine is not None
        self.jobs_engine.run_queue(env)

    # ------------------------------------------------------------------ engine events

    def _jobs_title(self, job: Job) -> None:
        queued = len(self.jobs_engine.queued(self.env)) if self.jobs_engine else 0
        waiting = f" · {queued} queued" if queued else ""
        self.job_pane.title = f"{job.describe()} · {job.status}{waiting}"

    @on(JobQueued)
    def _job_queued(self, message: JobQueued) -> None:
        """Show the queue in the log title and the Jobs view."""
        self._jobs_title(message.job)
        self._jobs_view.refresh_jobs()

    @on(JobStarted)
    def _job_started(self, message: JobStarted) -> None:
        """Open the log pane on the job."""
        self.job_pane.collapsed = False
        self.job_log.append("envtui", f"── {message.job.describe()} ──")
        self._jobs_title(message.job)
        self._jobs_view.refresh_jobs()

    @on(JobOutput)
    def _job_output(self, message: JobOutput) -> None:
        """Queue a batch into the log pane (it paints on its own timer), grouped by stream."""
        log = self.job_log
        for stream, group in groupby(message.lines, key=lambda item: item[0]):
            log.extend(stream, [line for _, line in group])

    @on(JobFinished)
    def _job_finished(self, message: JobFinished) -> None:
        """Say how it went, mark a failure with uv's error lines, refresh the table in place."""
        job = message.job
        self._jobs_title(job)
        self._jobs_view.refresh_jobs()
        if job.status == SUCCEEDED:
            self.notify(f"{job.describe()}: {job.changes.summary()}", title="Job done", timeout=4)
        elif job.status == FAILED:
            errors = "\n".join(line.strip() for line in job.error_lines[:4]) or job.message
            self.notify(errors, title=f"Failed: {job.describe()}", severity="error", timeout=10)
        elif job.status == CANCELLED:
            self.notify(f"{job.describe()}: cancelled", severity="warning", timeout=4)
        if job.status != CANCELLED or job.returncode is not None:
            self.refresh_inventory()

    # ------------------------------------------------------------------ outdated check: spinner, upgrade all

    @on(Worker.StateChanged)
    def _jobs_worker_state(self, event: Worker.StateChanged) -> None:
        """Turn the spinner while the outdated check or a preview runs."""
        worker = event.worker
        if worker.group == "outdated":
            if event.state == WorkerState.RUNNING:
                self.jobs_spinner.start("checking for newer versions")
            elif event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
                self.jobs_spinner.stop()
                if event.state != WorkerState.SUCCESS:
                    self._upgrade_all_waiting = False
        elif worker.group == "jobs-preview" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self.jobs_spinner.stop()
            if event.state == WorkerState.ERROR:
                self._preview_failed(worker.error)

    def _preview_failed(self, error: BaseException | None) -> None:
        """uv refused the change at the preview: its error goes to the log and the Jobs view, and the
        Install prompt comes back with what was typed (the notification alone is gone in seconds)."""
        request, retry = getattr(self, "_previewing", (None, None))
        if request is None:
            return
        self._previewing = (None, None)
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        lines = list(getattr(error, "details", None) or []) or [message]
        self.job_log.append("envtui", f"── {request.describe()}: refused at the preview, nothing changed ──")
        self.job_log.extend("stderr", lines)
        self.job_pane.collapsed = False
        uv = getattr(self, "uv", None) or self.jobs_engine.uv
        try:
            history.record_refused(
                env_key(self.env),
                request.kind,
                build_argv(uv, self.env, request, dry_run=True),
                f"{request.describe()} (preview)",
                message,
                lines,
            )
        except OSError:
            pass  # the log pane and the notification still say it
        self._jobs_view.refresh_jobs()
        if retry is not None:
            retry()

    @on(OutdatedChecked)
    def _jobs_outdated_checked(self, message: OutdatedChecked) -> None:
        """Carry on with "upgrade all" once the index answered."""
        if self._upgrade_all_waiting and message.env.path == self.env.path:
            self._upgrade_all_waiting = False
            self.call_after_refresh(self._upgrade_all_now)


class PreviewCancelled(Exception):
    """The preview's worker was cancelled: uv is stopped and nothing is shown."""
