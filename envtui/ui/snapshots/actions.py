"""Undo (``z``), redo (``Z``), the Snapshots view (``S``) and restoring a snapshot, on the main screen.

``SnapshotActions`` is mixed into the main screen beside ``JobActions``, whose API it uses
(``env``, ``uv``, ``jobs_submit``, ``jobs_spinner``, ``add_pane``, ``show_view``). Every restore
goes: pick the snapshot (``z``: the one before the last change still in effect, ``Z``: the
state that undo replaced, or Enter in the view) → check it in a worker (the environment frozen,
uv's ``--dry-run`` of the snapshot) → a dialog showing what would change, or the lines that
cannot be had (nothing runs then) → a rollback job, itself snapshotted first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import get_current_worker

from envtui.core import process
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.change import ChangeRequest
from envtui.core.snapshots.freeze import freeze
from envtui.core.snapshots.project import read_project_files
from envtui.core.snapshots.restore import plan_restore, undo_redo
from envtui.core.snapshots.store import SnapshotStore
from envtui.ui.jobs.actions import PreviewCancelled
from envtui.ui.jobs.messages import JobFinished
from envtui.ui.snapshots.confirm import ConfirmRestoreScreen
from envtui.ui.snapshots.messages import RestorePlanned, RestoreRequested, RestoreUnavailable
from envtui.ui.snapshots.view import SNAPSHOTS_PANE, SnapshotsView

_NOTHING = {
    "undo": "Nothing to undo: no change recorded since the oldest snapshot kept.",
    "redo": "Nothing to redo: z undoes a change, Z then brings it back.",
}


class SnapshotActions(Screen):
    """Mixin for the main screen: undo, redo, the Snapshots view and restoring a snapshot."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "z",
            "snapshots_undo",
            "Undo",
            show=False,
            tooltip="Undo the last change (restore the snapshot before it)",
            id="snapshots.undo",
        ),
        Binding(
            "Z",
            "snapshots_redo",
            "Redo",
            show=False,
            tooltip="Redo the change last undone",
            id="snapshots.redo",
        ),
        Binding(
            "S",
            "snapshots_view",
            "Snapshots",
            show=False,
            tooltip="Show the snapshots taken before each change",
            id="snapshots.view",
        ),
    ]

    def action_snapshots_undo(self) -> None:
        """Restore the snapshot taken before the last change still in effect (asks first)."""
        self._restore(None, "undo")

    def action_snapshots_redo(self) -> None:
        """Bring back the change last undone (asks first)."""
        self._restore(None, "redo")

    def action_snapshots_view(self) -> None:
        """Show the Snapshots view."""
        self.show_view(SNAPSHOTS_PANE)  # type: ignore[attr-defined]

    @on(RestoreRequested)
    def _restore_requested(self, message: RestoreRequested) -> None:
        """Enter on a snapshot in the view."""
        self._restore(message.snapshot_id, None)

    def _restore(self, snapshot_id: str | None, mode: str | None) -> None:
        if not self._writable():  # type: ignore[attr-defined]
            return
        what = {"undo": "finding the change to undo", "redo": "finding the change to redo"}.get(mode or "")
        self.jobs_spinner.start(what or f"checking snapshot {snapshot_id}")  # type: ignore[attr-defined]
        self._plan(self.env, snapshot_id, mode)  # type: ignore[attr-defined]

    # The preview group: Escape and ctrl+c cancel it, and the spinner stops with it, as for a change.
    @work(thread=True, exclusive=True, exit_on_error=False, group="jobs-preview", description="Checking the snapshot")
    def _plan(self, env: Environment, snapshot_id: str | None, mode: str | None) -> None:
        """Pick the snapshot and check it against the environment (uv's dry-run); posts what it found.

        Cancelling the worker (ctrl+c, Escape, quitting) stops uv within 50 ms, as for a preview.
        """
        worker = get_current_worker()

        def given_up() -> float:
            if worker.is_cancelled:
                raise PreviewCancelled
            return 0.05

        def run(argv: Sequence[str]) -> process.ProcessResult:
            return process.stream(argv, None, collect=True, tick=given_up)

        uv = getattr(self, "uv", None)
        store = SnapshotStore(env.path)
        current = freeze(env, uv, run=run).lines
        if snapshot_id is None:
            undo, redo = undo_redo(store.listing(), current, read_project_files(env.path))
            target = undo if mode == "undo" else redo
            if target is None:
                self.post_message(RestoreUnavailable(_NOTHING[mode or "undo"]))
                return
        else:
            target = store.load(snapshot_id)
        plan = plan_restore(env, target, store, uv=uv, run=run, current=current)
        if not worker.is_cancelled:
            self.post_message(RestorePlanned(plan, mode))

    @on(RestoreUnavailable)
    def _restore_unavailable(self, message: RestoreUnavailable) -> None:
        """Say there is nothing to undo or redo."""
        self.notify(message.text, timeout=4)

    @on(RestorePlanned)
    def _restore_planned(self, message: RestorePlanned) -> None:
        """Confirm with the difference, or say which lines cannot be had (and change nothing)."""
        plan = message.plan
        snapshot = plan.snapshot
        if not plan.restorable:
            text = Text("The environment was not changed. These lines cannot be had:\n")
            for problem in plan.problems[:8]:
                text.append(f"{problem.line}: {problem.reason}\n")
            if len(plan.problems) > 8:
                text.append(f"… and {len(plan.problems) - 8} more\n")
            text.rstrip()
            self.notify(
                str(text), title=f"Cannot restore snapshot {snapshot.id}", severity="error", timeout=15, markup=False
            )
            return
        if plan.unchanged:
            self.notify(f"The environment already matches snapshot {snapshot.id}.", timeout=4)
            return

        def answered(run: bool | None) -> None:
            if run:
                self._submit_restore(message)

        self.app.push_screen(ConfirmRestoreScreen(plan, message.mode), answered)

    def _submit_restore(self, message: RestorePlanned) -> None:
        """Queue the rollback job: ``uv pip sync`` of the snapshot's freeze, written to the store."""
        plan = message.plan
        try:
            path = SnapshotStore(self.env.path).write_requirements(plan.snapshot)  # type: ignore[attr-defined]
            request = ChangeRequest.rollback(plan.snapshot.id, path, reinstall=plan.reinstall, mode=message.mode)
        except (OSError, EnvtuiError) as exc:
            self.notify(str(exc), title="Cannot restore", severity="error", markup=False)
            return
        self.jobs_submit(request)  # type: ignore[attr-defined]

    @on(JobFinished)
    def _snapshots_job_finished(self) -> None:
        """A job ended (and left a snapshot): the Snapshots view, when on screen, lists it."""
        for view in self.query(SnapshotsView):
            if view.display:
                view.refresh_snapshots()


def install_snapshots(screen: Screen) -> SnapshotsView:
    """Add the Snapshots pane to the main screen; it reads the snapshots each time it is shown."""
    env = screen.env  # type: ignore[attr-defined]
    view = SnapshotsView(str(env.path.resolve()))
    view.display = False  # a pane mounted after the switcher started is shown only when chosen
    screen.add_pane(SNAPSHOTS_PANE, "Snapshots", view, on_show=view.refresh_snapshots)  # type: ignore[attr-defined]
    return view
