"""The confirm dialog of a change job: uv's ``--dry-run`` preview, then Run or Cancel."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.preview import Preview
from envtui.ui.text import plain


class ConfirmChangeScreen(ModalScreen[bool]):
    """Show what a job will add, remove and change; dismiss with True to run it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "run", "Run", tooltip="Run the job", id="confirm.run"),
        Binding("escape,n", "cancel", "Cancel", tooltip="Do nothing", id="confirm.cancel"),
    ]

    def __init__(
        self,
        request: ChangeRequest,
        preview: Preview,
        *,
        notes: list[str] | None = None,
        listing: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        """The change the user asked for."""
        self.preview = preview
        """What uv says it will do."""
        self.notes = list(notes or [])
        """Warnings (e.g. packages that require one being removed)."""
        self.listing = list(listing or [])
        """What was picked for the user (e.g. the outdated packages of "upgrade all")."""

    def compose(self) -> ComposeResult:
        """Title, warnings, the change list, a summary and the buttons."""
        with Vertical(id="confirm-box"):
            yield Static(plain(f"{self.request.describe()}?"), id="confirm-title")
            for line in self.listing:
                yield Static(plain(line), classes="confirm-listing")
            for note in self.notes:
                yield Static(plain(f"⚠ {note}"), classes="confirm-note")
            with VerticalScroll(id="confirm-changes"):
                yield Static(self._changes_text(), id="confirm-change-list")
            yield Static(f"uv --dry-run: {self.preview.summary()}", id="confirm-summary", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button("Run", id="confirm-run", variant="primary")

    def on_mount(self) -> None:
        """Focus Run, so enter runs the job."""
        self.query_one("#confirm-run", Button).focus()

    def _project_text(self) -> Text:
        """In a uv project: headed lists of what changes in pyproject.toml, uv.lock and the environment."""
        text = Text()
        manifest = list(getattr(self.preview, "manifest_changes", []))
        lock = [str(change).replace(" -> ", " → ") for change in getattr(self.preview, "lock_changes", [])]
        for title, lines in (("pyproject.toml", manifest), ("uv.lock", lock)):
            text.append(f"{title}\n", style="bold")
            text.append("\n".join(lines or ["unchanged"]) + "\n")
        text.append("environment\n", style="bold")
        return text

    def _changes_text(self) -> Text:
        if hasattr(self.preview, "lock_changes"):
            heads = self._project_text()
            if getattr(self.preview, "environment_unchanged", False):
                return heads.append("unchanged")
            return heads.append_text(self._environment_text())
        return self._environment_text()

    def _environment_text(self) -> Text:
        if self.preview.empty:
            return Text("Nothing would change.")
        variables = self.app.theme_variables
        colours = {
            "added": variables.get("success", "green"),
            "removed": variables.get("error", "red"),
            "changed": variables.get("warning", "yellow"),
            "reinstalled": variables.get("warning", "yellow"),
        }
        text = Text()
        for change in self.preview.changes:
            if change.kind == "added":
                line = f"+ {change.name} {change.new}"
            elif change.kind == "removed":
                line = f"- {change.name} {change.old}"
            elif change.kind == "reinstalled":
                line = f"~ {change.name} {change.new} (reinstalled)"
            else:
                line = f"~ {change.name} {change.old} → {change.new}"
            text.append_text(plain(line, style=colours[change.kind]))
            text.append("\n")
        text.rstrip()
        return text

    def action_run(self) -> None:
        """Run the job."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without running anything."""
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Handle Run and Cancel."""
        event.stop()
        self.dismiss(event.button.id == "confirm-run")
