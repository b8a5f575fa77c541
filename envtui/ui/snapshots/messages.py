"""What the snapshot workers and the Snapshots view tell the screen."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from envtui.core.snapshots.diff import SetDiff
from envtui.core.snapshots.model import Snapshot
from envtui.core.snapshots.restore import RestorePlan


@dataclass
class SnapshotRow:
    """One snapshot as the view lists it: with its job's outcome and what differs from now."""

    snapshot: Snapshot
    outcome: str | None
    """The status of the job that followed it (None when the history has no record)."""
    against_now: SetDiff
    """From what is installed now to the snapshot: what restoring it would change."""


@dataclass
class SnapshotsLoaded(Message):
    """The snapshots of an environment were read (and each compared with now)."""

    env_path: str
    rows: list[SnapshotRow]
    problems: list[str] = field(default_factory=list)
    """Snapshot files that could not be read (skipped)."""


@dataclass
class RestoreRequested(Message):
    """The user asked to restore a snapshot (the Snapshots view's Enter)."""

    snapshot_id: str


@dataclass
class RestorePlanned(Message):
    """A restore was checked against the environment (uv's dry-run): confirm it, or say why not."""

    plan: RestorePlan
    mode: str | None
    """``undo``, ``redo`` or None (a snapshot chosen in the view)."""


@dataclass
class RestoreUnavailable(Message):
    """Nothing to undo or redo, said in one line."""

    text: str
