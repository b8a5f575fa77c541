"""The job pane: where the main screen's change keys end up, and where the running job shows.

Every change goes: ask (a prompt, or the chosen packages) → validate (``ChangeRequest``; a bad
spec is refused on the spot) → uv ``--dry-run`` in a thread worker → the confirm dialog with the
preview, what it breaks and what the hooks will do → the job engine's queue. The engine runs its
queue in a thread worker; its events and output batches come back as messages (``JobQueued``,
``JobStarted``, ``JobOutput``, ``JobFinished``): the pane shows them, then they bubble on to the
screen, which refreshes the package table, health and the views. ``ctrl+c`` cancels the running
job. In a uv project the keys go through the project (:mod:`envtui.ui.jobs.project`); a restore
of a snapshot (:mod:`envtui.ui.snapshots.actions`) and a restart of the service go through here
too. The keys are the screen's (``JOB_BINDINGS``: they must work wherever the focus is).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from pathlib import Path

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from envtui.core import process
from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.env.outdated import dependencies_note, upgrade_all_choice
from envtui.core.env.packages import Inventory, Package
from envtui.core.errors import EnvtuiError
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest, build_argv
from envtui.core.jobs.job import env_key
from envtui.core.jobs.preview import preview
from envtui.core.project.detect import Project, find_project
from envtui.core.secrets import has_credentials
from envtui.core.uv import Uv
from envtui.ui import glyphs
from envtui.ui.jobs.messages import PreviewReady
from envtui.ui.jobs.project import ProjectChanges
from envtui.ui.jobs.runner import JobRunner
from envtui.ui.jobs.warnings import breaking_notes, planned_hooks
from envtui.ui.messages import BusyEnded, BusyStarted
from envtui.ui.screens.confirm import RUN, RUN_WITHOUT_HOOKS, ConfirmChangeScreen
from envtui.ui.screens.prompt import PromptScreen
from envtui.ui.snapshots.actions import busy_label, cannot_restore, check_restore, rollback_request
from envtui.ui.snapshots.confirm import ConfirmRestoreScreen
from envtui.ui.snapshots.messages import RestorePlanned, RestoreUnavailable

#: The change keys, bound on the main screen; each action calls the job pane.
JOB_BINDINGS: list[BindingType] = [
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
        "y", "jobs_sync", "Sync", show=False, tooltip="Match a requirements file exactly (uv pip sync)", id="jobs.sync"
    ),
    Binding(
        "ctrl+c",
        "jobs_cancel",
        "Cancel job",
        show=False,
        tooltip="Cancel the preview or the running job",
        id="jobs.cancel",
    ),
]

#: Turns a validated-to-be request into one (raises ``EnvtuiError`` for bad input).
Build = Callable[[], ChangeRequest]


class JobPane(JobRunner):
    """The bottom pane: asks for, previews and confirms changes, and runs them (see :class:`JobRunner`).

    Calls down: ``install()``, ``upgrade(packages)``, ``restore(…)``, ``cancel()``, …
    Messages up: ``BusyStarted``/``BusyEnded`` while uv previews (the screen's spinner) and
    ``HistoryChanged``, besides the runner's.
    """

    class HistoryChanged(Message):
        """A change uv refused at the preview was recorded with the jobs."""

    def __init__(self, env: Environment, *, uv: Uv, config: Config | None = None, id: str | None = None) -> None:
        super().__init__(env, uv=uv, config=config, id=id)
        self.inventory: Inventory | None = None
        """The last listing, for the preview's warnings about bounds a change breaks (the screen sets it)."""
        self._previewing: tuple[ChangeRequest | None, Callable[[], None] | None] = (None, None)

    @property
    def project(self) -> Project | None:
        """The uv project whose environment this is (None for a plain venv or an unreadable pyproject.toml)."""
        try:
            return find_project(Path(self.env.path))
        except EnvtuiError:
            return None

    # ------------------------------------------------------------------ what the keys ask for

    def install(self, value: str = "") -> None:
        """Ask for specs (``value``: what was typed before), then preview and confirm."""
        if not self.writable():
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
        again = lambda: self.install(kept)  # noqa: E731
        try:
            specs = shlex.split(answer)
        except ValueError as exc:
            self.notify(f"cannot read that: {exc}", severity="error")
            again()
            return
        project = self.project
        if project is not None:
            ProjectChanges(self, project).install(specs=specs)
            return
        self.request(lambda: ChangeRequest.install(specs), retry=again)

    def install_local(self) -> None:
        """Ask for a local project directory to install in editable mode."""
        if not self.writable():
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
        project = self.project
        if project is not None:
            ProjectChanges(self, project).install(editables=[answer])
            return
        self.request(lambda: ChangeRequest.install(editables=[answer]))

    def upgrade(self, packages: list[Package]) -> None:
        """Upgrade ``packages`` (the marked ones, or the one under the cursor) as one job."""
        if not packages or not self.writable():
            return
        project = self.project
        if project is not None:
            if len(packages) > 1:
                self.notify("In a uv project envtui upgrades one package at a time: unmark all but one.", timeout=5)
                return
            ProjectChanges(self, project).upgrade(packages[0].name)
            return
        self.request(lambda: ChangeRequest.upgrade([p.name for p in packages]))

    def upgrade_all(self) -> bool:
        """Upgrade everything in a uv project; False when the outdated top-level packages must be
        picked instead (:meth:`upgrade_outdated`, once the index answered)."""
        if not self.writable():
            return True
        project = self.project
        if project is None:
            return False
        ProjectChanges(self, project).upgrade_all()
        return True

    def upgrade_outdated(self, inventory: Inventory, latest: dict[str, str]) -> None:
        """Upgrade every outdated top-level package of ``inventory`` (``latest``: newer versions)."""
        outdated, left = upgrade_all_choice(inventory, latest, history.explicitly_installed(env_key(self.env)))
        if not outdated:
            if left:
                self.notify(dependencies_note(left), title="Upgrade all: nothing top-level", timeout=12)
            else:
                self.notify("Every package is up to date.", title="Upgrade all")
            return
        listing = [f"Outdated top-level packages ({len(outdated)}):"]
        listing += [f"  {p.name} {p.version} {glyphs.arrow()} {latest[p.key]}" for p in outdated]
        self.request(lambda: ChangeRequest.upgrade([p.name for p in outdated]), listing=listing)

    def uninstall(self, packages: list[Package]) -> None:
        """Remove ``packages`` (the marked ones, or the one under the cursor) as one job, naming what requires them."""
        if not packages or not self.writable():
            return
        removing = {p.key for p in packages}
        notes = []
        for package in packages:
            dependents = [d for d in package.required_by if d not in removing]
            if dependents:
                notes.append(f"{package.name} is required by {', '.join(dependents)}, which may stop working")
        project = self.project
        if project is not None:
            if len(packages) > 1:
                self.notify("In a uv project envtui removes one package at a time: unmark all but one.", timeout=5)
                return
            ProjectChanges(self, project).uninstall(packages[0].name, notes)
            return
        self.request(lambda: ChangeRequest.uninstall([p.name for p in packages]), notes=notes)

    def sync(self) -> None:
        """Ask for a requirements file and make the environment match it exactly."""
        if not self.writable():
            return
        project = self.project
        if project is not None:
            ProjectChanges(self, project).sync()
            return
        default = "requirements.txt" if Path("requirements.txt").is_file() else ""
        self.app.push_screen(
            PromptScreen(
                "Sync from a requirements file",
                value=default,
                placeholder="requirements.txt",
                hint="Installs what the file lists and REMOVES everything else (uv pip sync).",
            ),
            self._sync_answered,
        )

    def _sync_answered(self, answer: str | None) -> None:
        if answer:
            self.request(lambda: ChangeRequest.sync(answer))

    def on_unmount(self) -> None:
        """A preview still waiting for uv ends with the app."""
        for worker in self._previews():
            worker.cancel()

    def _previews(self) -> list[Worker[None]]:
        """The preview workers (uv ``--dry-run``) still waiting for uv."""
        return [
            worker
            for worker in self.workers
            if worker.node is self
            and worker.group == "jobs-preview"
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]

    def cancel_preview(self) -> bool:
        """Stop a preview that is still waiting for uv (its uv ends with it); False when none was."""
        previews = self._previews()
        for worker in previews:
            worker.cancel()
        if previews:
            self.post_message(BusyEnded())
            self.notify("Preview cancelled: nothing was changed", timeout=3)
        return bool(previews)

    def cancel(self) -> None:
        """Cancel a preview still waiting for uv, else the running job (a second press does not
        wait for the grace period)."""
        if self.cancel_preview():
            return
        engine = self.engine
        running = engine.running()
        if not running:
            queued = engine.queued()
            if queued:
                engine.cancel(queued[-1])
                self.notify(f"Removed {queued[-1].describe()} from the queue", timeout=3)
            else:
                self.notify("No job is running (ctrl+q quits)", timeout=3)
            return
        for job in running:
            engine.cancel(job)
            self.notify(f"Cancelling {job.describe()}…", timeout=3)

    # ------------------------------------------------------------------ request → preview → confirm → queue

    def request(
        self,
        build: Build,
        *,
        notes: list[str] | None = None,
        listing: list[str] | None = None,
        retry: Callable[[], None] | None = None,
    ) -> None:
        """Validate (refusing bad input at once), then preview in a worker; ``retry`` asks again after a refusal."""
        try:
            request = build()
        except EnvtuiError as exc:
            self.notify(f"{exc.message}\n{exc.cause}" if exc.cause else exc.message, title="Not run", severity="error")
            if retry is not None:
                retry()
            return
        self._previewing = (request, retry)
        self.post_message(BusyStarted(f"previewing {request.describe()}"))
        self._preview(self.env, request, list(notes or []), list(listing or []))

    @work(thread=True, exclusive=True, exit_on_error=False, group="jobs-preview", description="Previewing the change")
    def _preview(self, env: Environment, request: ChangeRequest, notes: list[str], listing: list[str]) -> None:
        """Ask uv what the request would do (``--dry-run``); the confirm dialog shows it, with what
        the change breaks and what the hooks will do.

        Cancelling the worker (ctrl+c, Escape, a newer preview, quitting) stops uv within 50 ms.
        """
        worker = get_current_worker()
        result = preview(env, request, self.uv, run=_stopped_by(worker))
        from envtui.core.project.preview import ProjectPreview  # only a project's preview needs it (start-up)

        cautions = result.cautions if isinstance(result, ProjectPreview) else []
        notes = notes + cautions + breaking_notes(result, self.inventory, env)
        hooks, config_note = planned_hooks(self.engine.config)
        if config_note:
            notes.append(config_note)
        if not worker.is_cancelled:
            self.post_message(PreviewReady(request, result, notes, listing, hooks))

    @on(PreviewReady)
    def _preview_ready(self, message: PreviewReady) -> None:
        """Show the confirm dialog; Run queues the job (Run without hooks, the same job without them)."""

        def answered(choice: str | None) -> None:
            if choice == RUN:
                self.submit(message.request)
            elif choice == RUN_WITHOUT_HOOKS:
                self.submit(message.request.without_hooks())

        self.app.push_screen(
            ConfirmChangeScreen(
                message.request, message.preview, notes=message.notes, listing=message.listing, hooks=message.hooks
            ),
            answered,
        )

    @on(Worker.StateChanged)
    def _preview_state(self, event: Worker.StateChanged) -> None:
        """A preview that ended stops the spinner; one uv refused is kept (the runner says why)."""
        worker = event.worker
        if worker.group == "jobs-preview" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            self.post_message(BusyEnded())
            if event.state == WorkerState.ERROR and worker.description == "Previewing the change":
                self._preview_failed(worker.error)

    def _preview_failed(self, error: BaseException | None) -> None:
        """uv refused the change at the preview: its error goes to the log and the Jobs view, and the
        Install prompt comes back with what was typed (the notification alone is gone in seconds)."""
        request, retry = self._previewing
        if request is None:
            return
        self._previewing = (None, None)
        message = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
        lines = (list(error.details) if isinstance(error, EnvtuiError) else []) or [message]
        self.job_log.append("envtui", f"── {request.describe()}: refused at the preview, nothing changed ──")
        self.job_log.extend("stderr", lines)
        self.collapsed = False
        try:
            history.record_refused(
                env_key(self.env),
                request.kind,
                build_argv(self.uv, self.env, request, dry_run=True),
                f"{request.describe()} (preview)",
                message,
                lines,
            )
        except OSError:
            pass  # the log pane and the notification still say it
        self.post_message(self.HistoryChanged())
        if retry is not None:
            retry()

    # ------------------------------------------------------------------ snapshots: undo, redo, restore

    def restore(self, snapshot_id: str | None, mode: str | None) -> None:
        """Restore a snapshot (None: the one ``mode`` undo or redo picks): check, confirm, run a rollback job."""
        if not self.writable():
            return
        self.post_message(BusyStarted(busy_label(snapshot_id, mode)))
        self._check_restore(self.env, snapshot_id, mode)

    # The preview group: Escape and ctrl+c cancel it, and the spinner stops with it, as for a change.
    @work(thread=True, exclusive=True, exit_on_error=False, group="jobs-preview", description="Checking the snapshot")
    def _check_restore(self, env: Environment, snapshot_id: str | None, mode: str | None) -> None:
        """Pick the snapshot and check it with uv; cancelling stops uv within 50 ms, as for a preview."""
        worker = get_current_worker()
        found = check_restore(env, snapshot_id, mode, self.uv, _stopped_by(worker))
        if not worker.is_cancelled:
            self.post_message(found)

    @on(RestoreUnavailable)
    def _restore_unavailable(self, message: RestoreUnavailable) -> None:
        """Say there is nothing to undo or redo."""
        self.notify(message.text, timeout=4)

    @on(RestorePlanned)
    def _restore_planned(self, message: RestorePlanned) -> None:
        """Confirm with the difference, or say which lines cannot be had (and change nothing)."""
        plan = message.plan
        if not plan.restorable:
            title = f"Cannot restore snapshot {plan.snapshot.id}"
            self.notify(cannot_restore(plan), title=title, severity="error", timeout=15, markup=False)
            return
        if plan.unchanged:
            self.notify(f"The environment already matches snapshot {plan.snapshot.id}.", timeout=4)
            return

        def answered(run: bool | None) -> None:
            if not run:
                return
            try:
                request = rollback_request(self.env, message)
            except (OSError, EnvtuiError) as exc:
                self.notify(str(exc), title="Cannot restore", severity="error", markup=False)
                return
            self.submit(request)

        self.app.push_screen(ConfirmRestoreScreen(plan, message.mode), answered)


class PreviewCancelled(Exception):
    """The preview's worker was cancelled: uv is stopped and nothing is shown."""


def _stopped_by(worker: Worker[None]) -> Callable[[Sequence[str]], process.ProcessResult]:
    """How a preview runs uv: collecting its output, stopped within 50 ms once ``worker`` is cancelled."""

    def given_up() -> float:
        if worker.is_cancelled:
            raise PreviewCancelled
        return 0.05

    def run(argv: Sequence[str]) -> process.ProcessResult:
        return process.stream(argv, None, collect=True, tick=given_up)

    return run
