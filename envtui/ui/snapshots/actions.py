"""Undo (``z``), redo (``Z``) and restoring a snapshot: the steps the job pane takes for them.

Every restore goes: pick the snapshot (``z``: the one before the last change still in effect,
``Z``: the state that undo replaced, or Enter in the Snapshots view) → check it in a worker (the
environment frozen, uv's ``--dry-run`` of the snapshot) → a dialog showing what would change, or
the lines that cannot be had (nothing runs then) → a rollback job, itself snapshotted first. The
job pane (``envtui.ui.jobs.actions``) runs the worker, the dialog and the job, as for every
change; what is particular to snapshots is here.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding, BindingType

from envtui.core.env.environment import Environment
from envtui.core.jobs.change import ChangeRequest
from envtui.core.process import Runner
from envtui.core.snapshots.freeze import freeze
from envtui.core.snapshots.project import read_project_files
from envtui.core.snapshots.restore import RestorePlan, plan_restore, undo_redo
from envtui.core.snapshots.store import SnapshotStore
from envtui.core.uv import Uv
from envtui.ui.snapshots.messages import RestorePlanned, RestoreUnavailable

#: The keys that restore, bound on the main screen (the Snapshots view's is in ``envtui.ui.views``).
SNAPSHOT_BINDINGS: list[BindingType] = [
    Binding(
        "z",
        "snapshots_undo",
        "Undo",
        show=False,
        tooltip="Undo the last change (restore the snapshot before it)",
        id="snapshots.undo",
    ),
    Binding("Z", "snapshots_redo", "Redo", show=False, tooltip="Redo the change last undone", id="snapshots.redo"),
]

_NOTHING = {
    "undo": "Nothing to undo: no change recorded since the oldest snapshot kept.",
    "redo": "Nothing to redo: z undoes a change, Z then brings it back.",
}


def busy_label(snapshot_id: str | None, mode: str | None) -> str:
    """What the spinner says while the restore is checked."""
    what = {"undo": "finding the change to undo", "redo": "finding the change to redo"}.get(mode or "")
    return what or f"checking snapshot {snapshot_id}"


def check_restore(
    env: Environment, snapshot_id: str | None, mode: str | None, uv: Uv, run: Runner
) -> RestorePlanned | RestoreUnavailable:
    """Pick the snapshot (``snapshot_id``, or the one ``mode`` undo/redo picks) and check it against
    the environment (uv's dry-run). Blocking: a worker calls it."""
    store = SnapshotStore(env.path)
    current = freeze(env, uv, run=run).lines
    if snapshot_id is None:
        undo, redo = undo_redo(store.listing(), current, read_project_files(env.path))
        target = undo if mode == "undo" else redo
        if target is None:
            return RestoreUnavailable(_NOTHING[mode or "undo"])
    else:
        target = store.load(snapshot_id)
    return RestorePlanned(plan_restore(env, target, store, uv=uv, run=run, current=current), mode)


def cannot_restore(plan: RestorePlan) -> str:
    """Why nothing ran: the lines of the snapshot that cannot be had."""
    text = Text("The environment was not changed. These lines cannot be had:\n")
    for problem in plan.problems[:8]:
        text.append(f"{problem.line}: {problem.reason}\n")
    if len(plan.problems) > 8:
        text.append(f"… and {len(plan.problems) - 8} more\n")
    text.rstrip()
    return str(text)


def rollback_request(env: Environment, message: RestorePlanned) -> ChangeRequest:
    """The rollback job: ``uv pip sync`` of the snapshot's freeze, written to the store (OSError, EnvtuiError)."""
    plan = message.plan
    path = SnapshotStore(env.path).write_requirements(plan.snapshot)
    return ChangeRequest.rollback(plan.snapshot.id, path, reinstall=plan.reinstall, mode=message.mode)
