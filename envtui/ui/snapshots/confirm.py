"""The confirm dialog of a rollback: which snapshot, and what restoring it changes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from envtui.core.snapshots.restore import RestorePlan
from envtui.ui.text import change_lines, short_time

_TITLES = {"undo": "Undo the last change", "redo": "Redo the change undone", None: "Restore a snapshot"}


class ConfirmRestoreScreen(ModalScreen[bool]):
    """Show the snapshot and the difference restoring it makes; dismiss with True to run the rollback."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "run", "Restore", tooltip="Run the rollback job", id="restore.run"),
        Binding("escape,n", "cancel", "Cancel", tooltip="Do nothing", id="restore.cancel"),
    ]

    def __init__(self, plan: RestorePlan, mode: str | None = None) -> None:
        super().__init__()
        self.plan = plan
        """The checked restore: the snapshot, and the difference from now."""
        self.mode = mode
        """``undo``, ``redo`` or None."""

    def compose(self) -> ComposeResult:
        """Title, the snapshot, the difference, a summary and the buttons."""
        snapshot = self.plan.snapshot
        with Vertical(id="restore-box"):
            yield Static(f"{_TITLES.get(self.mode, _TITLES[None])}?", id="restore-title", markup=False)
            about = Text(f"snapshot {snapshot.id}, taken {short_time(snapshot.time)}: ")
            about.append(snapshot.reason)
            yield Static(about, id="restore-about")
            with VerticalScroll(id="restore-changes"):
                yield Static(change_lines(self.plan.diff.changes, self.app.theme_variables), id="restore-change-list")
            if self.plan.files:
                yield Static(
                    f"also restores {' and '.join(self.plan.files)} as the snapshot kept them",
                    id="restore-files",
                    markup=False,
                )
            yield Static(
                f"{self.plan.diff.summary()} · checked with uv --dry-run · the rollback is snapshotted first",
                id="restore-summary",
                markup=False,
            )
            with Horizontal(id="restore-buttons"):
                yield Button("Cancel", id="restore-cancel")
                yield Button("Restore", id="restore-run", variant="primary")

    def on_mount(self) -> None:
        """Focus Restore, so Enter runs it."""
        self.query_one("#restore-run", Button).focus()

    def action_run(self) -> None:
        """Run the rollback."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Handle Restore and Cancel."""
        event.stop()
        self.dismiss(event.button.id == "restore-run")
